/**
 * xorshift32: a tiny deterministic generator for tests that feed made-up bytes, so that a
 * failure reproduces from its seed.
 */

/** The generator's next 32-bit state at each call (a seed of 0 counts as 1). */
export function xorshift32(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

/** `n` bytes from xorshift32(seed). */
export function pseudoRandomBytes(n: number, seed: number): Uint8Array {
  const next = xorshift32(seed);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = next() & 0xff;
  return out;
}
