/**
 * The distinct (path, file digest) pairs of two lists, with a bit per list that measured the
 * pair. A pair's slot number identifies it (the tables never move: they are sized for every
 * entry up front), so each entry keeps its slot and later passes read the bits without a
 * second lookup. The digest is not copied: a slot points at its first occurrence in the
 * list's buffer, and equality is checked byte by byte.
 *
 * One slot is four Int32 words, so a probe costs one cache line:
 *   path id (EMPTY when free) ‖ digest hash ‖ digest offset (as uint32) ‖ meta
 * meta = source (1 bit) | digest length << 1 (8 bits) | algorithm tag << 9 (4 bits) | bits << 13.
 */
import { hashBytes } from './byte-interner';

const EMPTY = -1;
const STRIDE = 4;
/** Longest digest a slot records (fields are 8 bits); longer ones are not aligned. */
export const MAX_PAIR_DIGEST = 255;
/** Most algorithm tags a slot tells apart. */
export const MAX_PAIR_TAGS = 16;

export class DigestPairs {
  private readonly sources: readonly Uint8Array[];
  private readonly slots: Int32Array;
  private readonly mask: number;

  /** `capacity`: the most pairs that will be added (the entries of both lists). */
  constructor(sources: readonly Uint8Array[], capacity: number) {
    this.sources = sources;
    let size = 1024;
    while (size < capacity * 2) size *= 2;
    this.slots = new Int32Array(size * STRIDE).fill(EMPTY);
    this.mask = size - 1;
  }

  /**
   * The slot of (path, digest bytes at sources[source][offset, offset+length), tag), added if
   * new, with `bit` set. `length` ≤ MAX_PAIR_DIGEST, `tag` < MAX_PAIR_TAGS.
   */
  add(path: number, source: number, offset: number, length: number, tag: number, bit: number): number {
    const bytes = this.sources[source];
    const h = hashBytes(bytes, offset, length, Math.imul(path, 0x9e3779b1) ^ tag);
    const slots = this.slots;
    for (let s = h & this.mask; ; s = (s + 1) & this.mask) {
      const k = s * STRIDE;
      const p = slots[k];
      if (p === EMPTY) {
        slots[k] = path;
        slots[k + 1] = h;
        slots[k + 2] = offset | 0;
        slots[k + 3] = source | (length << 1) | (tag << 9) | (bit << 13);
        return s;
      }
      if (p === path && slots[k + 1] === h && this.sameDigest(k, bytes, offset, length, tag)) {
        slots[k + 3] |= bit << 13;
        return s;
      }
    }
  }

  bits(slot: number): number {
    return this.slots[slot * STRIDE + 3] >>> 13;
  }

  tag(slot: number): number {
    return (this.slots[slot * STRIDE + 3] >>> 9) & 0xf;
  }

  /** The digest of a slot (a view into the list that first measured it). */
  digest(slot: number): Uint8Array {
    const k = slot * STRIDE;
    const meta = this.slots[k + 3];
    const offset = this.slots[k + 2] >>> 0;
    return this.sources[meta & 1].subarray(offset, offset + ((meta >>> 1) & 0xff));
  }

  private sameDigest(k: number, bytes: Uint8Array, offset: number, length: number, tag: number): boolean {
    const meta = this.slots[k + 3];
    if (((meta >>> 1) & 0xff) !== length || ((meta >>> 9) & 0xf) !== tag) return false;
    const other = this.sources[meta & 1];
    const o = this.slots[k + 2] >>> 0;
    for (let i = 0; i < length; i++) if (other[o + i] !== bytes[offset + i]) return false;
    return true;
  }
}
