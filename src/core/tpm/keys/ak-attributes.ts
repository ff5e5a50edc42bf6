/**
 * TPMA_OBJECT (TPM 2.0 Part 2 §8.3), the objectAttributes of a TPM public area, and whether
 * they make the key an attestation key (quote-format.md §1.7: `0x00050072` =
 * fixedTPM|fixedParent|sensitiveDataOrigin|userWithAuth|restricted|sign).
 *
 * A quote's signature proves the TPM made the quote only when the key can sign nothing but
 * what the TPM itself generated (restricted) and never leaves the TPM (fixedTPM; fixedParent
 * and sensitiveDataOrigin: made inside it, not imported). An unrestricted signing key signs
 * any digest with TPM2_Sign, a forged TPMS_ATTEST among them; a decryption key is no signing
 * key (yet an RSA one computes any signature with TPM2_RSA_Decrypt). go-attestation refuses
 * such keys alike ("AK is exportable", "provided key is not limited to attestation").
 */

/** The TPMA_OBJECT bits, by their TPM 2.0 Part 2 names. */
const TPMA_OBJECT_BITS: ReadonlyArray<readonly [name: string, bit: number]> = [
  ['fixedTPM', 1 << 1],
  ['stClear', 1 << 2],
  ['fixedParent', 1 << 4],
  ['sensitiveDataOrigin', 1 << 5],
  ['userWithAuth', 1 << 6],
  ['adminWithPolicy', 1 << 7],
  ['firmwareLimited', 1 << 8],
  ['svnLimited', 1 << 9],
  ['noDA', 1 << 10],
  ['encryptedDuplication', 1 << 11],
  ['restricted', 1 << 16],
  ['decrypt', 1 << 17],
  ['sign', 1 << 18],
  ['x509sign', 1 << 19],
];

const bit = (name: string): number => TPMA_OBJECT_BITS.find(([n]) => n === name)?.[1] ?? 0;

/** `0x00050072 (fixedTPM|fixedParent|…)`; bits with no name as hex. */
export function describeObjectAttributes(attributes: number): string {
  const names = TPMA_OBJECT_BITS.filter(([, b]) => (attributes & b) !== 0).map(([n]) => n);
  const known = TPMA_OBJECT_BITS.reduce((all, [, b]) => all | b, 0);
  const rest = attributes & ~known;
  if (rest !== 0) names.push(`0x${(rest >>> 0).toString(16)}`);
  return `0x${(attributes >>> 0).toString(16).padStart(8, '0')} (${names.length === 0 ? 'none' : names.join('|')})`;
}

/** What each missing attribute means for a key that signed a quote. */
const REQUIRED: ReadonlyArray<readonly [name: string, meaning: (attributes: number) => string]> = [
  ['sign', (a) => ((a & bit('decrypt')) !== 0 ? 'it is a decryption key, not a signing key' : 'it is not a signing key')],
  ['restricted', () => 'it signs any digest it is given with TPM2_Sign, a forged quote among them, not only what the TPM itself generated'],
  ['fixedTPM', () => 'it is exportable: its private key may be duplicated out of the TPM and used elsewhere'],
  ['fixedParent', () => 'it may be moved to another parent, outside this TPM'],
  ['sensitiveDataOrigin', () => 'its private key was given to the TPM, not made by it, so it is known outside the TPM'],
];

/**
 * Bits Part 2 §8.3 reserves (0, 3, 12–15, 20–31): a TPM refuses a public area that sets one
 * (TPM_RC_RESERVED_BITS), so no TPM holds such a key.
 */
const RESERVED = 0xfff0f009;

/**
 * Why a key with these objectAttributes is not an attestation key (each missing attribute
 * and what it allows, reserved bits set), else undefined.
 */
export function notAttestationKey(attributes: number): string | undefined {
  const problems: string[] = [];
  const missing = REQUIRED.filter(([name]) => (attributes & bit(name)) === 0);
  if (missing.length > 0) problems.push(`lack ${missing.map(([name, meaning]) => `${name} (${meaning(attributes)})`).join('; ')}`);
  const reserved = (attributes & RESERVED) >>> 0;
  if (reserved !== 0) problems.push(`set reserved bits 0x${reserved.toString(16)} (no TPM makes or loads a key with them)`);
  // Part 1 §27.2 / Part 2 §8.3: a restricted key is a signing key or a decryption key, never
  // both, and never an x509sign key; a TPM refuses such a public area (TPM_RC_ATTRIBUTES).
  const restricted = (attributes & bit('restricted')) !== 0;
  const also = ['decrypt', 'x509sign'].filter((name) => (attributes & bit(name)) !== 0 && (name === 'x509sign' || (attributes & bit('sign')) !== 0));
  if (restricted && also.length > 0) problems.push(`set restricted with ${also.map((n) => (n === 'decrypt' ? 'sign and decrypt' : n)).join(' and ')} (no TPM makes or loads such a key)`);
  if (problems.length === 0) return undefined;
  return `its objectAttributes ${describeObjectAttributes(attributes)} ${problems.join(', and ')}`;
}
