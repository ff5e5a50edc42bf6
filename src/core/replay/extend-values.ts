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
import type { HashProvider } from '../hash/hash-provider';
import { EntryFlag, type ByteOrder, type ImaLog } from '../model/ima-log';
import type { Hypothesis } from '../report/report';
import { computeTemplateDigests } from '../ima/template-digests';

/** Extend values of every entry, `size` bytes each, concatenated in entry order. */
export interface ExtendValues {
  readonly bank: HashAlgorithm;
  readonly size: number;
  readonly values: Uint8Array;
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
  const n = log.entries.length;
  const hasher = provider.get(alg);
  if (hasher === undefined) return undefined;
  if (alg === log.digestBank && byteOrder === log.byteOrder) {
    // The recorded column is what the kernel extended.
    const size = log.digestSize;
    const out = new Uint8Array(n * size);
    const { entryOffset } = log.entries;
    for (let i = 0; i < n; i++) {
      const start = entryOffset[i] + 4;
      out.set(log.data.subarray(start, start + size), i * size);
    }
    return out;
  }
  return computeTemplateDigests(log, hasher, 0, n, byteOrderOf(log, byteOrder));
}

/** Cache key of a template-digest column: what `computeExtendValues` and callers share. */
export function digestColumnKey(alg: HashAlgorithm, byteOrder: ByteOrder): string {
  return `${alg}/${byteOrder}`;
}

export function computeExtendValues(
  log: ImaLog,
  provider: HashProvider,
  bank: HashAlgorithm,
  hypothesis: Hypothesis,
  cache: Map<string, Uint8Array | undefined> = new Map(),
): ExtendValues | undefined {
  const size = digestSize(bank);
  const sourceAlg: HashAlgorithm = hypothesis.extend === 'per-bank' ? bank : 'sha1';
  const key = digestColumnKey(sourceAlg, hypothesis.byteOrder);
  if (!cache.has(key)) cache.set(key, templateDigestsFor(log, provider, sourceAlg, hypothesis.byteOrder));
  const digests = cache.get(key);
  if (digests === undefined) return undefined;
  const sourceSize = digestSize(sourceAlg);
  const n = log.entries.length;
  const { flags } = log.entries;

  const violationValue = new Uint8Array(size);
  if (hypothesis.violations === 'ff') violationValue.fill(0xff, 0, hypothesis.extend === 'per-bank' ? size : 20);

  let values: Uint8Array;
  if (sourceSize === size) {
    values = digests.slice(); // the cache is shared between hypotheses
  } else {
    // Padded (or, for a bank smaller than SHA-1, truncated) SHA-1 digests.
    values = new Uint8Array(n * size);
    const copy = Math.min(size, sourceSize);
    for (let i = 0; i < n; i++) values.set(digests.subarray(i * sourceSize, i * sourceSize + copy), i * size);
  }
  for (let i = 0; i < n; i++) {
    if ((flags[i] & EntryFlag.Violation) !== 0) values.set(violationValue, i * size);
  }
  return { bank, size, values };
}
