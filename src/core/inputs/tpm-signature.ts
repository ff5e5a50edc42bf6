/**
 * `tpm-signature`: the quote's signature as TPMT_SIGNATURE (exact length), DER ECDSA, or
 * 128/256/384/512 bytes that look random (plain RSA); binary, hex or base64, or tpm2_quote's
 * `signature:` block. The sniff's parse is what the loader uses.
 */
import { parseTpmSignature, readTpmSignature, type TpmSignature } from '../tpm/signature/signature';
import type { InputKindModule } from './input-kind-module';

/**
 * A plain RSA signature is indistinguishable from any other block of that size except by
 * being random-looking: n random bytes show about 256·(1 − (255/256)^n) distinct values
 * (101 of 128, 162 of 256, 222 of 512). We ask for 80 % of that.
 */
function looksRandom(bytes: Uint8Array): boolean {
  const seen = new Set(bytes);
  const expected = 256 * (1 - Math.pow(255 / 256, bytes.length));
  return seen.size >= 0.8 * expected;
}

/** The signature, when the sniff read the whole input (not a head only). */
type SignatureSniff = { readonly signature?: TpmSignature };

export const tpmSignature: InputKindModule<SignatureSniff> = {
  kind: 'tpm-signature',
  sniff: (sample) => {
    const binary = sample.binary;
    const signature = binary === undefined ? undefined : parseTpmSignature(binary);
    if (signature === undefined || binary === undefined || (signature.scheme === 'plain-rsa' && !looksRandom(binary))) return undefined;
    return sample.binaryIsWhole ? { signature } : {};
  },
  load: (input, learned, sink) => {
    const parsed = learned?.signature !== undefined ? { signature: learned.signature } : readTpmSignature(input.bytes);
    if (parsed.signature === undefined) sink.refuse(input, parsed.error);
    else sink.signatures.push({ value: parsed.signature, input: input.name });
  },
  paste: {
    labels: /^(?:sig|signature)$/i,
    confirms: (text) => parseTpmSignature(text) !== undefined,
  },
};
