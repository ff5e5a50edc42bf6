/**
 * The growable form of `ImaLog` that both list parsers fill: the `data` bytes, one typed
 * array per column (grown by doubling, so appending is amortised O(1) with no per-entry
 * objects), interned template names and digest-algorithm names, and the parse errors.
 * Internal to src/core/ima: everything else sees the finished, trimmed `ImaLog`.
 */
import { hashAlgorithmsOfSize } from '../hash/hash-algorithm';
import type { ByteOrder, ImaLog, ParseError } from '../model/ima-log';
import { NO_DIGEST_ALGORITHM } from '../model/ima-log';
import { decodeText } from '../util/bytes';
import { AlgorithmSource, describeTemplate } from './template-registry';
import type { FieldScan, TemplateDescriptor } from './template-registry';

/**
 * Past this many errors only a count is kept, so a gigabyte of garbage cannot grow the
 * error list without bound (each error already covers a whole skipped range).
 */
const MAX_ERRORS = 1000;

export class ImaLogBuilder {
  data: Uint8Array;
  dataLength = 0;
  length = 0;
  entryOffset: Float64Array;
  sourceOffset: Float64Array;
  entrySize: Uint32Array;
  pcr: Uint8Array;
  template: Uint16Array;
  flags: Uint16Array;
  templateDataOffset: Float64Array;
  templateDataSize: Uint32Array;
  nameOffset: Float64Array;
  nameLength: Uint32Array;
  fileDigestOffset: Float64Array;
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

  constructor(dataCapacity: number, entryCapacity: number) {
    this.data = new Uint8Array(Math.max(256, dataCapacity));
    const n = Math.max(16, entryCapacity);
    this.entryOffset = new Float64Array(n);
    this.sourceOffset = new Float64Array(n);
    this.entrySize = new Uint32Array(n);
    this.pcr = new Uint8Array(n);
    this.template = new Uint16Array(n);
    this.flags = new Uint16Array(n);
    this.templateDataOffset = new Float64Array(n);
    this.templateDataSize = new Uint32Array(n);
    this.nameOffset = new Float64Array(n);
    this.nameLength = new Uint32Array(n);
    this.fileDigestOffset = new Float64Array(n);
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
    this.reserve(chunk.length);
    this.data.set(chunk, this.dataLength);
    this.dataLength += chunk.length;
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

  /** Appends one entry row; `scan` gives its name, file digest and field flags. */
  addEntry(
    entryOffset: number,
    sourceOffset: number,
    entrySize: number,
    pcr: number,
    template: number,
    templateDataOffset: number,
    templateDataSize: number,
    scan: FieldScan,
  ): void {
    const i = this.length;
    if (i === this.entryOffset.length) this.growColumns();
    this.entryOffset[i] = entryOffset;
    this.sourceOffset[i] = sourceOffset;
    this.entrySize[i] = entrySize;
    this.pcr[i] = pcr;
    this.template[i] = template;
    this.flags[i] = scan.flags;
    this.templateDataOffset[i] = templateDataOffset;
    this.templateDataSize[i] = templateDataSize;
    this.nameOffset[i] = scan.nameOffset;
    this.nameLength[i] = scan.nameLength;
    // A digest field longer than the column can hold is not a digest; leave it out.
    const digestFits = scan.fileDigestLength <= 0xffff;
    this.fileDigestOffset[i] = digestFits ? scan.fileDigestOffset : 0;
    this.fileDigestLength[i] = digestFits ? scan.fileDigestLength : 0;
    this.fileDigestAlgorithm[i] = digestFits
      ? this.internAlgorithm(this.data, scan)
      : NO_DIGEST_ALGORITHM;
    this.length = i + 1;
  }

  private growColumns(): void {
    const n = this.entryOffset.length * 2;
    const grow = <T extends Float64Array | Uint32Array | Uint16Array | Uint8Array>(
      old: T,
      make: (size: number) => T,
    ): T => {
      const next = make(n);
      next.set(old);
      return next;
    };
    this.entryOffset = grow(this.entryOffset, (s) => new Float64Array(s));
    this.sourceOffset = grow(this.sourceOffset, (s) => new Float64Array(s));
    this.entrySize = grow(this.entrySize, (s) => new Uint32Array(s));
    this.pcr = grow(this.pcr, (s) => new Uint8Array(s));
    this.template = grow(this.template, (s) => new Uint16Array(s));
    this.flags = grow(this.flags, (s) => new Uint16Array(s));
    this.templateDataOffset = grow(this.templateDataOffset, (s) => new Float64Array(s));
    this.templateDataSize = grow(this.templateDataSize, (s) => new Uint32Array(s));
    this.nameOffset = grow(this.nameOffset, (s) => new Float64Array(s));
    this.nameLength = grow(this.nameLength, (s) => new Uint32Array(s));
    this.fileDigestOffset = grow(this.fileDigestOffset, (s) => new Float64Array(s));
    this.fileDigestLength = grow(this.fileDigestLength, (s) => new Uint16Array(s));
    this.fileDigestAlgorithm = grow(this.fileDigestAlgorithm, (s) => new Uint16Array(s));
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
    // Trim `data`: keep the buffer when little is wasted, copy when doubling overshot.
    const waste = this.data.length - this.dataLength;
    const data =
      waste <= this.dataLength / 8
        ? this.data.subarray(0, this.dataLength)
        : this.data.slice(0, this.dataLength);
    return {
      format,
      byteOrder,
      digestSize,
      digestBank: hashAlgorithmsOfSize(digestSize)[0],
      entries: {
        length: n,
        entryOffset: this.entryOffset.slice(0, n),
        sourceOffset: this.sourceOffset.slice(0, n),
        entrySize: this.entrySize.slice(0, n),
        pcr: this.pcr.slice(0, n),
        template: this.template.slice(0, n),
        flags: this.flags.slice(0, n),
        templateDataOffset: this.templateDataOffset.slice(0, n),
        templateDataSize: this.templateDataSize.slice(0, n),
        nameOffset: this.nameOffset.slice(0, n),
        nameLength: this.nameLength.slice(0, n),
        fileDigestOffset: this.fileDigestOffset.slice(0, n),
        fileDigestLength: this.fileDigestLength.slice(0, n),
        fileDigestAlgorithm: this.fileDigestAlgorithm.slice(0, n),
      },
      templates: this.descriptors.map((d) => d.info),
      digestAlgorithms: this.digestAlgorithms.slice(),
      data,
      errors,
      sourceSize,
    };
  }
}

function sameBytes(a: Uint8Array, data: Uint8Array, offset: number, length: number): boolean {
  if (a.length !== length) return false;
  for (let i = 0; i < length; i++) if (a[i] !== data[offset + i]) return false;
  return true;
}
