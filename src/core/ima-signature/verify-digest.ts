/**
 * Signature checks over a digest that is already computed: every IMA case, since the log
 * carries the file's digest, never the file (runtime-policy-and-signatures.md §5.3, §6).
 * WebCrypto's `verify` hashes its input, so it cannot do this; one code path serves the
 * browser and Node instead:
 *
 *   RSA   EMSA-PKCS1-v1_5 (RFC 8017 §8.2.2, §9.2): s^e mod n, then the WHOLE block
 *         00 01 FF…FF 00 ‖ DigestInfo(hash) ‖ digest compared byte for byte, so no parser
 *         leniency (Bleichenbacher-style garbage after the digest) can pass.
 *   ECDSA @noble/curves with `prehash: false` (the digest is the message hash, truncated to
 *         the order's size as FIPS 186 says), DER `Ecdsa-Sig-Value`, high S accepted as
 *         OpenSSL and the kernel accept it.
 *
 * Results are remembered per key object by (hash, digest, signature): real logs measure the
 * same file again and again, a million-entry list repeats its signatures, and Keylime's pass
 * and the extended pass ask about the same triples.
 */
import { EC_CURVES, type ImaPublicKey } from './ima-key';
import { bytesEqual, toHex } from '../util/bytes';

/** DigestInfo prefixes (RFC 8017 §9.2 note 1), by the kernel's hash name. */
const DIGEST_INFO: ReadonlyMap<string, string> = new Map([
  ['md5', '3020300c06082a864886f70d020505000410'],
  ['sha1', '3021300906052b0e03021a05000414'],
  ['sha224', '302d300d06096086480165030402040500041c'],
  ['sha256', '3031300d060960864801650304020105000420'],
  ['sha384', '3041300d060960864801650304020205000430'],
  ['sha512', '3051300d060960864801650304020305000440'],
]);
const DIGEST_SIZES: ReadonlyMap<string, number> = new Map([
  ['md5', 16],
  ['sha1', 20],
  ['sha224', 28],
  ['sha256', 32],
  ['sha384', 48],
  ['sha512', 64],
]);

export type DigestVerdict = 'valid' | 'invalid' | 'unsupported';

/** Hash names a signature over a digest can be checked for (the others are `unsupported`). */
export function isSupportedSignatureHash(hash: string): boolean {
  return DIGEST_SIZES.has(hash);
}

/**
 * Whether `signature` is `key`'s signature over `digest` computed with `hash` (kernel name:
 * `sha256`…). `unsupported` when the hash has no DigestInfo/size here.
 */
export function verifyDigestSignature(key: ImaPublicKey, hash: string, digest: Uint8Array, signature: Uint8Array): DigestVerdict {
  const size = DIGEST_SIZES.get(hash);
  if (size === undefined) return 'unsupported';
  // The kernel hashed the file with the signature's algorithm: a digest of another size can
  // only be a mismatch.
  if (digest.length !== size) return 'invalid';
  const memo = memoFor(key);
  const id = compactId(hash, digest, signature);
  const bucket = memo.get(id);
  const hit = bucket?.find((m) => m.hash === hash && bytesEqual(m.digest, digest) && bytesEqual(m.signature, signature));
  if (hit !== undefined) return hit.verdict;
  const verdict = key.algorithm === 'rsa' ? verifyRsa(key, hash, digest, signature) : verifyEcdsa(key, digest, signature);
  if (memo.size >= MEMO_LIMIT) memo.clear();
  // Copies: the views point into a log the caller may drop.
  const entry = { hash, digest: digest.slice(), signature: signature.slice(), verdict };
  if (bucket === undefined) memo.set(id, [entry]);
  else bucket.push(entry);
  return verdict;
}

interface Memo {
  readonly hash: string;
  readonly digest: Uint8Array;
  readonly signature: Uint8Array;
  readonly verdict: DigestVerdict;
}

/**
 * Verdicts per key object (a key parsed once serves every entry it signs, and is forgotten
 * with it), then by a 32-bit FNV-1a of (hash, digest, signature); a bucket holds the few
 * triples that share it, compared in full, so a collision costs a comparison, never a wrong
 * verdict. No 1 KB hex strings per lookup.
 */
const memos = new WeakMap<ImaPublicKey, Map<number, Memo[]>>();
const MEMO_LIMIT = 100_000;

function memoFor(key: ImaPublicKey): Map<number, Memo[]> {
  let memo = memos.get(key);
  if (memo === undefined) memos.set(key, (memo = new Map()));
  return memo;
}

function compactId(hash: string, digest: Uint8Array, signature: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < hash.length; i++) h = Math.imul(h ^ hash.charCodeAt(i), 0x01000193);
  for (let i = 0; i < digest.length; i++) h = Math.imul(h ^ digest[i], 0x01000193);
  for (let i = 0; i < signature.length; i++) h = Math.imul(h ^ signature[i], 0x01000193);
  return h >>> 0;
}

function verifyRsa(key: ImaPublicKey, hash: string, digest: Uint8Array, signature: Uint8Array): DigestVerdict {
  const n = key.n;
  const e = key.e;
  const k = key.modulusBytes;
  const prefix = DIGEST_INFO.get(hash);
  if (n === undefined || e === undefined || k === undefined || prefix === undefined) return 'unsupported';
  // RFC 8017 §8.2.2 step 1: the signature is exactly k octets.
  if (signature.length !== k) return 'invalid';
  const s = BigInt('0x' + toHex(signature));
  if (s >= n) return 'invalid';
  const em = modPow(s, e, n).toString(16).padStart(2 * k, '0');
  const t = prefix + toHex(digest);
  const padLength = k - 3 - t.length / 2;
  if (padLength < 8) return 'invalid';
  const expected = '0001' + 'ff'.repeat(padLength) + '00' + t;
  return em === expected ? 'valid' : 'invalid';
}

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = base % modulus;
  let x = exponent;
  while (x > 0n) {
    if ((x & 1n) === 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
    x >>= 1n;
  }
  return result;
}

function verifyEcdsa(key: ImaPublicKey, digest: Uint8Array, signature: Uint8Array): DigestVerdict {
  if (key.curve === undefined || key.point === undefined) return 'unsupported';
  try {
    const ok = EC_CURVES[key.curve].verify(signature, digest, key.point, { prehash: false, lowS: false, format: 'der' });
    return ok ? 'valid' : 'invalid';
  } catch {
    // A signature that is not DER, or r/s out of range: not this key's signature.
    return 'invalid';
  }
}
