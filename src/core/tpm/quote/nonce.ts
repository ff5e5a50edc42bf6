/**
 * Comparing a quote's extraData with the nonce the verifier says it sent. The same nonce is
 * written differently by different verifiers: tpm2_quote `-q` takes hex, Keylime (pull mode)
 * sends 20 ASCII alphanumerics that the TPM receives as their bytes, and Keylime push mode
 * base64-decodes its nonce (keylime/tpm/tpm_util.py `checkquote`). A text such as
 * `abcdef0123` is valid as hex and as ASCII, so every reading is tried.
 */
import { bytesEqual, encodeText, fromBase64, fromHex } from '../../util/bytes';

export type NonceEncoding = 'hex' | 'text' | 'base64';

export function compareNonce(
  extraData: Uint8Array,
  nonce: string,
): { matches: boolean; readAs?: NonceEncoding } {
  const t = nonce.trim();
  const readings: [NonceEncoding, Uint8Array | undefined][] = [
    ['hex', fromHex(t)],
    ['text', encodeText(t)],
    ['base64', fromBase64(t)],
  ];
  for (const [readAs, bytes] of readings) {
    if (bytes !== undefined && bytes.length > 0 && bytesEqual(bytes, extraData)) {
      return { matches: true, readAs };
    }
  }
  return { matches: false };
}
