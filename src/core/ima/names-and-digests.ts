/**
 * Every entry's name and file digest copied while a list is parsed, in compact columns of
 * their own (ImaParseOptions.keepNamesAndDigests), and whether it is a violation (an all-zero
 * template digest): what a comparison reads of a reference list, so a reference read back
 * from its file (ImaParseOptions.readBack) keeps neither its file's bytes nor a hash table's
 * random reads of them (a chunk read per probe), nor reads the file again for its violations.
 * About half a list's bytes: its template digests, template names, length words and other
 * fields are left out.
 *
 * The offsets are in `source` (not in the list, as the model's columns are); the lengths are
 * the model's own columns. Room is made from the size hint, generously: pages never written
 * are never resident.
 */
import { memoryByteSource, type ByteSource } from '../model/byte-source';
import type { EntryTable } from '../model/ima-log';
import { isZeroAt } from '../util/bytes';
import type { FieldScan } from './template-registry';

/** Of a list's bytes, the share kept when there is no better estimate yet (ima-ng sha256 keeps ~0.55). */
const FIRST_SHARE = 0.75;
const MIN_ENTRIES = 16;
const MIN_BYTES = 256;

export class NamesAndDigests {
  private data: Uint8Array;
  private dataLength = 0;
  private nameOffsets: Uint32Array;
  private digestOffsets: Uint32Array;
  /** 1 where the entry's template digest is all zero. */
  private violations: Uint8Array;
  private count = 0;

  /** `sizeHint`: the list's size in bytes, `entryHint`: its expected entries. */
  constructor(sizeHint: number, entryHint: number) {
    this.data = new Uint8Array(Math.max(MIN_BYTES, Math.ceil(sizeHint * FIRST_SHARE)));
    const n = Math.max(MIN_ENTRIES, Math.ceil(entryHint));
    this.nameOffsets = new Uint32Array(n);
    this.digestOffsets = new Uint32Array(n);
    this.violations = new Uint8Array(n);
  }

  get length(): number {
    return this.count;
  }

  /**
   * Copies the next entry's name and file digest out of `window` (the parser's bytes), where
   * `scan` found them; `digestLength`: the file digest's as the model keeps it (0 when it does
   * not fit its column). Its template digest is `templateDigestSize` bytes at `templateDigestOffset`.
   */
  add(window: Uint8Array, templateDigestOffset: number, templateDigestSize: number, scan: FieldScan, digestLength: number): void {
    const { nameOffset, nameLength, fileDigestOffset: digestOffset } = scan;
    const i = this.count;
    if (i === this.nameOffsets.length) this.growColumns();
    this.violations[i] = isZeroAt(window, templateDigestOffset, templateDigestSize) ? 1 : 0;
    if (this.dataLength + nameLength + digestLength > this.data.length) this.growData(nameLength + digestLength);
    const data = this.data;
    let at = this.dataLength;
    this.digestOffsets[i] = at;
    // Byte loops: most fields are a few dozen bytes, shorter than a subarray's cost.
    for (let k = 0; k < digestLength; k++) data[at + k] = window[digestOffset + k];
    at += digestLength;
    this.nameOffsets[i] = at;
    for (let k = 0; k < nameLength; k++) data[at + k] = window[nameOffset + k];
    this.dataLength = at + nameLength;
    this.count = i + 1;
  }

  /** Takes back the entries from `length` on (a line the parser found cut off after it was read). */
  truncate(length: number): void {
    if (length >= this.count) return;
    this.count = length;
    this.dataLength = this.digestOffsets[length];
  }

  /** The columns, with the lengths of `entries` (the log parsed): views, nothing more is added after the parse. */
  columns(entries: Pick<EntryTable, 'length' | 'nameLength' | 'fileDigestLength'>): {
    readonly source: ByteSource;
    readonly nameOffset: Uint32Array;
    readonly nameLength: Uint32Array;
    readonly digestOffset: Uint32Array;
    readonly digestLength: Uint16Array;
    readonly violation: Uint8Array;
  } {
    const n = this.count;
    if (entries.length !== n) throw new Error(`NamesAndDigests: ${n} entries copied, the log has ${entries.length}`);
    return {
      source: memoryByteSource(this.data.subarray(0, this.dataLength)),
      nameOffset: this.nameOffsets.subarray(0, n),
      nameLength: entries.nameLength,
      digestOffset: this.digestOffsets.subarray(0, n),
      digestLength: entries.fileDigestLength,
      violation: this.violations.subarray(0, n),
    };
  }

  private growData(extra: number): void {
    const grown = new Uint8Array(Math.max(2 * this.data.length, this.dataLength + extra));
    grown.set(this.data.subarray(0, this.dataLength));
    this.data = grown;
  }

  private growColumns(): void {
    const n = 2 * this.count;
    const grow = <T extends Uint32Array | Uint8Array>(old: T, make: (size: number) => T): T => {
      const next = make(n);
      next.set(old);
      return next;
    };
    this.nameOffsets = grow(this.nameOffsets, (s) => new Uint32Array(s));
    this.digestOffsets = grow(this.digestOffsets, (s) => new Uint32Array(s));
    this.violations = grow(this.violations, (s) => new Uint8Array(s));
  }
}
