/**
 * The one hashing interface of the core. Everything that hashes (template hashes, PCR
 * extends, quote digests, firmware replay) goes through a `HashProvider` so that the
 * implementation can be chosen for speed: IMA verification is millions of hashes of
 * ~100-byte inputs, where per-call overhead dominates. Measured on the project's 2-core
 * machine (100-byte inputs, one thread): hash-wasm 2.0 M/s sha1, 1.6 M/s sha256;
 * @noble/hashes 0.64 / 0.57 M/s; node:crypto 0.72 / 0.73 M/s. So hash-wasm is the
 * default, with @noble/hashes as the fallback where WebAssembly cannot be instantiated
 * (a page whose CSP forbids it); noble has no SM3, so that bank needs WebAssembly.
 */
import { createSHA1, createSHA256, createSHA384, createSHA512, createSM3 } from 'hash-wasm';
import { sha1 as nobleSha1 } from '@noble/hashes/legacy.js';
import { sha256 as nobleSha256, sha384 as nobleSha384, sha512 as nobleSha512 } from '@noble/hashes/sha2.js';
import type { HashAlgorithm } from './hash-algorithm';

/** A reusable hash function for one algorithm. Returned digests are fresh arrays. */
export interface Hasher {
  readonly algorithm: HashAlgorithm;
  /** H(data) */
  digest(data: Uint8Array): Uint8Array;
  /** H(a ‖ b) without concatenating: the PCR extend H(pcr ‖ value). */
  digest2(a: Uint8Array, b: Uint8Array): Uint8Array;
  /** H(parts[0] ‖ parts[1] ‖ …) */
  digestParts(parts: readonly Uint8Array[]): Uint8Array;
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

interface IncrementalHash {
  init(): unknown;
  update(data: Uint8Array): unknown;
  digest(format: 'binary'): Uint8Array;
}

function wrapIncremental(algorithm: HashAlgorithm, h: IncrementalHash): Hasher {
  return {
    algorithm,
    digest(data) {
      h.init();
      h.update(data);
      return h.digest('binary');
    },
    digest2(a, b) {
      h.init();
      h.update(a);
      h.update(b);
      return h.digest('binary');
    },
    digestParts(parts) {
      h.init();
      for (const p of parts) h.update(p);
      return h.digest('binary');
    },
  };
}

export async function createWasmHashProvider(): Promise<HashProvider> {
  const [sha1, sha256, sha384, sha512, sm3] = await Promise.all([
    createSHA1(),
    createSHA256(),
    createSHA384(),
    createSHA512(),
    createSM3(),
  ]);
  const hashers: Record<HashAlgorithm, Hasher> = {
    sha1: wrapIncremental('sha1', sha1),
    sha256: wrapIncremental('sha256', sha256),
    sha384: wrapIncremental('sha384', sha384),
    sha512: wrapIncremental('sha512', sha512),
    sm3: wrapIncremental('sm3', sm3),
  };
  const factories = { sha1: createSHA1, sha256: createSHA256, sha384: createSHA384, sha512: createSHA512, sm3: createSM3 };
  return {
    implementation: 'hash-wasm',
    get: (alg) => hashers[alg],
    async createStream(alg) {
      const h = await factories[alg]();
      h.init();
      return { update: (data) => void h.update(data), digest: () => h.digest('binary') };
    },
  };
}

interface NobleHash {
  (data: Uint8Array): Uint8Array;
  create(): { update(data: Uint8Array): unknown; digest(): Uint8Array };
}

function wrapNoble(algorithm: HashAlgorithm, fn: NobleHash): Hasher {
  return {
    algorithm,
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
