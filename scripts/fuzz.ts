// `npm run fuzz -- [--seed N] [--iterations N]` (or FUZZ_SEED / FUZZ_ITERATIONS): the long
// run of the fuzz suite in src/core/fuzz, with the figures printed. Exit 1 when anything failed.
import { createWasmHashProvider } from '../src/core/hash/hash-provider';
import { loadFuzzCorpus } from '../src/core/fuzz/fuzz-corpus';
import { runFuzz, truncateEverywhere, type FuzzStats } from '../src/core/fuzz/run-fuzz';

function option(name: string, env: string, fallback: number): number {
  const k = process.argv.indexOf(`--${name}`);
  const text = k >= 0 ? process.argv[k + 1] : process.env[env];
  const value = text === undefined ? fallback : Number(text);
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be a whole number, not ${text}`);
  return value;
}

const seed = option('seed', 'FUZZ_SEED', Date.now() % 1_000_000);
const iterations = option('iterations', 'FUZZ_ITERATIONS', 20_000);
const provider = await createWasmHashProvider();
const corpus = loadFuzzCorpus(provider);
const started = Date.now();
const stats = await runFuzz({ seed, iterations, corpus, provider });
const truncation: FuzzStats = { runs: 0, failures: [] };
if (process.argv.includes('--truncate-all')) for (const s of corpus) await truncateEverywhere(provider, s, truncation);
const seconds = ((Date.now() - started) / 1000).toFixed(1);
const failures = [...stats.failures, ...truncation.failures];
process.stdout.write(`fuzz seed ${seed}: ${stats.runs + truncation.runs} inputs (${corpus.length} seeds) in ${seconds} s, ${failures.length} failures\n`);
for (const f of failures) process.stdout.write(`  iteration ${f.iteration}: ${f.inputs}\n    ${f.problem}\n`);
process.exit(failures.length > 0 ? 1 : 0);
