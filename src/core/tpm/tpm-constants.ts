/**
 * TPM 2.0 constants used across the quote parsers (TPM 2.0 Library Part 2: §6.2
 * TPM_GENERATED, §6.3 TPM_ALG_ID, §6.4 TPM_ECC_CURVE, §6.9 TPM_ST). Hash algorithm ids
 * live in `hash/hash-algorithm.ts`.
 */

/** "\xFFTCG": a structure with this magic was produced inside a TPM. */
export const TPM_GENERATED_VALUE = 0xff544347;

export const TPM_ST_ATTEST_QUOTE = 0x8018;

const ATTEST_TYPE_NAMES: Readonly<Record<number, string>> = {
  0x8014: 'NV',
  0x8015: 'command audit',
  0x8016: 'session audit',
  0x8017: 'certify',
  0x8018: 'quote',
  0x8019: 'time',
  0x801a: 'creation',
  0x801c: 'NV digest',
};

export function attestTypeName(type: number): string {
  return ATTEST_TYPE_NAMES[type] ?? 'unknown';
}

export const TPM_ALG = {
  RSA: 0x0001,
  HMAC: 0x0005,
  NULL: 0x0010,
  RSASSA: 0x0014,
  RSAES: 0x0015,
  RSAPSS: 0x0016,
  OAEP: 0x0017,
  ECDSA: 0x0018,
  ECDH: 0x0019,
  ECDAA: 0x001a,
  SM2: 0x001b,
  ECSCHNORR: 0x001c,
  ECC: 0x0023,
} as const;

const SCHEME_NAMES: Readonly<Record<number, string>> = {
  [TPM_ALG.HMAC]: 'hmac',
  [TPM_ALG.NULL]: 'null',
  [TPM_ALG.RSASSA]: 'rsassa',
  [TPM_ALG.RSAES]: 'rsaes',
  [TPM_ALG.RSAPSS]: 'rsapss',
  [TPM_ALG.OAEP]: 'oaep',
  [TPM_ALG.ECDSA]: 'ecdsa',
  [TPM_ALG.ECDH]: 'ecdh',
  [TPM_ALG.ECDAA]: 'ecdaa',
  [TPM_ALG.SM2]: 'sm2',
  [TPM_ALG.ECSCHNORR]: 'ecschnorr',
};

/** Lower-case scheme name as tpm2-tools prints it, or `0x00NN` for unknown ids. */
export function schemeName(algId: number): string {
  return SCHEME_NAMES[algId] ?? hex16(algId);
}

export type NistCurve = 'P-256' | 'P-384' | 'P-521';

const ECC_CURVES: Readonly<Record<number, NistCurve>> = {
  0x0003: 'P-256',
  0x0004: 'P-384',
  0x0005: 'P-521',
};

export function nistCurveFromTpm(curveId: number): NistCurve | undefined {
  return ECC_CURVES[curveId];
}

/** Field size in bytes: the width of x, y, r and s. */
export function curveFieldBytes(curve: NistCurve): number {
  return curve === 'P-256' ? 32 : curve === 'P-384' ? 48 : 66;
}

export function hex16(n: number): string {
  return `0x${n.toString(16).padStart(4, '0')}`;
}
