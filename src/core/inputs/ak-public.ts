/**
 * `ak-public`: the attestation key as PEM/DER SubjectPublicKeyInfo, an X.509 certificate
 * (PEM or DER), TPM2B_PUBLIC / TPMT_PUBLIC (RSA or ECC, binary, hex or base64), or
 * tpm2_readpublic YAML. A key or certificate that verifies no supplied quote is reported as
 * an `ima-key` (load-inputs.ts, after pairing).
 */
import { parseAkPublic, readAkPublic, type AkPublic } from '../tpm/keys/ak-public';
import type { InputKindModule } from './input-kind-module';

const PEM_RE = /-----BEGIN (?:(?:RSA )?PUBLIC KEY|CERTIFICATE)-----/;
const READPUBLIC_RE = /^type:\s*\n\s+value:\s*(?:rsa|ecc)\s*$/m;

/** The key, when the sniff read the whole of a binary form (not a text form, nor a head only). */
type KeySniff = { readonly key?: AkPublic };

export const akPublic: InputKindModule<KeySniff> = {
  kind: 'ak-public',
  sniff: (sample) => {
    const t = sample.text?.trim();
    if (t !== undefined && (PEM_RE.test(t) || READPUBLIC_RE.test(t))) return {};
    const binary = sample.binary;
    const key = binary === undefined ? undefined : parseAkPublic(binary);
    if (key === undefined) return undefined;
    return sample.binaryIsWhole ? { key } : {};
  },
  load: (input, learned, sink) => {
    const parsed = learned?.key !== undefined ? { key: learned.key } : readAkPublic(input.bytes);
    if (parsed.key === undefined) sink.refuse(input, parsed.error);
    else sink.addKey(input, parsed.key);
  },
  paste: {
    labels: /^(?:ak|aik|ak[ _-]?pub(?:lic)?|pubkey|public[ _-]?key|key)$/i,
    confirms: (text) => parseAkPublic(text) !== undefined,
  },
};
