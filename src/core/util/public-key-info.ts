/**
 * The one reader of public-key structures: PEM blocks, SubjectPublicKeyInfo (RFC 5280
 * §4.1.2.7) and PKCS#1 RSAPublicKey (RFC 8017 §A.1.1), on the DER reader of util/der. The
 * attestation key (tpm/keys/ak-public) and the IMA signature keys (ima-signature/ima-key)
 * both read their SPKI and PEM through it, and each then makes the key it needs. Problems are
 * DerErrors with the byte offset.
 *
 *   SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT STRING }
 *   AlgorithmIdentifier  ::= SEQUENCE { algorithm OID, parameters ANY OPTIONAL }
 *   RSAPublicKey         ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }
 */
import { fromBase64 } from './bytes';
import { contentOf, decodeOid, DerError, DerReader, DerTag, type DerElement } from './der';

export const OID_RSA_ENCRYPTION = '1.2.840.113549.1.1.1';
export const OID_EC_PUBLIC_KEY = '1.2.840.10045.2.1';

/** Named curves by OID (SEC 2, RFC 5480). */
export const EC_CURVE_OIDS: ReadonlyMap<string, 'P-256' | 'P-384' | 'P-521' | 'secp256k1'> = new Map([
  ['1.2.840.10045.3.1.7', 'P-256'],
  ['1.3.132.0.34', 'P-384'],
  ['1.3.132.0.35', 'P-521'],
  ['1.3.132.0.10', 'secp256k1'],
]);

export interface RsaPublicKeyDer {
  /** The INTEGERs' contents, as written (a leading zero octet kept). */
  readonly modulus: Uint8Array;
  readonly exponent: Uint8Array;
  /** The whole RSAPublicKey DER (its SHA-1 names an IMA key). */
  readonly pkcs1: Uint8Array;
}

export type SpkiKey =
  | ({ readonly kind: 'rsa' } & RsaPublicKeyDer)
  | {
      readonly kind: 'ec';
      /** The named curve's OID; undefined when the parameters spell the curve out. */
      readonly curveOid: string | undefined;
      /** The X9.62 point, as written. */
      readonly point: Uint8Array;
    }
  | { readonly kind: 'other'; readonly algorithmOid: string };

/**
 * The SEQUENCE at the start of `der`, followed by nothing or by fill bytes all 0xFF or all
 * 0x00: a certificate read from its TPM NV index (tpm2_nvread 0x1c00002, the EK certificate)
 * keeps the index's unused bytes (osresearch/safeboot tests/quote-t490.tgz `ek.crt`: 1,170
 * bytes of certificate, then 430 of 0xFF). Other bytes after it are an error at their offset.
 */
export function derSequenceBeforeFill(der: Uint8Array): DerElement {
  const r = new DerReader(der, 0, der.length);
  const el = r.expect(DerTag.Sequence, 'SEQUENCE');
  const tail = der.subarray(el.end);
  if (tail.length > 0 && !tail.every((b) => b === tail[0] && (b === 0xff || b === 0x00))) {
    throw new DerError(`${tail.length} bytes follow the structure (not 0xFF or 0x00 fill)`, el.end);
  }
  return el;
}

/** The SEQUENCE that fills `der` exactly. */
export function wholeDerSequence(der: Uint8Array): DerElement {
  const r = new DerReader(der, 0, der.length);
  const el = r.expect(DerTag.Sequence, 'SEQUENCE');
  if (!r.atEnd) throw new DerError(`${der.length - el.end} bytes follow the structure`, el.end);
  return el;
}

/** The SubjectPublicKeyInfo at `spki` in `der`. */
export function readSpki(der: Uint8Array, spki: DerElement): SpkiKey {
  const r = DerReader.inside(der, spki);
  const alg = DerReader.inside(der, r.expect(DerTag.Sequence, 'AlgorithmIdentifier'));
  const oidEl = alg.expect(DerTag.Oid, 'algorithm');
  const oid = decodeOid(contentOf(der, oidEl), oidEl.offset);
  const bits = r.expect(DerTag.BitString, 'subjectPublicKey');
  const body = der.subarray(bits.contentOffset + 1, bits.end);
  if (der[bits.contentOffset] !== 0) throw new DerError('subjectPublicKey has unused bits', bits.offset);
  if (oid === OID_RSA_ENCRYPTION) {
    const rsa = new DerReader(body, 0, body.length);
    return { kind: 'rsa', ...readRsaPublicKey(body, rsa.expect(DerTag.Sequence, 'RSAPublicKey')) };
  }
  if (oid === OID_EC_PUBLIC_KEY) {
    const params = alg.peek();
    const named = params?.tagNumber === DerTag.Oid && params.tagClass === 'universal';
    return { kind: 'ec', curveOid: named ? decodeOid(contentOf(der, params), params.offset) : undefined, point: body };
  }
  return { kind: 'other', algorithmOid: oid };
}

/** The RSAPublicKey at `seq` in `bytes`. */
export function readRsaPublicKey(bytes: Uint8Array, seq: DerElement): RsaPublicKeyDer {
  const r = DerReader.inside(bytes, seq);
  const modulus = contentOf(bytes, r.expect(DerTag.Integer, 'modulus'));
  const exponent = contentOf(bytes, r.expect(DerTag.Integer, 'publicExponent'));
  return { modulus, exponent, pkcs1: bytes.subarray(seq.offset, seq.end) };
}

export interface PemBlock {
  /** `CERTIFICATE`, `PUBLIC KEY`, `RSA PUBLIC KEY`, … */
  readonly label: string;
  /** The base64 between the lines, decoded; undefined when it does not decode. */
  readonly der: Uint8Array | undefined;
  /** Where the block's BEGIN line starts in the text. */
  readonly index: number;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

/** Every complete PEM block of `text`, in order. */
export function pemBlocks(text: string): PemBlock[] {
  return [...text.matchAll(PEM_BLOCK)].map((m) => ({ label: m[1], der: fromBase64(m[2]), index: m.index }));
}
