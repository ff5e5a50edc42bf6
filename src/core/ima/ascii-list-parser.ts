/**
 * Streaming parser of ASCII IMA measurement lists (`ascii_runtime_measurements`,
 * `ascii_runtime_measurements_<algo>`), ima-format.md §3.
 *
 * One line per entry, written by `ima_ascii_measurements_show()`:
 *
 *   printf("%2d ", pcr) ‖ hex(template digest) ‖ " " ‖ template name
 *   ‖ for each field: " " ‖ rendering (nothing when the field is empty) ‖ "\n"
 *
 * so PCRs below 10 have a leading space, and an empty field leaves its separating space
 * (an unsigned `ima-sig` line ends in "path "). Renderings: `d` hex; `d-ng`/`d-ngv2`/
 * `d-modsig` "<prefix>:" then hex; `n`/`n-ng`/`xattrnames` the text (spaces already turned
 * into `_` by the kernel); `iuid`/`igid`/`imode` decimal; everything else hex. The legacy
 * template prints ` <hex d> <name>`. The digest column's width gives the bank's digest size
 * (40 hex digits in the legacy/`_sha1` file, 64 in `_sha256`…).
 *
 * Each line is re-encoded into the binary layout, little-endian, appended to `data`:
 * this is exactly what a little-endian kernel hashed, so template hashes verify and all
 * later code (field decoding, hashing, replay) is shared with binary lists. The fields are
 * split on single spaces, which keeps empty fields in place; a line whose whitespace was
 * altered (runs of spaces, tabs, a lost trailing space) is split on whitespace runs
 * instead, empty fields then being taken as the trailing ones. Bytes of names are copied
 * raw: the kernel prints them raw, turning only spaces into `_`, so a name can hold a tab
 * (the template hash decides between that and a tab typed as a separator), end in a CR
 * (see `line`: CRLF files are told from the line ends and the hash) or hold newlines (its
 * entry is then joined from several lines, taken when the hash confirms the join).
 *
 * Names with spaces: kernels since 3.13 turn spaces in names into `_`, but older kernels'
 * lists, and lists that tools wrote or rewrote, keep them (openEuler kunpengsecl ships
 * `… ima <d> /tmp/#17634599 (deleted)`). A line with more space-separated tokens than its
 * template has fields is read with the name field taking several tokens (the rest of the
 * line when the name is the last field); where a token could be a name part or a later
 * field (`ima-sig`: the signature hex), every reading is tried and the template hash
 * decides: a reading is taken only when the hash of its template data is the recorded
 * digest. When none is, the line is a parse error that says so (a violation's zero digest
 * confirms nothing; the hash is checked little-endian, as re-encoded, with the sha1/sha2
 * functions of @noble/hashes, so an sm3 or a big-endian kernel's line cannot confirm one).
 *
 * Bad lines become ParseErrors with the line's byte offset; a run of consecutive bad lines
 * is one error naming the range. A patched kernel (embrave 2023) writes the digest column
 * as "sha256:<hex>": those lines are refused, since upstream never prefixes it.
 */
import type { ImaLog } from '../model/ima-log';
import type { ImaLogBuilder } from './ima-log-builder';
import { hashAlgorithmsOfSize, type HashAlgorithm } from '../hash/hash-algorithm';
import { createNobleHashProvider, type Hasher, type HashProvider } from '../hash/hash-provider';
import { DIGEST_SIZES, MAX_TEMPLATE_DATA } from './binary-list-parser';
import {
  AlgorithmSource,
  createFieldScan,
  FieldKind,
  isTemplateNameByte,
  MAX_TEMPLATE_FIELDS,
  MAX_TEMPLATE_NAME_LENGTH,
  scanTemplateFields,
} from './template-registry';
import type { TemplateDescriptor } from './template-registry';

/** A line can hold the largest template data as hex, plus framing. */
const MAX_LINE = 2 * MAX_TEMPLATE_DATA + 65536;

const HEX_VALUE = new Int8Array(256).fill(-1);
for (let i = 0; i < 10; i++) HEX_VALUE[0x30 + i] = i;
for (let i = 0; i < 6; i++) {
  HEX_VALUE[0x61 + i] = 10 + i;
  HEX_VALUE[0x41 + i] = 10 + i;
}

/** Single-space tokens looked at for a name with spaces (the name has at most 255 bytes). */
const MAX_SPACED_TOKENS = MAX_TEMPLATE_FIELDS + 257;
/** `IMA_EVENT_NAME_LEN_MAX + 1`: the zeroed buffer the legacy template hashes the name in. */
const LEGACY_NAME_BUFFER = 256;

/** Synchronous hashers for confirming a reading (rare lines only: speed does not matter). */
let confirmHashes: HashProvider | undefined;

function confirmHasher(alg: HashAlgorithm): Hasher | undefined {
  confirmHashes ??= createNobleHashProvider();
  return confirmHashes.get(alg);
}

const SPACE = 0x20;
const TAB = 0x09;
const CR = 0x0d;
const isBlank = (c: number): boolean => c === SPACE || c === TAB;

/** A line of only spaces, tabs and CRs: it carries no entry. */
function isBlankLine(buf: Uint8Array, s: number, e: number): boolean {
  for (let k = s; k < e; k++) if (!isBlank(buf[k]) && buf[k] !== CR) return false;
  return true;
}

/** Bytes of lines a name can continue over (PATH_MAX): a group longer than that is dropped. */
const MAX_NAME_CONTINUATION = 4096;
/**
 * Lines a name can continue over (newlines in one name). Each line tried re-reads and re-hashes the whole group, so
 * without this bound a run of blank or bad lines after an entry (one byte each) cost
 * thousands of hashes of up to PATH_MAX bytes per entry; names with more newlines than this
 * stay parse errors.
 */
const MAX_NAME_LINES = 16;

/** Lines looked at to recognise an ASCII list whose first lines are damaged. */
const SNIFF_LINES = 8;

/**
 * The digest size of an ASCII list from its first line that reads like an entry (among the
 * first SNIFF_LINES: a damaged first line does not hide the list; the parser reports it),
 * or undefined. The algorithm-prefixed digest column of the patched-kernel variant is
 * accepted here so that the parser, not the sniffer, explains why it is refused.
 */
export function sniffAsciiList(head: Uint8Array): number | undefined {
  let start = 0;
  for (let k = 0; k < SNIFF_LINES && start < head.length; k++) {
    let end = head.indexOf(0x0a, start);
    if (end < 0) end = head.length;
    let line = '';
    for (let i = start; i < Math.min(end, start + 512); i++) line += String.fromCharCode(head[i]);
    const m = /^ ?(\d{1,2}) ([a-z0-9-]+:)?([0-9a-f]+) ([\x21-\x7e]+)/.exec(line);
    const size = m === null || Number(m[1]) > 63 ? 0 : m[3].length / 2;
    if (DIGEST_SIZES.includes(size)) return size;
    start = end + 1;
  }
  return undefined;
}

export interface AsciiParseOptions {
  readonly digestSize?: number;
}

export class AsciiListParser {
  private pending = new Uint8Array(1024);
  private pendingLength = 0;
  /** The current line is over MAX_LINE: its bytes are dropped until its newline. */
  private pendingTooLong = false;
  /** Source offset where the pending line starts. */
  private lineStart = 0;
  private consumed = 0;
  private lineNumber = 0;
  private D: number | undefined;
  private readonly scan = createFieldScan();
  /** Token boundaries of the current line's fields: [start0, end0, start1, end1, …]. */
  private readonly tokens = new Int32Array(2 * (MAX_TEMPLATE_FIELDS + 1));
  /** Single-space token boundaries of the current line, for names with spaces. */
  private readonly spaced = new Int32Array(2 * MAX_SPACED_TOKENS);
  /** The line just read ended right after its template name (nothing, not even a space). */
  private lineEndsAtName = false;
  /** The last splitFields found the expected fields between single spaces (the kernel's form). */
  private splitOnSingleSpaces = false;
  /** The line just read got as far as its template name (it can start an entry split by newlines). */
  private lineHasHead = false;
  /** Line ends so far taken as CRLF, and as LF (a CR before it kept as a name's byte). */
  private crLines = 0;
  private lfLines = 0;
  /**
   * The group: the last line that started an entry (its source offset; -1 for none) and the
   * bad or blank lines after it, joined by '\n' in `join[0, joinLength)`. The first line
   * stays in the caller's buffer (`groupRef`) until a chunk ends or a line joins it.
   */
  private groupStart = -1;
  /** The group's first line was read as an entry (the last one). */
  private groupAdded = false;
  private groupRef: Uint8Array | undefined;
  private groupRefStart = 0;
  private groupFirstLength = 0;
  /** Lines tried joined to the group's first line. */
  private groupLines = 0;
  private join = new Uint8Array(256);
  private joinLength = 0;
  /** The bad-line run before the group's first line, restored when a join confirms. */
  private groupBadFrom = -1;
  private groupBadLastLine = 0;
  private groupBadEnd = 0;
  private badFrom = -1;
  private badFirstLine = 0;
  private badLastLine = 0;
  private badEnd = 0;
  private badMessage = '';

  constructor(
    private readonly b: ImaLogBuilder,
    options: AsciiParseOptions = {},
  ) {
    const forced = options.digestSize;
    this.D = forced !== undefined && forced > 0 && forced <= 128 ? forced : undefined;
  }

  push(chunk: Uint8Array): void {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      if (nl < 0) {
        // The caller may reuse `chunk`, and `pending` is about to be overwritten.
        this.keepGroupLine();
        this.appendPending(chunk, start, chunk.length);
        break;
      }
      if (this.pendingLength > 0 || this.pendingTooLong) this.appendPending(chunk, start, nl);
      const lineEnd = this.consumed + nl;
      if (this.pendingLength > 0 || this.pendingTooLong) {
        this.line(this.pending, 0, this.pendingLength, lineEnd);
        this.pendingLength = 0;
        this.pendingTooLong = false;
      } else {
        this.line(chunk, start, nl, lineEnd);
      }
      this.lineStart = lineEnd + 1;
      start = nl + 1;
    }
    this.consumed += chunk.length;
  }

  finish(): ImaLog {
    if (this.pendingLength > 0 || this.pendingTooLong) {
      const entries = this.b.length;
      this.line(this.pending, 0, this.pendingLength, this.consumed, false);
      this.pendingLength = 0;
      this.checkLastLine(entries);
    }
    this.flushBad();
    if (this.b.length === 0 && this.b.errorCount === 0 && this.consumed > 0) {
      this.b.addError(0, 'no IMA entry: the text has only blank lines');
    }
    return this.b.build('ascii', 'little', this.D ?? 20, this.consumed);
  }

  /**
   * The kernel ends every line with a newline: a last line without one was cut off, unless
   * its template hash shows it whole (only its newline lost). A cut line is a truncation
   * error at its first byte, its entry (if it still parsed) not kept; a violation's zero
   * digest, an unknown template with fields or a bank without a hasher here cannot tell, so
   * such a line stays. `entries`: the entry count before the line.
   */
  private checkLastLine(entries: number): void {
    const b = this.b;
    const src = this.lineStart;
    if (b.length > entries) {
      const confirmed = this.lastEntryConfirms();
      if (confirmed !== false) return;
      // An unknown template's fields are guessed, so its hash proves nothing either way: it
      // stays, unless the line ends right at its name (a cut name, "ima-n": the kernel
      // writes a space before every field, even an empty one).
      if (!b.descriptors[b.template[b.length - 1]].info.known && !this.lineEndsAtName) return;
      b.dropLastEntry();
      b.addError(
        src,
        `line ${this.lineNumber} (bytes ${src}–${this.consumed - 1}) is cut off: the list ends inside it, ` +
          'without its newline, and what is left does not match its template digest; entry not kept',
      );
    } else if (this.badFrom === src) {
      // Its own problem is reported with it; say that the list was cut there. (When it ends
      // a run of bad lines, the run's first line names the problem.)
      this.badMessage = `cut off: the list ends inside this line, without its newline (${this.badMessage})`;
    }
  }

  /**
   * Whether the last entry's template data hashes to its recorded digest; undefined when no
   * hash can tell (a violation's zero digest, a bank without a hasher here). An unknown
   * template's fields are guessed: it is never confirmed.
   */
  private lastEntryConfirms(): boolean | undefined {
    const b = this.b;
    const i = b.length - 1;
    const o = b.entryOffset[i];
    const desc = b.descriptors[b.template[i]];
    const D = this.D ?? 0;
    const canTell = hashAlgorithmsOfSize(D).some((alg) => confirmHasher(alg) !== undefined);
    if (!canTell || b.data.subarray(o + 4, o + 4 + D).every((x) => x === 0)) return undefined;
    // Where the template data (or the legacy `d` field) starts: after pcr, digest, name.
    const q = o + 8 + D + desc.info.name.length;
    const legacyDigest = desc.isLegacyIma ? b.fileDigestLength[i] : -1;
    return desc.info.known && this.confirms(o, q, o + b.entrySize[i], legacyDigest, desc);
  }

  private appendPending(chunk: Uint8Array, start: number, end: number): void {
    const n = end - start;
    if (this.pendingTooLong || this.pendingLength + n > MAX_LINE) {
      this.pendingTooLong = true;
      this.pendingLength = 0;
      return;
    }
    if (this.pendingLength + n > this.pending.length) {
      let cap = this.pending.length * 2;
      while (cap < this.pendingLength + n) cap *= 2;
      const grown = new Uint8Array(cap);
      grown.set(this.pending.subarray(0, this.pendingLength));
      this.pending = grown;
    }
    this.pending.set(chunk.subarray(start, end), this.pendingLength);
    this.pendingLength += n;
  }

  /**
   * One line `buf[s, e)` whose newline (or, when not `terminated`, the end of input) is at
   * source offset `srcEnd`.
   *
   * A CR before the newline ends the line in a CRLF file (one copied through Windows), but
   * the kernel prints names raw and '\r' is a file-name byte: it is taken as a line end
   * while every line so far ended in CRLF, and otherwise the template hash decides between
   * the two readings (the file's majority of line ends when neither confirms).
   *
   * A newline in a name splits its entry over lines: a line that is no entry (or blank)
   * is tried joined by '\n' to the lines before it, from the last that started an entry;
   * the joined reading is taken when its template hash confirms it.
   */
  private line(buf: Uint8Array, s: number, e: number, srcEnd: number, terminated = true): void {
    this.lineNumber++;
    const src = this.lineStart;
    if (this.pendingTooLong) {
      this.groupStart = -1;
      this.noteBad(src, srcEnd, `line is longer than ${MAX_LINE} bytes, more than any IMA entry`);
      return;
    }
    const cr = e > s && buf[e - 1] === CR;
    let strip = cr && this.crLines >= this.lfLines;
    const blank = isBlankLine(buf, s, e);
    let problem: string | undefined;
    if (!blank) {
      problem = this.read(buf, s, strip ? e - 1 : e, src);
      if (cr && !(this.crLines > 0 && this.lfLines === 0) && (problem !== undefined || this.lastEntryConfirms() !== true)) {
        if (problem === undefined) this.b.dropLastEntry();
        const other = this.read(buf, s, strip ? e : e - 1, src);
        if (other === undefined && this.lastEntryConfirms() === true) {
          strip = !strip;
          problem = undefined;
        } else {
          if (other === undefined) this.b.dropLastEntry();
          problem = this.read(buf, s, strip ? e - 1 : e, src);
        }
      }
    }
    if (terminated) {
      if (strip) this.crLines++;
      else this.lfLines++;
    }
    const end = strip ? e - 1 : e;
    if (!blank && problem === undefined) {
      this.flushBad();
      this.startGroup(buf, s, end, src, true);
      return;
    }
    // A line that got as far as its template name starts an entry rather than continuing one.
    const startsEntry = !blank && this.lineHasHead;
    if (this.joinGroup(buf, s, end)) return;
    if (startsEntry) this.startGroup(buf, s, end, src, false);
    if (problem !== undefined) this.noteBad(src, srcEnd, problem);
  }

  /** Reads the line `buf[s, e)` from its first non-blank byte; returns its problem if any. */
  private read(buf: Uint8Array, s: number, e: number, src: number): string | undefined {
    this.lineHasHead = false;
    let i = s;
    while (i < e && isBlank(buf[i])) i++;
    return this.encodeLine(buf, i, e, src);
  }

  /**
   * Makes `buf[s, e)` the first line of the entry that lines after it may continue (a name
   * with newlines); `added`: it was read as an entry (the last one).
   */
  private startGroup(buf: Uint8Array, s: number, e: number, src: number, added: boolean): void {
    this.groupStart = src;
    this.groupAdded = added;
    this.groupRef = buf;
    this.groupRefStart = s;
    this.joinLength = e - s;
    this.groupFirstLength = e - s;
    this.groupLines = 0;
    this.groupBadFrom = this.badFrom;
    this.groupBadLastLine = this.badLastLine;
    this.groupBadEnd = this.badEnd;
  }

  /** Copies the group's first line out of the caller's buffer (or `pending`) into `join`. */
  private keepGroupLine(): void {
    if (this.groupRef === undefined) return;
    this.ensureJoin(this.joinLength);
    this.join.set(this.groupRef.subarray(this.groupRefStart, this.groupRefStart + this.joinLength));
    this.groupRef = undefined;
  }

  private ensureJoin(n: number): void {
    if (n <= this.join.length) return;
    const grown = new Uint8Array(Math.max(n, 2 * this.join.length));
    grown.set(this.join.subarray(0, this.joinLength));
    this.join = grown;
  }

  /**
   * Tries the group's lines and `buf[s, e)` joined by '\n' as one entry; true when its
   * template hash confirms it: it then replaces the group's entry, and the lines joined are
   * no longer bad. Otherwise the line is added to the group (while a name could be that long).
   */
  private joinGroup(buf: Uint8Array, s: number, e: number): boolean {
    if (this.groupStart < 0) return false;
    if (this.joinLength - this.groupFirstLength > MAX_NAME_CONTINUATION || ++this.groupLines > MAX_NAME_LINES) {
      this.groupStart = -1;
      return false;
    }
    this.keepGroupLine();
    const n = this.joinLength + 1 + e - s;
    this.ensureJoin(n);
    const join = this.join;
    join[this.joinLength] = 0x0a;
    join.set(buf.subarray(s, e), this.joinLength + 1);
    const b = this.b;
    const problem = this.read(join, 0, n, this.groupStart);
    const confirmed = problem === undefined && this.lastEntryConfirms() === true;
    if (problem === undefined) b.dropLastEntry();
    if (!confirmed) {
      this.joinLength = n;
      return false;
    }
    if (this.groupAdded) b.dropLastEntry();
    this.read(join, 0, n, this.groupStart);
    this.groupStart = -1;
    this.badFrom = this.groupBadFrom;
    this.badLastLine = this.groupBadLastLine;
    this.badEnd = this.groupBadEnd;
    this.flushBad();
    return true;
  }

  /** Re-encodes one non-blank line into `data` and adds its entry; returns a problem if any. */
  private encodeLine(buf: Uint8Array, s: number, e: number, src: number): string | undefined {
    let i = s;
    let pcr = 0;
    while (i < e && i - s < 3 && buf[i] >= 0x30 && buf[i] <= 0x39) pcr = pcr * 10 + buf[i++] - 0x30;
    if (i === s || (i < e && !isBlank(buf[i]))) {
      return 'expected a decimal PCR index at the start of the line';
    }
    if (pcr > 63) return `PCR index ${pcr} is out of range (0–63)`;
    while (i < e && isBlank(buf[i])) i++;
    const hs = i;
    while (i < e && HEX_VALUE[buf[i]] >= 0) i++;
    const colon = lastColonInToken(buf, hs, e);
    if (colon >= 0) {
      return (
        'expected a hex template digest in column 2, found the prefix ' +
        `"${latin1(buf, hs, colon + 1)}" ` +
        "(a patched kernel's format; upstream kernels print bare hex)"
      );
    }
    const hexLen = i - hs;
    if (hexLen === 0 || (i < e && !isBlank(buf[i]))) {
      return 'expected a hex template digest in column 2';
    }
    const D = hexLen / 2;
    if (this.D === undefined) {
      if (!DIGEST_SIZES.includes(D)) {
        return (
          `template digest has ${hexLen} hex digits; ` +
          'expected 40, 64, 96 or 128 (sha1, sha256/sm3, sha384, sha512)'
        );
      }
      this.D = D;
    } else if (D !== this.D) {
      const expected = 2 * this.D;
      return `template digest has ${hexLen} hex digits, expected ${expected} like the other lines`;
    }
    while (i < e && isBlank(buf[i])) i++;
    const ns = i;
    while (i < e && !isBlank(buf[i])) i++;
    const nameLen = i - ns;
    this.lineEndsAtName = i === e;
    if (nameLen === 0) return 'expected a template name after the template digest';
    this.lineHasHead = true;
    if (nameLen > MAX_TEMPLATE_NAME_LENGTH) {
      return `template name of ${nameLen} bytes is longer than 255`;
    }
    for (let k = ns; k < i; k++) {
      if (!isTemplateNameByte(buf[k])) {
        return 'template name has a byte that is not printable ASCII';
      }
    }
    const b = this.b;
    const t = b.internTemplate(buf, ns, nameLen);
    const desc = b.descriptors[t];

    // Every rendering is at most as long as its binary form is in bytes, plus 4 length
    // bytes and a NUL per field; reserve that, then write in place.
    b.reserve(16 + D + nameLen + (e - i) + 8 * (MAX_TEMPLATE_FIELDS + 2));
    const data = b.data;
    const o = b.dataLength;
    writeU32(data, o, pcr);
    decodeHex(buf, hs, hexLen, data, o + 4);
    writeU32(data, o + 4 + D, nameLen);
    copyBytes(buf, ns, ns + nameLen, data, o + 8 + D);
    const q = o + 8 + D + nameLen;
    const scan = this.scan;
    if (desc.isLegacyIma) {
      const tk = this.tokens;
      const legacy = (count: number): number | string =>
        count === 2
          ? writeLegacyFields(buf, tk[0], tk[1], tk[2], tk[3], data, q)
          : `expected 2 fields after template "ima" (digest and name), found ${count}`;
      let end = legacy(this.splitFields(buf, i, e, 2));
      if (this.splitOnSingleSpaces && hasTab(buf, i, e)) {
        end = this.tabReading(buf, i, e, 2, end, legacy, (x) => this.confirms(o, q, x, (tk[1] - tk[0]) / 2));
      }
      let dLen = (tk[1] - tk[0]) / 2;
      const n = this.splitSingleSpaces(buf, i, e);
      if (n > 2) {
        // The name takes the rest of the line; kept when the template hash confirms it.
        const sp = this.spaced;
        const spacedEnd = writeLegacyFields(buf, sp[0], sp[1], sp[2], sp[2 * n - 1], data, q);
        const spacedDLen = (sp[1] - sp[0]) / 2;
        if (typeof spacedEnd === 'number' && this.confirms(o, q, spacedEnd, spacedDLen)) {
          end = spacedEnd;
          dLen = spacedDLen;
        } else if (typeof end === 'number') {
          end = writeLegacyFields(buf, tk[0], tk[1], tk[2], tk[3], data, q);
        } else {
          end = end + unconfirmed(spacedEnd);
        }
      }
      if (typeof end === 'string') return end;
      scan.flags = 0;
      scan.fileDigestOffset = q;
      scan.fileDigestLength = dLen;
      scan.algorithmSource = dLen === 20 ? AlgorithmSource.Sha1 : AlgorithmSource.Md5;
      scan.nameOffset = q + dLen + 4;
      scan.nameLength = end - scan.nameOffset;
      b.dataLength = end;
      b.addEntry(o, src, end - o, pcr, t, scan, D);
      return undefined;
    }
    const expected = desc.kinds.length;
    let end = this.writeSplitFields(buf, this.splitFields(buf, i, e, expected), desc, q);
    if (this.splitOnSingleSpaces && hasTab(buf, i, e)) {
      end = this.tabReading(
        buf,
        i,
        e,
        expected,
        end,
        (c) => this.writeSplitFields(buf, c, desc, q),
        (x) => this.confirms(o, q, x, -1, desc),
      );
    }
    if (desc.nameField >= 0 && expected > 0 && !this.splitOnSingleSpaces) {
      const n = this.splitSingleSpaces(buf, i, e);
      if (n > expected) end = this.readSpacedName(buf, i, e, n, desc, o, q, end);
    }
    if (typeof end === 'string') return end;
    const L = end - (q + 4);
    writeU32(data, q, L);
    b.dataLength = end;
    scanTemplateFields(data, q + 4, L, true, desc, scan);
    b.addEntry(o, src, end - o, pcr, t, scan, D);
    return undefined;
  }

  /** The fields in `tokens` (`count` of them) written as by writeFields, or the problem with their count. */
  private writeSplitFields(buf: Uint8Array, count: number, desc: TemplateDescriptor, q: number): number | string {
    const expected = desc.kinds.length;
    if (count > MAX_TEMPLATE_FIELDS) return `more than ${MAX_TEMPLATE_FIELDS} fields (the kernel's limit)`;
    if (expected > 0 && count > expected) {
      return `expected ${expected} fields after template "${desc.info.name}", found ${count}`;
    }
    return this.writeFields(buf, count, desc, q);
  }

  /**
   * A line split on single spaces (`strict`: its reading) with a tab in it. The kernel
   * prints names raw, so a tab can be a name's byte; in a list edited by hand it may
   * separate fields. The reading whose template hash confirms it is taken; when neither
   * does, the single-space one (the kernel's form), unless only the whitespace-run one reads.
   * `write(count)` writes the fields in `tokens`; `confirmed(end)` checks the hash.
   */
  private tabReading(
    buf: Uint8Array,
    i: number,
    e: number,
    expected: number,
    strict: number | string,
    write: (count: number) => number | string,
    confirmed: (end: number) => boolean,
  ): number | string {
    if (typeof strict === 'number' && confirmed(strict)) return strict;
    const loose = write(this.splitFields(buf, i, e, expected, true));
    if (typeof strict === 'string' || (typeof loose === 'number' && confirmed(loose))) return loose;
    return write(this.splitFields(buf, i, e, expected));
  }

  /**
   * Writes the fields in `tokens` (`count` of them, missing trailing ones empty) as template
   * data at data[q + 4…] with its length word at q; returns the end, or the problem.
   */
  private writeFields(buf: Uint8Array, count: number, desc: TemplateDescriptor, q: number): number | string {
    const data = this.b.data;
    let w = q + 4;
    const fields = Math.max(count, desc.kinds.length);
    for (let f = 0; f < fields; f++) {
      const ts = f < count ? this.tokens[2 * f] : 0;
      const te = f < count ? this.tokens[2 * f + 1] : 0;
      const next = encodeField(buf, ts, te, desc, f, data, w);
      if (next < 0) {
        const id = desc.info.fields[f] ?? '?';
        return `field ${f + 1} (${id}) of template "${desc.info.name}": ${fieldProblem(desc, f)}`;
      }
      w = next;
    }
    writeU32(data, q, w - (q + 4));
    return w;
  }

  /**
   * A line with `n` single-space tokens, more than its template's fields: the readings where
   * the name field spans several tokens, the fields after it taking the last tokens (or
   * empty, when a trailing space was lost), are tried in turn; the first whose template hash
   * is the recorded digest is kept. Otherwise the plain reading `plain` stands (re-written),
   * or, when it is a problem too, the line is refused saying that no reading confirms.
   */
  private readSpacedName(
    buf: Uint8Array,
    i: number,
    e: number,
    n: number,
    desc: TemplateDescriptor,
    o: number,
    q: number,
    plain: number | string,
  ): number | string {
    const sp = this.spaced;
    const tk = this.tokens;
    const a = desc.nameField;
    const after = desc.kinds.length - a - 1;
    let firstProblem: string | undefined;
    let encoded = false;
    for (let j = Math.max(a + 2, n - after); j <= n; j++) {
      for (let f = 0; f < a; f++) {
        tk[2 * f] = sp[2 * f];
        tk[2 * f + 1] = sp[2 * f + 1];
      }
      tk[2 * a] = sp[2 * a];
      tk[2 * a + 1] = sp[2 * j - 1];
      for (let k = j; k < n; k++) {
        const f = a + 1 + k - j;
        tk[2 * f] = sp[2 * k];
        tk[2 * f + 1] = sp[2 * k + 1];
      }
      const end = this.writeFields(buf, a + 1 + n - j, desc, q);
      if (typeof end === 'string') firstProblem ??= end;
      else if (this.confirms(o, q, end, -1, desc)) return end;
      else encoded = true;
    }
    if (typeof plain === 'number') {
      // Not a name with spaces after all (whitespace altered by hand?): read as written.
      return this.writeFields(buf, this.splitFields(buf, i, e, desc.kinds.length, true), desc, q);
    }
    return plain + unconfirmed(encoded ? 0 : (firstProblem ?? 0));
  }

  /**
   * Fills `spaced` with the tokens of `buf[i, e)` split on single spaces (`buf[i]` is the
   * separator after the template name) and returns their count; 0 when the line does not
   * start with a space or has too many tokens to hold a name.
   */
  private splitSingleSpaces(buf: Uint8Array, i: number, e: number): number {
    if (i >= e || buf[i] !== SPACE) return 0;
    const sp = this.spaced;
    let n = 0;
    let start = i + 1;
    for (let k = start; k <= e; k++) {
      if (k === e || buf[k] === SPACE) {
        if (n === MAX_SPACED_TOKENS) return 0;
        sp[2 * n] = start;
        sp[2 * n + 1] = k;
        n++;
        start = k + 1;
      }
    }
    return n;
  }

  /**
   * Whether the entry written at `o` (template data from `q` to `end`) hashes to its recorded
   * template digest in the list's bank; an all-zero digest (a violation) confirms nothing.
   * `legacyDigest`: the `d` size of an `ima` entry, -1 for the other templates (of `desc`).
   */
  private confirms(o: number, q: number, end: number, legacyDigest: number, desc?: TemplateDescriptor): boolean {
    const data = this.b.data;
    const D = this.D ?? 0;
    const recorded = data.subarray(o + 4, o + 4 + D);
    if (recorded.every((x) => x === 0)) return false;
    const inputs: Uint8Array[] = [];
    if (legacyDigest >= 0) {
      // H(d ‖ name zero-padded to 256), no length words (ima-format.md §5.1).
      const dLen = legacyDigest;
      const nameStart = q + dLen + 4;
      const input = new Uint8Array(dLen + LEGACY_NAME_BUFFER);
      input.set(data.subarray(q, q + dLen));
      input.set(data.subarray(nameStart, end), dLen);
      inputs.push(input);
    } else {
      // As re-encoded (little-endian), then as a big-endian kernel hashed it.
      const input = data.subarray(q + 4, end);
      inputs.push(input, bigEndianTemplateData(input, desc));
    }
    for (const alg of hashAlgorithmsOfSize(D)) {
      const hasher = confirmHasher(alg);
      for (const input of inputs) {
        const digest = hasher?.digest(input);
        if (digest !== undefined && digest.every((x, k) => x === recorded[k])) return true;
      }
    }
    return false;
  }

  /**
   * Fills `tokens` with the fields of `buf[i, e)` (which starts at the separator after the
   * template name) and returns their count. Single-space split (the kernel's) when it yields
   * `expected` fields and not `loose`, else a split on whitespace runs.
   */
  private splitFields(buf: Uint8Array, i: number, e: number, expected: number, loose = false): number {
    const tk = this.tokens;
    const max = MAX_TEMPLATE_FIELDS + 1;
    if (!loose && expected > 0 && i < e && buf[i] === SPACE) {
      let n = 0;
      let start = i + 1;
      for (let k = start; k <= e && n < max; k++) {
        if (k === e || buf[k] === SPACE) {
          tk[2 * n] = start;
          tk[2 * n + 1] = k;
          n++;
          start = k + 1;
        }
      }
      if (n === expected) {
        this.splitOnSingleSpaces = true;
        return n;
      }
    }
    this.splitOnSingleSpaces = false;
    let n = 0;
    let k = i;
    while (n < max) {
      while (k < e && isBlank(buf[k])) k++;
      if (k === e) break;
      const start = k;
      while (k < e && !isBlank(buf[k])) k++;
      tk[2 * n] = start;
      tk[2 * n + 1] = k;
      n++;
    }
    while (k < e && isBlank(buf[k])) k++;
    return k < e ? max + 1 : n;
  }

  private noteBad(src: number, srcEnd: number, message: string): void {
    if (this.badFrom < 0) {
      this.badFrom = src;
      this.badFirstLine = this.lineNumber;
      this.badMessage = message;
    }
    this.badLastLine = this.lineNumber;
    this.badEnd = srcEnd;
  }

  private flushBad(): void {
    if (this.badFrom < 0) return;
    const first = this.badFirstLine;
    const message =
      this.badLastLine === first
        ? `line ${first} (byte ${this.badFrom}): ${this.badMessage}; line skipped`
        : `lines ${first}–${this.badLastLine} (bytes ${this.badFrom}–${this.badEnd - 1}) ` +
          `are not IMA entries, skipped; line ${first}: ${this.badMessage}`;
    this.b.addError(this.badFrom, message);
    this.badFrom = -1;
  }
}

/**
 * The legacy `ima` fields from their renderings (digest `buf[ds, de)`, name `buf[ns, ne)`):
 * d ‖ u32 n ‖ name at out[q]; returns the end, or the problem.
 */
function writeLegacyFields(
  buf: Uint8Array,
  ds: number,
  de: number,
  ns: number,
  ne: number,
  out: Uint8Array,
  q: number,
): number | string {
  const dHex = de - ds;
  if ((dHex !== 40 && dHex !== 32) || !isHex(buf, ds, de)) {
    return 'expected the 40-hex-digit (sha1) or 32-hex-digit (md5) file digest of the "ima" template';
  }
  const dLen = dHex / 2;
  const n = ne - ns;
  if (n > 255) return `"ima" file name of ${n} bytes is longer than 255`;
  decodeHex(buf, ds, dHex, out, q);
  writeU32(out, q + dLen, n);
  copyBytes(buf, ns, ne, out, q + dLen + 4);
  return q + dLen + 4 + n;
}

/**
 * Little-endian template data with its length words, and the integers the canonical format
 * converts (Uint, U32Array fields), byte-swapped: what a big-endian kernel hashed.
 */
function bigEndianTemplateData(le: Uint8Array, desc: TemplateDescriptor | undefined): Uint8Array {
  const out = le.slice();
  const swap = (p: number, n: number): void => {
    out.subarray(p, p + n).reverse();
  };
  for (let p = 0, f = 0; p + 4 <= out.length; f++) {
    const len = (out[p] | (out[p + 1] << 8) | (out[p + 2] << 16) | (out[p + 3] << 24)) >>> 0;
    swap(p, 4);
    const start = p + 4;
    if (len > out.length - start) break;
    const kind = desc !== undefined && f < desc.kinds.length ? desc.kinds[f] : FieldKind.Unknown;
    if (kind === FieldKind.Uint && (len === 2 || len === 4 || len === 8)) swap(start, len);
    else if (kind === FieldKind.U32Array) for (let w = 0; w + 4 <= len; w += 4) swap(start + w, 4);
    p = start + len;
  }
  return out;
}

/** Why a reading with spaces in the name was not taken. */
function unconfirmed(problem: number | string): string {
  return typeof problem === 'string'
    ? `; read with spaces in the name, it is no entry either (${problem})`
    : '; read with spaces in the name, it does not reproduce its recorded template digest';
}

/** Offset of the last ':' in the whitespace-delimited token at buf[s], or -1. */
function lastColonInToken(buf: Uint8Array, s: number, e: number): number {
  let colon = -1;
  for (let k = s; k < e && !isBlank(buf[k]); k++) if (buf[k] === 0x3a) colon = k;
  return colon;
}

function hasTab(buf: Uint8Array, i: number, e: number): boolean {
  for (let k = i; k < e; k++) if (buf[k] === TAB) return true;
  return false;
}

function isHex(buf: Uint8Array, s: number, e: number): boolean {
  for (let k = s; k < e; k++) if (HEX_VALUE[buf[k]] < 0) return false;
  return true;
}

function latin1(buf: Uint8Array, s: number, e: number): string {
  let out = '';
  for (let k = s; k < Math.min(e, s + 40); k++) out += String.fromCharCode(buf[k]);
  return out;
}

/** buf[s, e) → out[o]; a loop for short runs, which allocates no view (names, prefixes). */
function copyBytes(buf: Uint8Array, s: number, e: number, out: Uint8Array, o: number): void {
  if (e - s > 256) {
    out.set(buf.subarray(s, e), o);
    return;
  }
  for (let k = s; k < e; k++) out[o + k - s] = buf[k];
}

function writeU32(data: Uint8Array, p: number, v: number): void {
  data[p] = v & 0xff;
  data[p + 1] = (v >>> 8) & 0xff;
  data[p + 2] = (v >>> 16) & 0xff;
  data[p + 3] = (v >>> 24) & 0xff;
}

/** Decodes `hexLen` (even, validated) hex digits at buf[s] into out[o]. */
function decodeHex(buf: Uint8Array, s: number, hexLen: number, out: Uint8Array, o: number): void {
  for (let k = 0; k < hexLen; k += 2) {
    out[o + k / 2] = (HEX_VALUE[buf[s + k]] << 4) | HEX_VALUE[buf[s + k + 1]];
  }
}

/**
 * Writes field `f` (`u32 len ‖ data`) from its rendering `buf[s, e)` at out[w]; returns the
 * offset after it, or -1 when the rendering is not of the field's kind.
 */
function encodeField(
  buf: Uint8Array,
  s: number,
  e: number,
  desc: TemplateDescriptor,
  f: number,
  out: Uint8Array,
  w: number,
): number {
  const n = e - s;
  const kind = f < desc.kinds.length ? desc.kinds[f] : FieldKind.Unknown;
  const id = desc.info.fields[f];
  if (n === 0) {
    // An empty rendering is an empty field, except that a name field always holds its NUL.
    const isName = id === 'n' || id === 'n-ng';
    writeU32(out, w, isName ? 1 : 0);
    if (isName) out[w + 4] = 0;
    return w + 4 + (isName ? 1 : 0);
  }
  switch (kind) {
    case FieldKind.RawDigest:
    case FieldKind.Bytes:
    case FieldKind.U32Array:
      if (n % 2 !== 0 || !isHex(buf, s, e)) return -1;
      writeU32(out, w, n / 2);
      decodeHex(buf, s, n, out, w + 4);
      return w + 4 + n / 2;
    case FieldKind.DigestWithAlgo: {
      let c = e - 1;
      while (c >= s && buf[c] !== 0x3a) c--;
      const hexLen = e - c - 1;
      if (c < s || hexLen % 2 !== 0 || !isHex(buf, c + 1, e)) return -1;
      const prefix = c + 1 - s;
      writeU32(out, w, prefix + 1 + hexLen / 2);
      copyBytes(buf, s, c + 1, out, w + 4);
      out[w + 4 + prefix] = 0;
      decodeHex(buf, c + 1, hexLen, out, w + 5 + prefix);
      return w + 5 + prefix + hexLen / 2;
    }
    case FieldKind.String:
      return writeText(buf, s, e, out, w);
    case FieldKind.Uint: {
      let v = 0;
      for (let k = s; k < e; k++) {
        const d = buf[k] - 0x30;
        if (d < 0 || d > 9) return -1;
        v = v * 10 + d;
      }
      const width = desc.widths[f];
      if (v >= 2 ** (8 * width)) return -1;
      writeU32(out, w, width);
      for (let k = 0; k < width; k++) out[w + 4 + k] = Math.floor(v / 2 ** (8 * k)) & 0xff;
      return w + 4 + width;
    }
    default:
      // A field we do not know: hex renderings are taken as bytes, anything else as text.
      if (n % 2 === 0 && isHex(buf, s, e)) {
        writeU32(out, w, n / 2);
        decodeHex(buf, s, n, out, w + 4);
        return w + 4 + n / 2;
      }
      return writeText(buf, s, e, out, w);
  }
}

function writeText(buf: Uint8Array, s: number, e: number, out: Uint8Array, w: number): number {
  const n = e - s;
  writeU32(out, w, n + 1);
  copyBytes(buf, s, e, out, w + 4);
  out[w + 4 + n] = 0;
  return w + 5 + n;
}

function fieldProblem(desc: TemplateDescriptor, f: number): string {
  switch (desc.kinds[f]) {
    case FieldKind.DigestWithAlgo:
      return 'expected "<algo>:<hex digest>"';
    case FieldKind.Uint:
      return `expected an unsigned decimal below 2^${8 * desc.widths[f]}`;
    default:
      return 'expected an even number of hex digits';
  }
}
