/**
 * Which TPM artefact a file is, by content only (quote-format.md §0, CONTRACT §2). Called by
 * the input classifier after the IMA and firmware-log sniffers, with the file's first bytes
 * (up to 64 KiB: every artefact here is smaller, except a Keylime agent response carrying an
 * IMA list, which is recognised from its head).
 *
 *   tpm-quote      TPMS_ATTEST `FF 54 43 47 80 18`, TPM2B_ATTEST, TPM 1.2 `…QUOT`/`QUT2`;
 *                  tpm2_quote stdout (`quoted:`); a Keylime quote string or agent JSON
 *   pcr-values     see pcr-values.ts `looksLikePcrValues`
 *   tpm-signature  TPMT_SIGNATURE (exact length), DER ECDSA, or 128/256/384/512 bytes that
 *                  look random (plain RSA)
 *   ak-public      PEM/DER SubjectPublicKeyInfo or X.509 certificate, TPM2B_PUBLIC / TPMT_PUBLIC (RSA or ECC),
 *                  tpm2_readpublic YAML
 * and the hex or base64 text of any binary form.
 */
import { asText, decodeHexOrBase64 } from './binary-input';
import { parseAkPublic } from './ak-public';
import { looksLikePcrValues } from './pcr-values';
import { decodeQuoteBytes } from './quote';
import { parseTpmSignature } from './signature';

export type TpmArtefactKind = 'pcr-values' | 'tpm-quote' | 'tpm-signature' | 'ak-public';

const KEYLIME_STRING_HEAD_RE = /^r[A-Za-z0-9+/]{20,}={0,2}:/;
const KEYLIME_JSON_HEAD_RE = /^\{[\s\S]*"quote"\s*:\s*"r[A-Za-z0-9+/]{20,}/;
const QUOTED_RE = /^\s*quoted:\s*(?:0x)?[0-9a-f]{12}/im;
const PEM_RE = /-----BEGIN (?:(?:RSA )?PUBLIC KEY|CERTIFICATE)-----/;
const READPUBLIC_RE = /^type:\s*\n\s+value:\s*(?:rsa|ecc)\s*$/m;

export function sniffTpmArtefact(bytes: Uint8Array): TpmArtefactKind | undefined {
  const text = asText(bytes);
  if (text === undefined) return sniffBinary(bytes);
  const t = text.trim();
  if (KEYLIME_STRING_HEAD_RE.test(t) || KEYLIME_JSON_HEAD_RE.test(t) || QUOTED_RE.test(t)) {
    return 'tpm-quote';
  }
  if (PEM_RE.test(t) || READPUBLIC_RE.test(t)) return 'ak-public';
  if (looksLikePcrValues(bytes)) return 'pcr-values';
  const decoded = decodeHexOrBase64(t);
  return decoded === undefined ? undefined : sniffBinary(decoded);
}

function sniffBinary(bytes: Uint8Array): TpmArtefactKind | undefined {
  if (bytes.length === 0) return undefined;
  if (decodeQuoteBytes(bytes) !== undefined) return 'tpm-quote';
  if (looksLikePcrValues(bytes)) return 'pcr-values';
  const sig = parseTpmSignature(bytes);
  if (sig !== undefined && (sig.scheme !== 'plain-rsa' || looksRandom(bytes))) {
    return 'tpm-signature';
  }
  if (parseAkPublic(bytes) !== undefined) return 'ak-public';
  return undefined;
}

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
