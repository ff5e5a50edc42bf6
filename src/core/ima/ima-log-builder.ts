/**
 * The growable form of `ImaLog` that both list parsers fill: the `data` bytes, one typed
 * array per column (no per-entry objects), interned template names and digest-algorithm
 * names, and the parse errors. Internal to src/core/ima: everything else sees the finished
 * `ImaLog`.
 *
 * Memory is the budget that matters at a million entries (the data is ~110 MB and the
 * columns ~35 MB): `data` and the columns are preallocated from the size hint (or `data` is
 * the caller's own buffer, adopted: see ImaParseOptions.source); when the
 * columns fill up they grow to the count the hint projects from the entries so far (doubling
 * only without one), and `build()` hands out views of the buffers rather than trimmed
 * copies whenever little space is wasted, so the finished log never briefly exists twice.
 * A binary list's entries start in `data` where they start in the file, so its
 * `sourceOffset` column is `entryOffset` itself; a separate one is made only when the two
 * first differ (ASCII lines).
 */
import { hashAlgorithmsOfSize } from '../hash/hash-algorithm';
import { memoryByteSource, type ByteSource } from '../model/byte-source';
import type { ByteOrder, ImaLog, ParseError } from '../model/ima-log';
import { NO_DIGEST_ALGORITHM } from '../model/ima-log';
import { decodeText } from '../util/bytes';
import type { NamesAndDigests } from './names-and-digests';
import { AlgorithmSource, describeTemplate } from './template-registry';
import type { FieldScan, TemplateDescriptor } from './template-registry';

/**
 * Past this many errors only a count is kept, so a gigabyte of garbage cannot grow the
 * error list without bound (each error already covers a whole skipped range).
 */
const MAX_ERRORS = 1000;
/**
 * `build()` keeps a buffer (and returns a view of it) when at most this fraction of it is
 * unused; otherwise it copies the used part so the slack can be freed.
 */
const MAX_KEPT_WASTE = 1 / 8;
/** Head room over the projected entry count when the columns grow (entry sizes vary). */
const PROJECTION_MARGIN = 1.03;

/** A streaming builder's first window (it grows for a larger entry or damage being skipped). */
const STREAM_WINDOW = 1 << 20;

export class ImaLogBuilder {
  /** The list's bytes from `base` on (all of them unless streaming: see readBack). */
  data: Uint8Array;
  dataLength = 0;
  /** Offset in the list of data[0]: 0 unless streaming, where bytes already read are dropped. */
  base = 0;
  length = 0;
  entryOffset: Uint32Array;
  /** Undefined while every entry's source offset equals its data offset (a binary list). */
  private sourceOffset: Uint32Array | undefined;
  entrySize: Uint32Array;
  pcr: Uint8Array;
  template: Uint16Array;
  flags: Uint16Array;
  nameOffset: Uint32Array;
  nameLength: Uint32Array;
  fileDigestOffset: Uint32Array;
  fileDigestLength: Uint16Array;
  fileDigestAlgorithm: Uint16Array;

  readonly descriptors: TemplateDescriptor[] = [];
  private readonly templateByName = new Map<string, number>();
  private lastTemplate = -1;
  private lastTemplateName = new Uint8Array(0);

  readonly digestAlgorithms: string[] = [];
  private readonly algorithmByName = new Map<string, number>();
  private lastAlgorithm = -1;
  private lastAlgorithmName = new Uint8Array(0);

  private readonly errors: ParseError[] = [];
  private droppedErrors = 0;
  private droppedErrorsFrom = 0;

  /** The expected final size of `data` (the caller's hint), for projecting the entry count. */
  private readonly expectedDataLength: number;

  /**
   * `adopt`: the whole input, already in memory, to be `data` itself (see `append`): a
   * binary list then costs no copy of the file. `readBack`: the list's bytes can be read
   * back from there (its file), so none are kept: the builder streams. `namesAndDigests`:
   * where every entry's name and file digest are copied as it is added.
   */
  constructor(
    dataCapacity: number,
    entryCapacity: number,
    adopt?: Uint8Array,
    private readonly readBack?: ByteSource,
    private readonly namesAndDigests?: NamesAndDigests,
  ) {
    this.expectedDataLength = adopt?.length ?? dataCapacity;
    this.data = adopt ?? new Uint8Array(Math.max(256, readBack === undefined ? dataCapacity : Math.min(dataCapacity, STREAM_WINDOW)));
    const n = Math.max(16, Math.ceil(entryCapacity));
    this.entryOffset = new Uint32Array(n);
    this.entrySize = new Uint32Array(n);
    this.pcr = new Uint8Array(n);
    this.template = new Uint16Array(n);
    this.flags = new Uint16Array(n);
    this.nameOffset = new Uint32Array(n);
    this.nameLength = new Uint32Array(n);
    this.fileDigestOffset = new Uint32Array(n);
    this.fileDigestLength = new Uint16Array(n);
    this.fileDigestAlgorithm = new Uint16Array(n);
  }

  /** Makes room for `extra` more bytes of `data` (doubling, so appends stay linear). */
  reserve(extra: number): void {
    const needed = this.dataLength + extra;
    if (needed <= this.data.length) return;
    let cap = this.data.length * 2;
    while (cap < needed) cap *= 2;
    const grown = new Uint8Array(cap);
    grown.set(this.data.subarray(0, this.dataLength));
    this.data = grown;
  }

  append(chunk: Uint8Array): void {
    if (this.isInPlace(chunk)) {
      // The next bytes of an adopted input: already where they belong.
      this.dataLength += chunk.length;
      return;
    }
    this.reserve(chunk.length);
    this.data.set(chunk, this.dataLength);
    this.dataLength += chunk.length;
  }

  /**
   * Streaming: forgets data[0, keepFrom) (read already, and readable back from the file);
   * returns how many bytes the window moved. Keeps everything otherwise (returns 0).
   */
  discardBefore(keepFrom: number): number {
    if (this.readBack === undefined || keepFrom <= 0) return 0;
    this.data.copyWithin(0, keepFrom, this.dataLength);
    this.dataLength -= keepFrom;
    this.base += keepFrom;
    return keepFrom;
  }

  private isInPlace(chunk: Uint8Array): boolean {
    return (
      chunk.buffer === this.data.buffer &&
      chunk.byteOffset === this.data.byteOffset + this.dataLength &&
      this.dataLength + chunk.length <= this.data.length
    );
  }

  /** Index of the template named by `data[offset, offset + length)` (ASCII bytes). */
  internTemplate(data: Uint8Array, offset: number, length: number): number {
    if (sameBytes(this.lastTemplateName, data, offset, length)) return this.lastTemplate;
    let name = '';
    for (let i = 0; i < length; i++) name += String.fromCharCode(data[offset + i]);
    let index = this.templateByName.get(name);
    if (index === undefined) {
      index = this.descriptors.length;
      this.descriptors.push(describeTemplate(name));
      this.templateByName.set(name, index);
    }
    this.lastTemplate = index;
    this.lastTemplateName = data.slice(offset, offset + length);
    return index;
  }

  /** Index into `digestAlgorithms` for the file digest `scan` found, or NO_DIGEST_ALGORITHM. */
  internAlgorithm(data: Uint8Array, scan: FieldScan): number {
    switch (scan.algorithmSource) {
      case AlgorithmSource.Prefix: {
        const { algOffset, algLength } = scan;
        if (sameBytes(this.lastAlgorithmName, data, algOffset, algLength)) {
          return this.lastAlgorithm;
        }
        const name = decodeText(data.subarray(algOffset, algOffset + algLength));
        const index = this.algorithmIndex(name);
        this.lastAlgorithm = index;
        this.lastAlgorithmName = data.slice(algOffset, algOffset + algLength);
        return index;
      }
      case AlgorithmSource.Sha1:
        return this.algorithmIndex('sha1');
      case AlgorithmSource.Md5:
        return this.algorithmIndex('md5');
      default:
        return NO_DIGEST_ALGORITHM;
    }
  }

  private algorithmIndex(name: string): number {
    let index = this.algorithmByName.get(name);
    if (index === undefined) {
      index = this.digestAlgorithms.length;
      this.digestAlgorithms.push(name);
      this.algorithmByName.set(name, index);
    }
    return index;
  }

  /**
   * Appends one entry row; `scan` gives its name, file digest and field flags, `digestSize`
   * the size of its template digest (for namesAndDigests, which tells violations).
   */
  addEntry(
    entryOffset: number,
    sourceOffset: number,
    entrySize: number,
    pcr: number,
    template: number,
    scan: FieldScan,
    digestSize: number,
  ): void {
    const i = this.length;
    if (i === this.entryOffset.length) this.growColumns();
    // Offsets come in the window; the columns hold them in the list.
    const base = this.base;
    this.entryOffset[i] = base + entryOffset;
    if (this.sourceOffset === undefined && sourceOffset !== entryOffset) {
      // Until now source and data offsets agreed: the entry offsets so far are the sources.
      this.sourceOffset = new Uint32Array(this.entryOffset.length);
      this.sourceOffset.set(this.entryOffset.subarray(0, i));
    }
    if (this.sourceOffset !== undefined) this.sourceOffset[i] = base + sourceOffset;
    this.entrySize[i] = entrySize;
    this.pcr[i] = pcr;
    this.template[i] = template;
    this.flags[i] = scan.flags;
    this.nameOffset[i] = base + scan.nameOffset;
    this.nameLength[i] = scan.nameLength;
    // A digest field longer than the column can hold is not a digest; leave it out.
    const digestFits = scan.fileDigestLength <= 0xffff;
    this.fileDigestOffset[i] = digestFits ? base + scan.fileDigestOffset : 0;
    this.fileDigestLength[i] = digestFits ? scan.fileDigestLength : 0;
    this.fileDigestAlgorithm[i] = digestFits
      ? this.internAlgorithm(this.data, scan)
      : NO_DIGEST_ALGORITHM;
    this.namesAndDigests?.add(this.data, entryOffset + 4, digestSize, scan, this.fileDigestLength[i]);
    this.length = i + 1;
  }

  /**
   * The column capacity to grow to: the entry count the expected data size projects from the
   * average entry so far (plus a margin), between 1.25× and 2× the current capacity; 2×
   * when there is no projection (no hint, or the hint is already passed).
   */
  private nextCapacity(): number {
    const current = this.entryOffset.length;
    const i = this.length - 1;
    const used = i < 0 ? 0 : this.entryOffset[i] + this.entrySize[i];
    if (used <= 0 || this.expectedDataLength <= used) return current * 2;
    const projected = Math.ceil(
      ((this.length * this.expectedDataLength) / used) * PROJECTION_MARGIN,
    );
    return Math.min(current * 2, Math.max(Math.ceil(current * 1.25), projected));
  }

  private growColumns(): void {
    const n = this.nextCapacity();
    const grow = <T extends Uint32Array | Uint16Array | Uint8Array>(
      old: T,
      make: (size: number) => T,
    ): T => {
      const next = make(n);
      next.set(old);
      return next;
    };
    this.entryOffset = grow(this.entryOffset, (s) => new Uint32Array(s));
    if (this.sourceOffset !== undefined) {
      this.sourceOffset = grow(this.sourceOffset, (s) => new Uint32Array(s));
    }
    this.entrySize = grow(this.entrySize, (s) => new Uint32Array(s));
    this.pcr = grow(this.pcr, (s) => new Uint8Array(s));
    this.template = grow(this.template, (s) => new Uint16Array(s));
    this.flags = grow(this.flags, (s) => new Uint16Array(s));
    this.nameOffset = grow(this.nameOffset, (s) => new Uint32Array(s));
    this.nameLength = grow(this.nameLength, (s) => new Uint32Array(s));
    this.fileDigestOffset = grow(this.fileDigestOffset, (s) => new Uint32Array(s));
    this.fileDigestLength = grow(this.fileDigestLength, (s) => new Uint16Array(s));
    this.fileDigestAlgorithm = grow(this.fileDigestAlgorithm, (s) => new Uint16Array(s));
  }

  /** Takes back the last entry and its bytes (a line found cut off after it was read). */
  dropLastEntry(): void {
    if (this.length === 0) return;
    this.length--;
    this.dataLength = this.entryOffset[this.length] - this.base;
    this.namesAndDigests?.truncate(this.length);
  }

  addError(offset: number, message: string): void {
    if (this.errors.length < MAX_ERRORS) this.errors.push({ offset, message });
    else if (this.droppedErrors++ === 0) this.droppedErrorsFrom = offset;
  }

  get errorCount(): number {
    return this.errors.length + this.droppedErrors;
  }

  build(
    format: 'binary' | 'ascii',
    byteOrder: ByteOrder,
    digestSize: number,
    sourceSize: number,
  ): ImaLog {
    const n = this.length;
    const errors = this.errors.slice();
    if (this.droppedErrors > 0) {
      errors.push({
        offset: this.droppedErrorsFrom,
        message: `${this.droppedErrors} more parse errors from byte ${this.droppedErrorsFrom} on`,
      });
    }
    const data = this.readBack === undefined ? trimmed(this.data, this.dataLength) : new Uint8Array(0);
    // The columns share one capacity: view them all or copy them all.
    const keep = this.entryOffset.length - n <= n * MAX_KEPT_WASTE;
    return this.logOf({ format, byteOrder, digestSize, sourceSize }, errors, data, keep);
  }

  /**
   * The entries added so far as a log, while more are still to come (the app shows the first
   * rows of a large list before it is read whole). Views, no copies: the builder only writes
   * past these entries from now on, and a buffer it outgrows stays as it was for the views.
   */
  snapshot(format: 'binary' | 'ascii', byteOrder: ByteOrder, digestSize: number, sourceSize: number): ImaLog {
    const data = this.readBack === undefined ? this.data.subarray(0, this.dataLength) : new Uint8Array(0);
    return this.logOf({ format, byteOrder, digestSize, sourceSize }, this.errors.slice(), data, true);
  }

  private logOf(
    shape: Pick<ImaLog, 'format' | 'byteOrder' | 'digestSize' | 'sourceSize'>,
    errors: ParseError[],
    data: Uint8Array,
    keep: boolean,
  ): ImaLog {
    const n = this.length;
    const column = <T extends Uint32Array | Uint16Array | Uint8Array>(c: T): T =>
      (keep ? c.subarray(0, n) : c.slice(0, n)) as T;
    const entryOffset = column(this.entryOffset);
    return {
      ...shape,
      digestBank: hashAlgorithmsOfSize(shape.digestSize)[0],
      entries: {
        length: n,
        entryOffset,
        sourceOffset: this.sourceOffset === undefined ? entryOffset : column(this.sourceOffset),
        entrySize: column(this.entrySize),
        pcr: column(this.pcr),
        template: column(this.template),
        flags: column(this.flags),
        nameOffset: column(this.nameOffset),
        nameLength: column(this.nameLength),
        fileDigestOffset: column(this.fileDigestOffset),
        fileDigestLength: column(this.fileDigestLength),
        fileDigestAlgorithm: column(this.fileDigestAlgorithm),
      },
      templates: this.descriptors.map((d) => d.info),
      digestAlgorithms: this.digestAlgorithms.slice(),
      data,
      bytes: this.readBack ?? memoryByteSource(data),
      errors,
    };
  }
}

/** The first `length` bytes of `buffer`: a view when little is wasted, else a copy. */
function trimmed(buffer: Uint8Array, length: number): Uint8Array {
  return buffer.length - length <= length * MAX_KEPT_WASTE
    ? buffer.subarray(0, length)
    : buffer.slice(0, length);
}

function sameBytes(a: Uint8Array, data: Uint8Array, offset: number, length: number): boolean {
  if (a.length !== length) return false;
  for (let i = 0; i < length; i++) if (a[i] !== data[offset + i]) return false;
  return true;
}
