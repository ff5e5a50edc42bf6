/**
 * The DSSE envelope of a signed Keylime policy (runtime-policy-and-signatures.md §1.4; KL
 * keylime/dsse, keylime/signing.py): ECDSA with SHA-256 over
 *   PAE = "DSSEv1 " ‖ len(payloadType) ‖ " " ‖ payloadType ‖ " " ‖ len(payload) ‖ " " ‖ payload
 * (lengths in ASCII decimal), the signature DER-encoded. The envelope passes when one of its
 * signatures verifies with one of the supplied keys; Keylime does not compare key ids.
 *
 *   valid      a supplied EC key verifies a signature
 *   invalid    a supplied key is the envelope's signer by key id (SHA-256 of its PEM, the
 *              `ecdsa` backend's keyid, or the base64 certificate PEM of the `x509` backend)
 *              and nothing verifies
 *   unchecked  no EC key was given (or none names itself as the signer): said, never a pass
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { EC_CURVES, parseImaKeys, type ImaPublicKey } from '../ima-signature/ima-key';
import { DER, derBitString, derSequence, derTlv } from '../util/der';
import { concatBytes, encodeText, fromBase64, toBase64, toHex } from '../util/bytes';
import type { DsseEnvelope } from './runtime-policy';

export type EnvelopeStatus = 'valid' | 'invalid' | 'unchecked';

export interface EnvelopeCheck {
  readonly status: EnvelopeStatus;
  /** The key (its DSSE key id) that verified, or why not. */
  readonly detail: string;
  /** The given key that verified it (status 'valid'). */
  readonly key?: ImaPublicKey;
}

export function pae(payloadType: string, payload: Uint8Array): Uint8Array {
  const type = encodeText(payloadType);
  return concatBytes([encodeText(`DSSEv1 ${type.length} `), type, encodeText(` ${payload.length} `), payload]);
}

const CURVE_OID_DER: Readonly<Record<string, readonly number[]>> = {
  'P-256': [0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07],
  'P-384': [0x2b, 0x81, 0x04, 0x00, 0x22],
  'P-521': [0x2b, 0x81, 0x04, 0x00, 0x23],
  secp256k1: [0x2b, 0x81, 0x04, 0x00, 0x0a],
};
const EC_PUBLIC_KEY_OID = [0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];

/** Keylime's ecdsa-backend key id: hex SHA-256 of the key's PEM (SubjectPublicKeyInfo) text. */
export function dsseKeyId(key: ImaPublicKey): string | undefined {
  if (key.curve === undefined || key.point === undefined) return undefined;
  const spki = derSequence(
    derSequence(derTlv(DER.OID, Uint8Array.from(EC_PUBLIC_KEY_OID)), derTlv(DER.OID, Uint8Array.from(CURVE_OID_DER[key.curve]))),
    derBitString(key.point),
  );
  const b64 = toBase64(spki);
  const lines = b64.match(/.{1,64}/g) ?? [];
  return toHex(sha256(encodeText(`-----BEGIN PUBLIC KEY-----\n${lines.join('\n')}\n-----END PUBLIC KEY-----\n`)));
}

export function checkEnvelope(envelope: DsseEnvelope, keys: readonly ImaPublicKey[]): EnvelopeCheck {
  const ecKeys = keys.filter((k) => k.algorithm === 'ecdsa');
  if (ecKeys.length === 0) {
    const signers = [...new Set(envelope.signatures.map((s) => s.keyid))].join(', ');
    return { status: 'unchecked', detail: `no EC public key was given to check the envelope with (the signer's DSSE keyid is ${signers || 'not given'})` };
  }
  const digest = sha256(pae(envelope.payloadType, envelope.payload));
  for (const key of ecKeys) {
    for (const s of envelope.signatures) {
      if (s.sig === undefined || key.curve === undefined || key.point === undefined) continue;
      try {
        if (EC_CURVES[key.curve].verify(s.sig, digest, key.point, { prehash: false, lowS: false, format: 'der' })) {
          return { status: 'valid', detail: `verified with the key whose DSSE keyid is ${dsseKeyId(key) ?? '?'}`, key };
        }
      } catch {
        // not DER or out of range: not this key's signature
      }
    }
  }
  // Keys were given to check the envelope and none verifies it: a failed check whether or not
  // a given key claims to be the signer (fail closed; Keylime fails it too).
  const signers = new Set(envelope.signatures.map((s) => s.keyid));
  const certified = new Set(envelope.signatures.flatMap((s) => x509KeyidFingerprints(s.keyid)));
  const named = ecKeys.filter((k) => signers.has(dsseKeyId(k) ?? '') || certified.has(k.fingerprint));
  if (named.length > 0) return { status: 'invalid', detail: 'Runtime policy failed DSSE signature verification!' };
  return { status: 'invalid', detail: `none of the given EC keys verifies it (the signer's keyid is ${[...signers].join(', ')})` };
}

/** The x509 backend's keyid is base64 of the signer certificate's PEM: its key's fingerprint. */
function x509KeyidFingerprints(keyid: string): string[] {
  const pem = fromBase64(keyid);
  if (pem === undefined) return [];
  const parsed = parseImaKeys(pem);
  return parsed.ok ? parsed.keys.map((k) => k.fingerprint) : [];
}
