/**
 * A set of (path id, digest id) pairs with a few bits per pair: which logs measured that
 * digest for that path. Open addressing over typed arrays (no object or string per pair), so
 * two million-entry lists cost three arrays.
 */
export class PairBits {
  private readonly keyA: Int32Array;
  private readonly keyB: Int32Array;
  private readonly bits: Uint8Array;
  private readonly mask: number;

  /** `capacity`: the most distinct pairs that will be added. */
  constructor(capacity: number) {
    let size = 1024;
    while (size < capacity * 2) size *= 2;
    this.keyA = new Int32Array(size).fill(-1);
    this.keyB = new Int32Array(size);
    this.bits = new Uint8Array(size);
    this.mask = size - 1;
  }

  /** Sets `bit` on pair (a, b), both ≥ 0. */
  set(a: number, b: number, bit: number): void {
    const s = this.slot(a, b);
    this.keyA[s] = a;
    this.keyB[s] = b;
    this.bits[s] |= bit;
  }

  /** The bits of pair (a, b); 0 when never set. */
  get(a: number, b: number): number {
    return this.bits[this.slot(a, b)];
  }

  private slot(a: number, b: number): number {
    let h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca6b);
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d);
    h ^= h >>> 12;
    for (let s = h & this.mask; ; s = (s + 1) & this.mask) {
      const k = this.keyA[s];
      if (k === -1 || (k === a && this.keyB[s] === b)) return s;
    }
  }
}
