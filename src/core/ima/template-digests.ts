/**
 * Template hashes (ima-format.md §5.1): recomputing an entry's template digest from its
 * template data, and checking the recorded digest column against it.
 *
 *   non-`ima` templates  H( u32 len_1 ‖ data_1 ‖ … ‖ u32 len_k ‖ data_k )
 *                        = H(template data region), the L word excluded
 *   legacy `ima`         H( d ‖ name zero-padded to 256 bytes ), no length words
 *
 * The length words are in the byte order the kernel used: native, or little-endian with
 * `ima_canonical_fmt`, which also converts the numeric field contents (iuid, igid, imode,
 * xattrlengths). So the same entry hashes differently in the two orders on a big-endian
 * kernel, and a list whose framing was converted to another order (or an ASCII list of a
 * big-endian kernel, re-encoded little-endian) verifies only in the opposite order: such
 * entries get `OppositeByteOrder` (with `HashVerified`: they are what the kernel hashed).
 *
 * An all-zero recorded digest is a violation: the kernel hashed nothing, so it is never a
 * mismatch. The hot loops hash ranges of the list's bytes in place (`ImaLog.bytes`: a block
 * of entries read at once, copied only when it spans chunks of a file read back) and write
 * digests into preallocated columns: nothing is allocated per entry.
 */
import { hashAlgorithmsOfSize } from '../hash/hash-algorithm';
import type { HashAlgorithm } from '../hash/hash-algorithm';
import type { Hasher, HashProvider } from '../hash/hash-provider';
import { memoryByteSource, type ByteSource } from '../model/byte-source';
import type { ByteOrder, EntryTable, ImaLog, TemplateInfo } from '../model/ima-log';
import { EntryFlag, readEntrySpan, templateDataOffset, templateDataSize } from '../model/ima-log';
import { decodeText, isZeroAt } from '../util/bytes';
import { describeTemplate, FieldKind, readU32 } from './template-registry';
import type { TemplateDescriptor } from './template-registry';

/** `IMA_EVENT_NAME_LEN_MAX + 1`: the zeroed buffer the legacy template hashes the name in. */
const LEGACY_NAME_BUFFER = 256;
/** Entries tried to tell sha256 from sm3 when both have the column's 32-byte size. */
const BANK_PROBES = 16;

export interface TemplateHashSummary {
  /** The bank of the recorded digest column, undefined when its size names none. */
  digestBank: HashAlgorithm | undefined;
  /** Entries whose digest was recomputed and compared. */
  checked: number;
  mismatches: number[];
  /** Entries that verified only with the length words in the opposite byte order. */
  oppositeByteOrder: number[];
  violations: number[];
  /** Entries not checked: no hasher for the bank, or an ASCII line of an unknown template. */
  unchecked: number[];
}

/** The parts of an `ImaLog` that template hashing reads (all a worker thread needs to be sent). */
export interface TemplateHashInput {
  readonly data: Uint8Array;
  /** The bytes as a source, when they are not (all) in `data` (see ImaLog.bytes). */
  readonly bytes?: ByteSource;
  readonly byteOrder: ByteOrder;
  readonly digestSize: number;
  readonly templates: ReadonlyArray<Pick<TemplateInfo, 'name'>>;
  readonly entries: Pick<
    EntryTable,
    | 'length'
    | 'template'
    | 'entryOffset'
    | 'entrySize'
    | 'fileDigestOffset'
    | 'fileDigestLength'
    | 'nameOffset'
    | 'nameLength'
  >;
}

/** The input's bytes as a source: its own, or `data` (the CLI's threads are sent only that). */
function sourceOf(log: TemplateHashInput): ByteSource {
  return log.bytes ?? memoryByteSource(log.data);
}

/** Hashes entries of one log; holds the reusable buffers so the per-entry work allocates nothing. */
class TemplateHasher {
  private readonly descriptors: TemplateDescriptor[];
  private readonly le: boolean;
  private readonly legacy = new Uint8Array(64 + LEGACY_NAME_BUFFER);
  private swapped = new Uint8Array(0);
  readonly source: ByteSource;

  constructor(private readonly log: TemplateHashInput) {
    this.descriptors = log.templates.map((t) => describeTemplate(t.name));
    this.le = log.byteOrder === 'little';
    this.source = sourceOf(log);
  }

  isLegacy(i: number): boolean {
    return this.descriptors[this.log.entries.template[i]].isLegacyIma;
  }

  /**
   * Writes the template digest of entry `i` to out[outOffset…], length words in the list's
   * order or the opposite one.
   */
  hashInto(i: number, hasher: Hasher, opposite: boolean, out: Uint8Array, outOffset: number): void {
    const { entries } = this.log;
    const shift = readEntrySpan({ bytes: this.source, entries }, i, i + 1);
    const data = this.source.bytes;
    const off = templateDataOffset(this.log, i) + shift;
    const size = templateDataSize(this.log, i);
    const desc = this.descriptors[entries.template[i]];
    if (desc.isLegacyIma) {
      hasher.digestRangeInto(this.legacy, 0, this.legacyInput(i, data, shift), out, outOffset);
    } else if (!opposite) {
      hasher.digestRangeInto(data, off, size, out, outOffset);
    } else {
      this.swappedCopy(data, off, size, desc);
      hasher.digestRangeInto(this.swapped, 0, size, out, outOffset);
    }
  }

  /** Whether entry `i` hashed in the opposite byte order gives the digest recorded at `recorded`. */
  verifiesOpposite(i: number, hasher: Hasher, scratch: Uint8Array, recorded: number): boolean {
    this.hashInto(i, hasher, true, scratch, 0);
    return this.recordedEquals(scratch, 0, recorded, hasher.size);
  }

  /** Whether `digest[at, at + size)` equals the `size` bytes recorded at offset `recorded` of the list. */
  recordedEquals(digest: Uint8Array, at: number, recorded: number, size: number): boolean {
    const p = this.source.at(recorded, size);
    return equalRanges(digest, at, this.source.bytes, p, size);
  }

  /** d ‖ name of entry i (read at `shift` in `data`) copied into the zeroed 256-byte buffer; returns the input's length. */
  private legacyInput(i: number, data: Uint8Array, shift: number): number {
    const { entries } = this.log;
    const dLen = Math.min(entries.fileDigestLength[i], 64);
    const dOff = entries.fileDigestOffset[i] + shift;
    const nLen = Math.min(entries.nameLength[i], LEGACY_NAME_BUFFER);
    const nOff = entries.nameOffset[i] + shift;
    const buf = this.legacy;
    buf.set(data.subarray(dOff, dOff + dLen), 0);
    buf.fill(0, dLen, dLen + LEGACY_NAME_BUFFER);
    buf.set(data.subarray(nOff, nOff + nLen), dLen);
    return dLen + LEGACY_NAME_BUFFER;
  }

  /** Puts in `swapped` the template data with every integer the canonical format converts byte-swapped. */
  private swappedCopy(data: Uint8Array, off: number, size: number, desc: TemplateDescriptor): void {
    if (this.swapped.length < size) {
      this.swapped = new Uint8Array(Math.max(size, 2 * this.swapped.length, 1024));
    }
    const out = this.swapped;
    out.set(data.subarray(off, off + size));
    const le = this.le;
    let p = 0;
    for (let k = 0; p + 4 <= size; k++) {
      const len = readU32(out, p, le);
      reverse(out, p, 4);
      const start = p + 4;
      if (len > size - start) break;
      const kind = k < desc.kinds.length ? desc.kinds[k] : FieldKind.Unknown;
      if (kind === FieldKind.Uint && (len === 2 || len === 4 || len === 8)) {
        reverse(out, start, len);
      } else if (kind === FieldKind.U32Array) {
        for (let w = 0; w + 4 <= len; w += 4) reverse(out, start + w, 4);
      }
      p = start + len;
    }
  }
}

function reverse(buf: Uint8Array, p: number, n: number): void {
  for (let a = p, b = p + n - 1; a < b; a++, b--) {
    const t = buf[a];
    buf[a] = buf[b];
    buf[b] = t;
  }
}

/**
 * The template hash of entry `index` with `hasher`'s algorithm, length words in
 * `byteOrder` (default: the list's). The legacy `ima` rule has no length words.
 */
export function computeTemplateDigest(
  log: TemplateHashInput,
  index: number,
  hasher: Hasher,
  byteOrder: ByteOrder = log.byteOrder,
): Uint8Array {
  const out = new Uint8Array(hasher.size);
  new TemplateHasher(log).hashInto(index, hasher, byteOrder !== log.byteOrder, out, 0);
  return out;
}

/** Template hashes of entries [start, end), concatenated (`hasher.size` bytes each). */
export function computeTemplateDigests(
  log: TemplateHashInput,
  hasher: Hasher,
  start: number,
  end: number,
  byteOrderOf?: (i: number) => ByteOrder,
): Uint8Array {
  const out = new Uint8Array(Math.max(0, end - start) * hasher.size);
  writeTemplateDigests(log, hasher, start, end, out, 0, byteOrderOf);
  return out;
}

/**
 * Template hashes of entries [start, end) written to `out` from `outOffset` on (a slice of a
 * whole-log column, which threads fill range by range); length words in the list's byte order
 * unless `byteOrderOf` says otherwise for an entry.
 */
export function writeTemplateDigests(
  log: TemplateHashInput,
  hasher: Hasher,
  start: number,
  end: number,
  out: Uint8Array,
  outOffset: number,
  byteOrderOf?: (i: number) => ByteOrder,
): void {
  const size = hasher.size;
  const th = new TemplateHasher(log);
  const listOrder = log.byteOrder;
  // The template data in place, hashed as one batch per block; then the entries hashed some
  // other way (legacy `ima`, the opposite byte order) overwrite theirs one by one.
  for (let from = start; from < end; from += BATCH_ENTRIES) {
    const to = Math.min(end, from + BATCH_ENTRIES);
    const shift = readEntrySpan({ bytes: th.source, entries: log.entries }, from, to);
    for (let i = from; i < to; i++) {
      batchOffsets[i - from] = templateDataOffset(log, i) + shift;
      batchLengths[i - from] = templateDataSize(log, i);
    }
    hasher.digestRangesInto(th.source.bytes, batchOffsets, batchLengths, to - from, out, outOffset + (from - start) * size);
  }
  for (let i = start; i < end; i++) {
    const flip = byteOrderOf !== undefined && byteOrderOf(i) !== listOrder;
    if (flip || th.isLegacy(i)) th.hashInto(i, hasher, flip, out, outOffset + (i - start) * size);
  }
}

/** Entries per `digestRangesInto` call, and the reused offset and length arrays of one call. */
const BATCH_ENTRIES = 4096;
const batchOffsets = new Uint32Array(BATCH_ENTRIES);
const batchLengths = new Uint32Array(BATCH_ENTRIES);

/** The recorded template digest of entry `index` (a view valid until the log's next read). */
export function readRecordedDigest(log: ImaLog, index: number): Uint8Array {
  const at = log.bytes.at(log.entries.entryOffset[index] + 4, log.digestSize);
  return log.bytes.bytes.subarray(at, at + log.digestSize);
}

/**
 * The file or event name of entry `index` as text ('' when the template has none). ASCII
 * names (nearly every path) are built without a decoder call: the policy dry run looks a
 * million of them up by string.
 */
export function readEntryName(log: ImaLog, index: number): string {
  const length = log.entries.nameLength[index];
  const start = log.bytes.at(log.entries.nameOffset[index], length);
  const end = start + length;
  const d = log.bytes.bytes;
  let s = '';
  for (let k = start; k < end; k++) {
    if (d[k] >= 0x80) return decodeText(d.subarray(start, end));
    s += String.fromCharCode(d[k]);
  }
  return s;
}

const HASH_FLAGS =
  EntryFlag.Violation |
  EntryFlag.HashVerified |
  EntryFlag.HashMismatch |
  EntryFlag.OppositeByteOrder |
  EntryFlag.HashUnchecked;

/**
 * Checks every recorded template digest, sets the hash flags of `log.entries.flags`, settles
 * `log.digestBank` (32-byte columns are sha256 or sm3: hashing tells) and summarises.
 * `precomputed(bank)` may supply that bank's template digests of every entry in the list's
 * byte order (as `computeTemplateDigests` makes them, e.g. on worker threads), which are then
 * compared instead of hashed; only entries that differ are hashed again, in the opposite order.
 */
export function verifyTemplateHashes(
  log: ImaLog,
  provider: HashProvider,
  precomputed?: (bank: HashAlgorithm) => Uint8Array | undefined,
): TemplateHashSummary {
  const n = log.entries.length;
  const th = new TemplateHasher(log);
  const bank = chooseBank(log, provider, th);
  log.digestBank = bank;
  const hasher = bank === undefined ? undefined : provider.get(bank);
  const { flags, entryOffset } = log.entries;
  const source = log.bytes;
  const D = log.digestSize;
  const column = bank === undefined ? undefined : precomputed?.(bank);
  const scratch = new Uint8Array(D);
  // Without a precomputed column, each block of entries is hashed in one batch
  // (writeTemplateDigests) before its entries are compared.
  const block = column === undefined && hasher !== undefined ? new Uint8Array(Math.min(n, BATCH_ENTRIES) * D) : undefined;
  let blockStart = 0;
  const summary: TemplateHashSummary = {
    digestBank: bank,
    checked: 0,
    mismatches: [],
    oppositeByteOrder: [],
    violations: [],
    unchecked: [],
  };
  for (let i = 0; i < n; i++) {
    if (block !== undefined && hasher !== undefined && i % BATCH_ENTRIES === 0) {
      blockStart = i;
      writeTemplateDigests(log, hasher, i, Math.min(n, i + BATCH_ENTRIES), block, 0);
    }
    let f = flags[i] & ~HASH_FLAGS;
    const recorded = entryOffset[i] + 4;
    const recordedAt = source.at(recorded, D);
    if (isZeroAt(source.bytes, recordedAt, D)) {
      f |= EntryFlag.Violation;
      summary.violations.push(i);
    } else if (hasher === undefined || !isCheckable(log, f)) {
      f |= EntryFlag.HashUnchecked;
      summary.unchecked.push(i);
    } else {
      summary.checked++;
      let verified: boolean;
      if (column !== undefined) verified = th.recordedEquals(column, i * D, recorded, D);
      else verified = th.recordedEquals(block ?? scratch, (i - blockStart) * D, recorded, D);
      if (verified) f |= EntryFlag.HashVerified;
      else if (!th.isLegacy(i) && th.verifiesOpposite(i, hasher, scratch, recorded)) {
        f |= EntryFlag.HashVerified | EntryFlag.OppositeByteOrder;
        summary.oppositeByteOrder.push(i);
      } else {
        f |= EntryFlag.HashMismatch;
        summary.mismatches.push(i);
      }
    }
    flags[i] = f;
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

/**
 * The bank of the digest column: by size, and by hashing when two banks share a size
 * (sha256 and sm3). When no probed entry verifies and a candidate cannot be hashed here
 * (SM3 without WebAssembly), the bank is unknown rather than guessed.
 */
function chooseBank(
  log: ImaLog,
  provider: HashProvider,
  th: TemplateHasher,
): HashAlgorithm | undefined {
  const candidates = hashAlgorithmsOfSize(log.digestSize);
  if (candidates.length <= 1) return candidates[0];
  const { flags, entryOffset } = log.entries;
  let probes = 0;
  for (let i = 0; i < log.entries.length && probes < BANK_PROBES; i++) {
    const recorded = entryOffset[i] + 4;
    const at = log.bytes.at(recorded, log.digestSize);
    if (isZeroAt(log.bytes.bytes, at, log.digestSize) || !isCheckable(log, flags[i])) continue;
    probes++;
    for (const alg of candidates) {
      const hasher = provider.get(alg);
      if (hasher === undefined) continue;
      const digest = new Uint8Array(hasher.size);
      th.hashInto(i, hasher, false, digest, 0);
      if (th.recordedEquals(digest, 0, recorded, hasher.size)) return alg;
      if (!th.isLegacy(i) && th.verifiesOpposite(i, hasher, digest, recorded)) return alg;
    }
  }
  const cannotTell = probes > 0 && candidates.some((alg) => provider.get(alg) === undefined);
  return cannotTell ? undefined : candidates[0];
}

function equalRanges(a: Uint8Array, p: number, b: Uint8Array, q: number, n: number): boolean {
  for (let k = 0; k < n; k++) if (a[p + k] !== b[q + k]) return false;
  return true;
}
