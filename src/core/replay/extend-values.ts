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
import { EntryFlag, type ByteOrder, type ImaLog } from '../model/ima-log';
import type { Hypothesis } from '../report/report';
import { computeTemplateDigests, writeTemplateDigests } from '../ima/template-digests';

/** Extend values of every entry, `size` bytes each, concatenated in entry order. */
export interface ExtendValues {
  readonly bank: HashAlgorithm;
  readonly size: number;
  readonly values: Uint8Array;
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

/** The template digests of every entry in `alg`, as the kernel computed them. */
export function templateDigestsFor(
  log: ImaLog,
  provider: HashProvider,
  alg: HashAlgorithm,
  byteOrder: ByteOrder,
): Uint8Array | undefined {
  const hasher = provider.get(alg);
  if (hasher === undefined) return undefined;
  if (alg === log.digestBank && byteOrder === log.byteOrder) return recordedDigests(log);
  return computeTemplateDigests(log, hasher, 0, log.entries.length, byteOrderOf(log, byteOrder));
}

/**
 * Turns `listOrder`, digests of entries [start, end) in a bank other than the list's hashed in
 * the list's byte order (e.g. by threads, before verification flagged any entry), into what
 * `templateDigestsFor(…, log.byteOrder)` gives: entries that verified only in the opposite
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

/** The recorded digest column, copied out of `log.data`: what the kernel extended into its bank. */
function recordedDigests(log: ImaLog): Uint8Array {
  const n = log.entries.length;
  const size = log.digestSize;
  const out = new Uint8Array(n * size);
  const { entryOffset } = log.entries;
  const data = log.data;
  for (let i = 0; i < n; i++) {
    const start = entryOffset[i] + 4;
    out.set(data.subarray(start, start + size), i * size);
  }
  return out;
}

/** Cache key of a template-digest column: what `computeExtendValues` and callers share. */
export function digestColumnKey(alg: HashAlgorithm, byteOrder: ByteOrder): string {
  return `${alg}/${byteOrder}`;
}

/** Cache key of the extend values (`ExtendValues.values`) of `bank` under `hypothesis`. */
export function extendValuesKey(bank: HashAlgorithm, hypothesis: Hypothesis): string {
  return `values/${bank}/${hypothesis.extend}/${hypothesis.violations}/${hypothesis.byteOrder}`;
}

/**
 * Cache key of a running-values column (`ExtendValues.running`) of `bank` under `hypothesis`,
 * which callers that computed it put in the same cache as the digest columns.
 */
export function runningValuesKey(bank: HashAlgorithm, hypothesis: Hypothesis): string {
  return `running/${bank}/${hypothesis.extend}/${hypothesis.violations}/${hypothesis.byteOrder}`;
}

/**
 * The extend values of `bank` under `hypothesis`. `cache` holds the template-digest columns
 * they are made from and the values themselves, so a caller that prepared the cache (the
 * CLI's threads) and a later `analyze` compute each once.
 */
export function computeExtendValues(
  log: ImaLog,
  provider: HashProvider,
  bank: HashAlgorithm,
  hypothesis: Hypothesis,
  cache: Map<string, Uint8Array | undefined> = new Map(),
): ExtendValues | undefined {
  const size = digestSize(bank);
  const valuesKey = extendValuesKey(bank, hypothesis);
  let values = cache.get(valuesKey);
  if (values === undefined) {
    values = makeExtendValues(log, provider, bank, hypothesis, cache);
    if (values === undefined) return undefined;
    cache.set(valuesKey, values);
  }
  const running = cache.get(runningValuesKey(bank, hypothesis));
  return running === undefined ? { bank, size, values } : { bank, size, values, running };
}

function makeExtendValues(
  log: ImaLog,
  provider: HashProvider,
  bank: HashAlgorithm,
  hypothesis: Hypothesis,
  cache: Map<string, Uint8Array | undefined>,
): Uint8Array | undefined {
  const size = digestSize(bank);
  const sourceAlg: HashAlgorithm = hypothesis.extend === 'per-bank' ? bank : 'sha1';
  const key = digestColumnKey(sourceAlg, hypothesis.byteOrder);
  if (!cache.has(key)) cache.set(key, templateDigestsFor(log, provider, sourceAlg, hypothesis.byteOrder));
  const digests = cache.get(key);
  if (digests === undefined) return undefined;
  const values = new Uint8Array(log.entries.length * size);
  writeExtendValues(log, bank, hypothesis, digests, 0, log.entries.length, values);
  return values;
}

/**
 * The extend values of entries [start, end) into `out` (entry i at i × bank size), from
 * `digests`, the column of the hypothesis' source algorithm (the bank's own template digests,
 * or SHA-1 for padded-sha1) as the kernel computed them.
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
  if (sourceSize === size) {
    out.set(digests.subarray(start * size, end * size), start * size);
  } else {
    // Padded (or, for a bank smaller than SHA-1, truncated) SHA-1 digests.
    const copy = Math.min(size, sourceSize);
    out.fill(0, start * size, end * size);
    for (let i = start; i < end; i++) out.set(digests.subarray(i * sourceSize, i * sourceSize + copy), i * size);
  }
  for (let i = start; i < end; i++) {
    if ((flags[i] & EntryFlag.Violation) !== 0) out.set(violationValue, i * size);
  }
}
