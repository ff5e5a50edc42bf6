/**
 * `ima-key`: a certificate or key that verifies IMA file signatures (CONTRACT §5.1). By
 * content only a private key is one (its public half is used); certificates and public keys
 * are recognised as `ak-public`, and load-inputs makes one that verifies no quote an ima-key.
 */
import type { InputKindModule } from './input-kind-module';

const PRIVATE_KEY_RE = /-----BEGIN (?:EC PRIVATE KEY|PRIVATE KEY|RSA PRIVATE KEY)-----/;

export const imaKey: InputKindModule<true> = {
  kind: 'ima-key',
  sniff: (sample) => {
    const text = sample.text;
    return text !== undefined && !text.trimStart().startsWith('{') && PRIVATE_KEY_RE.test(text) ? true : undefined;
  },
  // Given as an IMA key: never tried as the AK.
  load: (input, _learned, sink) => sink.addPolicyInput(input, 'ima-key'),
};
