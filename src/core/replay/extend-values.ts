/**
 * The value each IMA entry extends into one PCR bank, under one hypothesis about the kernel
 * that wrote the log (ima-format.md §5.2):
 *
 * - `per-bank` (kernels 5.8+): the bank's own template hash, recomputed from the template
 *   data; for the bank of the list's digest column, the recorded digest itself (that is what
 *   the kernel extended, even when the template data was tampered with afterwards).
 * - `padded-sha1` (kernels 5.1–5.7, and 4.11–5.0 TPM 2.0 drivers): the SHA-1 template
 *   digest, zero-padded (or truncated) to the bank's size.
 *
 * Violations (all-zero recorded digest) are not hashed: the kernel extends 0xFF of the bank
 * size (5.8+) or 0xFF×20 then zeros (padded); a broken verifier may extend zeros instead,
 * which the `violations: 'zero'` hypothesis reproduces.
 */
import { digestSize, type HashAlgorithm } from '../hash/hash-algorithm';
import type { Hasher, HashProvider } from '../hash/hash-provider';
import { EntryFlag, readEntrySpan, type ByteOrder, type ImaLog } from '../model/ima-log';
import type { Hypothesis } from '../report/report';
import { writeTemplateDigests } from '../ima/template-digests';

/**
 * The extend values of one bank under one hypothesis, read block by block: a million
 * entries' values would take 20–64 bytes each in memory, so unless a caller already holds the
 * whole column (the CLI's threads compute it), each block is made when the replay asks for
 * it, from the recorded digests or by hashing the template data, into a reused buffer.
 */
export interface ExtendValues {
  readonly bank: HashAlgorithm;
  readonly size: number;
  /**
   * The values of entries [start, end): entry i at (i − start) × size. The answer may be a
   * buffer the next call overwrites.
   */
  readonly read: (start: number, end: number) => Uint8Array;
  /**
   * When already computed (`computeRunningValues`, e.g. on another thread): each entry's PCR
   * value right after that entry, so that replaying copies instead of hashing.
   */
  readonly running?: Uint8Array;
}

function opposite(order: ByteOrder): ByteOrder {
  return order === 'little' ? 'big' : 'little';
}

/**
 * Byte order of each entry's length words when hashing: the list's order, flipped for
 * entries that verified only in the opposite order, and flipped list-wide when the
 * hypothesis says the list was written in the other order.
 */
function byteOrderOf(log: ImaLog, listOrder: ByteOrder): (i: number) => ByteOrder {
  const flags = log.entries.flags;
  const flipped = opposite(listOrder);
  return (i) => ((flags[i] & EntryFlag.OppositeByteOrder) !== 0 ? flipped : listOrder);
}

/**
 * Turns `listOrder`, digests of entries [start, end) in a bank other than the list's hashed in
 * the list's byte order (e.g. by threads, before verification flagged any entry), into the
 * kernel's digests under the default hypothesis: entries that verified only in the opposite
 * order are re-hashed that way, in place.
 */
export function rehashOppositeOrder(
  log: ImaLog,
  hasher: Hasher,
  listOrder: Uint8Array,
  start: number,
  end: number,
): void {
  const flags = log.entries.flags;
  const orderOf = byteOrderOf(log, log.byteOrder);
  for (let i = start; i < end; i++) {
    if ((flags[i] & EntryFlag.OppositeByteOrder) === 0) continue;
    writeTemplateDigests(log, hasher, i, i + 1, listOrder, i * hasher.size, orderOf);
  }
}

/** The recorded digests of entries [start, end) into `out`: what the kernel extended into the list's bank. */
function copyRecordedDigests(log: ImaLog, start: number, end: number, out: Uint8Array): void {
  const size = log.digestSize;
  const { entryOffset } = log.entries;
  const shift = readEntrySpan(log, start, end);
  const data = log.bytes.bytes;
  // A byte loop: a subarray per entry would be a million objects of garbage.
  for (let i = start, o = 0; i < end; i++) {
    const at = entryOffset[i] + 4 + shift;
    for (let k = 0; k < size; k++) out[o++] = data[at + k];
  }
}

/** Key of a whole column of the extend values of `bank` under `hypothesis` (computeExtendValues' `columns`). */
export function extendValuesKey(bank: HashAlgorithm, hypothesis: Hypothesis): string {
  return `values/${bank}/${hypothesis.extend}/${hypothesis.violations}/${hypothesis.byteOrder}`;
}

/**
 * Cache key of a running-values column (`ExtendValues.running`) of `bank` under `hypothesis`,
 * which callers that computed it put in the same map as the extend-value columns.
 */
export function runningValuesKey(bank: HashAlgorithm, hypothesis: Hypothesis): string {
  return `running/${bank}/${hypothesis.extend}/${hypothesis.violations}/${hypothesis.byteOrder}`;
}

/**
 * The extend values of `bank` under `hypothesis`; undefined when no hasher serves the bank
 * (or SHA-1, for padded digests). `columns` may hold whole columns a caller computed (keyed
 * by extendValuesKey and runningValuesKey): those are read instead of being made again.
 */
export function computeExtendValues(
  log: ImaLog,
  provider: HashProvider,
  bank: HashAlgorithm,
  hypothesis: Hypothesis,
  columns: ReadonlyMap<string, Uint8Array | undefined> = new Map(),
): ExtendValues | undefined {
  const size = digestSize(bank);
  const column = columns.get(extendValuesKey(bank, hypothesis));
  const read = column !== undefined ? (start: number, end: number) => column.subarray(start * size, end * size) : blockReader(log, provider, bank, hypothesis);
  if (read === undefined) return undefined;
  const running = columns.get(runningValuesKey(bank, hypothesis));
  return running === undefined ? { bank, size, read } : { bank, size, read, running };
}

/** All the extend values of `bank` under `hypothesis` in one column (for threads that take whole columns). */
export function extendValuesColumn(
  log: ImaLog,
  provider: HashProvider,
  bank: HashAlgorithm,
  hypothesis: Hypothesis,
): Uint8Array | undefined {
  const read = blockReader(log, provider, bank, hypothesis);
  if (read === undefined) return undefined;
  const size = digestSize(bank);
  const n = log.entries.length;
  const out = new Uint8Array(n * size);
  for (let start = 0; start < n; start += BLOCK_ENTRIES) {
    const end = Math.min(n, start + BLOCK_ENTRIES);
    out.set(read(start, end), start * size);
  }
  return out;
}

/** Entries per block a reader makes at once: its buffers stay under a few hundred KiB. */
export const BLOCK_ENTRIES = 4096;

/**
 * Makes the values of a block from the kernel's digests: the recorded ones when the
 * hypothesis' source is the list's own bank in its own byte order, otherwise hashed from the
 * template data (entries that verified only in the opposite byte order hashed that way).
 */
function blockReader(
  log: ImaLog,
  provider: HashProvider,
  bank: HashAlgorithm,
  hypothesis: Hypothesis,
): ((start: number, end: number) => Uint8Array) | undefined {
  const sourceAlg: HashAlgorithm = hypothesis.extend === 'per-bank' ? bank : 'sha1';
  const hasher = provider.get(sourceAlg);
  if (hasher === undefined || provider.get(bank) === undefined) return undefined;
  const size = digestSize(bank);
  const recorded = sourceAlg === log.digestBank && hypothesis.byteOrder === log.byteOrder;
  const orderOf = byteOrderOf(log, hypothesis.byteOrder);
  let digests = new Uint8Array(0);
  let values = new Uint8Array(0);
  return (start, end) => {
    const n = Math.max(0, end - start);
    if (digests.length < n * hasher.size) digests = new Uint8Array(n * hasher.size);
    if (values.length < n * size) values = new Uint8Array(n * size);
    if (recorded) copyRecordedDigests(log, start, end, digests);
    else writeTemplateDigests(log, hasher, start, end, digests, 0, orderOf);
    const out = values.subarray(0, n * size);
    writeExtendValues(log, bank, hypothesis, digests, start, end, out);
    return out;
  };
}

/**
 * The extend values of entries [start, end) into `out` (entry i at (i − start) × bank size),
 * from `digests` (entry i likewise), the hypothesis' source digests (the bank's own template
 * digests, or SHA-1 for padded-sha1) as the kernel computed them.
 */
export function writeExtendValues(
  log: ImaLog,
  bank: HashAlgorithm,
  hypothesis: Hypothesis,
  digests: Uint8Array,
  start: number,
  end: number,
  out: Uint8Array,
): void {
  const size = digestSize(bank);
  const sourceSize = digestSize(hypothesis.extend === 'per-bank' ? bank : 'sha1');
  const { flags } = log.entries;
  const violationValue = new Uint8Array(size);
  if (hypothesis.violations === 'ff') violationValue.fill(0xff, 0, hypothesis.extend === 'per-bank' ? size : 20);
  const n = end - start;
  if (sourceSize === size) {
    out.set(digests.subarray(0, n * size));
  } else {
    // Padded (or, for a bank smaller than SHA-1, truncated) SHA-1 digests.
    const copy = Math.min(size, sourceSize);
    out.fill(0, 0, n * size);
    for (let k = 0; k < n; k++) out.set(digests.subarray(k * sourceSize, k * sourceSize + copy), k * size);
  }
  for (let i = start; i < end; i++) {
    if ((flags[i] & EntryFlag.Violation) !== 0) out.set(violationValue, (i - start) * size);
  }
}
