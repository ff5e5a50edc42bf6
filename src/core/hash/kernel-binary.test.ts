/**
 * kernel-binary.ts holds the batch kernel's compiled bytes; this checks they are what the
 * committed AssemblyScript source compiles to with the installed compiler (a devDependency),
 * so the bytes cannot drift from the source. Regenerate with `node scripts/build-hash-kernel.mjs`.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HashKernel } from './kernel-hasher';

describe('kernel-binary.ts', () => {
  it('is a fresh build of wasm/hash-kernel.ts', () => {
    const build = spawnSync('node', ['scripts/build-hash-kernel.mjs', '--stdout'], { encoding: 'utf8', maxBuffer: 1 << 24 });
    expect(build.stderr).toBe('');
    expect(build.status).toBe(0);
    expect(build.stdout).toBe(readFileSync('src/core/hash/kernel-binary.ts', 'utf8'));
  });
});

describe('the batch kernel', () => {
  it('instantiates here (simd128) and gives the FIPS 180 vectors, four lanes and the lone fifth', async () => {
    const kernel = await HashKernel.create();
    const abc = new TextEncoder().encode('abcabcabcabcabc');
    const offsets = Uint32Array.of(0, 3, 6, 9, 12);
    const lengths = Uint32Array.of(3, 3, 3, 3, 3);
    const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
    const noOne = (): void => {
      throw new Error('no input is too long for the kernel here');
    };
    for (const [alg, size, want] of [
      ['sha1', 20, 'a9993e364706816aba3e25717850c26c9cd0d89d'],
      ['sha256', 32, 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    ] as const) {
      const out = new Uint8Array(5 * size);
      kernel.digestRanges(alg, abc, offsets, lengths, 5, out, 0, noOne);
      for (let k = 0; k < 5; k++) expect(hex(out.subarray(k * size, (k + 1) * size)), `${alg} ${k}`).toBe(want);
    }
  });
});
