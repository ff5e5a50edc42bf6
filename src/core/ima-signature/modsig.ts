/**
 * Appended signatures (`ima-modsig`: d-ng|n-ng|sig|d-modsig|modsig;
 * runtime-policy-and-signatures.md §5.4), checked as the kernel checks them
 * (security/integrity/ima/ima_modsig.c → verify_pkcs7_message_sig with
 * VERIFYING_MODULE_SIGNATURE, crypto/asymmetric_keys/pkcs7_{parser,verify,trust}.c):
 *
 *   modsig    the raw PKCS#7/CMS ContentInfo { signedData, SignedData } that sign-file (or
 *             `openssl cms -sign -binary -noattr -nocerts`) appended before the module_signature
 *             trailer; the content is detached (the file itself)
 *   d-modsig  "<algo>:" ‖ 0 ‖ H(file without the appended signature), H = the SignerInfo's
 *             digest algorithm (pkcs7_get_digest of the first signer)
 *
 * The kernel refuses a message whose content type is not id-data, that carries its content
 * (`pkcs7_supply_detached_data`: "Data already supplied") or authenticated attributes; with no
 * attributes every signer's signature is over the content digest itself, i.e. over d-modsig.
 * The signer's key is found by issuerAndSerialNumber (the certificate's key id 0) or by
 * subjectKeyIdentifier (key id 1), never by the 4-byte keyid of xattr signatures; sign-file
 * leaves the certificate out, so it must come from the keys given or measured. The kernel
 * accepts the message when at least one signer's key is found and verifies
 * (pkcs7_validate_trust: -ENOKEY for the others).
 *
 * SignedData ::= SEQUENCE { version, digestAlgorithms SET, encapContentInfo SEQUENCE
 *   { eContentType OID, [0] eContent OPTIONAL }, [0] certificates OPTIONAL, [1] crls OPTIONAL,
 *   signerInfos SET OF SignerInfo }
 * SignerInfo ::= SEQUENCE { version, sid (issuerAndSerialNumber SEQUENCE | [0] SKID),
 *   digestAlgorithm, [0] signedAttrs OPTIONAL, signatureAlgorithm, signature OCTET STRING,
 *   [1] unsignedAttrs OPTIONAL }
 */
import { contentOf, decodeOid, DerError, DerReader, DerTag, type DerElement } from '../util/der';
import { toHex } from '../util/bytes';
import { issuerAndSerialId } from './ima-key';
import type { KeyCandidate, SignatureCheck } from './ima-signature';
import { verifyDigestSignature } from './verify-digest';

const OID_SIGNED_DATA = '1.2.840.113549.1.7.2';
const OID_DATA = '1.2.840.113549.1.7.1';

/** Digest algorithm OIDs the kernel's PKCS#7 parser knows, by their kernel hash names. */
const DIGEST_OIDS: ReadonlyMap<string, string> = new Map([
  ['1.2.840.113549.2.5', 'md5'],
  ['1.3.14.3.2.26', 'sha1'],
  ['2.16.840.1.101.3.4.2.4', 'sha224'],
  ['2.16.840.1.101.3.4.2.1', 'sha256'],
  ['2.16.840.1.101.3.4.2.2', 'sha384'],
  ['2.16.840.1.101.3.4.2.3', 'sha512'],
  ['1.2.156.10197.1.401', 'sm3'],
  ['2.16.840.1.101.3.4.2.8', 'sha3-256'],
  ['2.16.840.1.101.3.4.2.9', 'sha3-384'],
  ['2.16.840.1.101.3.4.2.10', 'sha3-512'],
]);

/** Signature algorithm OIDs → the key type that makes them. */
const SIGNATURE_KEY_TYPES: ReadonlyMap<string, 'rsa' | 'ecdsa'> = new Map([
  ['1.2.840.113549.1.1.1', 'rsa'], // rsaEncryption, as sign-file writes it
  ['1.2.840.113549.1.1.4', 'rsa'],
  ['1.2.840.113549.1.1.5', 'rsa'],
  ['1.2.840.113549.1.1.11', 'rsa'],
  ['1.2.840.113549.1.1.12', 'rsa'],
  ['1.2.840.113549.1.1.13', 'rsa'],
  ['1.2.840.113549.1.1.14', 'rsa'],
  ['1.2.840.10045.2.1', 'ecdsa'], // id-ecPublicKey, as some signers write it
  ['1.2.840.10045.4.1', 'ecdsa'],
  ['1.2.840.10045.4.3.1', 'ecdsa'],
  ['1.2.840.10045.4.3.2', 'ecdsa'],
  ['1.2.840.10045.4.3.3', 'ecdsa'],
  ['1.2.840.10045.4.3.4', 'ecdsa'],
]);

/** One SignerInfo, as much as verification needs. */
export interface ModsigSigner {
  /** `issuer+serial` (the kernel's id 0 text, see ImaPublicKey.certificate) or `skid`. */
  readonly by: 'issuer-serial' | 'skid';
  /** issuerAndSerialId(...) or the SKID in hex. */
  readonly id: string;
  readonly digestAlgorithm: string | undefined;
  readonly digestOid: string;
  readonly keyType: 'rsa' | 'ecdsa' | undefined;
  readonly signatureOid: string;
  readonly hasSignedAttributes: boolean;
  readonly signature: Uint8Array;
}

export interface ModsigMessage {
  readonly contentType: string;
  readonly hasContent: boolean;
  readonly signers: readonly ModsigSigner[];
}

/** The PKCS#7 message of a `modsig` field; a DerError (with its offset) when it is not one. */
export function parseModsig(der: Uint8Array): ModsigMessage {
  const top = new DerReader(der, 0, der.length);
  const info = top.expect(DerTag.Sequence, 'ContentInfo');
  if (!top.atEnd) throw new DerError(`${der.length - info.end} bytes follow the PKCS#7 message`, info.end);
  const ci = DerReader.inside(der, info);
  const type = oidOf(der, ci.expect(DerTag.Oid, 'contentType'));
  if (type !== OID_SIGNED_DATA) throw new DerError(`content type ${type} is not signedData`, info.contentOffset);
  const wrapped = ci.expect(0, '[0] content', 'context');
  const sd = DerReader.inside(der, DerReader.inside(der, wrapped).expect(DerTag.Sequence, 'SignedData'));
  const version = smallInteger(der, sd.expect(DerTag.Integer, 'version'));
  // pkcs7_note_signeddata_version: PKCS#7 / CMS version 1, or CMS version 3.
  if (version !== 1 && version !== 3) throw new DerError(`SignedData version ${version} is not 1 or 3 (the kernel's parser refuses it)`, info.contentOffset);
  sd.expect(DerTag.Set, 'digestAlgorithms');
  const encap = DerReader.inside(der, sd.expect(DerTag.Sequence, 'encapContentInfo'));
  const contentType = oidOf(der, encap.expect(DerTag.Oid, 'eContentType'));
  const hasContent = encap.optionalContext(0) !== undefined;
  sd.optionalContext(0); // certificates: the kernel takes signer keys from its keyring here
  sd.optionalContext(1); // crls
  const infos = DerReader.inside(der, sd.expect(DerTag.Set, 'signerInfos'));
  const signers: ModsigSigner[] = [];
  while (!infos.atEnd) signers.push(readSigner(der, infos.expect(DerTag.Sequence, 'SignerInfo')));
  if (signers.length === 0) throw new DerError('SignedData has no SignerInfo', sd.position);
  return { contentType, hasContent, signers };
}

function readSigner(der: Uint8Array, el: DerElement): ModsigSigner {
  const r = DerReader.inside(der, el);
  const version = smallInteger(der, r.expect(DerTag.Integer, 'SignerInfo version'));
  // pkcs7_note_signerinfo_version: 1 names the signer by issuer and serial, 3 by SKID; the
  // kernel builds the key id from the form the version announces.
  if (version !== 1 && version !== 3) throw new DerError(`SignerInfo version ${version} is not 1 or 3`, el.offset);
  const sid = r.next();
  let by: ModsigSigner['by'];
  let id: string;
  if (sid.tagClass === 'universal' && sid.tagNumber === DerTag.Sequence) {
    const ias = DerReader.inside(der, sid);
    const issuer = ias.expect(DerTag.Sequence, 'issuer');
    const serial = ias.expect(DerTag.Integer, 'serialNumber');
    by = 'issuer-serial';
    id = issuerAndSerialId(contentOf(der, serial), der.subarray(issuer.offset, issuer.end));
  } else if (sid.tagClass === 'context' && sid.tagNumber === 0) {
    by = 'skid';
    id = toHex(contentOf(der, sid));
  } else {
    throw new DerError('SignerInfo sid is neither issuerAndSerialNumber nor [0] subjectKeyIdentifier', sid.offset);
  }
  if ((by === 'skid') !== (version === 3)) {
    throw new DerError(`SignerInfo version ${version} with a ${by === 'skid' ? 'subjectKeyIdentifier' : 'issuerAndSerialNumber'} sid: the kernel would look for the signer by the other form`, sid.offset);
  }
  const digestOid = algorithmOid(der, r.expect(DerTag.Sequence, 'digestAlgorithm'));
  const hasSignedAttributes = r.optionalContext(0) !== undefined;
  const signatureOid = algorithmOid(der, r.expect(DerTag.Sequence, 'signatureAlgorithm'));
  const signature = contentOf(der, r.expect(DerTag.OctetString, 'signature'));
  return {
    by,
    id,
    digestAlgorithm: DIGEST_OIDS.get(digestOid),
    digestOid,
    keyType: SIGNATURE_KEY_TYPES.get(signatureOid),
    signatureOid,
    hasSignedAttributes,
    signature,
  };
}

/** An INTEGER that fits a small number (versions); -1 when it does not. */
function smallInteger(der: Uint8Array, el: DerElement): number {
  const content = contentOf(der, el);
  if (content.length === 0 || content.length > 2 || (content[0] & 0x80) !== 0) return -1;
  return content.reduce((v, b) => v * 256 + b, 0);
}

function algorithmOid(der: Uint8Array, el: DerElement): string {
  return oidOf(der, DerReader.inside(der, el).expect(DerTag.Oid, 'algorithm'));
}

function oidOf(der: Uint8Array, el: DerElement): string {
  return decodeOid(contentOf(der, el), el.offset);
}

/** The keys a kernel keyring would return for a signer's id (key id 0 or key id 1). */
function signerKeys(signer: ModsigSigner, keys: readonly KeyCandidate[]): KeyCandidate[] {
  return keys.filter((c) => {
    const cert = c.key.certificate;
    if (cert === undefined) return false;
    return signer.by === 'skid' ? cert.subjectKeyId === signer.id : cert.issuerAndSerial === signer.id;
  });
}

/**
 * The kernel's verdict on one appended signature over the `d-modsig` digest. `keys` are every
 * key at hand (given, the policy's, measured into `.ima` before the entry); only certificates
 * can be named by a SignerInfo. Empty fields: `unsigned`.
 */
export function checkModsig(modsig: Uint8Array, digestAlgorithm: string, digest: Uint8Array, keys: readonly KeyCandidate[]): SignatureCheck {
  if (modsig.length === 0) return { status: 'unsigned' };
  let message: ModsigMessage;
  try {
    message = parseModsig(modsig);
  } catch (e) {
    const why = e instanceof DerError ? `${e.message} at byte ${e.offset}` : 'unreadable';
    return { status: 'malformed', reason: `modsig: not a PKCS#7 SignedData: ${why}` };
  }
  if (message.contentType !== OID_DATA) return { status: 'invalid', reason: `modsig: content type ${message.contentType} is not id-data (the kernel rejects it)` };
  if (message.hasContent) return { status: 'invalid', reason: 'modsig: the PKCS#7 message carries its content; an appended signature must be detached' };
  if (message.signers.some((s) => s.hasSignedAttributes)) return { status: 'invalid', reason: 'modsig: a SignerInfo has authenticated attributes, which the kernel forbids for appended signatures' };
  if (digest.length === 0) return { status: 'malformed', reason: 'modsig present but the d-modsig digest field is empty' };
  const failures: string[] = [];
  let tried: KeyCandidate | undefined;
  let keyId: string | undefined;
  let anyKey = false;
  for (const signer of message.signers) {
    const named = describeSigner(signer);
    if (signer.by === 'skid') keyId ??= signer.id.slice(-8);
    if (signer.digestAlgorithm === undefined) {
      failures.push(`${named}: digest algorithm ${signer.digestOid} is unknown`);
      continue;
    }
    if (signer.digestAlgorithm !== digestAlgorithm) {
      failures.push(`${named}: signs a ${signer.digestAlgorithm} digest but d-modsig is ${digestAlgorithm}`);
      continue;
    }
    const candidates = signerKeys(signer, keys);
    if (candidates.length === 0) continue;
    anyKey = true;
    for (const c of candidates) {
      tried ??= c;
      if (signer.keyType !== undefined && signer.keyType !== c.key.algorithm) {
        failures.push(`${named}: a ${signer.keyType} signature algorithm (${signer.signatureOid}) but ${c.source} holds a ${c.key.label} key`);
        continue;
      }
      const verdict = verifyDigestSignature(c.key, signer.digestAlgorithm, digest, signer.signature);
      if (verdict === 'valid') return { status: 'valid', ...(keyId !== undefined && { keyId }), key: c };
      if (verdict === 'unsupported') return { status: 'unsupported', key: c, reason: `modsig: hash ${signer.digestAlgorithm}` };
      failures.push(`${named}: does not verify with ${c.source}`);
    }
  }
  if (!anyKey && failures.length === 0) {
    return {
      status: 'unknown-key',
      ...(keyId !== undefined && { keyId }),
      reason: `modsig: no supplied or measured certificate is the signer (${message.signers.map(describeSigner).join('; ')}): give its certificate`,
    };
  }
  return { status: 'invalid', ...(keyId !== undefined && { keyId }), ...(tried !== undefined && { key: tried }), reason: `modsig: ${failures.join('; ')}` };
}

function describeSigner(signer: ModsigSigner): string {
  if (signer.by === 'skid') return `signer with SKID ${signer.id}`;
  return `signer with serial ${signer.id.slice(0, signer.id.indexOf(':'))}`;
}
