/**
 * The fuzz loop: mutated seeds, alone and in combinations, through `analyzeRaw` (every parser
 * the CLI can be handed, by content and with the seed's kind forced), checking that
 *   - nothing throws;
 *   - every parse error carries a byte offset inside the input;
 *   - an IMA list keeps every entry that lies wholly before the first damaged byte;
 *   - the same input gives the same report.
 * Iteration i draws from xorshift32(mix(seed, i)), so any failure reproduces from its seed and
 * iteration alone.
 */
import type { HashProvider } from '../hash/hash-provider';
import { analyzeRaw } from '../analysis/analyze';
import type { RawInput } from '../analysis/analysis-types';
import { readFirmwareLog } from '../inputs/tcg-eventlog';
import { parseImaLog } from '../ima/parse-ima-log';
import type { ImaLog } from '../model/ima-log';
import type { Report } from '../report/report';
import { xorshift32 } from '../testing/xorshift';
import { bytesEqual } from '../util/bytes';
import type { Seed } from './fuzz-corpus';
import { mutate, truncate, type Mutation, type Rng } from './mutate';

export interface FuzzFailure {
  readonly iteration: number;
  readonly inputs: string;
  readonly problem: string;
}

export interface FuzzStats {
  /** Inputs analysed (each analysis of a combination counts once). */
  runs: number;
  readonly failures: FuzzFailure[];
}

export interface FuzzOptions {
  readonly seed: number;
  readonly iterations: number;
  readonly corpus: readonly Seed[];
  readonly provider: HashProvider;
  /** Analyse every `determinismEvery`-th input twice and compare (default 4). */
  readonly determinismEvery?: number;
}

const MAX_FAILURES = 50;

function rngFor(seed: number, iteration: number): Rng {
  return xorshift32(Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(iteration + 1, 0xc2b2ae35));
}

export async function runFuzz(options: FuzzOptions): Promise<FuzzStats> {
  const stats: FuzzStats = { runs: 0, failures: [] };
  const every = options.determinismEvery ?? 4;
  const { corpus } = options;
  for (let i = 0; i < options.iterations && stats.failures.length < MAX_FAILURES; i++) {
    const rng = rngFor(options.seed, i);
    const combine = rng() % 4 === 0;
    const picks = combine ? [0, 1, 2].slice(0, 2 + (rng() % 2)).map(() => corpus[rng() % corpus.length]) : [corpus[rng() % corpus.length]];
    const mutations = picks.map((s) => (combine && rng() % 2 === 0 ? { bytes: s.bytes, at: s.bytes.length, what: 'as is' } : mutate(rng, s.bytes, s.lengthOffsets)));
    const force = !combine && rng() % 2 === 0;
    const problems = await checkInputs(options.provider, picks, mutations, force, i % every === 0);
    stats.runs++;
    for (const problem of problems) {
      stats.failures.push({ iteration: i, inputs: picks.map((s, k) => `${s.name}: ${mutations[k].what}`).join(' + '), problem });
    }
  }
  return stats;
}

/** Every prefix of `seed` (every length from 0 to its size) through the same checks. */
export async function truncateEverywhere(provider: HashProvider, seed: Seed, stats: FuzzStats): Promise<void> {
  for (let n = 0; n <= seed.bytes.length; n++) {
    const m = truncate(seed.bytes, n);
    for (const problem of await checkInputs(provider, [seed], [m], false, false)) {
      stats.failures.push({ iteration: -1, inputs: `${seed.name}: ${m.what}`, problem });
    }
    stats.runs++;
  }
}

async function checkInputs(
  provider: HashProvider,
  seeds: readonly Seed[],
  mutations: readonly Mutation[],
  forceKind: boolean,
  twice: boolean,
): Promise<string[]> {
  const raw: RawInput[] = seeds.map((s, k) => ({ name: `in${k}`, bytes: mutations[k].bytes, ...(forceKind && s.kind !== undefined ? { kind: s.kind } : {}) }));
  const problems: string[] = [];
  let report: Report;
  try {
    report = (await analyzeRaw(raw, {}, provider)).report;
    if (twice) {
      const again = (await analyzeRaw(raw, {}, provider)).report;
      if (JSON.stringify(again) !== JSON.stringify(report)) problems.push('the same input gave another report');
    }
  } catch (e) {
    return [`analyze threw: ${describeError(e)}`];
  }
  // The analysed list may be any input that holds one (a Keylime response carries a list too),
  // and the report does not say which: an offset must at least lie inside the largest input.
  const logSize = Math.max(0, ...report.inputs.map((x) => x.size));
  for (const err of report.log?.errors ?? []) {
    if (!Number.isInteger(err.offset) || err.offset < 0 || err.offset > logSize) problems.push(`parse error without a byte offset in the input: ${JSON.stringify(err)}`);
  }
  for (const f of report.findings) {
    if (f.code === 'parse-error' && !/at byte offset \d+/i.test(f.message)) problems.push(`parse-error finding without an offset: ${f.message}`);
  }
  seeds.forEach((s, k) => {
    try {
      const problem = checkSeedParse(s, mutations[k]);
      if (problem !== undefined) problems.push(problem);
    } catch (e) {
      problems.push(`parser threw on ${s.name}: ${describeError(e)}`);
    }
  });
  return problems;
}

/** Parser-level properties of one mutated seed, by the seed's own format. */
function checkSeedParse(seed: Seed, m: Mutation): string | undefined {
  if (seed.imaLog !== undefined) {
    const log = parseImaLog(m.bytes, { format: seed.imaLog.format });
    for (const err of log.errors) {
      if (!Number.isInteger(err.offset) || err.offset < 0 || err.offset > m.bytes.length) return `IMA parse error without an offset: ${err.message}`;
    }
    return keptBeforeDamage(seed.imaLog, log, m.at);
  }
  if (seed.kind === 'tcg-eventlog') {
    const { log: fw } = readFirmwareLog(m.bytes);
    for (const err of fw.errors) {
      if (!Number.isInteger(err.offset) || err.offset < 0 || err.offset > m.bytes.length) return `event-log error without an offset: ${err.message}`;
    }
  }
  return undefined;
}

/** The entries of `seed` that end at or before byte `at` must be in `log`, unchanged. */
function keptBeforeDamage(seed: ImaLog, log: ImaLog, at: number): string | undefined {
  const e = seed.entries;
  const endOf = (i: number): number => (seed.format === 'binary' ? e.entryOffset[i] + e.entrySize[i] : i + 1 < e.length ? e.sourceOffset[i + 1] : seed.sourceSize);
  let k = 0;
  while (k < e.length && endOf(k) <= at) k++;
  if (log.entries.length < k) return `only ${log.entries.length} of the ${k} entries before the damage at byte ${at} kept`;
  for (let j = 0; j < k; j++) {
    const a = seed.data.subarray(e.entryOffset[j], e.entryOffset[j] + e.entrySize[j]);
    const o = log.entries.entryOffset[j];
    if (!bytesEqual(a, log.data.subarray(o, o + log.entries.entrySize[j]))) return `entry #${j}, before the damage at byte ${at}, changed`;
  }
  return undefined;
}

function describeError(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message} ${(e.stack ?? '').split('\n').slice(1, 3).join(' ').trim()}`;
  return String(e);
}
