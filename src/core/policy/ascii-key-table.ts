/**
 * A policy's path → digests map looked up by an entry's name bytes where they lie, without
 * decoding each name into a string (a million names: a TextDecoder call and a string hash
 * each, ~1 s). Only keys and names of plain ASCII are in the table: for those, decoding is
 * the identity, so byte equality is string equality. A name with any byte ≥ 0x80 gets
 * NOT_ASCII and the caller decodes it and asks the Map (invalid UTF-8 becomes U+FFFD there,
 * which no byte comparison could reproduce); a non-ASCII key can never equal an ASCII name.
 */

/** The name has a byte ≥ 0x80: look it up by its decoded text instead. */
export const NOT_ASCII = Symbol('not ASCII');

const EMPTY = -1;

export class AsciiKeyTable<V> {
  /** The ASCII keys' characters, one byte each, back to back. */
  private readonly pool: Uint8Array;
  private readonly keyOffset: Uint32Array;
  private readonly keyLength: Uint32Array;
  private readonly values: V[] = [];
  /** Pairs (hash, key number); EMPTY for a free slot. */
  private readonly slots: Int32Array;
  private readonly mask: number;
  /**
   * Two bits per key, at places its hash gives (a Bloom filter of ~16 bits a key): a name
   * whose bits are not both set is in no slot. Most names a policy is asked for are not in it
   * (893k of a 1M list for a 100k-path policy), and the slots of 100k keys (2 MiB) miss the
   * caches at nearly every probe, ~3× the cost of hashing the name.
   */
  private readonly filter: Int32Array;
  private readonly filterShift: number;

  constructor(map: ReadonlyMap<string, V>) {
    let chars = 0;
    for (const key of map.keys()) chars += key.length;
    const pool = new Uint8Array(chars);
    this.keyOffset = new Uint32Array(map.size);
    this.keyLength = new Uint32Array(map.size);
    let capacity = 16;
    while (capacity < map.size * 2) capacity *= 2;
    this.slots = new Int32Array(capacity * 2).fill(EMPTY);
    this.mask = capacity - 1;
    // 8 × capacity bits (capacity ≥ 2 × keys): 16 bits a key at least.
    this.filter = new Int32Array(capacity / 4);
    this.filterShift = 32 - Math.log2(capacity * 8);
    let at = 0;
    // forEach, not for…of: no [key, value] pair per key (a policy may have a million).
    map.forEach((value, key) => {
      const start = at;
      for (let k = 0; k < key.length; k++) {
        const c = key.charCodeAt(k);
        if (c >= 0x80) {
          at = start;
          return;
        }
        pool[at++] = c;
      }
      // Map keys are distinct, so each ASCII key gets its own slot.
      const id = this.values.length;
      this.values.push(value);
      this.keyOffset[id] = start;
      this.keyLength[id] = at - start;
      const h = hashAscii(pool, start, at - start);
      let s = h & this.mask;
      while (this.slots[2 * s + 1] !== EMPTY) s = (s + 1) & this.mask;
      this.slots[2 * s] = h;
      this.slots[2 * s + 1] = id;
      const [a, b] = this.filterBits(h);
      this.filter[a >>> 5] |= 1 << (a & 31);
      this.filter[b >>> 5] |= 1 << (b & 31);
    });
    this.pool = pool;
  }

  /** The value for the name in `bytes`[offset, +length); NOT_ASCII for a name to look up as text. */
  get(bytes: Uint8Array, offset: number, length: number): V | undefined | typeof NOT_ASCII {
    const h = hashAscii(bytes, offset, length);
    if (h === NOT_ASCII_HASH) return NOT_ASCII;
    const [a, b] = this.filterBits(h);
    if ((this.filter[a >>> 5] & (1 << (a & 31))) === 0 || (this.filter[b >>> 5] & (1 << (b & 31))) === 0) return undefined;
    const { slots, pool } = this;
    for (let s = h & this.mask; ; s = (s + 1) & this.mask) {
      const id = slots[2 * s + 1];
      if (id === EMPTY) return undefined;
      if (slots[2 * s] !== h || this.keyLength[id] !== length) continue;
      const from = this.keyOffset[id];
      let k = 0;
      while (k < length && pool[from + k] === bytes[offset + k]) k++;
      if (k === length) return this.values[id];
    }
  }

  /** The filter's two bits for hash `h`: its top bits, and those of another mix of it. */
  private filterBits(h: number): [number, number] {
    return [h >>> this.filterShift, Math.imul(h ^ (h >>> 13), 0x9e3779b1) >>> this.filterShift];
  }
}

/** hashAscii's answer for bytes that are not all ASCII (no hash of ASCII bytes is it). */
const NOT_ASCII_HASH = -1;

/**
 * A hash of `bytes`[offset, +length), or NOT_ASCII_HASH when a byte is ≥ 0x80: FNV-1a over
 * four bytes at a time (a name's bytes in one pass, a quarter of the multiplications of a
 * byte-wise hash, whose chain of multiplications was most of a lookup), mixed at the end.
 */
function hashAscii(bytes: Uint8Array, offset: number, length: number): number {
  let h = 0x811c9dc5 ^ length;
  let high = 0;
  let i = offset;
  for (const end4 = offset + (length & ~3); i < end4; i += 4) {
    const w = bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
    high |= w;
    h = Math.imul(h ^ w, 0x01000193);
  }
  for (const end = offset + length; i < end; i++) {
    high |= bytes[i];
    h = Math.imul(h ^ bytes[i], 0x01000193);
  }
  if ((high & 0x80808080) !== 0) return NOT_ASCII_HASH;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  return h === NOT_ASCII_HASH ? 0 : h | 0;
}
