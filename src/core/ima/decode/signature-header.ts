/**
 * The header of a `security.ima` / `security.evm` xattr value, as the `sig`, `evmsig` and
 * `xattrvalues` fields carry it (ima-format.md §4.2).
 *
 * The first octet is the xattr type (kernel `security/integrity/integrity.h`,
 * `enum evm_ima_xattr_type`):
 *   1 IMA_XATTR_DIGEST           type ‖ digest (legacy: SHA-1, or MD5 by size)
 *   2 EVM_XATTR_HMAC             type ‖ HMAC-SHA1
 *   3 EVM_IMA_XATTR_DIGSIG       signature (the `sig` field)
 *   4 IMA_XATTR_DIGEST_NG        type ‖ hash_algo u8 ‖ digest
 *   5 EVM_XATTR_PORTABLE_DIGSIG  signature (the `evmsig` field)
 *   6 IMA_VERITY_DIGSIG          signature over an fs-verity digest (`sig`, sigv3)
 *
 * Signatures of version 2 and 3 use `struct signature_v2_hdr` (packed, integers big-endian
 * whatever the list's byte order; ima-evm-utils `imaevm.h`):
 *   type u8 ‖ version u8 ‖ hash_algo u8 ‖ keyid be32 ‖ sig_size be16 ‖ sig[sig_size]
 * `keyid` is the last 4 bytes of the signing key's X.509 subject key identifier. Version 1
 * (RSA-only `signature_hdr` of early evmctl) has another layout and is only named here.
 * `hash_algo` indexes the kernel's `enum hash_algo` (include/uapi/linux/hash_info.h).
 */
import { toHex } from '../../util/bytes';

export interface SignatureHeader {
  readonly type: number;
  /** Kernel enum name, e.g. `EVM_IMA_XATTR_DIGSIG`; `unknown` for other type octets. */
  readonly typeName: string;
  /** Signature format version (1, 2 or 3); absent for digest and HMAC values. */
  readonly version?: number;
  /** Kernel `hash_algo_name` of the hash_algo octet (`sha256`, `sm3`, `sha3-256` …). */
  readonly hashAlgorithm?: string;
  /** 8 lowercase hex digits. */
  readonly keyId?: string;
  /** The header's sig_size. */
  readonly signatureLength?: number;
  /** Digest (or HMAC) carried by types 1, 2 and 4, lowercase hex. */
  readonly digest?: string;
  readonly problems: readonly string[];
}

export const XATTR_TYPE_NAMES: Readonly<Record<number, string>> = {
  1: 'IMA_XATTR_DIGEST',
  2: 'EVM_XATTR_HMAC',
  3: 'EVM_IMA_XATTR_DIGSIG',
  4: 'IMA_XATTR_DIGEST_NG',
  5: 'EVM_XATTR_PORTABLE_DIGSIG',
  6: 'IMA_VERITY_DIGSIG',
};

/** `hash_algo_name[]` in `enum hash_algo` order (crypto/hash_info.c). */
export const KERNEL_HASH_ALGORITHMS: readonly string[] = [
  'md4', 'md5', 'sha1', 'rmd160', 'sha256', 'sha384', 'sha512', 'sha224', 'rmd128', 'rmd256',
  'rmd320', 'wp256', 'wp384', 'wp512', 'tgr128', 'tgr160', 'tgr192', 'sm3', 'streebog256',
  'streebog512', 'sha3-256', 'sha3-384', 'sha3-512',
];

/** The size of `struct signature_v2_hdr` (versions 2 and 3). */
export const SIGNATURE_HEADER_SIZE = 9;

/** The v2/v3 header's fields, read whatever the version octet says. */
export interface SignatureFields {
  readonly type: number;
  readonly version: number;
  readonly hashAlgo: number;
  readonly keyId: number;
  readonly sig: Uint8Array;
}

/** The header's keyid (big-endian u32) of a value at `o` in `data` with at least 9 bytes there. */
export function signatureKeyIdAt(data: Uint8Array, o: number): number {
  return data[o + 3] * 0x1000000 + (data[o + 4] << 16) + (data[o + 5] << 8) + data[o + 6];
}

/** The header's sig_size (big-endian u16). */
function signatureSizeOf(value: Uint8Array): number {
  return (value[7] << 8) | value[8];
}

/** The v2/v3 header when the value is well formed (sizes agree); undefined otherwise. */
export function readSignatureFields(value: Uint8Array): SignatureFields | undefined {
  if (value.length < SIGNATURE_HEADER_SIZE) return undefined;
  if (SIGNATURE_HEADER_SIZE + signatureSizeOf(value) !== value.length) return undefined;
  return { type: value[0], version: value[1], hashAlgo: value[2], keyId: signatureKeyIdAt(value, 0), sig: value.subarray(SIGNATURE_HEADER_SIZE) };
}

/** Why `value` is no well-formed v2/v3 signature when readSignatureFields refuses it. */
export function signatureSizeProblem(value: Uint8Array): string {
  return value.length < SIGNATURE_HEADER_SIZE
    ? `${value.length} bytes, shorter than the ${SIGNATURE_HEADER_SIZE}-byte header`
    : `sig_size says ${signatureSizeOf(value)} bytes but ${value.length - SIGNATURE_HEADER_SIZE} follow`;
}

/** Decodes the header of an xattr value; undefined for an empty value. Never throws. */
export function decodeSignatureHeader(bytes: Uint8Array): SignatureHeader | undefined {
  if (bytes.length === 0) return undefined;
  const type = bytes[0];
  const typeName = XATTR_TYPE_NAMES[type] ?? 'unknown';
  const problems: string[] = [];
  switch (type) {
    case 1:
    case 2: {
      const digest = toHex(bytes.subarray(1));
      const size = bytes.length - 1;
      const hashAlgorithm = size === 20 ? 'sha1' : size === 16 && type === 1 ? 'md5' : undefined;
      if (hashAlgorithm === undefined) {
        problems.push(`unexpected ${size}-byte value for ${typeName}`);
        return { type, typeName, digest, problems };
      }
      return { type, typeName, hashAlgorithm, digest, problems };
    }
    case 4: {
      if (bytes.length < 2) {
        return { type, typeName, problems: ['truncated: no hash algorithm octet'] };
      }
      const hashAlgorithm = hashAlgorithmName(bytes[1], problems);
      return { type, typeName, hashAlgorithm, digest: toHex(bytes.subarray(2)), problems };
    }
    case 3:
    case 5:
    case 6:
      return decodeSignature(bytes, type, typeName);
    default:
      return { type, typeName, problems: [`unknown xattr type 0x${toHex(bytes.subarray(0, 1))}`] };
  }
}

function decodeSignature(bytes: Uint8Array, type: number, typeName: string): SignatureHeader {
  const problems: string[] = [];
  if (bytes.length < 2) return { type, typeName, problems: ['truncated: no version octet'] };
  const version = bytes[1];
  if (version === 1) {
    problems.push('version 1 (legacy RSA signature_hdr) is not decoded further');
    return { type, typeName, version, problems };
  }
  if (version !== 2 && version !== 3) {
    problems.push(`unknown signature version ${version}`);
    return { type, typeName, version, problems };
  }
  if (bytes.length < SIGNATURE_HEADER_SIZE) {
    problems.push(`truncated: ${bytes.length} bytes, a v${version} header needs ${SIGNATURE_HEADER_SIZE}`);
    return { type, typeName, version, problems };
  }
  const hashAlgorithm = hashAlgorithmName(bytes[2], problems);
  const keyId = toHex(bytes.subarray(3, 7));
  const signatureLength = signatureSizeOf(bytes);
  const actual = bytes.length - SIGNATURE_HEADER_SIZE;
  if (signatureLength !== actual) {
    problems.push(`sig_size says ${signatureLength} bytes but ${actual} follow the header`);
  }
  if (type === 6 && version !== 3) {
    problems.push('IMA_VERITY_DIGSIG should be a version 3 signature');
  }
  return { type, typeName, version, hashAlgorithm, keyId, signatureLength, problems };
}

function hashAlgorithmName(id: number, problems: string[]): string {
  const name = KERNEL_HASH_ALGORITHMS[id];
  if (name !== undefined) return name;
  problems.push(`unknown kernel hash_algo ${id}`);
  return `hash_algo ${id}`;
}
