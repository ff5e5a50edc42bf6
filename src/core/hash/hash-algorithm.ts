/**
 * Hash algorithms as IMA, the TPM and the firmware log name them, and the facts every
 * module needs about them. `sm3` is the kernel's name; TPM and tools also say `sm3_256`.
 */
export type HashAlgorithm = 'sha1' | 'sha256' | 'sha384' | 'sha512' | 'sm3';

export const HASH_ALGORITHMS: readonly HashAlgorithm[] = ['sha1', 'sha256', 'sha384', 'sha512', 'sm3'];

const DIGEST_SIZE: Readonly<Record<HashAlgorithm, number>> = {
  sha1: 20,
  sha256: 32,
  sha384: 48,
  sha512: 64,
  sm3: 32,
};

/** TPM_ALG_ID values (TPM 2.0 Part 2 §6.3). */
const TPM_ALG_ID: Readonly<Record<HashAlgorithm, number>> = {
  sha1: 0x0004,
  sha256: 0x000b,
  sha384: 0x000c,
  sha512: 0x000d,
  sm3: 0x0012,
};

export function digestSize(alg: HashAlgorithm): number {
  return DIGEST_SIZE[alg];
}

export function tpmAlgId(alg: HashAlgorithm): number {
  return TPM_ALG_ID[alg];
}

export function hashAlgorithmFromTpmAlgId(id: number): HashAlgorithm | undefined {
  return HASH_ALGORITHMS.find((alg) => TPM_ALG_ID[alg] === id);
}

/** Accepts the spellings found in logs, tools and user input: sha256, SHA-256, sm3_256, sm3-256. */
export function parseHashAlgorithm(name: string): HashAlgorithm | undefined {
  const n = name.trim().toLowerCase().replace(/[-_]/g, '');
  if (n === 'sm3' || n === 'sm3256') return 'sm3';
  return HASH_ALGORITHMS.find((alg) => alg === n);
}

/** Algorithms whose digest has this size; sha256 and sm3 share 32 bytes, sha256 first. */
export function hashAlgorithmsOfSize(size: number): HashAlgorithm[] {
  return HASH_ALGORITHMS.filter((alg) => DIGEST_SIZE[alg] === size);
}
