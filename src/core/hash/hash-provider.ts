/**
 * The one hashing interface of the core. Everything that hashes (template hashes, PCR
 * extends, quote digests, firmware replay) goes through a `HashProvider` so that the
 * implementation can be chosen for speed: IMA verification is millions of hashes of
 * ~100-byte inputs, where per-call overhead dominates. The default is hash-wasm's
 * WebAssembly called through a lean glue (wasm-hasher.ts; measured in BENCHMARKS.md), with
 * @noble/hashes as the fallback where WebAssembly cannot be instantiated (a page whose CSP
 * forbids it); noble has no SM3, so that bank needs WebAssembly.
 */
import { sha1 as nobleSha1 } from '@noble/hashes/legacy.js';
import { sha256 as nobleSha256, sha384 as nobleSha384, sha512 as nobleSha512 } from '@noble/hashes/sha2.js';
import type { HashAlgorithm } from './hash-algorithm';
import { digestSize } from './hash-algorithm';
import { createWasmHashers, createWasmHashStream } from './wasm-hasher';
import { digestRangesOneByOne, extendRangeOneByOne } from './batch-one-by-one';

/**
 * A reusable hash function for one algorithm. Returned digests are fresh arrays; the
 * `…Into` methods write into the caller's arrays instead, for the per-entry hot loops.
 */
export interface Hasher {
  readonly algorithm: HashAlgorithm;
  /** Digest size in bytes. */
  readonly size: number;
  /** H(data) */
  digest(data: Uint8Array): Uint8Array;
  /** H(a ‖ b) without concatenating: the PCR extend H(pcr ‖ value). */
  digest2(a: Uint8Array, b: Uint8Array): Uint8Array;
  /** H(parts[0] ‖ parts[1] ‖ …) */
  digestParts(parts: readonly Uint8Array[]): Uint8Array;
  /** out[outOffset, outOffset + size) = H(data[offset, offset + length)). */
  digestRangeInto(data: Uint8Array, offset: number, length: number, out: Uint8Array, outOffset: number): void;
  /** The PCR extend in place: pcr = H(pcr ‖ values[offset, offset + size)); `pcr` has `size` bytes. */
  extendInto(pcr: Uint8Array, values: Uint8Array, offset: number): void;
  /**
   * A batch of `digestRangeInto`: out[outOffset + k × size …] = H(data[offsets[k], offsets[k] +
   * lengths[k])) for k < count. One call for many ~100-byte inputs (template data), where the
   * batch kernel hashes four at a time and no call per input is made.
   */
  digestRangesInto(
    data: Uint8Array,
    offsets: Uint32Array,
    lengths: Uint32Array,
    count: number,
    out: Uint8Array,
    outOffset: number,
  ): void;
  /**
   * A run of one chain: for each entry i in [start, end), with p = pcrs[i], the PCR value
   * states[p × size …] = H(that ‖ values[i × size …]), and running[i × size …] = the result
   * when `running` is given. `states` holds the 256 PCRs' values, `size` bytes each.
   */
  extendRangeInto(
    pcrs: Uint8Array,
    start: number,
    end: number,
    states: Uint8Array,
    values: Uint8Array,
    running: Uint8Array | undefined,
  ): void;
}

/** An independent running hash, for inputs that arrive in pieces (a file read in slices). */
export interface HashStream {
  update(data: Uint8Array): void;
  digest(): Uint8Array;
}

export interface HashProvider {
  readonly implementation: 'hash-wasm' | 'noble';
  /** The hasher for `alg`, or undefined when this implementation lacks it (SM3 without wasm). */
  get(alg: HashAlgorithm): Hasher | undefined;
  /** A fresh running hash; independent of the shared hashers. */
  createStream(alg: HashAlgorithm): Promise<HashStream | undefined>;
}

export async function createWasmHashProvider(): Promise<HashProvider> {
  const hashers = await createWasmHashers();
  return {
    implementation: 'hash-wasm',
    get: (alg) => hashers[alg],
    createStream: createWasmHashStream,
  };
}

interface NobleHash {
  (data: Uint8Array): Uint8Array;
  create(): { update(data: Uint8Array): unknown; digest(): Uint8Array };
}

function wrapNoble(algorithm: HashAlgorithm, fn: NobleHash): Hasher {
  return {
    algorithm,
    size: digestSize(algorithm),
    digest: (data) => fn(data),
    digest2(a, b) {
      const h = fn.create();
      h.update(a);
      h.update(b);
      return h.digest();
    },
    digestParts(parts) {
      const h = fn.create();
      for (const p of parts) h.update(p);
      return h.digest();
    },
    digestRangeInto(data, offset, length, out, outOffset) {
      out.set(fn(data.subarray(offset, offset + length)), outOffset);
    },
    extendInto(pcr, values, offset) {
      const h = fn.create();
      h.update(pcr);
      h.update(values.subarray(offset, offset + pcr.length));
      pcr.set(h.digest());
    },
    digestRangesInto(data, offsets, lengths, count, out, outOffset) {
      digestRangesOneByOne(this, data, offsets, lengths, count, out, outOffset);
    },
    extendRangeInto(pcrs, start, end, states, values, running) {
      extendRangeOneByOne(this, pcrs, start, end, states, values, running);
    },
  };
}

export function createNobleHashProvider(): HashProvider {
  const hashers: Partial<Record<HashAlgorithm, Hasher>> = {
    sha1: wrapNoble('sha1', nobleSha1),
    sha256: wrapNoble('sha256', nobleSha256),
    sha384: wrapNoble('sha384', nobleSha384),
    sha512: wrapNoble('sha512', nobleSha512),
  };
  const functions: Partial<Record<HashAlgorithm, NobleHash>> = {
    sha1: nobleSha1,
    sha256: nobleSha256,
    sha384: nobleSha384,
    sha512: nobleSha512,
  };
  return {
    implementation: 'noble',
    get: (alg) => hashers[alg],
    createStream(alg) {
      const fn = functions[alg];
      if (fn === undefined) return Promise.resolve(undefined);
      const h = fn.create();
      return Promise.resolve({ update: (data) => void h.update(data), digest: () => h.digest() });
    },
  };
}

/** The fastest provider this environment allows. */
export async function createHashProvider(): Promise<HashProvider> {
  try {
    return await createWasmHashProvider();
  } catch {
    return createNobleHashProvider();
  }
}
