/**
 * Every binary TPM artefact reaches us in three spellings: the raw file, its hex (tpm2_quote
 * prints the attest as hex; users paste `xxd -p` output) and its base64 (Keylime, JSON
 * dumps). quote-format.md §0: "strip whitespace, optional 0x, and :-free base64".
 */
import { decodeText, fromBase64, fromHex } from '../util/bytes';

/**
 * The input as text when it looks like text: no NUL or other C0 control byte except tab,
 * CR and LF. Every TPM binary structure we parse fails this quickly (a TPMS_ATTEST has
 * 0x18 at byte 5, TPMT_SIGNATURE and TPM2B sizes have 0x00 in their first bytes).
 */
export function asText(input: Uint8Array | string): string | undefined {
  if (typeof input === 'string') return input;
  for (let i = 0; i < input.length; i++) {
    const b = input[i];
    if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) || b === 0x7f) return undefined;
  }
  return decodeText(input);
}

/** Hex or base64 text decoded, hex first (hex digits are also base64 letters). */
export function decodeHexOrBase64(text: string): Uint8Array | undefined {
  const t = text.trim();
  if (t.length === 0) return undefined;
  return fromHex(t) ?? fromBase64(t);
}

/**
 * The byte strings an input may stand for, most likely first: for text, its hex and its
 * base64 decoding; for bytes that are not text, the bytes themselves.
 */
export function binaryCandidates(input: Uint8Array | string): Uint8Array[] {
  const text = asText(input);
  if (text === undefined) return typeof input === 'string' ? [] : [input];
  const out: Uint8Array[] = [];
  const hex = fromHex(text.trim());
  if (hex !== undefined && hex.length > 0) out.push(hex);
  const b64 = fromBase64(text.trim());
  if (b64 !== undefined && b64.length > 0) out.push(b64);
  return out;
}
