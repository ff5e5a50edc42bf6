/**
 * IMA file signatures (`security.ima` values in the `sig` field; runtime-policy-and-signatures.md
 * §5.1–5.3) checked against a keyring, two ways:
 *
 *   keylimeDigsigVerify   exactly Keylime's `ImaKeyrings.integrity_digsig_verify`: type 3 or 5,
 *                         version 2 only, sig_size exact, hash_algo in Keylime's table and named
 *                         like the d-ng algorithm, the first key filed under the keyid; true/false.
 *   checkImaSignature     what the kernel and evmctl would accept, with a reason: v2 over the
 *                         file digest, v3 (type 6, fs-verity) over H(ima_file_id), every key whose
 *                         SKID tail or derived id is the keyid.
 *
 * The header (signature_v2_hdr) is read by ima/decode/signature-header.ts.
 */
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { KERNEL_HASH_ALGORITHMS, readSignatureFields, signatureSizeProblem } from '../ima/decode/signature-header';
import { formatKeyId, type ImaPublicKey } from './ima-key';
import { isSupportedSignatureHash, verifyDigestSignature } from './verify-digest';

/** Keylime's HASH_FUNCS: hash_algo id → the name it compares with the d-ng algorithm. */
const KEYLIME_HASHES: ReadonlyMap<number, string> = new Map([
  [1, 'md5'],
  [2, 'sha1'],
  [4, 'sha256'],
  [5, 'sha384'],
  [6, 'sha512'],
  [7, 'sha224'],
  [18, 'streebog256'],
  [19, 'streebog512'],
]);

/** Keylime's own size check at parse time (ast.Signature): anything else makes the entry unsigned. */
export function keylimeParsesSignature(value: Uint8Array): boolean {
  return readSignatureFields(value) !== undefined;
}

/** Keys by keyid, in the order Keylime searches them (tenant keyring, then learned keyrings). */
export interface KeyLookup {
  /** Keylime: the one key filed under this id (last added wins within a keyring), first keyring first. */
  readonly keylimeKey: (keyId: number) => ImaPublicKey | undefined;
  /** Every key whose SKID tail or derived id equals `keyId`, with the origin of each. */
  readonly candidates: (keyId: number) => readonly KeyCandidate[];
}

export interface KeyCandidate {
  readonly key: ImaPublicKey;
  /** `rsa2048pub.pem`, `entry 3 (.ima)`, `policy verification-keys`. */
  readonly source: string;
}

/** Keylime's `integrity_digsig_verify(signature, filehash, filehash_type)`. */
export function keylimeDigsigVerify(value: Uint8Array, digest: Uint8Array, digestAlgorithm: string, keys: KeyLookup): boolean {
  if (value.length < 2) return false;
  if (value[0] !== 3 && value[0] !== 5) return false;
  if (value[1] !== 2) return false;
  const f = readSignatureFields(value);
  if (f === undefined) return false;
  const hash = KEYLIME_HASHES.get(f.hashAlgo);
  if (hash === undefined || hash !== digestAlgorithm) return false;
  const key = keys.keylimeKey(f.keyId);
  if (key === undefined) return false;
  // Streebog: Keylime names it but the verify raises UnsupportedAlgorithm; never a pass.
  return verifyDigestSignature(key, hash, digest, f.sig) === 'valid';
}

export type SignatureStatus = 'valid' | 'invalid' | 'unknown-key' | 'unsupported' | 'malformed' | 'unsigned';

export interface SignatureCheck {
  readonly status: SignatureStatus;
  /** 8 hex digits, when the header could be read. */
  readonly keyId?: string;
  /** The key that verified it (or the first that was tried). */
  readonly key?: KeyCandidate;
  /** Why, in words, for every status but valid/unsigned. */
  readonly reason?: string;
}

/**
 * The kernel's view of one `sig` value over the entry's digest: type 3 version 2 over the
 * file digest, type 6 version 3 over H(ima_file_id). `digestAlgorithm` is the d-ng/d-ngv2
 * algorithm; `verity` says the digest is an fs-verity one (d-ngv2 `verity:` prefix).
 */
export function checkImaSignature(
  value: Uint8Array,
  digest: Uint8Array,
  digestAlgorithm: string,
  keys: KeyLookup,
  verity = false,
): SignatureCheck {
  if (value.length === 0) return { status: 'unsigned' };
  const f = readSignatureFields(value);
  if (f === undefined) {
    return { status: 'malformed', reason: signatureSizeProblem(value) };
  }
  const keyId = formatKeyId(f.keyId);
  if (f.type === 5) return { status: 'unsupported', keyId, reason: 'evm-portable: a portable EVM signature signs file metadata, not the file digest' };
  if (f.type !== 3 && f.type !== 6) return { status: 'malformed', keyId, reason: `xattr type ${f.type} is not a signature` };
  if (f.type === 3 && f.version !== 2) return { status: f.version === 1 ? 'unsupported' : 'malformed', keyId, reason: `signature version ${f.version} with type 3` };
  if (f.type === 6 && f.version !== 3) return { status: 'malformed', keyId, reason: `IMA_VERITY_DIGSIG needs version 3, found ${f.version}` };
  const hash = KERNEL_HASH_ALGORITHMS[f.hashAlgo];
  if (hash === undefined) return { status: 'malformed', keyId, reason: `unknown hash_algo ${f.hashAlgo}` };
  if (!isSupportedSignatureHash(hash)) return { status: 'unsupported', keyId, reason: `hash ${hash}` };
  if (f.version === 2 && !sameHashName(hash, digestAlgorithm)) {
    return { status: 'invalid', keyId, reason: `algorithm mismatch: the signature says ${hash}, the digest is ${digestAlgorithm}` };
  }
  if (f.version === 3 && !verity) return { status: 'invalid', keyId, reason: 'a version 3 (fs-verity) signature on an entry without an fs-verity digest' };
  const signed = f.version === 3 ? fileIdHash(f.hashAlgo, hash, digest) : digest;
  if (signed === undefined) return { status: 'unsupported', keyId, reason: `hash ${hash} for ima_file_id` };
  const candidates = keys.candidates(f.keyId);
  if (candidates.length === 0) return { status: 'unknown-key', keyId, reason: `no supplied or measured key has keyid ${keyId}` };
  for (const c of candidates) {
    if (verifyDigestSignature(c.key, hash, signed, f.sig) === 'valid') return { status: 'valid', keyId, key: c };
  }
  return { status: 'invalid', keyId, key: candidates[0], reason: `does not verify with ${candidates.map((c) => c.source).join(', ')}` };
}

function sameHashName(kernel: string, logged: string): boolean {
  return kernel === logged || (kernel === 'sm3' && (logged === 'sm3-256' || logged === 'sm3_256'));
}

const FILE_ID_HASHES: ReadonlyMap<string, (b: Uint8Array) => Uint8Array> = new Map([
  ['sha1', sha1],
  ['sha256', sha256],
  ['sha384', sha384],
  ['sha512', sha512],
]);

/** H(ima_file_id), ima_file_id = 6 ‖ hash_algo ‖ digest (§5.3, kernel calc_file_id_hash). */
function fileIdHash(hashAlgo: number, hash: string, digest: Uint8Array): Uint8Array | undefined {
  const h = FILE_ID_HASHES.get(hash);
  if (h === undefined) return undefined;
  const id = new Uint8Array(2 + digest.length);
  id[0] = 6;
  id[1] = hashAlgo;
  id.set(digest, 2);
  return h(id);
}

/**
 * The `evmsig` field of the `evm-sig` template: the `security.evm` value when it is a portable
 * signature (type 5). It signs the EVM digest of the file's protected xattrs, uid, gid and
 * mode, whose layout (`struct h_misc`) is the measuring kernel's architecture's, so it is not
 * rebuilt from the template's fields here: `unsupported`, with the reason, never a pass.
 */
export function checkEvmSignature(value: Uint8Array): SignatureCheck {
  if (value.length === 0) return { status: 'unsigned' };
  const f = readSignatureFields(value);
  if (f === undefined) return { status: 'malformed', reason: `evmsig: ${value.length} bytes that are not a signature_v2_hdr of the size they say` };
  const keyId = formatKeyId(f.keyId);
  if (f.type !== 5) return { status: 'malformed', keyId, reason: `evmsig holds xattr type ${f.type}; the kernel records only portable EVM signatures (type 5) there` };
  return {
    status: 'unsupported',
    keyId,
    reason: "evm-portable: the EVM signature covers the file's protected xattrs, uid, gid and mode in the measuring kernel's struct h_misc layout, which imascope does not rebuild",
  };
}

/** The order in which one entry's several signatures (xattr, appended, EVM) settle it. */
const COMBINED_ORDER: readonly SignatureStatus[] = ['valid', 'invalid', 'malformed', 'unknown-key', 'unsupported', 'unsigned'];

/**
 * One verdict for an entry with several signature fields (`ima-modsig`: the xattr `sig` and
 * the appended `modsig`): the kernel appraises with either, so one valid signature makes the
 * entry valid; otherwise the most serious problem decides, and the reasons of every signature
 * present are kept.
 */
export function combineSignatureChecks(checks: readonly SignatureCheck[]): SignatureCheck {
  const signed = checks.filter((c) => c.status !== 'unsigned');
  if (signed.length === 0) return { status: 'unsigned' };
  const first = [...signed].sort((a, b) => COMBINED_ORDER.indexOf(a.status) - COMBINED_ORDER.indexOf(b.status))[0];
  if (first.status === 'valid' || signed.length === 1) return first;
  const reasons = signed.map((c) => c.reason ?? c.status);
  return { ...first, reason: reasons.join('; ') };
}
