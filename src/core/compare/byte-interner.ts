/**
 * Interning byte ranges (paths) that live inside the logs' own buffers: each distinct byte
 * string gets a small integer id, without decoding it into a JS string or copying it.
 * Comparing two million-entry lists then costs an Int32Array of ids per log and a table of the
 * distinct strings, instead of a string and a Map entry per entry.
 *
 * Open addressing (linear probing). Memory misses dominate at a million names, so each slot
 * holds the hash beside the id (one cache line answers most probes) and each string's facts
 * sit together in one record; equality is checked byte by byte, so a hash collision can
 * never merge two different names.
 */

/** Index into the strings a ByteInterner holds. */
export type InternedId = number;

const EMPTY = -1;
/** Int32 words per string record: offset (as uint32), length, source, hash. */
const RECORD = 4;

/** FNV-1a over a byte range, with a final avalanche for the low bits tables index by. */
export function hashBytes(bytes: Uint8Array, offset: number, length: number, seed = 0): number {
  let h = 0x811c9dc5 ^ seed;
  for (let i = offset, end = offset + length; i < end; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  return h | 0;
}

export class ByteInterner {
  private readonly sources: readonly Uint8Array[];
  /** Pairs (hash, id); id EMPTY for a free slot. */
  private slots: Int32Array;
  private mask: number;
  private count = 0;
  private records: Int32Array;

  /** `sources`: the buffers ranges are taken from; `expected`: a size hint. */
  constructor(sources: readonly Uint8Array[], expected: number) {
    this.sources = sources;
    let capacity = 1024;
    while (capacity < expected * 2) capacity *= 2;
    this.slots = new Int32Array(capacity * 2).fill(EMPTY);
    this.mask = capacity - 1;
    this.records = new Int32Array(Math.max(16, Math.ceil(expected)) * RECORD);
  }

  get size(): number {
    return this.count;
  }

  /** The id of `sources[source][offset, offset+length)`, added if new. */
  intern(source: number, offset: number, length: number): InternedId {
    const bytes = this.sources[source];
    const h = hashBytes(bytes, offset, length);
    const slots = this.slots;
    for (let s = h & this.mask; ; s = (s + 1) & this.mask) {
      const id = slots[2 * s + 1];
      if (id === EMPTY) {
        slots[2 * s] = h;
        slots[2 * s + 1] = this.add(source, offset, length, h);
        if (this.count * 4 > slots.length) this.rehash();
        return this.count - 1;
      }
      if (slots[2 * s] === h && this.equals(id, bytes, offset, length)) return id;
    }
  }

  /** The bytes of string `id` (a view into its source buffer). */
  bytes(id: InternedId): Uint8Array {
    const r = id * RECORD;
    const o = this.records[r] >>> 0;
    return this.sources[this.records[r + 2]].subarray(o, o + this.records[r + 1]);
  }

  private equals(id: InternedId, bytes: Uint8Array, offset: number, length: number): boolean {
    const r = id * RECORD;
    if (this.records[r + 1] !== length) return false;
    const other = this.sources[this.records[r + 2]];
    const o = this.records[r] >>> 0;
    for (let i = 0; i < length; i++) if (other[o + i] !== bytes[offset + i]) return false;
    return true;
  }

  private add(source: number, offset: number, length: number, hash: number): InternedId {
    const id = this.count++;
    if (id * RECORD === this.records.length) {
      const grown = new Int32Array(this.records.length * 2);
      grown.set(this.records);
      this.records = grown;
    }
    const r = id * RECORD;
    this.records[r] = offset | 0; // offsets reach 2^32: read back with >>> 0
    this.records[r + 1] = length;
    this.records[r + 2] = source;
    this.records[r + 3] = hash;
    return id;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2).fill(EMPTY);
    const mask = slots.length / 2 - 1;
    for (let id = 0; id < this.count; id++) {
      const h = this.records[id * RECORD + 3];
      let s = h & mask;
      while (slots[2 * s + 1] !== EMPTY) s = (s + 1) & mask;
      slots[2 * s] = h;
      slots[2 * s + 1] = id;
    }
    this.slots = slots;
    this.mask = mask;
  }
}
