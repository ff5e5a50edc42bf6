/**
 * Template-hash verification of a range of entries, once the digest column's bank is
 * settled: the per-entry verdicts of `verifyTemplateHashes` (ima-format.md §5.1), split so
 * that parallel callers (the app's worker pool, the CLI's threads) can each verify a range
 * and the summary can be rebuilt afterwards from the flags alone.
 *
 * Per entry, in this order: an all-zero recorded digest is a `Violation` (never hashed);
 * no hasher for the bank, or an ASCII line of an undecodable template, is `HashUnchecked`;
 * otherwise the digest recomputed with the list's length-word order is compared, then (not
 * for the legacy `ima` template, which has no length words) the opposite order, which gives
 * `HashVerified | OppositeByteOrder`; else `HashMismatch`.
 */
import type { HashAlgorithm } from '../hash/hash-algorithm';
import type { Hasher } from '../hash/hash-provider';
import { EntryFlag, type ImaLog } from '../model/ima-log';
import { isZeroAt } from '../util/bytes';
import {
  computeTemplateDigest,
  writeTemplateDigests,
  type TemplateHashSummary,
} from './template-digests';
import { describeTemplate } from './template-registry';

/** Entries hashed per batch: the digests of a batch fit a small scratch buffer. */
const BATCH = 1024;

/** The flag bits verification owns (cleared and set by it). */
export const TEMPLATE_HASH_FLAGS =
  EntryFlag.Violation |
  EntryFlag.HashVerified |
  EntryFlag.HashMismatch |
  EntryFlag.OppositeByteOrder |
  EntryFlag.HashUnchecked;

/**
 * Sets the verification flags of entries [start, end) of `log`, hashing with `hasher` (the
 * bank of the digest column; undefined when no hasher has it, so nothing is checked).
 */
export function verifyTemplateHashRange(
  log: ImaLog,
  hasher: Hasher | undefined,
  start: number,
  end: number,
): void {
  const { flags, entryOffset, template } = log.entries;
  const source = log.bytes;
  const D = log.digestSize;
  const legacy = log.templates.map((t) => describeTemplate(t.name).isLegacyIma);
  const opposite = log.byteOrder === 'little' ? 'big' : 'little';
  const size = hasher?.size ?? 0;
  const digests = new Uint8Array(Math.min(BATCH, Math.max(0, end - start)) * size);
  for (let i = start; i < end; i++) {
    const batchAt = (i - start) % BATCH;
    if (hasher !== undefined && batchAt === 0) {
      writeTemplateDigests(log, hasher, i, Math.min(end, i + BATCH), digests, 0);
    }
    let f = flags[i] & ~TEMPLATE_HASH_FLAGS;
    const recorded = entryOffset[i] + 4;
    // `at` before `bytes`, and again after any hashing: a read may switch the source's buffer.
    const recordedAt = source.at(recorded, D);
    if (isZeroAt(source.bytes, recordedAt, D)) {
      f |= EntryFlag.Violation;
    } else if (hasher === undefined || !isCheckable(log, f)) {
      f |= EntryFlag.HashUnchecked;
    } else if (equalsAt(digests, batchAt * size, size, source.bytes, recordedAt)) {
      f |= EntryFlag.HashVerified;
    } else if (!legacy[template[i]] && equalsOpposite(computeTemplateDigest(log, i, hasher, opposite), log, recorded)) {
      f |= EntryFlag.HashVerified | EntryFlag.OppositeByteOrder;
    } else {
      f |= EntryFlag.HashMismatch;
    }
    flags[i] = f;
  }
}

/** The summary `verifyTemplateHashes` returns, read back from the flags verification set. */
export function summarizeTemplateHashes(
  log: ImaLog,
  digestBank: HashAlgorithm | undefined,
): TemplateHashSummary {
  const summary: TemplateHashSummary = {
    digestBank,
    checked: 0,
    mismatches: [],
    oppositeByteOrder: [],
    violations: [],
    unchecked: [],
  };
  const { flags } = log.entries;
  for (let i = 0; i < flags.length; i++) {
    const f = flags[i];
    if ((f & EntryFlag.Violation) !== 0) summary.violations.push(i);
    else if ((f & EntryFlag.HashUnchecked) !== 0) summary.unchecked.push(i);
    else if ((f & (EntryFlag.HashVerified | EntryFlag.HashMismatch)) !== 0) {
      summary.checked++;
      if ((f & EntryFlag.HashMismatch) !== 0) summary.mismatches.push(i);
      else if ((f & EntryFlag.OppositeByteOrder) !== 0) summary.oppositeByteOrder.push(i);
    }
  }
  return summary;
}

/**
 * An ASCII line of a template we cannot decode was re-encoded by guesswork, so its hash
 * says nothing; binary entries hash their bytes as they are, known template or not.
 */
function isCheckable(log: ImaLog, flags: number): boolean {
  return log.format === 'binary' || (flags & EntryFlag.UnknownTemplate) === 0;
}

function equalsOpposite(digest: Uint8Array, log: ImaLog, recorded: number): boolean {
  const at = log.bytes.at(recorded, digest.length);
  return equalsAt(digest, 0, digest.length, log.bytes.bytes, at);
}

function equalsAt(
  a: Uint8Array,
  aOffset: number,
  n: number,
  b: Uint8Array,
  bOffset: number,
): boolean {
  for (let k = 0; k < n; k++) if (a[aOffset + k] !== b[bOffset + k]) return false;
  return true;
}
