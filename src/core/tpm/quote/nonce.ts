/**
 * Comparing a quote's extraData with the nonce the verifier says it sent. The same nonce is
 * written differently by different verifiers: tpm2_quote `-q` takes hex, Keylime (pull mode)
 * sends 20 ASCII alphanumerics that the TPM receives as their bytes, and Keylime push mode
 * base64-decodes its nonce (keylime/tpm/tpm_util.py `checkquote`). A text such as
 * `abcdef0123` is valid as hex and as ASCII, so every reading is tried.
 */
import { bytesEqual, encodeText, fromBase64, fromHex } from '../../util/bytes';

export type NonceEncoding = 'hex' | 'text' | 'base64';

/**
 * Whether a nonce the user typed has the shape of one of those writings: hex of whole bytes
 * (`0x` allowed), Keylime's 20 letters and digits, or padded base64. Anything else (`zz`, a
 * typo) would only ever compare unequal, so it is refused where it is given, not reported as
 * a nonce mismatch.
 */
export function isReadableNonce(nonce: string): boolean {
  const t = nonce.trim();
  return /^(?:0x)?(?:[0-9a-f]{2})+$/i.test(t) || /^[A-Za-z0-9]{20}$/.test(t) || (t.length % 4 === 0 && /^[A-Za-z0-9+/]{4,}={0,2}$/.test(t));
}

/** Why a nonce is refused, in the words the CLI (--nonce) and the app's Nonce field both use; undefined when readable. */
export function nonceProblem(nonce: string): string | undefined {
  return isReadableNonce(nonce) ? undefined : `'${nonce.trim()}' is not a nonce: give hex of whole bytes, Keylime's 20 letters and digits, or base64`;
}

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
