/**
 * The distinct (path, algorithm, file digest) of the entries added, with a bit per side that
 * measured it. Only paths measured with several digests and many times need it (most paths
 * have one digest per side, and a path measured a few times compares its entries with the
 * other side's: compare-logs), so it is sized for their entries.
 * The digest is not copied: a slot points at the entry that first measured it, and equality
 * is checked byte by byte through the side's ByteSource.
 *
 * One slot is four Int32 words, so a probe costs one cache line:
 *   path id (EMPTY when free) ‖ digest hash ‖ entry·2 + side ‖ tag | side bits << 4.
 */
import { equalRanges, hashBytes, Scratch, type SideBytes } from './name-table';

const EMPTY = -1;
const STRIDE = 4;
/** Longest digest aligned (longer ones are not). */
export const MAX_PAIR_DIGEST = 255;
/** Most algorithm tags told apart. */
export const MAX_PAIR_TAGS = 16;

export class DigestPairs {
  private readonly sides: readonly [SideBytes, SideBytes];
  private readonly slots: Int32Array;
  /** Word index mask: slots.length − 1 (a power of two). */
  private readonly wordMask: number;
  private readonly scratch = new Scratch();

  /** `capacity`: the most pairs that will be added. */
  constructor(sides: readonly [SideBytes, SideBytes], capacity: number) {
    this.sides = sides;
    let size = 16;
    while (size < capacity * 2) size *= 2;
    this.slots = new Int32Array(size * STRIDE).fill(EMPTY);
    this.wordMask = size * STRIDE - 1;
  }

  /** The side bits of entry `i` of `side` (path `path`, algorithm `tag` < MAX_PAIR_TAGS), after setting its own. */
  add(path: number, side: 0 | 1, i: number, tag: number): number {
    const s = this.sides[side];
    const length = s.digestLength[i];
    const at = s.source.at(s.digestOffset[i], length);
    const h = hashBytes(s.source.bytes, at, length, Math.imul(path, 0x9e3779b1) ^ tag);
    const slots = this.slots;
    for (let k = (h * STRIDE) & this.wordMask; ; k = (k + STRIDE) & this.wordMask) {
      const p = slots[k];
      if (p === EMPTY) {
        slots[k] = path;
        slots[k + 1] = h;
        slots[k + 2] = i * 2 + side;
        slots[k + 3] = tag | (1 << (4 + side));
        return 1 << side;
      }
      if (p === path && slots[k + 1] === h && (slots[k + 3] & 0xf) === tag && this.sameDigest(slots[k + 2], side, i)) {
        slots[k + 3] |= 1 << (4 + side);
        return slots[k + 3] >>> 4;
      }
    }
  }

  private sameDigest(location: number, side: 0 | 1, i: number): boolean {
    const a = this.sides[location & 1];
    const j = location >>> 1;
    const b = this.sides[side];
    const length = b.digestLength[i];
    return a.digestLength[j] === length && equalRanges(a.source, a.digestOffset[j], b.source, b.digestOffset[i], length, this.scratch);
  }
}
