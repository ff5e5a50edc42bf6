/**
 * Path ids for the names of two sides of a comparison, read where they lie (a list's buffer,
 * or a file read in chunks, through a ByteSource): each distinct byte string gets a small
 * integer id without being decoded into a JS string or copied. An id is located by the first
 * entry that named it (`first`), so the table needs no record per string: a slot holds the
 * hash beside the id (one cache line answers most probes) and equality is checked byte by
 * byte, so a hash collision can never merge two different names.
 */
import { isInMemory, type ByteSource } from '../model/byte-source';

/** Where one side's names and file digests lie: a list's entry columns, or a policy's pairs. */
export interface SideBytes {
  readonly source: ByteSource;
  readonly nameOffset: Uint32Array;
  readonly nameLength: Uint32Array;
  readonly digestOffset: Uint32Array;
  readonly digestLength: Uint16Array;
  /**
   * What each name stands for (NameKind), when a side has more than one kind: names of
   * different kinds are different paths. Absent: every name is a NameKind.File.
   */
  readonly kind?: Uint8Array;
  /**
   * 1 where a list's entry is a violation (all-zero template digest), when known without
   * reading the list (NamesAndDigests); absent: read from the list.
   */
  readonly violation?: Uint8Array;
}

/**
 * The kind of measurement a name belongs to, as a Keylime policy keeps them apart: a file's
 * path (its `digests`), or a buffer record's name (an `ima-buf` entry, judged by `keyrings`
 * or `ima-buf`), so a keyring `.ima` never aligns with a file of that name.
 */
export const NameKind = { File: 0, Buffer: 1 } as const;

function kindOf(side: SideBytes, i: number): number {
  return side.kind === undefined ? NameKind.File : side.kind[i];
}

/** FNV-1a over a byte range, with a final avalanche for the low bits tables index by. */
export function hashBytes(bytes: Uint8Array, offset: number, length: number, seed = 0): number {
  let h = 0x811c9dc5 ^ seed;
  for (let i = offset, end = offset + length; i < end; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  return h | 0;
}

/**
 * Whether `a`[aOffset, +length) and `b`[bOffset, +length) hold the same bytes. Sources in
 * memory are compared four bytes at a time (through DataViews, unaligned). Otherwise a
 * source's `at` is valid until its next call, so when both ranges are in one source the
 * first is copied into `scratch` before the second is read.
 */
export function equalRanges(a: ByteSource, aOffset: number, b: ByteSource, bOffset: number, length: number, scratch: Scratch): boolean {
  let xo = a.at(aOffset, length);
  const dx = scratch.view(a);
  const dy = scratch.view(b);
  if (dx !== undefined && dy !== undefined) {
    const yo = b.at(bOffset, length);
    let k = 0;
    for (; k + 4 <= length; k += 4) if (dx.getInt32(xo + k) !== dy.getInt32(yo + k)) return false;
    for (; k < length; k++) if (dx.getUint8(xo + k) !== dy.getUint8(yo + k)) return false;
    return true;
  }
  let x = a.bytes;
  if (a === b) {
    x = scratch.copy(x, xo, length);
    xo = 0;
  }
  const yo = b.at(bOffset, length);
  const y = b.bytes;
  for (let k = 0; k < length; k++) if (x[xo + k] !== y[yo + k]) return false;
  return true;
}

/**
 * A reused buffer for the one range that has to outlive a source's next `at`, and DataViews
 * of the (last two) sources in memory.
 */
export class Scratch {
  private buffer = new Uint8Array(256);
  private readonly sources: [ByteSource | undefined, ByteSource | undefined] = [undefined, undefined];
  private readonly views: [DataView | undefined, DataView | undefined] = [undefined, undefined];

  copy(bytes: Uint8Array, offset: number, length: number): Uint8Array {
    if (this.buffer.length < length) this.buffer = new Uint8Array(Math.max(length, 2 * this.buffer.length));
    const buffer = this.buffer;
    for (let k = 0; k < length; k++) buffer[k] = bytes[offset + k]; // no view made: called per entry
    return buffer;
  }

  /** A DataView of all of `source`'s bytes if it holds them in memory, else undefined. */
  view(source: ByteSource): DataView | undefined {
    if (source === this.sources[0]) return this.views[0];
    if (source === this.sources[1]) return this.views[1];
    const bytes = source.bytes;
    const view = isInMemory(source) ? new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength) : undefined;
    this.sources[1] = this.sources[0];
    this.views[1] = this.views[0];
    this.sources[0] = source;
    this.views[0] = view;
    return view;
  }
}

const EMPTY = -1;
/** Most entries `warm` takes at once. */
export const WARM_BATCH = 256;

export class NameTable {
  /** Per side: the first entry of that side with each id's name, -1 if none (grows with the ids). */
  readonly first: [Int32Array, Int32Array];
  private sides: readonly [SideBytes, SideBytes];
  /**
   * One word a slot, 0 when free: the name's hash above the index bits (`~mask`), and its
   * id + 1 in the index bits (ids stay below half the slots). Half the size of a (hash, id)
   * pair, so more of the table stays in cache and the TLB, and a zeroed buffer needs no fill.
   */
  private slots: Int32Array;
  private mask: number;
  private count = 0;
  private readonly scratch = new Scratch();
  /** The hashes `warm` computed, of entries [warmStart, warmEnd) of warmSide. */
  private readonly warmHashes = new Int32Array(WARM_BATCH);
  private warmSide = -1;
  private warmStart = 0;
  private warmEnd = 0;
  /** What warm's reads found, kept so they are not optimised away. */
  touched = 0;

  /** `expected`: a hint of the distinct names. */
  constructor(sides: readonly [SideBytes, SideBytes], expected: number) {
    this.sides = sides;
    let capacity = 1024;
    while (capacity < expected * 2) capacity *= 2;
    this.slots = new Int32Array(capacity);
    this.mask = capacity - 1;
    const ids = Math.max(16, Math.ceil(expected));
    this.first = [new Int32Array(ids).fill(EMPTY), new Int32Array(ids).fill(EMPTY)];
  }

  /**
   * Reads `side`'s names from `bytes` from now on: for a side not at hand when the other was
   * interned (its entries must not have been interned yet).
   */
  setSide(side: 0 | 1, bytes: SideBytes): void {
    this.sides = side === 0 ? [bytes, this.sides[1]] : [this.sides[0], bytes];
    if (this.warmSide === side) this.warmSide = -1;
  }

  get size(): number {
    return this.count;
  }

  /**
   * Hashes the names of entries [start, end) of `side` (at most WARM_BATCH) and reads their
   * first slots, so that `intern` of those entries finds them in cache: the reads of a batch
   * do not wait for each other, where one `intern` after another waits for each miss in turn
   * (a random read in the table costs more than hashing a name: TLB and cache misses).
   */
  warm(side: 0 | 1, start: number, end: number): void {
    const s = this.sides[side];
    const hashes = this.warmHashes;
    const slots = this.slots;
    const mask = this.mask;
    for (let i = start; i < end; i++) {
      const length = s.nameLength[i];
      const at = s.source.at(s.nameOffset[i], length);
      hashes[i - start] = hashBytes(s.source.bytes, at, length, kindOf(s, i));
    }
    // Apart from the hashing: this loop is short, so the processor has many of its reads in flight.
    let touched = 0;
    for (let k = 0; k < end - start; k++) touched |= slots[hashes[k] & mask];
    this.warmSide = side;
    this.warmStart = start;
    this.warmEnd = end;
    this.touched = touched;
  }

  /** The id of the name of entry `i` of `side`, added if new; sets `first[side]` for it. */
  intern(side: 0 | 1, i: number): number {
    const s = this.sides[side];
    let h: number;
    if (side === this.warmSide && i >= this.warmStart && i < this.warmEnd) h = this.warmHashes[i - this.warmStart];
    else {
      const length = s.nameLength[i];
      const at = s.source.at(s.nameOffset[i], length);
      h = hashBytes(s.source.bytes, at, length, kindOf(s, i));
    }
    const slots = this.slots;
    const mask = this.mask;
    const high = h & ~mask;
    for (let k = h & mask; ; k = (k + 1) & mask) {
      const slot = slots[k];
      if (slot === 0) {
        const added = this.add(h, k);
        this.first[side][added] = i;
        return added;
      }
      if ((slot & ~mask) === high) {
        const id = (slot & mask) - 1;
        if (this.nameIs(id, side, i)) {
          if (this.first[side][id] === EMPTY) this.first[side][id] = i;
          return id;
        }
      }
    }
  }

  /** Whether entry `i` of `side` and entry `j` of `other` have the same name (of the same kind). */
  sameName(side: 0 | 1, i: number, other: 0 | 1, j: number): boolean {
    const a = this.sides[side];
    const b = this.sides[other];
    const length = a.nameLength[i];
    return (
      b.nameLength[j] === length &&
      kindOf(a, i) === kindOf(b, j) &&
      equalRanges(a.source, a.nameOffset[i], b.source, b.nameOffset[j], length, this.scratch)
    );
  }

  /** The bytes of name `id` (valid until its source's next read). */
  bytes(id: number): Uint8Array {
    const side = this.first[0][id] !== EMPTY ? 0 : 1;
    const s = this.sides[side];
    const e = this.first[side][id];
    const at = s.source.at(s.nameOffset[e], s.nameLength[e]);
    return s.source.bytes.subarray(at, at + s.nameLength[e]);
  }

  private nameIs(id: number, side: 0 | 1, i: number): boolean {
    const owner = this.first[0][id] !== EMPTY ? 0 : 1;
    return this.sameName(owner, this.first[owner][id], side, i);
  }

  /** The hash of name `id`, read again from its first entry (the slots keep only its high bits). */
  private hashOf(id: number): number {
    const owner = this.first[0][id] !== EMPTY ? 0 : 1;
    const s = this.sides[owner];
    const e = this.first[owner][id];
    const length = s.nameLength[e];
    const at = s.source.at(s.nameOffset[e], length);
    return hashBytes(s.source.bytes, at, length, kindOf(s, e));
  }

  private add(hash: number, slot: number): number {
    const id = this.count++;
    this.slots[slot] = (hash & ~this.mask) | (id + 1);
    if (id === this.first[0].length) {
      for (let side = 0; side < 2; side++) {
        const grown = new Int32Array(id * 2).fill(EMPTY);
        grown.set(this.first[side]);
        this.first[side] = grown;
      }
    }
    if (this.count * 2 > this.slots.length) this.rehash(id, hash);
    return id;
  }

  /**
   * Twice the slots. The hashes' low bits are not kept, so each name is hashed again (rare: a
   * table is sized for the reference, this happens when the failing list adds as many names).
   */
  private rehash(added: number, addedHash: number): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let id = 0; id < this.count; id++) {
      // The id being added has no first entry yet.
      const h = id === added ? addedHash : this.hashOf(id);
      let k = h & mask;
      while (slots[k] !== 0) k = (k + 1) & mask;
      slots[k] = (h & ~mask) | (id + 1);
    }
    this.slots = slots;
    this.mask = mask;
  }
}
