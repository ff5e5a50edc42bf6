/**
 * Streaming parser of binary IMA measurement lists (`binary_runtime_measurements`,
 * `binary_runtime_measurements_<algo>`), ima-format.md §2 and §12.
 *
 * A list is entries back to back, with no header and no count:
 *
 *   u32 pcr ‖ digest[D] ‖ u32 nameLen ‖ name[nameLen] ‖ u32 L ‖ templateData[L]
 *   legacy `ima`: u32 pcr ‖ digest[D] ‖ u32 3 ‖ "ima" ‖ d[20] ‖ u32 n ‖ name[n]  (no L)
 *
 * D is 20 in the legacy/`_sha1` file and the bank's digest size in per-bank files (32, 48,
 * 64). The u32s are in the kernel's native byte order, or little-endian with
 * `ima_canonical_fmt` (§2.3). Neither D nor the byte order is written anywhere, so both are
 * read from the first entry: the PCR word must be below 64, the name-length word must sit
 * right after a D-byte digest and be followed by that many printable name bytes, and the
 * template data must split into `u32 len ‖ data` fields exactly; the entry after it must
 * start the same way. Only one (order, D) pair passes on real lists.
 *
 * Every byte pushed is kept in `data`, so `ImaLog.data` is the file, unless the builder
 * streams (ImaParseOptions.readBack): then only the unfinished entry is kept, positions
 * here are in that window (`ImaLogBuilder.base` is where it starts), and the log reads
 * its bytes back from the file. Chunks may split an
 * entry anywhere: the parser re-examines the unfinished entry when enough bytes arrive, and
 * every decision depends only on the bytes, never on where a chunk ended (the final answer
 * for a partial entry is taken in `finish()`), so pushing 1 byte at a time gives the same
 * log as one push.
 *
 * Bad input becomes a `ParseError` and a resynchronisation: from the failing offset the
 * parser scans forward for the next offset where a complete, exactly-tiled entry starts and
 * the entry after it starts plausibly too (or the file ends), and reports the skipped
 * range. Limits (why a length is "impossible"):
 *   - PCR index < 64: `INVALID_PCR()` allows 0 … BITS_PER_LONG-1.
 *   - template name 1–255 bytes: a custom name is ≤ 15 field ids of ≤ 16 characters.
 *   - `ima` file name ≤ 255 bytes: `IMA_EVENT_NAME_LEN_MAX`.
 *   - template data ≤ 16 MiB: the largest kernel fields are X.509 key payloads (add_key
 *     caps them at 1 MiB), DM tables (split into 4 KiB records), paths (PATH_MAX 4 KiB)
 *     and signatures (a few KiB); 16 MiB leaves a margin of 16× while letting a random u32
 *     pass only once in 256 draws. Lengths are compared, never allocated.
 * Producer quirks: tpm2-tss test excerpts end with stray bytes (a truncated tail); a
 * patched kernel (embrave, 2023) writes a u32 digest length between the PCR index and the
 * digest — the file is refused with a message that says so rather than half-parsed.
 */
import type { ByteOrder, ImaLog } from '../model/ima-log';
import { decodeText } from '../util/bytes';
import type { ImaLogBuilder } from './ima-log-builder';
import {
  countExactFields,
  createFieldScan,
  digestAlgorithmOfRawLength,
  isTemplateNameByte,
  MAX_TEMPLATE_NAME_LENGTH,
  readU32,
  scanTemplateFields,
} from './template-registry';

/** Largest template-data length accepted (see the file comment). */
export const MAX_TEMPLATE_DATA = 16 * 1024 * 1024;
/** `IMA_EVENT_NAME_LEN_MAX`: the legacy template's file name. */
const MAX_IMA_NAME = 255;
const MAX_PCR = 63;
/** Bytes examined to recognise the digest-length variant (its first entry's header). */
const VARIANT_HEAD = 512;
/** Template-digest sizes of the kernel's banks: sha1, sha256/sm3, sha384, sha512. */
export const DIGEST_SIZES: readonly number[] = [20, 32, 48, 64];

/** `check` results besides a positive entry size. */
const NEED = -1;
const BAD = -2;
/** `check(…, headerOnly)` result: the header up to the data length is plausible. */
const HEADER_OK = 0;

/** What `check` was reading when it stopped (for "truncated" messages). */
const STAGE_NAMES = [
  'PCR index',
  'template digest',
  'template-name length',
  'template name',
  'template-data length',
  'template data',
  '`ima` file digest and name length',
  '`ima` file name',
] as const;
const Stage = {
  Pcr: 0,
  Digest: 1,
  NameLength: 2,
  Name: 3,
  DataLength: 4,
  Data: 5,
  ImaDigest: 6,
  ImaName: 7,
};

const Problem = { Pcr: 0, NameLength: 1, NameByte: 2, DataLength: 3, ImaNameLength: 4 };

/**
 * Validates the framing of one entry at `p`. Returns the entry size, NEED (more bytes are
 * required: `need` says how many from `p`) or BAD (`problem`, `problemValue`, `problemAt`).
 * Allocation-free; one instance per parser.
 */
class EntryChecker {
  stage = 0;
  need = 0;
  problem = 0;
  problemValue = 0;
  problemAt = 0;

  check(
    data: Uint8Array,
    avail: number,
    p: number,
    le: boolean,
    D: number,
    headerOnly: boolean,
  ): number {
    const rem = avail - p;
    this.stage = Stage.Pcr;
    this.need = 4;
    if (rem < 4) return NEED;
    const pcr = readU32(data, p, le);
    if (pcr > MAX_PCR) return this.bad(Problem.Pcr, pcr, p);
    this.need = 8 + D;
    if (rem < this.need) {
      this.stage = rem < 4 + D ? Stage.Digest : Stage.NameLength;
      return NEED;
    }
    const nameLen = readU32(data, p + 4 + D, le);
    if (nameLen === 0 || nameLen > MAX_TEMPLATE_NAME_LENGTH) {
      return this.bad(Problem.NameLength, nameLen, p + 4 + D);
    }
    const nameOff = p + 8 + D;
    this.stage = Stage.Name;
    this.need = 8 + D + nameLen;
    if (rem < this.need) return NEED;
    for (let i = 0; i < nameLen; i++) {
      const c = data[nameOff + i];
      if (!isTemplateNameByte(c)) return this.bad(Problem.NameByte, c, nameOff + i);
    }
    const q = nameOff + nameLen;
    if (isImaName(data, nameOff, nameLen)) {
      this.stage = Stage.ImaDigest;
      this.need = q - p + 24;
      if (rem < this.need) return NEED;
      const dLen = imaDigestLength(data, q, le);
      const n = readU32(data, q + dLen, le);
      if (n > MAX_IMA_NAME) return this.bad(Problem.ImaNameLength, n, q + dLen);
      if (headerOnly) return HEADER_OK;
      this.stage = Stage.ImaName;
      this.need = q - p + dLen + 4 + n;
      return rem < this.need ? NEED : this.need;
    }
    this.stage = Stage.DataLength;
    this.need = q - p + 4;
    if (rem < this.need) return NEED;
    const L = readU32(data, q, le);
    if (L > MAX_TEMPLATE_DATA) return this.bad(Problem.DataLength, L, q);
    if (headerOnly) return HEADER_OK;
    this.stage = Stage.Data;
    this.need = q - p + 4 + L;
    return rem < this.need ? NEED : this.need;
  }

  private bad(problem: number, value: number, at: number): number {
    this.problem = problem;
    this.problemValue = value;
    this.problemAt = at;
    return BAD;
  }

  /** `base`: where the parser's window starts in the file (its positions are in the window). */
  describeProblem(p: number, le: boolean, D: number, base: number): string {
    const v = this.problemValue;
    const at = this.problemAt + base;
    const order = le ? 'little' : 'big';
    const entry = `entry at byte ${p + base}`;
    switch (this.problem) {
      case Problem.Pcr:
        return `${entry}: expected a PCR index below 64 (u32, ${order}-endian), found ${v}`;
      case Problem.NameLength:
        return (
          `${entry}: expected a template-name length of 1–255 at byte ${at} ` +
          `(after the PCR index and the ${D}-byte template digest), found ${v}`
        );
      case Problem.NameByte:
        return `${entry}: expected a printable template name, found byte 0x${hexByte(v)} at ${at}`;
      case Problem.DataLength:
        return (
          `${entry}: template-data length ${v} at byte ${at} is over the 16 MiB limit ` +
          '(no kernel template is that large)'
        );
      default:
        return `legacy "ima" ${entry}: expected a file-name length ≤ 255 at byte ${at}, found ${v}`;
    }
  }

  describeTruncation(p: number, remaining: number): string {
    return (
      `truncated entry at byte ${p}: its ${STAGE_NAMES[this.stage]} needs ${this.need} bytes ` +
      `from the entry start, but only ${remaining} remain (the list was cut, or a length field is damaged)`
    );
  }
}

function hexByte(v: number): string {
  return v.toString(16).padStart(2, '0');
}

function isImaName(data: Uint8Array, off: number, len: number): boolean {
  return len === 3 && data[off] === 0x69 && data[off + 1] === 0x6d && data[off + 2] === 0x61;
}

/**
 * The legacy template's `d` is 20 bytes (SHA-1) except for MD5 file hashes (16). A 20-byte
 * `d` is followed by a name length ≤ 255; with a 16-byte `d` that word would be the first
 * name bytes (ASCII, so far above 255), and the word after 16 bytes a (non-empty) name
 * length, which tells the two apart.
 */
function imaDigestLength(data: Uint8Array, q: number, le: boolean): number {
  if (readU32(data, q + 20, le) <= MAX_IMA_NAME) return 20;
  const n16 = readU32(data, q + 16, le);
  return n16 >= 1 && n16 <= MAX_IMA_NAME ? 16 : 20;
}

export interface BinaryFraming {
  readonly byteOrder: ByteOrder;
  readonly digestSize: number;
}

/** Parse options the binary parser honours. */
export interface BinaryParseOptions {
  readonly byteOrder?: ByteOrder;
  readonly digestSize?: number;
}

/**
 * Which (byte order, digest size) pairs to try, most common first. A forced digest size
 * outside the kernel's set is still honoured (a bank we do not know).
 */
function framingCandidates(options: BinaryParseOptions): BinaryFraming[] {
  const sizes =
    options.digestSize !== undefined && options.digestSize > 0 && options.digestSize <= 128
      ? [options.digestSize]
      : DIGEST_SIZES;
  const orders: ByteOrder[] = options.byteOrder ? [options.byteOrder] : ['little', 'big'];
  return sizes.flatMap((digestSize) => orders.map((byteOrder) => ({ byteOrder, digestSize })));
}

/**
 * Decides whether a real entry starts at `q`: its framing is valid, its template data
 * tiles into fields exactly, and (with `requireNext`, when resynchronising inside bad
 * bytes) the next entry's header is plausible or the data ends there. Returns the entry
 * size, NEED (nothing can be said before `needUntil` bytes are there) or BAD. With `atEnd`
 * the bytes are all there is, so the answer is never NEED.
 */
class CandidateJudge {
  needUntil = 0;
  /** After NEED or an at-end BAD: the bytes ran out inside the candidate (not the next header). */
  cutInCandidate = false;
  /** …and the candidate's header had been read through its template name. */
  cutAfterName = false;
  readonly checker = new EntryChecker();

  judge(
    data: Uint8Array,
    avail: number,
    q: number,
    le: boolean,
    D: number,
    atEnd: boolean,
    requireNext: boolean,
  ): number {
    const c = this.checker;
    this.cutInCandidate = false;
    const size = c.check(data, avail, q, le, D, false);
    if (size === NEED) {
      this.cutInCandidate = true;
      this.cutAfterName = c.stage > Stage.Name;
      this.needUntil = q + c.need;
      return atEnd ? BAD : NEED;
    }
    if (size === BAD) return BAD;
    if (!tilesExactly(data, q, le, D)) return BAD;
    if (!requireNext) return size;
    const next = q + size;
    const after = c.check(data, avail, next, le, D, true);
    if (after === BAD) return BAD;
    if (after === NEED && !atEnd) {
      this.needUntil = next + c.need;
      return NEED;
    }
    return size;
  }
}

/**
 * A cheap pre-filter for the resynchronisation scan: false when the PCR word, the name
 * length or the name's first byte already rule out an entry at `q` (bytes not yet there
 * rule out nothing).
 */
function mayStartEntry(
  data: Uint8Array,
  avail: number,
  q: number,
  le: boolean,
  D: number,
): boolean {
  if (q + 4 > avail) return true;
  const high = le ? data[q + 1] | data[q + 2] | data[q + 3] : data[q] | data[q + 1] | data[q + 2];
  if (high !== 0) return false;
  if ((le ? data[q] : data[q + 3]) > MAX_PCR) return false;
  const n = q + 4 + D;
  if (n + 5 > avail) return true;
  const nameLen = readU32(data, n, le);
  return nameLen !== 0 && nameLen <= MAX_TEMPLATE_NAME_LENGTH && isTemplateNameByte(data[n + 4]);
}

function tilesExactly(data: Uint8Array, q: number, le: boolean, D: number): boolean {
  const nameLen = readU32(data, q + 4 + D, le);
  const t = q + 8 + D + nameLen;
  if (isImaName(data, q + 8 + D, nameLen)) return true;
  return countExactFields(data, t + 4, readU32(data, t, le), le) >= 0;
}

/**
 * The byte order and digest size of a binary list from its first bytes, or undefined when
 * no entry starts at byte 0. With `isWhole` false, `bytes` is only the head of the file, so
 * an entry cut off by the head's end is judged on the part that is there (its header must
 * have been read through the template name).
 */
export function detectBinaryFraming(
  bytes: Uint8Array,
  isWhole: boolean,
  options: BinaryParseOptions = {},
): BinaryFraming | undefined {
  const judge = new CandidateJudge();
  for (const f of framingCandidates(options)) {
    const le = f.byteOrder === 'little';
    const r = judge.judge(bytes, bytes.length, 0, le, f.digestSize, isWhole, true);
    if (r > 0 || (r === NEED && (!judge.cutInCandidate || judge.cutAfterName))) return f;
  }
  return undefined;
}

/** Bytes scanned past a damaged start for the first entry of a list (the sniffer's head). */
const PAST_DAMAGE_SCAN = 64 * 1024;

/**
 * The framing of a binary list whose first entry is damaged (a PCR word of 0xFFFFFFFF, a bad
 * name length): the first offset after byte 0 where a complete, exactly-tiled entry starts
 * and either a second one follows it or the bytes end exactly there. Two such entries in a
 * row are what random or other binary data never has, so the parser may take the file and
 * report the damage (it resynchronises the same way).
 */
export function detectBinaryFramingPastDamage(bytes: Uint8Array, options: BinaryParseOptions = {}): BinaryFraming | undefined {
  const judge = new CandidateJudge();
  const end = Math.min(bytes.length, PAST_DAMAGE_SCAN);
  const candidates = framingCandidates(options);
  for (let q = 1; q < end; q++) {
    for (const f of candidates) {
      const le = f.byteOrder === 'little';
      if (!mayStartEntry(bytes, bytes.length, q, le, f.digestSize)) continue;
      const size = judge.judge(bytes, bytes.length, q, le, f.digestSize, true, true);
      if (size <= 0) continue;
      if (q + size === bytes.length) return f;
      if (judge.judge(bytes, bytes.length, q + size, le, f.digestSize, true, false) > 0) return f;
    }
  }
  return undefined;
}

/** A patched-kernel layout: its framing, and what is wrong with it in words. */
export interface DigestLengthVariant extends BinaryFraming {
  readonly description: string;
}

/**
 * Recognises a patched-kernel layout seen in the wild (embrave 2023): `u32 pcr ‖ u32
 * digestLen ‖ digest ‖ u32 nameLen ‖ name …`, from the first entry's header.
 */
export function findDigestLengthVariant(bytes: Uint8Array): DigestLengthVariant | undefined {
  if (bytes.length < 12) return undefined;
  for (const le of [true, false]) {
    if (readU32(bytes, 0, le) > MAX_PCR) continue;
    const S = readU32(bytes, 4, le);
    if (!DIGEST_SIZES.includes(S) || bytes.length < 12 + S) continue;
    const nameLen = readU32(bytes, 8 + S, le);
    if (nameLen === 0 || nameLen > MAX_TEMPLATE_NAME_LENGTH) continue;
    if (bytes.length < 12 + S + nameLen) continue;
    const name = bytes.subarray(12 + S, 12 + S + nameLen);
    if (!name.every((c) => isTemplateNameByte(c))) continue;
    return {
      byteOrder: le ? 'little' : 'big',
      digestSize: S,
      description:
        `a u32 digest length (${S}) sits between the PCR index and the ${S}-byte template ` +
        `digest, and the template is "${decodeText(name)}"; upstream kernels write no such word ` +
        "(this is a patched kernel's format)",
    };
  }
  return undefined;
}

export class BinaryListParser {
  private le: boolean | undefined;
  private D: number | undefined;
  private readonly candidates: BinaryFraming[];
  /** Start of the next entry to read (or of the region being resynchronised). */
  private pos = 0;
  /** Nothing can progress before this many bytes are in `data`. */
  private needUntil = 0;
  /** When ≥ 0: an error started here and the parser is scanning for the next entry. */
  private errorFrom = -1;
  private errorMessage = '';
  /** The error began where no framing was known yet: describe it once one is found. */
  private describeOnceFramed = false;
  private scanPos = 0;
  private refused = false;
  private readonly checker = new EntryChecker();
  private readonly judge = new CandidateJudge();
  private readonly scan = createFieldScan();

  constructor(
    private readonly b: ImaLogBuilder,
    options: BinaryParseOptions = {},
  ) {
    this.candidates = framingCandidates(options);
  }

  push(chunk: Uint8Array): void {
    this.b.append(chunk);
    if (this.b.dataLength >= this.needUntil) this.run(false);
    this.dropReadBytes();
  }

  finish(): ImaLog {
    this.run(true);
    const D = this.D ?? this.candidates[0].digestSize;
    return this.b.build('binary', this.le === false ? 'big' : 'little', D, this.b.base + this.b.dataLength);
  }

  /** The entries read so far (see ImaLogBuilder.snapshot); undefined until the framing is known. */
  snapshot(): ImaLog | undefined {
    if (this.le === undefined || this.D === undefined) return undefined;
    return this.b.snapshot('binary', this.le ? 'little' : 'big', this.D, this.b.base + this.b.dataLength);
  }

  /**
   * When the builder streams (it keeps no copy of the list), lets it drop the bytes before
   * the first one still needed: the entry being read, or the damage being skipped. Every
   * position here is in the builder's window, so they move with it.
   */
  private dropReadBytes(): void {
    const keepFrom = this.errorFrom >= 0 ? Math.min(this.errorFrom, this.pos) : this.pos;
    const dropped = this.b.discardBefore(keepFrom);
    if (dropped === 0) return;
    this.pos -= dropped;
    this.needUntil -= dropped;
    if (this.errorFrom >= 0) this.errorFrom -= dropped;
    this.scanPos = Math.max(0, this.scanPos - dropped);
  }

  private run(atEnd: boolean): void {
    const data = this.b.data;
    const avail = this.b.dataLength;
    for (;;) {
      if (this.refused) return;
      if (this.errorFrom >= 0) {
        if (!this.resync(data, avail, atEnd)) return;
        continue;
      }
      if (this.pos >= avail) return;
      if (this.le === undefined || this.D === undefined) {
        if (!this.detect(data, avail, atEnd)) return;
        continue;
      }
      const le = this.le;
      const D = this.D;
      const size = this.checker.check(data, avail, this.pos, le, D, false);
      if (size > 0) {
        this.record(data, this.pos, size, le, D);
        this.pos += size;
      } else if (size === NEED && !atEnd) {
        this.needUntil = this.pos + this.checker.need;
        return;
      } else {
        this.startResync(
          size === NEED
            ? this.checker.describeTruncation(this.b.base + this.pos, avail - this.pos)
            : this.checker.describeProblem(this.pos, le, D, this.b.base),
        );
      }
    }
  }

  /** Finds the framing at `pos`; false when more bytes are needed (or the file is refused). */
  private detect(data: Uint8Array, avail: number, atEnd: boolean): boolean {
    let truncated: BinaryFraming | undefined;
    for (const f of this.candidates) {
      // At the start of the list a complete, exactly-tiled entry is proof enough: what
      // follows it may be damaged, which the main loop reports on its own.
      const le = f.byteOrder === 'little';
      const r = this.judge.judge(data, avail, this.pos, le, f.digestSize, atEnd, false);
      if (r === NEED) {
        this.needUntil = this.judge.needUntil;
        return false;
      }
      if (r > 0) {
        this.adopt(f);
        return true;
      }
      if (truncated === undefined && this.judge.cutInCandidate && this.judge.cutAfterName) {
        truncated = f;
      }
    }
    if (truncated !== undefined) {
      // A plausible first entry cut off by the end of the file: read it as such, so the
      // error says "truncated" rather than "not a list".
      this.adopt(truncated);
      return true;
    }
    if (this.pos === 0) {
      // Wait for enough bytes to recognise the patched-kernel variant the same way
      // whatever the chunking.
      if (!atEnd && avail < VARIANT_HEAD) {
        this.needUntil = VARIANT_HEAD;
        return false;
      }
      const variant = findDigestLengthVariant(data.subarray(0, Math.min(avail, VARIANT_HEAD)));
      if (variant !== undefined) {
        this.refused = true;
        this.b.addError(
          0,
          `not an upstream IMA measurement list: ${variant.description}; the file is refused`,
        );
        return false;
      }
    }
    this.startResync(
      `byte ${this.b.base + this.pos}: expected an IMA entry (u32 PCR index < 64, a 20/32/48/64-byte ` +
        'template digest, a u32 template-name length 1–255 and a printable template name, ' +
        'in either byte order), found none',
    );
    this.describeOnceFramed = true;
    return true;
  }

  private adopt(f: BinaryFraming): void {
    this.le = f.byteOrder === 'little';
    this.D = f.digestSize;
  }

  private startResync(message: string): void {
    this.errorFrom = this.pos;
    this.errorMessage = message;
    this.scanPos = this.pos + 1;
  }

  /** Scans for the next entry; true when found (parsing resumes there). */
  private resync(data: Uint8Array, avail: number, atEnd: boolean): boolean {
    const from = this.errorFrom;
    const base = this.b.base;
    for (let q = this.scanPos; q < avail; q++) {
      const r = this.judgeAt(data, avail, q, atEnd);
      if (r === NEED) {
        this.scanPos = q;
        this.needUntil = this.judge.needUntil;
        return false;
      }
      if (r > 0) {
        if (this.describeOnceFramed) this.describeDamagedStart(data, avail, from);
        this.b.addError(
          base + from,
          `${this.errorMessage}; skipped bytes ${base + from}–${base + q - 1} (${q - from} bytes) ` +
            `to the next plausible entry at byte ${base + q}`,
        );
        this.errorFrom = -1;
        this.pos = q;
        return true;
      }
    }
    this.scanPos = avail;
    this.needUntil = avail + 1;
    if (!atEnd) return false;
    this.b.addError(
      base + from,
      `${this.errorMessage}; no plausible entry in the remaining ${avail - from} bytes ` +
        '(skipped to the end)',
    );
    this.errorFrom = -1;
    this.pos = avail;
    return false;
  }

  /** With the framing the entries after it have, says what is wrong with the entry at `from`. */
  private describeDamagedStart(data: Uint8Array, avail: number, from: number): void {
    this.describeOnceFramed = false;
    const le = this.le ?? true;
    const D = this.D ?? 20;
    const r = this.checker.check(data, avail, from, le, D, false);
    if (r === BAD) this.errorMessage = this.checker.describeProblem(from, le, D, this.b.base);
    else if (r > 0) this.errorMessage = `entry at byte ${this.b.base + from}: its template data does not split into fields exactly`;
  }

  private judgeAt(data: Uint8Array, avail: number, q: number, atEnd: boolean): number {
    if (this.le !== undefined && this.D !== undefined) {
      if (!mayStartEntry(data, avail, q, this.le, this.D)) return BAD;
      return this.judge.judge(data, avail, q, this.le, this.D, atEnd, true);
    }
    for (const f of this.candidates) {
      const le = f.byteOrder === 'little';
      if (!mayStartEntry(data, avail, q, le, f.digestSize)) continue;
      const r = this.judge.judge(data, avail, q, le, f.digestSize, atEnd, true);
      if (r === NEED) return NEED;
      if (r > 0) {
        this.adopt(f);
        return r;
      }
    }
    return BAD;
  }

  private record(data: Uint8Array, p: number, size: number, le: boolean, D: number): void {
    const b = this.b;
    const scan = this.scan;
    const nameLen = readU32(data, p + 4 + D, le);
    const nameOff = p + 8 + D;
    const t = b.internTemplate(data, nameOff, nameLen);
    const desc = b.descriptors[t];
    const q = nameOff + nameLen;
    if (desc.isLegacyIma) {
      const dLen = imaDigestLength(data, q, le);
      scan.flags = 0;
      scan.fileDigestOffset = q;
      scan.fileDigestLength = dLen;
      scan.algorithmSource = digestAlgorithmOfRawLength(dLen);
      scan.nameOffset = q + dLen + 4;
      scan.nameLength = readU32(data, q + dLen, le);
      b.addEntry(p, p, size, readU32(data, p, le), t, scan, D);
    } else {
      const L = readU32(data, q, le);
      scanTemplateFields(data, q + 4, L, le, desc, scan);
      b.addEntry(p, p, size, readU32(data, p, le), t, scan, D);
    }
  }
}
