/**
 * A policy's path → digests map looked up by an entry's name bytes where they lie, without
 * decoding each name into a string (a million names: a TextDecoder call and a string hash
 * each, ~1 s). Only keys and names of plain ASCII are in the table: for those, decoding is
 * the identity, so byte equality is string equality. A name with any byte ≥ 0x80 gets
 * NOT_ASCII and the caller decodes it and asks the Map (invalid UTF-8 becomes U+FFFD there,
 * which no byte comparison could reproduce); a non-ASCII key can never equal an ASCII name.
 *
 * The table is typed arrays (AsciiKeyIndex), keys numbered in the map's order: the CLI builds
 * it on the thread that reads the policy and hands it over by transfer (packed-digests.ts).
 */

/** The name has a byte ≥ 0x80: look it up by its decoded text instead. */
export const NOT_ASCII = Symbol('not ASCII');

const EMPTY = -1;
/** `find`'s answer for a name that is not all ASCII. */
const NOT_ASCII_KEY = -2;
/** keyLength of a key that is not all ASCII (it is in no slot). */
export const NON_ASCII_LENGTH = 0xffffffff;

/** The table's arrays, the map's keys numbered in its order. */
export interface AsciiKeyIndex {
  /** The ASCII keys' characters, one byte each, back to back. */
  readonly pool: Uint8Array<ArrayBuffer>;
  readonly keyOffset: Uint32Array<ArrayBuffer>;
  /** NON_ASCII_LENGTH for a key with a character ≥ 0x80. */
  readonly keyLength: Uint32Array<ArrayBuffer>;
  /** Pairs (hash, key number); EMPTY for a free slot. */
  readonly slots: Int32Array<ArrayBuffer>;
  /**
   * Two bits per key, at places its hash gives (a Bloom filter of ~16 bits a key): a name
   * whose bits are not both set is in no slot. Most names a policy is asked for are not in it
   * (893k of a 1M list for a 100k-path policy), and the slots of 100k keys (2 MiB) miss the
   * caches at nearly every probe, ~3× the cost of hashing the name.
   */
  readonly filter: Int32Array<ArrayBuffer>;
}

/** The buffers of `index`, to transfer it to another thread. */
export function asciiKeyIndexBuffers(index: AsciiKeyIndex): ArrayBuffer[] {
  return [index.pool.buffer, index.keyOffset.buffer, index.keyLength.buffer, index.slots.buffer, index.filter.buffer];
}

/** The table of `keys`' ASCII keys, numbered in their order. */
export function indexAsciiKeys(keys: ReadonlyMap<string, unknown>): AsciiKeyIndex {
  let chars = 0;
  for (const key of keys.keys()) chars += key.length;
  const pool = new Uint8Array(chars);
  const keyOffset = new Uint32Array(keys.size);
  const keyLength = new Uint32Array(keys.size);
  let capacity = 16;
  while (capacity < keys.size * 2) capacity *= 2;
  const slots = new Int32Array(capacity * 2).fill(EMPTY);
  const mask = capacity - 1;
  // 8 × capacity bits (capacity ≥ 2 × keys): 16 bits a key at least.
  const filter = new Int32Array(capacity / 4);
  const shift = filterShift(capacity);
  let at = 0;
  let id = 0;
  // forEach, not for…of: no [key, value] pair per key (a policy may have a million).
  keys.forEach((_, key) => {
    const number = id++;
    const start = at;
    for (let k = 0; k < key.length; k++) {
      const c = key.charCodeAt(k);
      if (c >= 0x80) {
        at = start;
        keyLength[number] = NON_ASCII_LENGTH;
        return;
      }
      pool[at++] = c;
    }
    // Map keys are distinct, so each ASCII key gets its own slot.
    keyOffset[number] = start;
    keyLength[number] = at - start;
    const h = hashAscii(pool, start, at - start);
    let s = h & mask;
    while (slots[2 * s + 1] !== EMPTY) s = (s + 1) & mask;
    slots[2 * s] = h;
    slots[2 * s + 1] = number;
    const a = h >>> shift;
    const b = secondBit(h) >>> shift;
    filter[a >>> 5] |= 1 << (a & 31);
    filter[b >>> 5] |= 1 << (b & 31);
  });
  return { pool, keyOffset, keyLength, slots, filter };
}

export class AsciiKeyTable<V> {
  private readonly pool: Uint8Array;
  private readonly keyOffset: Uint32Array;
  private readonly keyLength: Uint32Array;
  private readonly slots: Int32Array;
  private readonly mask: number;
  private readonly filter: Int32Array;
  private readonly filterShift: number;
  /** ASCII names asked for as text (`find`), as bytes. */
  private scratch = new Uint8Array(256);

  /** `valueOf`: the value of key number k. */
  constructor(
    index: AsciiKeyIndex,
    private readonly valueOf: (key: number) => V,
  ) {
    this.pool = index.pool;
    this.keyOffset = index.keyOffset;
    this.keyLength = index.keyLength;
    this.slots = index.slots;
    this.filter = index.filter;
    this.mask = index.slots.length / 2 - 1;
    this.filterShift = filterShift(index.slots.length / 2);
  }

  /** The table of a Map's ASCII keys. */
  static of<V>(map: ReadonlyMap<string, V>): AsciiKeyTable<V> {
    const values = [...map.values()];
    return new AsciiKeyTable(indexAsciiKeys(map), (key) => values[key]);
  }

  /** The value for the name in `bytes`[offset, +length); NOT_ASCII for a name to look up as text. */
  get(bytes: Uint8Array, offset: number, length: number): V | undefined | typeof NOT_ASCII {
    const key = this.find(bytes, offset, length);
    return key === NOT_ASCII_KEY ? NOT_ASCII : key === EMPTY ? undefined : this.valueOf(key);
  }

  /** The number of key `name`; NOT_ASCII for a name with a character ≥ 0x80 (it is in no slot). */
  keyOf(name: string): number | undefined | typeof NOT_ASCII {
    if (this.scratch.length < name.length) this.scratch = new Uint8Array(2 * name.length);
    const scratch = this.scratch;
    for (let k = 0; k < name.length; k++) {
      const c = name.charCodeAt(k);
      if (c >= 0x80) return NOT_ASCII;
      scratch[k] = c;
    }
    const key = this.find(scratch, 0, name.length);
    return key === EMPTY ? undefined : key;
  }

  /** The number of the key in `bytes`[offset, +length); EMPTY when none, NOT_ASCII_KEY when not all ASCII. */
  private find(bytes: Uint8Array, offset: number, length: number): number {
    const h = hashAscii(bytes, offset, length);
    if (h === NOT_ASCII_HASH) return NOT_ASCII_KEY;
    const a = h >>> this.filterShift;
    const b = secondBit(h) >>> this.filterShift;
    if ((this.filter[a >>> 5] & (1 << (a & 31))) === 0 || (this.filter[b >>> 5] & (1 << (b & 31))) === 0) return EMPTY;
    const { slots, pool } = this;
    for (let s = h & this.mask; ; s = (s + 1) & this.mask) {
      const id = slots[2 * s + 1];
      if (id === EMPTY) return EMPTY;
      if (slots[2 * s] !== h || this.keyLength[id] !== length) continue;
      const from = this.keyOffset[id];
      let k = 0;
      while (k < length && pool[from + k] === bytes[offset + k]) k++;
      if (k === length) return id;
    }
  }
}

/** The filter's bits for a table of `capacity` slots are the top bits of a 32-bit mix. */
function filterShift(capacity: number): number {
  return 32 - Math.log2(capacity * 8);
}

/** The mix of hash `h` whose top bits give the filter's second bit (the first: h's own). */
function secondBit(h: number): number {
  return Math.imul(h ^ (h >>> 13), 0x9e3779b1);
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
