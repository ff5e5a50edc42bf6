/**
 * Every provider's every method equals node:crypto (OpenSSL), the independent oracle, on
 * seeded random inputs: sizes around the 64/128-byte block edges and hash-wasm's 16 KiB
 * input buffer, at unaligned offsets, written at unaligned output offsets. For sha1 and
 * sha256 the wasm provider's batch methods run the batch kernel (kernel-hasher.ts).
 */
import { pseudoRandomBytes } from '../testing/xorshift';
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { HASH_ALGORITHMS, digestSize, type HashAlgorithm } from './hash-algorithm';
import { createNobleHashProvider, createWasmHashProvider, type HashProvider } from './hash-provider';

const SIZES = [
  0, 1, 3, 19, 20, 31, 32, 40, 55, 56, 63, 64, 65, 100, 111, 112, 119, 120, 127, 128, 129, 255, 256, 300, 1000,
  4096, 16383, 16384, 16385, 40000,
];
const OFFSETS = [0, 1, 3, 7, 13];


const nodeName = (alg: HashAlgorithm): string => (alg === 'sm3' ? 'sm3' : alg);
const oracle = (alg: HashAlgorithm, ...parts: Uint8Array[]): Uint8Array => {
  const h = createHash(nodeName(alg));
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};

const pool = pseudoRandomBytes(64 * 1024, 0x1234567);

const providers: Array<[string, () => HashProvider | Promise<HashProvider>]> = [
  ['wasm', createWasmHashProvider],
  ['noble', createNobleHashProvider],
];

describe.each(providers)('%s provider equals node:crypto', (_name, create) => {
  let provider: HashProvider;
  beforeAll(async () => {
    provider = await create();
  });

  for (const alg of HASH_ALGORITHMS) {
    it(`${alg}: digest, digest2, digestParts, digestRangeInto`, () => {
      const hasher = provider.get(alg);
      if (hasher === undefined) {
        expect(provider.implementation === 'noble' && alg === 'sm3', `${alg} missing`).toBe(true);
        return;
      }
      expect(hasher.size).toBe(digestSize(alg));
      for (const size of SIZES) {
        for (const offset of OFFSETS) {
          const input = pool.subarray(offset * 977, offset * 977 + offset + size);
          const at = input.subarray(offset);
          const want = oracle(alg, at);
          expect(hasher.digest(at), `${alg} digest ${size}+${offset}`).toEqual(want);
          const out = pseudoRandomBytes(hasher.size + 2 * offset + 4, size + 1);
          const before = out.slice();
          hasher.digestRangeInto(input, offset, size, out, offset + 2);
          expect(out.subarray(offset + 2, offset + 2 + hasher.size), `${alg} into ${size}+${offset}`).toEqual(want);
          expect(out.subarray(0, offset + 2)).toEqual(before.subarray(0, offset + 2));
          expect(out.subarray(offset + 2 + hasher.size)).toEqual(before.subarray(offset + 2 + hasher.size));
          const cut = Math.floor(size / (offset + 2));
          expect(hasher.digest2(at.subarray(0, cut), at.subarray(cut)), `${alg} digest2`).toEqual(want);
          const parts = [at.subarray(0, cut), new Uint8Array(0), at.subarray(cut, 2 * cut), at.subarray(2 * cut)];
          expect(hasher.digestParts(parts), `${alg} digestParts`).toEqual(want);
        }
      }
    });

    it(`${alg}: extendInto is H(pcr ‖ value) in place`, () => {
      const hasher = provider.get(alg);
      if (hasher === undefined) return;
      const n = hasher.size;
      const values = pseudoRandomBytes(n * 50 + 7, 99);
      const pcr = new Uint8Array(n);
      let want: Uint8Array = new Uint8Array(n);
      for (let i = 0; i < 50; i++) {
        const offset = 7 + i * n - (i % 7);
        want = oracle(alg, want, values.subarray(offset, offset + n));
        hasher.extendInto(pcr, values, offset);
        expect(pcr, `${alg} extend ${i}`).toEqual(want);
      }
    });

    it(`${alg}: digestRangesInto equals one digest per range`, () => {
      const hasher = provider.get(alg);
      if (hasher === undefined) return;
      // Ranges of every size above (some longer than the kernel's 4 KiB lanes), more of them
      // than one kernel batch holds, in no particular order, and one longer than a batch's
      // 1 MiB span; written after `outOffset` untouched bytes.
      const big = pseudoRandomBytes((1 << 20) + 5000, 77);
      const count = 4096 + 37;
      const offsets = new Uint32Array(count);
      const lengths = new Uint32Array(count);
      for (let k = 0; k < count; k++) {
        lengths[k] = k === 1000 ? (1 << 20) + 3 : SIZES[(k * 7) % SIZES.length] % 20_000;
        offsets[k] = k === 1000 ? 1 : (k * 7919) % (big.length - lengths[k]);
      }
      const outOffset = 3;
      const out = new Uint8Array(outOffset + count * hasher.size);
      hasher.digestRangesInto(big, offsets, lengths, count, out, outOffset);
      expect(out.subarray(0, outOffset)).toEqual(new Uint8Array(outOffset));
      for (let k = 0; k < count; k++) {
        const want = oracle(alg, big.subarray(offsets[k], offsets[k] + lengths[k]));
        const got = out.subarray(outOffset + k * hasher.size, outOffset + (k + 1) * hasher.size);
        expect(got, `${alg} range ${k} (${lengths[k]} bytes)`).toEqual(want);
      }
    });

    it(`${alg}: extendRangeInto is extendInto over a run of entries`, () => {
      const hasher = provider.get(alg);
      if (hasher === undefined) return;
      const n = hasher.size;
      const entries = 9000;
      const pcrs = new Uint8Array(entries).map((_, i) => (i % 11 === 0 ? 11 : i % 97 === 0 ? 255 : 10));
      const values = pseudoRandomBytes(entries * n, 5);
      const want = new Map<number, Uint8Array>();
      const states = new Uint8Array(256 * n);
      const running = new Uint8Array(entries * n);
      // In three runs, the second one without running values.
      hasher.extendRangeInto(pcrs, 0, 10, states, values, running);
      hasher.extendRangeInto(pcrs, 10, 5000, states, values, undefined);
      hasher.extendRangeInto(pcrs, 5000, entries, states, values, running);
      for (let i = 0; i < entries; i++) {
        const p = pcrs[i];
        const next = oracle(alg, want.get(p) ?? new Uint8Array(n), values.subarray(i * n, (i + 1) * n));
        want.set(p, next);
        if (i < 10 || i >= 5000) expect(running.subarray(i * n, (i + 1) * n), `${alg} running ${i}`).toEqual(next);
        else expect(running.subarray(i * n, (i + 1) * n)).toEqual(new Uint8Array(n));
      }
      for (let p = 0; p < 256; p++) {
        expect(states.subarray(p * n, (p + 1) * n), `${alg} PCR ${p}`).toEqual(want.get(p) ?? new Uint8Array(n));
      }
    });

    it(`${alg}: a stream fed in uneven pieces`, async () => {
      const stream = await provider.createStream(alg);
      if (stream === undefined) return;
      const input = pool.subarray(5, 5 + 50_000);
      for (let p = 0, k = 1; p < input.length; p += k, k = (k * 7 + 3) % 20_000) stream.update(input.subarray(p, p + k));
      expect(stream.digest()).toEqual(oracle(alg, input));
    });
  }

  it('hashers and streams do not disturb each other', async () => {
    const hasher = provider.get('sha256');
    const stream = await provider.createStream('sha256');
    if (hasher === undefined || stream === undefined) throw new Error('no sha256');
    stream.update(pool.subarray(0, 100));
    expect(hasher.digest(pool.subarray(200, 300))).toEqual(oracle('sha256', pool.subarray(200, 300)));
    stream.update(pool.subarray(100, 150));
    expect(stream.digest()).toEqual(oracle('sha256', pool.subarray(0, 150)));
  });
});
