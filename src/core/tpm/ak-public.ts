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
} from '../hash/hash-algorithm';
import { bytesEqual, fromBase64, fromHex } from '../util/bytes';
import { asText, binaryCandidates } from './binary-input';
import {
  DER,
  derBitString,
  derSequence,
  derTlv,
  derUnsigned,
  derUnsignedInteger,
  readDer,
  readDerChildren,
} from './der';
import {
  curveFieldBytes,
  nistCurveFromTpm,
  schemeName,
  TPM_ALG,
  type NistCurve,
} from './tpm-constants';
import { TpmReader, tryDecode } from './tpm-reader';

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
  source: 'spki-pem' | 'spki-der' | 'tpm2b-public' | 'tpmt-public' | 'readpublic-yaml';
}

const OID = {
  rsaEncryption: Uint8Array.of(0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01),
  ecPublicKey: Uint8Array.of(0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01),
};
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

/** Reads an SPKI DER; undefined unless it is an RSA or EC key filling `der` exactly. */
function decodeSpki(der: Uint8Array, source: AkPublic['source']): AkPublic | undefined {
  const outer = readDer(der, 0);
  if (outer?.tag !== DER.SEQUENCE || outer.end !== der.length) return undefined;
  const [algId, key] = readDerChildren(outer.content) ?? [];
  if (algId?.tag !== DER.SEQUENCE || key?.tag !== DER.BIT_STRING || key.content[0] !== 0) {
    return undefined;
  }
  const [oid, params] = readDerChildren(algId.content) ?? [];
  if (oid?.tag !== DER.OID) return undefined;
  const spkiDer = der.slice();
  if (bytesEqual(oid.content, OID.rsaEncryption)) {
    const rsaKey = readDer(key.content, 1);
    const [n] = rsaKey?.tag === DER.SEQUENCE ? (readDerChildren(rsaKey.content) ?? []) : [];
    if (n?.tag !== DER.INTEGER) return undefined;
    return { kind: 'rsa', spkiDer, bits: bitLength(n.content), source };
  }
  if (bytesEqual(oid.content, OID.ecPublicKey) && params?.tag === DER.OID) {
    const curve = CURVE_OIDS.find(([, o]) => bytesEqual(o, params.content))?.[0];
    return {
      kind: 'ecc',
      spkiDer,
      ...(curve === undefined ? {} : { curve, bits: CURVE_BITS[curve] }),
      source,
    };
  }
  return undefined;
}

/** TPMT_PUBLIC starting at the reader's offset; it must end exactly at the end. */
function readTpmtPublic(r: TpmReader, source: AkPublic['source']): AkPublic | undefined {
  const type = r.u16('type');
  if (type !== TPM_ALG.RSA && type !== TPM_ALG.ECC) return undefined;
  const nameAlg = hashAlgorithmFromTpmAlgId(r.u16('nameAlg'));
  r.u32('objectAttributes');
  r.tpm2b('authPolicy');
  if (r.u16('symmetric') !== TPM_ALG.NULL) {
    r.u16('symmetric keyBits');
    r.u16('symmetric mode');
  }
  const scheme = r.u16('scheme');
  let schemeHash: HashAlgorithm | undefined;
  if (scheme !== TPM_ALG.NULL && scheme !== TPM_ALG.RSAES) {
    schemeHash = hashAlgorithmFromTpmAlgId(r.u16('scheme hash'));
    if (scheme === TPM_ALG.ECDAA) r.u16('ECDAA count');
  }
  const common = {
    schemeHint: schemeName(scheme),
    ...(schemeHash === undefined ? {} : { schemeHash }),
    ...(nameAlg === undefined ? {} : { nameAlg }),
    source,
  };
  if (type === TPM_ALG.RSA) {
    r.u16('keyBits');
    const exponent = r.u32('exponent');
    const modulus = r.tpm2b('modulus');
    if (r.remaining !== 0 || modulus.length === 0) return undefined;
    const spkiDer = rsaSpki(modulus, u32Bytes(exponent === 0 ? 65537 : exponent));
    return { kind: 'rsa', spkiDer, bits: bitLength(modulus), ...common };
  }
  const curveId = r.u16('curveID');
  if (r.u16('kdf') !== TPM_ALG.NULL) r.u16('kdf hash');
  const x = r.tpm2b('x');
  const y = r.tpm2b('y');
  if (r.remaining !== 0) return undefined;
  return eccKey(curveId, x, y, common);
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

function decodeTpmPublic(bytes: Uint8Array): AkPublic | undefined {
  const size = bytes.length >= 2 ? (bytes[0] << 8) | bytes[1] : -1;
  if (size === bytes.length - 2) {
    const r = new TpmReader(bytes);
    r.offset = 2;
    const wrapped = tryDecode(() => readTpmtPublic(r, 'tpm2b-public')).value;
    if (wrapped !== undefined) return wrapped;
  }
  return tryDecode(() => readTpmtPublic(new TpmReader(bytes), 'tpmt-public')).value;
}

function decodeBinaryKey(bytes: Uint8Array): AkPublic | undefined {
  const spki = bytes[0] === DER.SEQUENCE ? decodeSpki(bytes, 'spki-der') : undefined;
  return spki ?? decodeTpmPublic(bytes);
}

const PEM_RE = /-----BEGIN (PUBLIC KEY|RSA PUBLIC KEY)-----([\s\S]*?)-----END \1-----/;

function decodePem(text: string): AkPublic | undefined {
  const m = PEM_RE.exec(text);
  const der = m === null ? undefined : fromBase64(m[2]);
  if (m === null || der === undefined) return undefined;
  if (m[1] === 'PUBLIC KEY') return decodeSpki(der, 'spki-pem');
  // PKCS#1 RSAPublicKey: SEQUENCE { n, e } → wrap as SPKI.
  const seq = readDer(der, 0);
  const [n, e] = seq?.tag === DER.SEQUENCE ? (readDerChildren(seq.content) ?? []) : [];
  if (n?.tag !== DER.INTEGER || e?.tag !== DER.INTEGER) return undefined;
  return decodeSpki(rsaSpki(derUnsigned(n.content), derUnsigned(e.content)), 'spki-pem');
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

function decodeReadpublicYaml(text: string): AkPublic | undefined {
  const type = yamlField(text, 'type');
  const common = {
    source: 'readpublic-yaml' as const,
    ...optional('schemeHint', yamlField(text, 'scheme')),
    ...optional('schemeHash', parseHashAlgorithm(yamlField(text, 'scheme-halg') ?? '')),
    ...optional('nameAlg', parseHashAlgorithm(yamlField(text, 'name-alg') ?? '')),
  };
  if (type === 'rsa') {
    const modulus = fromHex(yamlField(text, 'rsa') ?? '');
    const exponent = Number(yamlField(text, 'exponent') ?? '65537') || 65537;
    if (modulus === undefined || modulus.length === 0) return undefined;
    const spkiDer = rsaSpki(modulus, u32Bytes(exponent));
    return { kind: 'rsa', spkiDer, bits: bitLength(modulus), ...common };
  }
  if (type === 'ecc') {
    const curveId = yamlRaw(text, 'curve-id');
    const x = fromHex(yamlField(text, 'x') ?? '');
    const y = fromHex(yamlField(text, 'y') ?? '');
    if (x === undefined || y === undefined || curveId === undefined) return undefined;
    return eccKey(curveId, x, y, common);
  }
  return undefined;
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

/**
 * An AK public key from PEM, DER, TPM2B_PUBLIC, TPMT_PUBLIC (raw, hex or base64) or
 * tpm2_readpublic YAML; undefined if the input is none of these. Never throws.
 */
export function parseAkPublic(input: Uint8Array | string): AkPublic | undefined {
  const text = asText(input);
  if (text !== undefined) {
    const pem = decodePem(text);
    if (pem !== undefined) return pem;
    if (/^type:/m.test(text)) return decodeReadpublicYaml(text);
  }
  for (const candidate of binaryCandidates(input)) {
    const key = decodeBinaryKey(candidate);
    if (key !== undefined) return key;
  }
  return undefined;
}
