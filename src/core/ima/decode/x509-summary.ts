/**
 * Summary of one DER X.509 certificate, as IMA measures it when a key is added to a keyring
 * (`func=KEY_CHECK`, ima-buf entry named after the keyring; ima-format.md §8).
 *
 * RFC 5280 §4.1:
 *   Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm AlgorithmIdentifier,
 *                              signatureValue BIT STRING }
 *   TBSCertificate ::= SEQUENCE { [0] EXPLICIT version DEFAULT v1, serialNumber INTEGER,
 *       signature AlgorithmIdentifier, issuer Name, validity SEQUENCE { notBefore, notAfter },
 *       subject Name, subjectPublicKeyInfo SEQUENCE { algorithm, subjectPublicKey BIT STRING },
 *       [1] issuerUniqueID, [2] subjectUniqueID, [3] EXPLICIT extensions }
 *
 * Names print most specific first, `CN=…, O=…, C=…` (RFC 4514 order and escaping, which is
 * also what `openssl x509 -nameopt esc_2253,esc_ctrl,utf8,sep_comma_plus_space,dn_rev,sname`
 * prints); unknown attribute types print as their dotted OID and non-string values as
 * `#<hex of the DER>`. The subject key identifier matters for IMA: the kernel names an
 * asymmetric key by it, and an IMA signature header's 4-byte key id is its last 4 bytes.
 *
 * The skeleton up to the public key must parse or the summary fails (with the offset); a
 * damaged extension or time only adds a problem.
 */
import { toHex } from '../../util/bytes';
import {
  contentOf,
  decodeDerString,
  decodeDerTime,
  decodeOid,
  DerError,
  DerReader,
  DerTag,
  type DerElement,
} from '../../util/der';

export interface X509Summary {
  /** 1, 2 or 3 (the wire value plus one); 0 when the encoded version is none of those. */
  readonly version: number;
  /** Serial number as lowercase hex of its value (DER sign octet dropped). */
  readonly serial: string;
  readonly subject: string;
  readonly issuer: string;
  /** ISO 8601 (`2021-06-11T13:58:16Z`); the raw text if the time is malformed. */
  readonly notBefore: string;
  readonly notAfter: string;
  /** OpenSSL's long name (`sha256WithRSAEncryption`) or the dotted OID. */
  readonly signatureAlgorithm: string;
  /** `rsaEncryption`, `id-ecPublicKey`, `ED25519` … or the dotted OID. */
  readonly publicKeyAlgorithm: string;
  /** RSA modulus size, or the named curve's size. */
  readonly publicKeyBits?: number;
  /** Named curve of an EC key (`prime256v1`, `secp384r1` …) or its dotted OID. */
  readonly publicKeyCurve?: string;
  readonly subjectKeyId?: string;
  readonly authorityKeyId?: string;
  /** The SubjectPublicKeyInfo DER (a copy: summaries cross to the page, never pin the log). */
  readonly spki: Uint8Array;
  readonly problems: readonly string[];
}

export type X509Result =
  | { readonly ok: true; readonly certificate: X509Summary }
  | { readonly ok: false; readonly problem: string; readonly offset: number };

const ATTRIBUTE_NAMES: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN',
  '2.5.4.4': 'SN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'street',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.12': 'title',
  '2.5.4.42': 'GN',
  '1.2.840.113549.1.9.1': 'emailAddress',
  '0.9.2342.19200300.100.1.1': 'UID',
  '0.9.2342.19200300.100.1.25': 'DC',
};

const ALGORITHM_NAMES: Readonly<Record<string, string>> = {
  '1.2.840.113549.1.1.1': 'rsaEncryption',
  '1.2.840.113549.1.1.5': 'sha1WithRSAEncryption',
  '1.2.840.113549.1.1.10': 'rsassaPss',
  '1.2.840.113549.1.1.11': 'sha256WithRSAEncryption',
  '1.2.840.113549.1.1.12': 'sha384WithRSAEncryption',
  '1.2.840.113549.1.1.13': 'sha512WithRSAEncryption',
  '1.2.840.113549.1.1.14': 'sha224WithRSAEncryption',
  '1.2.840.10045.2.1': 'id-ecPublicKey',
  '1.2.840.10045.4.1': 'ecdsa-with-SHA1',
  '1.2.840.10045.4.3.1': 'ecdsa-with-SHA224',
  '1.2.840.10045.4.3.2': 'ecdsa-with-SHA256',
  '1.2.840.10045.4.3.3': 'ecdsa-with-SHA384',
  '1.2.840.10045.4.3.4': 'ecdsa-with-SHA512',
  '2.16.840.1.101.3.4.3.10': 'ecdsa_with_SHA3-256',
  '2.16.840.1.101.3.4.3.11': 'ecdsa_with_SHA3-384',
  '2.16.840.1.101.3.4.3.12': 'ecdsa_with_SHA3-512',
  '1.3.101.112': 'ED25519',
  '1.3.101.113': 'ED448',
  '1.2.156.10197.1.301': 'SM2',
  '1.2.156.10197.1.501': 'SM2-with-SM3',
  '1.2.643.7.1.1.1.1': 'GOST R 34.10-2012 with 256 bit modulus',
  '1.2.643.7.1.1.1.2': 'GOST R 34.10-2012 with 512 bit modulus',
  '1.2.643.7.1.1.3.2': 'GOST R 34.10-2012 with GOST R 34.11-2012 (256 bit)',
  '1.2.643.7.1.1.3.3': 'GOST R 34.10-2012 with GOST R 34.11-2012 (512 bit)',
};

const CURVES: Readonly<Record<string, { readonly name: string; readonly bits: number }>> = {
  '1.2.840.10045.3.1.7': { name: 'prime256v1', bits: 256 },
  '1.3.132.0.34': { name: 'secp384r1', bits: 384 },
  '1.3.132.0.35': { name: 'secp521r1', bits: 521 },
  '1.3.132.0.10': { name: 'secp256k1', bits: 256 },
  '1.2.840.10045.3.1.1': { name: 'prime192v1', bits: 192 },
  '1.3.132.0.33': { name: 'secp224r1', bits: 224 },
  '1.2.156.10197.1.301': { name: 'SM2', bits: 256 },
};

const OID_SUBJECT_KEY_ID = '2.5.29.14';
const OID_AUTHORITY_KEY_ID = '2.5.29.35';

/** Summarises a DER certificate; never throws. */
export function summarizeX509(der: Uint8Array): X509Result {
  try {
    return { ok: true, certificate: readCertificate(der) };
  } catch (e) {
    if (e instanceof DerError) return { ok: false, problem: e.message, offset: e.offset };
    return { ok: false, problem: 'unreadable certificate', offset: 0 };
  }
}

function readCertificate(der: Uint8Array): X509Summary {
  const problems: string[] = [];
  const top = new DerReader(der, 0, der.length);
  const cert = top.expect(DerTag.Sequence, 'Certificate SEQUENCE');
  if (!top.atEnd) problems.push(`${der.length - cert.end} bytes follow the certificate`);

  const certReader = DerReader.inside(der, cert);
  const tbs = certReader.expect(DerTag.Sequence, 'TBSCertificate SEQUENCE');
  const outerAlgorithm = readAlgorithm(der, certReader);
  certReader.expect(DerTag.BitString, 'signatureValue BIT STRING');

  const r = DerReader.inside(der, tbs);
  let version = 1;
  const versionTag = r.optionalContext(0);
  if (versionTag !== undefined) {
    const v = DerReader.inside(der, versionTag).expect(DerTag.Integer, 'version INTEGER');
    const value = contentOf(der, v);
    version = value.length === 1 && value[0] <= 2 ? value[0] + 1 : 0;
    if (version === 0) problems.push(`unknown certificate version 0x${toHex(value)}`);
  }
  const serial = integerHex(contentOf(der, r.expect(DerTag.Integer, 'serialNumber INTEGER')));
  const innerAlgorithm = readAlgorithm(der, r);
  if (innerAlgorithm.oid !== outerAlgorithm.oid) {
    const inner = `signature algorithm inside the certificate (${innerAlgorithm.oid})`;
    problems.push(`${inner} differs from the outer one (${outerAlgorithm.oid})`);
  }
  const issuer = readName(der, r.expect(DerTag.Sequence, 'issuer Name'));
  const validity = DerReader.inside(der, r.expect(DerTag.Sequence, 'Validity SEQUENCE'));
  const notBefore = readTime(der, validity.next(), 'notBefore', problems);
  const notAfter = readTime(der, validity.next(), 'notAfter', problems);
  const subject = readName(der, r.expect(DerTag.Sequence, 'subject Name'));
  const spkiElement = r.expect(DerTag.Sequence, 'SubjectPublicKeyInfo');
  const key = readPublicKey(der, spkiElement, problems);

  let subjectKeyId: string | undefined;
  let authorityKeyId: string | undefined;
  r.optionalContext(1);
  r.optionalContext(2);
  const extensions = r.optionalContext(3);
  if (extensions !== undefined) {
    try {
      ({ subjectKeyId, authorityKeyId } = readKeyIds(der, extensions));
    } catch (e) {
      problems.push(`extensions unreadable: ${e instanceof DerError ? e.message : 'bad data'}`);
    }
  }

  return {
    version,
    serial,
    subject,
    issuer,
    notBefore,
    notAfter,
    signatureAlgorithm: algorithmName(outerAlgorithm.oid),
    ...key,
    ...(subjectKeyId !== undefined && { subjectKeyId }),
    ...(authorityKeyId !== undefined && { authorityKeyId }),
    spki: der.slice(spkiElement.offset, spkiElement.end),
    problems,
  };
}

interface Algorithm {
  readonly oid: string;
  readonly parameters?: DerElement;
}

function readAlgorithm(der: Uint8Array, reader: DerReader): Algorithm {
  const r = DerReader.inside(der, reader.expect(DerTag.Sequence, 'AlgorithmIdentifier'));
  const oid = r.expect(DerTag.Oid, 'algorithm OBJECT IDENTIFIER');
  return { oid: decodeOid(contentOf(der, oid), oid.offset), parameters: r.peek() };
}

function algorithmName(oid: string): string {
  return ALGORITHM_NAMES[oid] ?? oid;
}

/** INTEGER value as hex without the sign octet DER adds before a high bit. */
function integerHex(content: Uint8Array): string {
  const trimmed = content.length > 1 && content[0] === 0 ? content.subarray(1) : content;
  return toHex(trimmed);
}

function readName(der: Uint8Array, name: DerElement): string {
  const rdns: string[] = [];
  const r = DerReader.inside(der, name);
  while (!r.atEnd) {
    const set = DerReader.inside(der, r.expect(DerTag.Set, 'RelativeDistinguishedName SET'));
    const avas: string[] = [];
    while (!set.atEnd) {
      const ava = DerReader.inside(der, set.expect(DerTag.Sequence, 'AttributeTypeAndValue'));
      const type = ava.expect(DerTag.Oid, 'attribute type');
      const oid = decodeOid(contentOf(der, type), type.offset);
      const value = ava.next();
      const text =
        value.tagClass === 'universal' && !value.constructed
          ? decodeDerString(value.tagNumber, contentOf(der, value))
          : undefined;
      // RFC 4514 §2.4: a value that is not a string prints as # and the hex of its DER.
      const shown =
        text === undefined
          ? `#${toHex(der.subarray(value.offset, value.end))}`
          : escapeRdnValue(text);
      avas.push(`${ATTRIBUTE_NAMES[oid] ?? oid}=${shown}`);
    }
    rdns.push(avas.join('+'));
  }
  // Most specific first (RFC 4514 §2.1), the reverse of the DER order.
  return rdns.reverse().join(', ');
}

/** RFC 4514 §2.4 escaping, plus control characters as `\XX` so a name cannot fake a line. */
function escapeRdnValue(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    const code = c.charCodeAt(0);
    if (code < 0x20 || code === 0x7f) {
      out += '\\' + code.toString(16).toUpperCase().padStart(2, '0');
    } else if (
      ',+"\\<>;'.includes(c) ||
      (i === 0 && (c === ' ' || c === '#')) ||
      (i === value.length - 1 && c === ' ')
    ) {
      out += '\\' + c;
    } else {
      out += c;
    }
  }
  return out;
}

function readTime(der: Uint8Array, el: DerElement, what: string, problems: string[]): string {
  const content = contentOf(der, el);
  const iso =
    el.tagClass === 'universal' ? decodeDerTime(el.tagNumber, content) : undefined;
  if (iso !== undefined) return iso;
  let raw = '';
  for (const b of content) raw += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '?';
  problems.push(`${what} is not a valid UTCTime/GeneralizedTime: "${raw}"`);
  return raw;
}

type PublicKeyFacts = Pick<X509Summary, 'publicKeyAlgorithm' | 'publicKeyBits' | 'publicKeyCurve'>;

function readPublicKey(der: Uint8Array, spki: DerElement, problems: string[]): PublicKeyFacts {
  const r = DerReader.inside(der, spki);
  const algorithm = readAlgorithm(der, r);
  const keyBits = r.expect(DerTag.BitString, 'subjectPublicKey BIT STRING');
  const name = algorithmName(algorithm.oid);
  try {
    if (name === 'rsaEncryption') {
      // The BIT STRING's first octet counts unused bits; the rest is RSAPublicKey.
      const key = new DerReader(der, keyBits.contentOffset + 1, keyBits.end);
      const rsa = DerReader.inside(der, key.expect(DerTag.Sequence, 'RSAPublicKey'));
      const modulus = contentOf(der, rsa.expect(DerTag.Integer, 'RSA modulus'));
      return { publicKeyAlgorithm: name, publicKeyBits: bitLength(modulus) };
    }
    const params = algorithm.parameters;
    if (params?.tagClass === 'universal' && params.tagNumber === DerTag.Oid) {
      const oid = decodeOid(contentOf(der, params), params.offset);
      const curve = CURVES[oid];
      return curve === undefined
        ? { publicKeyAlgorithm: name, publicKeyCurve: oid }
        : { publicKeyAlgorithm: name, publicKeyCurve: curve.name, publicKeyBits: curve.bits };
    }
  } catch (e) {
    problems.push(`public key unreadable: ${e instanceof DerError ? e.message : 'bad data'}`);
  }
  return { publicKeyAlgorithm: name };
}

function bitLength(unsigned: Uint8Array): number {
  let i = 0;
  while (i < unsigned.length && unsigned[i] === 0) i++;
  if (i === unsigned.length) return 0;
  return (unsigned.length - i - 1) * 8 + (32 - Math.clz32(unsigned[i]));
}

function readKeyIds(
  der: Uint8Array,
  extensionsTag: DerElement,
): { subjectKeyId?: string; authorityKeyId?: string } {
  const found: { subjectKeyId?: string; authorityKeyId?: string } = {};
  const list = DerReader.inside(der, extensionsTag);
  const r = DerReader.inside(der, list.expect(DerTag.Sequence, 'Extensions SEQUENCE'));
  while (!r.atEnd) {
    const ext = DerReader.inside(der, r.expect(DerTag.Sequence, 'Extension'));
    const idEl = ext.expect(DerTag.Oid, 'extnID');
    const id = decodeOid(contentOf(der, idEl), idEl.offset);
    let value = ext.next();
    if (value.tagClass === 'universal' && value.tagNumber === DerTag.Boolean) value = ext.next();
    if (value.tagClass !== 'universal' || value.tagNumber !== DerTag.OctetString) {
      throw new DerError('extnValue is not an OCTET STRING', value.offset);
    }
    const inner = DerReader.inside(der, value);
    if (id === OID_SUBJECT_KEY_ID) {
      found.subjectKeyId = toHex(contentOf(der, inner.expect(DerTag.OctetString, 'keyIdentifier')));
    } else if (id === OID_AUTHORITY_KEY_ID) {
      const aki = DerReader.inside(der, inner.expect(DerTag.Sequence, 'AuthorityKeyIdentifier'));
      const keyId = aki.optionalContext(0);
      if (keyId !== undefined) found.authorityKeyId = toHex(contentOf(der, keyId));
    }
  }
  return found;
}
