/**
 * Template-hash verification of a whole log, spread over the pool in ranges: the
 * `precomputed` work analyze() then takes instead of hashing a million entries on the
 * session's thread.
 *
 *   settle the digest column's bank (here, cheap) → ranges of RANGE_ENTRIES entries, sliced
 *   only when dispatched, at most two per worker outstanding → each answers the range's
 *   flags → merged into the log's flags → summary from the flags (summarizeTemplateHashes).
 *
 * With no pool workers, or when told to (2 cores: the one pool worker fingerprints the file
 * meanwhile), the same ranges are verified in place instead, without slicing copies
 * (verifyInPlace).
 *
 * The result equals verifyTemplateHashes over the whole log (the tests compare them).
 * Between results, or slices in place, the session's thread is free: row requests are served
 * while the log is verified, and flags already set show in the rows.
 */
import { hashAlgorithmsOfSize, type HashAlgorithm } from '../core/hash/hash-algorithm';
import type { Hasher, HashProvider } from '../core/hash/hash-provider';
import { verifyTemplateHashes, type TemplateHashSummary } from '../core/ima/template-digests';
import { summarizeTemplateHashes, verifyTemplateHashRange } from '../core/ima/verify-range';
import type { ImaLog } from '../core/model/ima-log';
import { sliceLogRange } from './log-range';
import type { VerifyPool } from './verify-pool';
import { timeSlices } from './event-loop';

/** Entries per pool task: ~0.5 MB of a typical list, so progress is smooth and the ranges in flight take little memory. */
export const RANGE_ENTRIES = 4096;
/** Range buffers are made this much larger than the first range needing them, so later ones fit. */
const RANGE_BUFFER_SLACK = 1.25;
/** Longest run of verification on this thread between two turns of the event loop. */
const IN_PLACE_SLICE_MS = 20;
/** The head of the list that settles a 32-byte column's bank (sha256 or sm3) by hashing. */
const BANK_HEAD_ENTRIES = 4096;
/** Entries verifyTemplateHashes probes to settle the bank (template-digests.ts BANK_PROBES). */
const BANK_PROBES = 16;

export interface VerifyLogOptions {
  /** After each merged range: entries verified so far. */
  readonly onProgress?: (entries: number) => void;
  readonly signal?: AbortSignal;
  /** Entries per task (default RANGE_ENTRIES; tests use small ones to cross range boundaries). */
  readonly rangeEntries?: number;
  /** Verify on this thread even if the pool has workers (they are busy with other work). */
  readonly inPlace?: boolean;
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

/**
 * With no pool workers, or with `inPlace`, the ranges are verified where the log is, on this
 * thread, with no copies, a turn of the event loop every IN_PLACE_SLICE_MS.
 */
async function verifyInPlace(log: ImaLog, hasher: Hasher | undefined, options: VerifyLogOptions): Promise<void> {
  const n = log.entries.length;
  const rangeEntries = options.rangeEntries ?? RANGE_ENTRIES;
  const pause = timeSlices(IN_PLACE_SLICE_MS);
  for (let start = 0; start < n; ) {
    const end = Math.min(n, start + rangeEntries);
    verifyTemplateHashRange(log, hasher, start, end);
    options.onProgress?.(end);
    start = end;
    await pause();
    if (options.signal?.aborted === true) throw new Error('Cancelled');
  }
}

export async function verifyLogInPool(
  log: ImaLog,
  pool: VerifyPool,
  provider: HashProvider,
  options: VerifyLogOptions,
): Promise<{ readonly templateHashes: TemplateHashSummary }> {
  const bank = settleDigestBank(log, provider);
  log.digestBank = bank;
  if (pool.inProcess || options.inPlace === true) {
    await verifyInPlace(log, bank === undefined ? undefined : provider.get(bank), options);
    return { templateHashes: summarizeTemplateHashes(log, bank) };
  }
  const n = log.entries.length;
  let entriesDone = 0;
  // Range buffers come back with the results and carry the next ranges: no garbage per range.
  const spare: ArrayBuffer[] = [];
  const allocate = (bytes: number): ArrayBuffer => {
    const k = spare.findIndex((b) => b.byteLength >= bytes);
    return k >= 0 ? spare.splice(k, 1)[0] : new ArrayBuffer(Math.ceil(bytes * RANGE_BUFFER_SLACK));
  };

  const runRange = async (start: number, end: number): Promise<void> => {
    const result = await pool.run(() => ({ kind: 'verify', range: sliceLogRange(log, start, end, allocate) }));
    if (result.kind !== 'verify') throw new Error('unreachable: a verify task answered otherwise');
    log.entries.flags.set(result.flags, start);
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
  return { templateHashes: summarizeTemplateHashes(log, bank) };
}
