// The bounded fuzz run of `npm test` (the longer one: `npm run fuzz`). Seed and sizes fixed,
// so a failure here reproduces with `npm run fuzz -- --seed 1 --iterations N`.
import { beforeAll, describe, expect, it } from 'vitest';
import { createWasmHashProvider, type HashProvider } from '../hash/hash-provider';
import { loadFuzzCorpus, type Seed } from './fuzz-corpus';
import { runFuzz, truncateEverywhere, type FuzzStats } from './run-fuzz';

let provider: HashProvider;
let corpus: Seed[];
beforeAll(async () => {
  provider = await createWasmHashProvider();
  corpus = loadFuzzCorpus(provider);
});

describe('fuzz (bounded)', () => {
  it('mutated inputs, alone and combined: no throw, offsets on every error, entries before the damage kept, same report twice', async () => {
    const stats = await runFuzz({ seed: 1, iterations: 600, corpus, provider });
    expect(stats.failures).toEqual([]);
    expect(stats.runs).toBe(600);
  });

  it('small inputs truncated at every offset', async () => {
    const stats: FuzzStats = { runs: 0, failures: [] };
    const small = corpus.filter((s) => s.bytes.length <= 700);
    expect(small.length).toBeGreaterThan(10);
    for (const seed of small) await truncateEverywhere(provider, seed, stats);
    expect(stats.failures).toEqual([]);
  });
});
