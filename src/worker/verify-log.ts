/**
 * Template-hash verification and extend values of a whole log, spread over the pool in
 * ranges: the `precomputed` work analyze() then takes instead of hashing a million entries
 * on the session's thread.
 *
 *   settle the digest column's bank (here, cheap) → ranges of RANGE_ENTRIES entries, sliced
 *   only when dispatched, at most two per worker outstanding → each answers the range's flags
 *   and, per bank to replay, the range's extend values under the kernel's default reading →
 *   merged into the log's flags and whole-log columns → summary from the flags
 *   (summarizeTemplateHashes), columns keyed by extendValuesKey.
 *
 * Extend values rather than template digests, because they are what the replay reads: with
 * them in its cache the analysis neither copies the recorded column nor copies a digest
 * column to patch violations in, which at a million entries is ~50 MiB less at the moment
 * memory peaks. (Other readings, tried only when the default one matches nothing, are
 * computed by the analysis itself.)
 *
 * The result equals verifyTemplateHashes plus computeExtendValues over the whole log (the
 * tests compare them). Between results the session's thread is free: row requests are served
 * while the log is verified, and flags already merged show in the rows.
 */
import { defaultHypothesis } from '../core/analysis/check-pcrs';
import type { Precomputed } from '../core/analysis/analysis-types';
import { digestSize, hashAlgorithmsOfSize, type HashAlgorithm } from '../core/hash/hash-algorithm';
import type { HashProvider } from '../core/hash/hash-provider';
import { verifyTemplateHashes } from '../core/ima/template-digests';
import { summarizeTemplateHashes } from '../core/ima/verify-range';
import type { ImaLog } from '../core/model/ima-log';
import { extendValuesKey } from '../core/replay/extend-values';
import { outputOfRange, sliceLogRange } from './log-range';
import type { VerifyPool } from './verify-pool';

/** Entries per pool task: ~2 MB of a typical list, so progress is smooth and copies small. */
export const RANGE_ENTRIES = 16_384;
/** Range buffers are made this much larger than the first range needing them, so later ones fit. */
const RANGE_BUFFER_SLACK = 1.25;
/** The head of the list that settles a 32-byte column's bank (sha256 or sm3) by hashing. */
const BANK_HEAD_ENTRIES = 4096;
/** Entries verifyTemplateHashes probes to settle the bank (template-digests.ts BANK_PROBES). */
const BANK_PROBES = 16;

/**
 * The banks whose extend values to precompute for an analysis asked to replay `banks`:
 * those, or analyze()'s default sha1 and sha256 (banks implied only by a PCR file or quote
 * of another bank are left to the analysis).
 */
export function replayBanks(banks: readonly HashAlgorithm[] | undefined): readonly HashAlgorithm[] {
  return banks !== undefined && banks.length > 0 ? banks : ['sha1', 'sha256'];
}

export interface VerifyLogOptions {
  /** Banks whose extend values (default hypothesis) the replay will want. */
  readonly banks: readonly HashAlgorithm[];
  /** After each merged range: entries verified so far. */
  readonly onProgress?: (entries: number) => void;
  readonly signal?: AbortSignal;
  /** Entries per task (default RANGE_ENTRIES; tests use small ones to cross range boundaries). */
  readonly rangeEntries?: number;
}

/**
 * The bank of the digest column. Only a 32-byte column is ambiguous; verifyTemplateHashes
 * tells sha256 from sm3 by hashing its first checkable entries, so a head holding enough of
 * them decides as the whole list would; otherwise the whole list is asked (rare: a list
 * whose first thousands of entries are violations or undecodable ASCII lines).
 */
export function settleDigestBank(log: ImaLog, provider: HashProvider): HashAlgorithm | undefined {
  const candidates = hashAlgorithmsOfSize(log.digestSize);
  if (candidates.length <= 1) return candidates[0];
  const n = log.entries.length;
  const headRange = sliceLogRange(log, 0, Math.min(n, BANK_HEAD_ENTRIES));
  const head = verifyTemplateHashes(headRange, provider);
  if (head.checked >= BANK_PROBES || n <= BANK_HEAD_ENTRIES) return head.digestBank;
  return verifyTemplateHashes(log, provider).digestBank;
}

export async function verifyLogInPool(
  log: ImaLog,
  pool: VerifyPool,
  provider: HashProvider,
  options: VerifyLogOptions,
): Promise<Required<Precomputed>> {
  const bank = settleDigestBank(log, provider);
  log.digestBank = bank;
  const banks = [...new Set(options.banks)];
  const n = log.entries.length;
  const columns = new Map(banks.map((alg) => [alg, new Uint8Array(n * digestSize(alg))]));
  let entriesDone = 0;
  // Range buffers come back with the results and carry the next ranges: no garbage per range.
  const spare: ArrayBuffer[] = [];
  const allocate = (bytes: number): ArrayBuffer => {
    const k = spare.findIndex((b) => b.byteLength >= bytes);
    return k >= 0 ? spare.splice(k, 1)[0] : new ArrayBuffer(Math.ceil(bytes * RANGE_BUFFER_SLACK));
  };

  const runRange = async (start: number, end: number): Promise<void> => {
    const outputBytes = (end - start) * banks.reduce((sum, alg) => sum + digestSize(alg), 0);
    const result = await pool.run(() => {
      const range = sliceLogRange(log, start, end, allocate, outputBytes);
      return { kind: 'verify', range, banks, out: outputOfRange(range, outputBytes) };
    });
    if (result.kind !== 'verify') throw new Error('unreachable: a verify task answered otherwise');
    log.entries.flags.set(result.flags, start);
    for (const alg of banks) {
      const part = result.values.find((v) => v.bank === alg);
      // No hasher for a bank in the workers: leave its values to the analysis.
      if (part === undefined) columns.delete(alg);
      else columns.get(alg)?.set(part.values, start * digestSize(alg));
    }
    if (result.flags.buffer instanceof ArrayBuffer) spare.push(result.flags.buffer);
    entriesDone += end - start;
    options.onProgress?.(entriesDone);
  };

  const rangeEntries = options.rangeEntries ?? RANGE_ENTRIES;
  const limit = 2 * pool.size;
  const outstanding = new Set<Promise<void>>();
  for (let start = 0; start < n || outstanding.size > 0; ) {
    while (start < n && outstanding.size < limit) {
      const end = Math.min(n, start + rangeEntries);
      const task: Promise<void> = runRange(start, end).finally(() => outstanding.delete(task));
      // The race below reports a failure; the ranges still running when it does are dropped.
      task.catch(() => undefined);
      outstanding.add(task);
      start = end;
    }
    await Promise.race(outstanding);
    if (options.signal?.aborted === true) throw new Error('Cancelled');
  }
  const hypothesis = defaultHypothesis(log);
  return {
    templateHashes: summarizeTemplateHashes(log, bank),
    digestColumns: new Map(
      [...columns].map(([alg, values]) => [extendValuesKey(alg, hypothesis), values]),
    ),
  };
}
