/**
 * Public keys that verify IMA file signatures (runtime-policy-and-signatures.md §4), from
 * every form a user or a log gives them:
 *
 *   X.509 certificate   PEM `CERTIFICATE` or DER (also the `buf` of an ima-buf keyring entry)
 *   public key          PEM `PUBLIC KEY` (SPKI), PEM `RSA PUBLIC KEY` (PKCS#1), DER SPKI
 *   private key         PEM/DER `EC PRIVATE KEY` (SEC1), `PRIVATE KEY` (PKCS#8), `RSA PRIVATE
 *                       KEY`: Keylime accepts them (its own secp256k1 test key is one), and
 *                       only the public half is kept
 *
 * RSA keys and ECDSA keys on P-256, P-384, P-521 and secp256k1 are usable; anything else is
 * reported as unsupported, never silently dropped.
 *
 * The 32-bit key id (§4.2): Keylime and `evmctl --keyid-from-cert` take the last 4 bytes of
 * the certificate's subject key identifier when it has one of at least 4 bytes; otherwise
 * (and for bare keys) the last 4 bytes of SHA-1 over the PKCS#1 RSAPublicKey DER or over the
 * X9.62 uncompressed EC point. Both ids are kept: the kernel finds a certificate only by its
 * SKID, so a signature matched by the derived id alone is worth saying.
 *
 * Certificates are read with the DER reader of `ima/decode` (the one the keyring entries'
 * summaries use); nothing here throws out: problems are `KeyParseError` values.
 */
import { sha1 } from '@noble/hashes/legacy.js';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { contentOf, decodeOid, DerError, DerReader, derSequence, DerTag, type DerElement } from '../util/der';
import {
  derSequenceBeforeFill,
  EC_CURVE_OIDS,
  OID_EC_PUBLIC_KEY,
  OID_RSA_ENCRYPTION,
  pemBlocks,
  readRsaPublicKey,
  readSpki,
  wholeDerSequence,
  type RsaPublicKeyDer,
} from '../util/public-key-info';
import { summarizeX509 } from '../ima/decode/x509-summary';
import { asText } from '../tpm/binary-input';
import { toHex } from '../util/bytes';

export type EcCurve = 'P-256' | 'P-384' | 'P-521' | 'secp256k1';

export interface ImaPublicKey {
  readonly algorithm: 'rsa' | 'ecdsa';
  /** `rsa-2048`, `ecdsa-p256`, `ecdsa-secp256k1`: the report's spelling. */
  readonly label: string;
  /** RSA modulus and exponent. */
  readonly n?: bigint;
  readonly e?: bigint;
  /** RSA modulus size in bytes. */
  readonly modulusBytes?: number;
  readonly curve?: EcCurve;
  /** X9.62 uncompressed point (04 ‖ x ‖ y). */
  readonly point?: Uint8Array;
  /** The key id Keylime files the key under (SKID tail, else derived). */
  readonly keyId: number;
  /** SHA-1 of the PKCS#1 key / uncompressed point, last 4 bytes. */
  readonly derivedKeyId: number;
  /** Certificate facts, when the key came in one. */
  readonly certificate?: {
    readonly subject: string;
    readonly issuer: string;
    readonly serial: string;
    readonly subjectKeyId?: string;
    /**
     * hex(serialNumber INTEGER contents) ‖ ':' ‖ hex(issuer Name DER): the kernel's key id 0
     * (x509_cert_parser), which a PKCS#7 SignerInfo's issuerAndSerialNumber names.
     */
    readonly issuerAndSerial: string;
  };
  /** A stable text naming the key material, for caches and de-duplication. */
  readonly fingerprint: string;
}

export interface KeyParseError {
  readonly message: string;
  /** Where in the input: `PEM block 2 (CERTIFICATE)`, `byte 34` … */
  readonly place: string;
}

export type KeyParseResult =
  | { readonly ok: true; readonly keys: readonly ImaPublicKey[] }
  | { readonly ok: false; readonly error: KeyParseError };

export const EC_CURVES = { 'P-256': p256, 'P-384': p384, 'P-521': p521, secp256k1 } as const;

const KEY_PEM_LABELS = new Set([
  'CERTIFICATE',
  'X509 CERTIFICATE',
  'PUBLIC KEY',
  'RSA PUBLIC KEY',
  'EC PRIVATE KEY',
  'PRIVATE KEY',
  'RSA PRIVATE KEY',
]);

/** Every key in a PEM file (several blocks allowed) or one DER structure. */
export function parseImaKeys(input: Uint8Array): KeyParseResult {
  const text = asText(input);
  if (text !== undefined && text.includes('-----BEGIN ')) {
    const keys: ImaPublicKey[] = [];
    let block = 0;
    for (const { label, der } of pemBlocks(text)) {
      block++;
      if (label === 'EC PARAMETERS') continue; // openssl ecparam -genkey writes it before the key
      const place = `PEM block ${block} (${label})`;
      if (!KEY_PEM_LABELS.has(label)) return fail(`a ${label} block is not a key or certificate`, place);
      if (der === undefined) return fail('the base64 between the PEM lines does not decode', place);
      const parsed = parseDerAs(der, label);
      if (!parsed.ok) return fail(parsed.error.message, `${place}, ${parsed.error.place}`);
      keys.push(...parsed.keys);
    }
    if (keys.length === 0) return fail('no certificate or key PEM block', 'the whole file');
    return { ok: true, keys };
  }
  return parseDerAs(input, undefined);
}

/** One key from DER bytes whose kind is known (`label`) or guessed in Keylime's order. */
export function parseDerAs(der: Uint8Array, label: string | undefined): KeyParseResult {
  const attempts: Array<[string, (d: Uint8Array) => ImaPublicKey]> = [];
  const add = (labels: readonly string[], f: (d: Uint8Array) => ImaPublicKey): void => {
    if (label === undefined || labels.includes(label)) attempts.push([labels[0], f]);
  };
  add(['CERTIFICATE', 'X509 CERTIFICATE'], keyFromCertificate);
  add(['PUBLIC KEY'], (d) => keyFromSpki(d, wholeDerSequence(d)));
  add(['RSA PUBLIC KEY'], keyFromPkcs1Public);
  add(['PRIVATE KEY'], keyFromPkcs8);
  add(['EC PRIVATE KEY'], (d) => keyFromSec1(d, wholeDerSequence(d), undefined));
  add(['RSA PRIVATE KEY'], keyFromPkcs1Private);
  let first: KeyParseError | undefined;
  for (const [what, f] of attempts) {
    try {
      return { ok: true, keys: [f(der)] };
    } catch (e) {
      const err = asKeyError(e, what);
      // An unsupported algorithm in a structure that did parse is the answer, not a miss.
      if (err.message.startsWith('unsupported')) return { ok: false, error: err };
      first ??= err;
    }
  }
  // Unlabelled bytes that read as a certificate are one: its problem is the answer.
  const certificate = label === undefined && summarizeX509(der).ok;
  return {
    ok: false,
    error:
      label === undefined && !certificate
        ? { message: 'not a DER certificate, public key or private key', place: 'byte 0' }
        : (first ?? { message: 'unreadable', place: 'byte 0' }),
  };
}

function fail(message: string, place: string): KeyParseResult {
  return { ok: false, error: { message, place } };
}

function asKeyError(e: unknown, what: string): KeyParseError {
  if (e instanceof DerError) return { message: `${what}: ${e.message}`, place: `byte ${e.offset}` };
  if (e instanceof KeyError) return { message: e.message, place: 'key' };
  return { message: `${what}: unreadable`, place: 'byte 0' };
}

class KeyError extends Error {}

function keyFromCertificate(der: Uint8Array): ImaPublicKey {
  const summary = summarizeX509(der);
  if (!summary.ok) throw new DerError(summary.problem, summary.offset);
  const cert = summary.certificate;
  // Certificate → TBSCertificate → … → subjectPublicKeyInfo (7th element when [0] version is present).
  const tbs = DerReader.inside(der, DerReader.inside(der, derSequenceBeforeFill(der)).expect(DerTag.Sequence, 'TBSCertificate'));
  tbs.optionalContext(0);
  const serial = tbs.expect(DerTag.Integer, 'serialNumber');
  tbs.next(); // signature
  const issuer = tbs.expect(DerTag.Sequence, 'issuer');
  tbs.next(); // validity
  tbs.next(); // subject
  const spki = tbs.expect(DerTag.Sequence, 'SubjectPublicKeyInfo');
  const key = keyFromSpki(der, spki);
  const skid = cert.subjectKeyId;
  const keyId = skid !== undefined && skid.length >= 8 ? parseInt(skid.slice(-8), 16) : key.derivedKeyId;
  return {
    ...key,
    keyId,
    certificate: {
      subject: cert.subject,
      issuer: cert.issuer,
      serial: cert.serial,
      ...(skid !== undefined && { subjectKeyId: skid }),
      issuerAndSerial: issuerAndSerialId(contentOf(der, serial), der.subarray(issuer.offset, issuer.end)),
    },
  };
}

/** The text form of the kernel's issuer+serial key id (see `certificate.issuerAndSerial`). */
export function issuerAndSerialId(serialContent: Uint8Array, issuerDer: Uint8Array): string {
  return `${toHex(serialContent)}:${toHex(issuerDer)}`;
}

function keyFromSpki(der: Uint8Array, spki: DerElement): ImaPublicKey {
  const key = readSpki(der, spki);
  if (key.kind === 'rsa') return rsaKey(key);
  if (key.kind === 'ec') {
    if (key.curveOid === undefined) throw new KeyError('unsupported EC key: explicit curve parameters');
    return ecKey(curveOf(key.curveOid), key.point);
  }
  throw new KeyError(`unsupported key algorithm ${key.algorithmOid} (only RSA and ECDSA keys verify IMA signatures)`);
}

function curveOf(oid: string): EcCurve {
  const curve = EC_CURVE_OIDS.get(oid);
  if (curve === undefined) throw new KeyError(`unsupported elliptic curve ${oid}`);
  return curve;
}

function keyFromPkcs1Public(der: Uint8Array): ImaPublicKey {
  return rsaKey(readRsaPublicKey(der, wholeDerSequence(der)));
}

function rsaKey({ modulus, exponent, pkcs1 }: RsaPublicKeyDer): ImaPublicKey {
  const n = unsignedBig(modulus);
  const e = unsignedBig(exponent);
  if (n < 3n || e < 3n) throw new KeyError('RSA key with an impossible modulus or exponent');
  const modulusBytes = Math.ceil(n.toString(16).length / 2);
  return {
    algorithm: 'rsa',
    label: `rsa-${n.toString(2).length}`,
    n,
    e,
    modulusBytes,
    keyId: tailId(sha1(pkcs1)),
    derivedKeyId: tailId(sha1(pkcs1)),
    fingerprint: `rsa:${n.toString(16)}:${e.toString(16)}`,
  };
}

function ecKey(curve: EcCurve, pointBytes: Uint8Array): ImaPublicKey {
  let point: Uint8Array;
  try {
    point = EC_CURVES[curve].Point.fromBytes(pointBytes).toBytes(false);
  } catch {
    throw new KeyError(`the EC public point is not on ${curve}`);
  }
  const id = tailId(sha1(point));
  return {
    algorithm: 'ecdsa',
    label: `ecdsa-${curve.toLowerCase().replace('-', '')}`,
    curve,
    point,
    keyId: id,
    derivedKeyId: id,
    fingerprint: `ec:${curve}:${toHex(point)}`,
  };
}

/** PrivateKeyInfo ::= SEQUENCE { version, AlgorithmIdentifier, privateKey OCTET STRING, … } */
function keyFromPkcs8(der: Uint8Array): ImaPublicKey {
  const r = DerReader.inside(der, wholeDerSequence(der));
  r.expect(DerTag.Integer, 'version');
  const alg = DerReader.inside(der, r.expect(DerTag.Sequence, 'AlgorithmIdentifier'));
  const oidEl = alg.expect(DerTag.Oid, 'algorithm');
  const oid = decodeOid(contentOf(der, oidEl), oidEl.offset);
  const inner = contentOf(der, r.expect(DerTag.OctetString, 'privateKey'));
  if (oid === OID_RSA_ENCRYPTION) return keyFromPkcs1Private(inner);
  if (oid === OID_EC_PUBLIC_KEY) {
    const params = alg.peek();
    const curveOid = params?.tagNumber === DerTag.Oid ? decodeOid(contentOf(der, params), params.offset) : '';
    return keyFromSec1(inner, wholeDerSequence(inner), curveOid === '' ? undefined : curveOf(curveOid));
  }
  throw new KeyError(`unsupported key algorithm ${oid} (only RSA and ECDSA keys verify IMA signatures)`);
}

/** ECPrivateKey ::= SEQUENCE { version 1, privateKey OCTET STRING, [0] curve OID, [1] publicKey BIT STRING } */
function keyFromSec1(der: Uint8Array, seq: DerElement, knownCurve: EcCurve | undefined): ImaPublicKey {
  const r = DerReader.inside(der, seq);
  r.expect(DerTag.Integer, 'version');
  const secret = contentOf(der, r.expect(DerTag.OctetString, 'privateKey'));
  const params = r.optionalContext(0);
  let curve = knownCurve;
  if (params !== undefined) {
    const oidEl = DerReader.inside(der, params).expect(DerTag.Oid, 'namedCurve');
    curve = curveOf(decodeOid(contentOf(der, oidEl), oidEl.offset));
  }
  if (curve === undefined) throw new KeyError('EC private key without a named curve');
  const pub = r.optionalContext(1);
  if (pub !== undefined) {
    const bits = DerReader.inside(der, pub).expect(DerTag.BitString, 'publicKey');
    return ecKey(curve, der.subarray(bits.contentOffset + 1, bits.end));
  }
  try {
    return ecKey(curve, EC_CURVES[curve].getPublicKey(secret, false));
  } catch (e) {
    if (e instanceof KeyError) throw e;
    throw new KeyError(`the EC private key is not a valid ${curve} scalar`);
  }
}

/** RSAPrivateKey ::= SEQUENCE { version, modulus, publicExponent, … } */
function keyFromPkcs1Private(der: Uint8Array): ImaPublicKey {
  const r = DerReader.inside(der, wholeDerSequence(der));
  r.expect(DerTag.Integer, 'version');
  const n = r.expect(DerTag.Integer, 'modulus');
  const e = r.expect(DerTag.Integer, 'publicExponent');
  // Re-wrap n and e as the RSAPublicKey whose SHA-1 names the key.
  return keyFromPkcs1Public(derSequence(der.subarray(n.offset, e.end)));
}

function unsignedBig(content: Uint8Array): bigint {
  if (content.length === 0 || (content[0] & 0x80) !== 0) throw new KeyError('negative or empty INTEGER in an RSA key');
  return BigInt('0x' + (toHex(content) || '0'));
}

function tailId(digest: Uint8Array): number {
  const n = digest.length;
  return ((digest[n - 4] << 24) >>> 0) + (digest[n - 3] << 16) + (digest[n - 2] << 8) + digest[n - 1];
}

export function formatKeyId(id: number): string {
  return id.toString(16).padStart(8, '0');
}
