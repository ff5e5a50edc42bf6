/**
 * Interning byte ranges (paths, digests) that live inside the logs' own buffers: each distinct
 * byte string gets a small integer id, without decoding it into a JS string or copying it.
 * Comparing two million-entry lists then costs an Int32Array of ids per log and a table of the
 * distinct strings, instead of a string and a Map entry per entry.
 *
 * Open addressing (linear probing) over an Int32Array of ids; a string is stored as
 * (source, offset, length) of its first occurrence, and equality is checked byte by byte, so a
 * hash collision can never merge two different names.
 */

/** Index into the strings a ByteInterner holds. */
export type InternedId = number;

const EMPTY = -1;

export class ByteInterner {
  private readonly sources: readonly Uint8Array[];
  private slots: Int32Array;
  private mask: number;
  private count = 0;
  private itemSource: Uint8Array;
  private itemOffset: Uint32Array;
  private itemLength: Uint32Array;
  private itemHash: Uint32Array;
  /** A small number mixed into the hash and compared too (the digest's algorithm). */
  private itemTag: Uint16Array;

  /** `sources`: the buffers ranges are taken from (at most 256); `expected`: a size hint. */
  constructor(sources: readonly Uint8Array[], expected: number) {
    this.sources = sources;
    let capacity = 1024;
    while (capacity < expected * 2) capacity *= 2;
    this.slots = new Int32Array(capacity).fill(EMPTY);
    this.mask = capacity - 1;
    const items = Math.max(16, expected);
    this.itemSource = new Uint8Array(items);
    this.itemOffset = new Uint32Array(items);
    this.itemLength = new Uint32Array(items);
    this.itemHash = new Uint32Array(items);
    this.itemTag = new Uint16Array(items);
  }

  get size(): number {
    return this.count;
  }

  /** The id of `sources[source][offset, offset+length)` with `tag`, added if new. */
  intern(source: number, offset: number, length: number, tag = 0): InternedId {
    const bytes = this.sources[source];
    // FNV-1a over the bytes and the tag, then a final avalanche for the low bits we index by.
    let h = 0x811c9dc5 ^ tag;
    for (let i = offset, end = offset + length; i < end; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
    h ^= h >>> 16;
    h = Math.imul(h, 0x7feb352d);
    h ^= h >>> 15;
    h >>>= 0;
    const slots = this.slots;
    for (let s = h & this.mask; ; s = (s + 1) & this.mask) {
      const id = slots[s];
      if (id === EMPTY) {
        slots[s] = this.add(source, offset, length, h, tag);
        if (this.count * 2 > slots.length) this.rehash();
        return this.count - 1;
      }
      if (this.itemHash[id] === h && this.itemTag[id] === tag && this.equals(id, bytes, offset, length)) return id;
    }
  }

  /** The bytes of string `id` (a view into its source buffer). */
  bytes(id: InternedId): Uint8Array {
    const o = this.itemOffset[id];
    return this.sources[this.itemSource[id]].subarray(o, o + this.itemLength[id]);
  }

  tag(id: InternedId): number {
    return this.itemTag[id];
  }

  private equals(id: InternedId, bytes: Uint8Array, offset: number, length: number): boolean {
    if (this.itemLength[id] !== length) return false;
    const other = this.sources[this.itemSource[id]];
    const o = this.itemOffset[id];
    for (let i = 0; i < length; i++) if (other[o + i] !== bytes[offset + i]) return false;
    return true;
  }

  private add(source: number, offset: number, length: number, hash: number, tag: number): InternedId {
    const id = this.count++;
    if (id === this.itemOffset.length) {
      const grow = <T extends Uint8Array | Uint16Array | Uint32Array>(a: T, make: (n: number) => T): T => {
        const b = make(a.length * 2);
        b.set(a);
        return b;
      };
      this.itemSource = grow(this.itemSource, (n) => new Uint8Array(n));
      this.itemOffset = grow(this.itemOffset, (n) => new Uint32Array(n));
      this.itemLength = grow(this.itemLength, (n) => new Uint32Array(n));
      this.itemHash = grow(this.itemHash, (n) => new Uint32Array(n));
      this.itemTag = grow(this.itemTag, (n) => new Uint16Array(n));
    }
    this.itemSource[id] = source;
    this.itemOffset[id] = offset;
    this.itemLength[id] = length;
    this.itemHash[id] = hash;
    this.itemTag[id] = tag;
    return id;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2).fill(EMPTY);
    const mask = slots.length - 1;
    for (let id = 0; id < this.count; id++) {
      let s = this.itemHash[id] & mask;
      while (slots[s] !== EMPTY) s = (s + 1) & mask;
      slots[s] = id;
    }
    this.slots = slots;
    this.mask = mask;
  }
}
