/**
 * Attestation key (AK) public keys, in every form tools emit (quote-format.md §1.7), turned
 * into a SubjectPublicKeyInfo DER that WebCrypto imports (`importKey('spki', …)`).
 *
 *   SPKI PEM / DER        tpm2_readpublic -f pem, tpm2_createak -f pem (also PKCS#1
 *                         `BEGIN RSA PUBLIC KEY`, rewrapped as SPKI)
 *   TPM2B_PUBLIC          tpm2_createak -u (tpm2-tools "tss" format), Keylime registrar
 *                         `aik_tpm` (base64): u16 size ‖ TPMT_PUBLIC
 *   TPMT_PUBLIC           the same without size (go-attestation dumps, `AK.Public`)
 *   tpm2_readpublic YAML  `type`, `rsa:`/`exponent:` or `curve-id`/`x:`/`y:` (pasted output)
 *   X.509 certificate     PEM or DER: go-tpm-tools, go-attestation and global-trust-authority
 *                         ship the AK as a certificate; its SubjectPublicKeyInfo is the key,
 *                         read by the one X.509 decoder (ima/decode/x509-summary)
 *
 * TPMT_PUBLIC (TPM 2.0 Part 2 §12.2.4), big-endian:
 *   u16 type (0x0001 RSA | 0x0023 ECC) ; u16 nameAlg ; u32 objectAttributes
 *   TPM2B authPolicy
 *   symmetric: u16 alg (0x0010 NULL for an AK; else + u16 keyBits + u16 mode)
 *   scheme:    u16 alg (NULL and RSAES have no details; ECDAA: + hash + u16 count;
 *              others: + u16 hash)
 *   RSA: u16 keyBits ; u32 exponent (0 means 65537) ; unique = TPM2B modulus
 *   ECC: u16 curveID ; kdf u16 (NULL, else + u16 hash) ; unique = TPM2B x ‖ TPM2B y
 *
 * Fixtures: swtpm/ak_{rsa,pss,ecc}.{pub,pem,readpublic.yaml}, swtpm/keylime_aik_tpm.b64,
 * realdata/go-attestation/windows_gcp_shielded_vm.json (`AK.Public`, a TPMT_PUBLIC).
 */
import {
  hashAlgorithmFromTpmAlgId,
  parseHashAlgorithm,
  type HashAlgorithm,
} from '../../hash/hash-algorithm';
import { fromHex } from '../../util/bytes';
import { asText, binaryCandidates } from '../binary-input';
import { DER, derBitString, DerError, derSequence, derTlv, derUnsigned, derUnsignedInteger } from '../../util/der';
import { derSequenceBeforeFill, EC_CURVE_OIDS, pemBlocks, readRsaPublicKey, readSpki, wholeDerSequence, type PemBlock } from '../../util/public-key-info';
import {
  curveFieldBytes,
  nistCurveFromTpm,
  hex16,
  schemeName,
  TPM_ALG,
  type NistCurve,
} from '../tpm-constants';
import { TpmReader, tryDecode } from '../tpm-reader';
import { summarizeX509, type X509Summary } from '../../ima/decode/x509-summary';

export interface AkPublic {
  kind: 'rsa' | 'ecc';
  /** SubjectPublicKeyInfo DER; empty when the key cannot be expressed as one (a non-NIST curve). */
  spkiDer: Uint8Array;
  curve?: NistCurve;
  /** TPM_ECC_CURVE of a TPM public area, kept for curves WebCrypto lacks (BN, SM2). */
  curveId?: number;
  /** RSA modulus bits, or the curve size */
  bits?: number;
  /** The key's own signing scheme, tpm2-tools spelling: rsassa, rsapss, ecdsa, null, … */
  schemeHint?: string;
  /** The hash of that scheme (a TPM key restricted to a scheme signs with this hash). */
  schemeHash?: HashAlgorithm;
  nameAlg?: HashAlgorithm;
  /**
   * TPMA_OBJECT of a TPM public area (tpm2_readpublic YAML: its `attributes` raw value): whether
   * the key is an attestation key (ak-attributes.ts). Bare keys and certificates carry none.
   */
  objectAttributes?: number;
  source: 'spki-pem' | 'spki-der' | 'tpm2b-public' | 'tpmt-public' | 'readpublic-yaml' | 'x509-pem' | 'x509-der';
  /** Subject, issuer, validity and key of the certificate the key came in. */
  certificate?: X509Summary;
}

/** A key from a TPM public area (always an AK) rather than a bare key or certificate. */
export function isTpmPublicArea(key: AkPublic): boolean {
  return key.source === 'tpm2b-public' || key.source === 'tpmt-public' || key.source === 'readpublic-yaml';
}

const OID = {
  rsaEncryption: Uint8Array.of(0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01),
  ecPublicKey: Uint8Array.of(0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01),
};
/** The curves' OIDs as DER content, for the SPKI made from a TPM public area. */
const CURVE_OIDS: ReadonlyArray<[NistCurve, Uint8Array]> = [
  ['P-256', Uint8Array.of(0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07)],
  ['P-384', Uint8Array.of(0x2b, 0x81, 0x04, 0x00, 0x22)],
  ['P-521', Uint8Array.of(0x2b, 0x81, 0x04, 0x00, 0x23)],
];
const CURVE_BITS: Readonly<Record<NistCurve, number>> = {
  'P-256': 256,
  'P-384': 384,
  'P-521': 521,
};

function u32Bytes(n: number): Uint8Array {
  return Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
}

function bitLength(magnitude: Uint8Array): number {
  const m = derUnsigned(magnitude);
  return m.length === 0 || m[0] === 0 ? 0 : (m.length - 1) * 8 + (32 - Math.clz32(m[0]));
}

function rsaSpki(modulus: Uint8Array, exponent: Uint8Array): Uint8Array {
  return derSequence(
    derSequence(derTlv(DER.OID, OID.rsaEncryption), derTlv(DER.NULL, new Uint8Array(0))),
    derBitString(derSequence(derUnsignedInteger(modulus), derUnsignedInteger(exponent))),
  );
}

function leftPad(bytes: Uint8Array, width: number): Uint8Array {
  const m = derUnsigned(bytes);
  if (m.length >= width) return m;
  const out = new Uint8Array(width);
  out.set(m, width - m.length);
  return out;
}

function eccSpki(curve: NistCurve, x: Uint8Array, y: Uint8Array): Uint8Array {
  const w = curveFieldBytes(curve);
  const point = new Uint8Array(1 + 2 * w);
  point[0] = 0x04;
  point.set(leftPad(x, w), 1);
  point.set(leftPad(y, w), 1 + w);
  const curveOid = CURVE_OIDS.find(([c]) => c === curve)?.[1] ?? new Uint8Array(0);
  return derSequence(
    derSequence(derTlv(DER.OID, OID.ecPublicKey), derTlv(DER.OID, curveOid)),
    derBitString(point),
  );
}

/** Reads an SPKI DER (util/public-key-info); undefined unless it is an RSA or EC key filling `der` exactly. */
function decodeSpki(der: Uint8Array, source: AkPublic['source']): AkPublic | undefined {
  let key;
  try {
    key = readSpki(der, wholeDerSequence(der));
  } catch (e) {
    if (e instanceof DerError) return undefined;
    throw e;
  }
  const spkiDer = der.slice();
  if (key.kind === 'rsa') return { kind: 'rsa', spkiDer, bits: bitLength(key.modulus), source };
  if (key.kind !== 'ec' || key.curveOid === undefined) return undefined;
  const named = EC_CURVE_OIDS.get(key.curveOid);
  // secp256k1 is no TPM curve: the key is still EC, of no curve WebCrypto verifies with.
  const curve = named === undefined || named === 'secp256k1' ? undefined : named;
  return { kind: 'ecc', spkiDer, ...(curve === undefined ? {} : { curve, bits: CURVE_BITS[curve] }), source };
}

/**
 * TPMT_PUBLIC starting at the reader's offset; it must end exactly at the end. Throws
 * TpmFormatError (with the byte offset and what was expected) for anything else.
 */
function readTpmtPublic(r: TpmReader, source: AkPublic['source']): AkPublic {
  const typeAt = r.offset;
  const type = r.u16('type');
  if (type !== TPM_ALG.RSA && type !== TPM_ALG.ECC) r.fail(`key type ${hex16(type)} is neither RSA (0x0001) nor ECC (0x0023)`, typeAt);
  const nameAlgAt = r.offset;
  const nameAlgId = r.u16('nameAlg');
  const nameAlg = hashAlgorithmFromTpmAlgId(nameAlgId);
  if (nameAlg === undefined) r.fail(`nameAlg ${hex16(nameAlgId)} is no known hash algorithm`, nameAlgAt);
  const objectAttributes = r.u32('objectAttributes');
  r.tpm2b('authPolicy');
  if (r.u16('symmetric') !== TPM_ALG.NULL) {
    r.u16('symmetric keyBits');
    r.u16('symmetric mode');
  }
  const schemeAt = r.offset;
  const scheme = r.u16('scheme');
  if (schemeName(scheme) === hex16(scheme)) r.fail(`scheme ${hex16(scheme)} is no known TPM scheme`, schemeAt);
  let schemeHash: HashAlgorithm | undefined;
  if (scheme !== TPM_ALG.NULL && scheme !== TPM_ALG.RSAES) {
    const hashAt = r.offset;
    const hashId = r.u16('scheme hash');
    schemeHash = hashAlgorithmFromTpmAlgId(hashId);
    if (schemeHash === undefined) r.fail(`scheme hash ${hex16(hashId)} is no known hash algorithm`, hashAt);
    if (scheme === TPM_ALG.ECDAA) r.u16('ECDAA count');
  }
  const common = {
    schemeHint: schemeName(scheme),
    ...(schemeHash === undefined ? {} : { schemeHash }),
    ...(nameAlg === undefined ? {} : { nameAlg }),
    objectAttributes,
    source,
  };
  if (type === TPM_ALG.RSA) {
    const keyBitsAt = r.offset;
    const keyBits = r.u16('keyBits');
    const exponent = r.u32('exponent');
    const modulusAt = r.offset;
    const modulus = r.tpm2b('modulus');
    if (modulus.length === 0) r.fail('the RSA modulus is empty', modulusAt);
    if (modulus.length * 8 !== keyBits) r.fail(`keyBits ${keyBits}, but the modulus has ${modulus.length} bytes`, keyBitsAt);
    if (r.remaining !== 0) r.fail(`${r.remaining} bytes follow the public area`);
    const spkiDer = rsaSpki(modulus, u32Bytes(exponent === 0 ? 65537 : exponent));
    return { kind: 'rsa', spkiDer, bits: bitLength(modulus), ...common };
  }
  const curveId = r.u16('curveID');
  if (r.u16('kdf') !== TPM_ALG.NULL) r.u16('kdf hash');
  const xAt = r.offset;
  const x = r.tpm2b('x');
  const yAt = r.offset;
  const y = r.tpm2b('y');
  if (r.remaining !== 0) r.fail(`${r.remaining} bytes follow the public area`);
  const oversized = oversizedCoordinate(curveId, x, y);
  if (oversized !== undefined) r.fail(oversized.message, oversized.field === 'x' ? xAt : yAt);
  return eccKey(curveId, x, y, common);
}

/**
 * A coordinate longer than the curve's field (leading zeros aside) is no point of that
 * curve: it must be refused, not cut or let overwrite its neighbour in the encoded point.
 */
function oversizedCoordinate(curveId: number, x: Uint8Array, y: Uint8Array): { field: 'x' | 'y'; message: string } | undefined {
  const curve = nistCurveFromTpm(curveId);
  if (curve === undefined) return undefined;
  const width = curveFieldBytes(curve);
  for (const [field, value] of [['x', x], ['y', y]] as const) {
    const length = derUnsigned(value).length;
    if (length > width) return { field, message: `${field} coordinate is ${length} bytes; a ${curve} coordinate has at most ${width}` };
  }
  return undefined;
}

/** An ECC AkPublic; a curve WebCrypto lacks keeps its id and gets no SPKI. */
function eccKey(
  curveId: number,
  x: Uint8Array,
  y: Uint8Array,
  common: Omit<AkPublic, 'kind' | 'spkiDer'>,
): AkPublic {
  const curve = nistCurveFromTpm(curveId);
  if (curve === undefined) return { kind: 'ecc', spkiDer: new Uint8Array(0), curveId, ...common };
  const spkiDer = eccSpki(curve, x, y);
  return { kind: 'ecc', spkiDer, curve, curveId, bits: CURVE_BITS[curve], ...common };
}

/**
 * TPM2B_PUBLIC, else TPMT_PUBLIC. When neither reads, the error is the reading that got
 * further: a TPM2B_PUBLIC whose size matches (or that is cut short) as one, else as a bare
 * TPMT_PUBLIC.
 */
function decodeTpmPublic(bytes: Uint8Array): AkReading {
  const size = bytes.length >= 2 ? (bytes[0] << 8) | bytes[1] : -1;
  let wrappedError: string | undefined;
  if (size === bytes.length - 2) {
    const r = new TpmReader(bytes);
    r.offset = 2;
    const wrapped = tryDecode(() => readTpmtPublic(r, 'tpm2b-public'));
    if (wrapped.value !== undefined) return { key: wrapped.value };
    wrappedError = `TPM2B_PUBLIC: ${wrapped.error}`;
  } else if (size > bytes.length - 2 && size < 0x400) {
    // A plausible public-area size with fewer bytes after it: a cut-off TPM2B_PUBLIC.
    wrappedError = `offset ${bytes.length}: truncated TPM2B_PUBLIC: its size field says ${size} bytes, ${bytes.length - 2} follow`;
  }
  const bare = tryDecode(() => readTpmtPublic(new TpmReader(bytes), 'tpmt-public'));
  if (bare.value !== undefined) return { key: bare.value };
  return { error: wrappedError ?? `TPMT_PUBLIC: ${bare.error}` };
}

function decodeBinaryKey(bytes: Uint8Array): AkReading {
  const spki = bytes[0] === DER.SEQUENCE ? decodeSpki(bytes, 'spki-der') : undefined;
  if (spki !== undefined) return { key: spki };
  // A DER SEQUENCE with a long-form length is no TPM public area (its type would be 0x30xx).
  if (bytes[0] === DER.SEQUENCE && bytes.length > 2 && (bytes[1] & 0x80) !== 0) return decodeCertificate(bytes, 'x509-der');
  return decodeTpmPublic(bytes);
}

/** The key of an X.509 certificate, with the certificate's summary. */
function decodeCertificate(der: Uint8Array, source: 'x509-pem' | 'x509-der'): AkReading {
  // Read as an IMA key is: only an NV index's fill may follow the certificate (derSequenceBeforeFill).
  try {
    derSequenceBeforeFill(der);
  } catch (e) {
    if (e instanceof DerError) return { error: `offset ${e.offset}: ${e.message}` };
    throw e;
  }
  const summary = summarizeX509(der);
  if (!summary.ok) return { error: `offset ${summary.offset}: not a SubjectPublicKeyInfo or X.509 certificate: ${summary.problem}` };
  const key = decodeSpki(summary.certificate.spki, source);
  if (key === undefined) return { error: `the certificate's key (${summary.certificate.publicKeyAlgorithm}) is neither RSA nor EC` };
  return { key: { ...key, certificate: summary.certificate } };
}

const isPublicKeyBlock = (b: PemBlock): boolean => b.label === 'PUBLIC KEY' || b.label === 'RSA PUBLIC KEY';

function decodePem(blocks: readonly PemBlock[]): AkPublic | undefined {
  const block = blocks.find(isPublicKeyBlock);
  const der = block?.der;
  if (block === undefined || der === undefined) return undefined;
  if (block.label === 'PUBLIC KEY') return decodeSpki(der, 'spki-pem');
  // PKCS#1 RSAPublicKey: SEQUENCE { n, e } → wrap as SPKI.
  try {
    const { modulus, exponent } = readRsaPublicKey(der, wholeDerSequence(der));
    return decodeSpki(rsaSpki(derUnsigned(modulus), derUnsigned(exponent)), 'spki-pem');
  } catch (e) {
    if (e instanceof DerError) return undefined;
    throw e;
  }
}

/** `key: value` or `key:\n  value: v` from tpm2_readpublic YAML. */
function yamlField(text: string, key: string): string | undefined {
  const inline = new RegExp(`^${key}:[ \\t]*(\\S[^\\n]*?)\\s*$`, 'm').exec(text);
  if (inline !== null) return inline[1];
  const nested = new RegExp(`^${key}:\\s*\\n\\s+value:[ \\t]*(\\S[^\\n]*?)\\s*$`, 'm').exec(text);
  return nested?.[1];
}

function yamlRaw(text: string, key: string): number | undefined {
  const re = new RegExp(`^${key}:\\s*\\n(?:\\s+value:[^\\n]*\\n)?\\s+raw:\\s*(0x[0-9a-f]+|\\d+)`, 'im');
  const m = re.exec(text);
  return m === null ? undefined : Number(m[1]);
}

function decodeReadpublicYaml(text: string): AkReading {
  const type = yamlField(text, 'type');
  const common = {
    source: 'readpublic-yaml' as const,
    ...optional('schemeHint', yamlField(text, 'scheme')),
    ...optional('schemeHash', parseHashAlgorithm(yamlField(text, 'scheme-halg') ?? '')),
    ...optional('nameAlg', parseHashAlgorithm(yamlField(text, 'name-alg') ?? '')),
    ...optional('objectAttributes', yamlRaw(text, 'attributes')),
  };
  if (type === 'rsa') {
    const modulus = fromHex(yamlField(text, 'rsa') ?? '');
    const exponent = Number(yamlField(text, 'exponent') ?? '65537') || 65537;
    if (modulus === undefined || modulus.length === 0) return { error: `${yamlWhere(text, 'rsa')}: the modulus is not hex` };
    const spkiDer = rsaSpki(modulus, u32Bytes(exponent));
    return { key: { kind: 'rsa', spkiDer, bits: bitLength(modulus), ...common } };
  }
  if (type === 'ecc') {
    const curveId = yamlRaw(text, 'curve-id');
    const x = fromHex(yamlField(text, 'x') ?? '');
    const y = fromHex(yamlField(text, 'y') ?? '');
    if (curveId === undefined) return { error: `${yamlWhere(text, 'curve-id')}: no raw curve id` };
    if (x === undefined) return { error: `${yamlWhere(text, 'x')}: x is not hex` };
    if (y === undefined) return { error: `${yamlWhere(text, 'y')}: y is not hex` };
    const oversized = oversizedCoordinate(curveId, x, y);
    if (oversized !== undefined) return { error: `${yamlWhere(text, oversized.field)}: ${oversized.message}` };
    return { key: eccKey(curveId, x, y, common) };
  }
  return { error: `${yamlWhere(text, 'type')}: type is neither rsa nor ecc` };
}

/** `field x (byte 312)`: where a YAML key starts, for messages. */
function yamlWhere(text: string, key: string): string {
  const at = new RegExp(`^${key}:`, 'm').exec(text)?.index;
  return at === undefined ? `field ${key} (missing)` : `field ${key} (byte ${new TextEncoder().encode(text.slice(0, at)).length})`;
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

/** A key, or why the input is not one (with the byte offset where the reading failed). */
export type AkReading = { key: AkPublic; error?: undefined } | { key?: undefined; error: string };

/**
 * An AK public key from PEM, DER, TPM2B_PUBLIC, TPMT_PUBLIC (raw, hex or base64) or
 * tpm2_readpublic YAML; else the reason it is none of these. Never throws.
 */
export function readAkPublic(input: Uint8Array | string): AkReading {
  const text = asText(input);
  if (text !== undefined) {
    const blocks = pemBlocks(text);
    const pem = decodePem(blocks);
    if (pem !== undefined) return { key: pem };
    const cert = blocks.find((b) => b.label === 'CERTIFICATE');
    if (cert !== undefined) {
      return cert.der === undefined ? { error: `byte ${cert.index}: the certificate's PEM body is not base64` } : decodeCertificate(cert.der, 'x509-pem');
    }
    if (blocks.some(isPublicKeyBlock) || /-----BEGIN PUBLIC KEY-----/.test(text)) {
      return { error: `byte ${text.indexOf('-----BEGIN')}: the PEM block is not a complete RSA or EC public key` };
    }
    if (/^type:/m.test(text)) return decodeReadpublicYaml(text);
  }
  let first: string | undefined;
  for (const candidate of binaryCandidates(input)) {
    const reading = decodeBinaryKey(candidate);
    if (reading.key !== undefined) return reading;
    first ??= reading.error;
  }
  return { error: first ?? 'not a public key (no PEM block, DER, TPM public area or tpm2_readpublic YAML)' };
}

/** readAkPublic's key; undefined if the input is none of the forms. Never throws. */
export function parseAkPublic(input: Uint8Array | string): AkPublic | undefined {
  return readAkPublic(input).key;
}
