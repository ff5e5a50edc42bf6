/**
 * The text wrappers Keylime puts around a quote, split into their fields without decoding
 * them (keylime.ts decodes; quote.ts and classify-tpm.ts only need to find the attest).
 *
 * Quote string (Keylime tpm_main.py `_get_quote_parameters`; rust-keylime tpm.rs
 * `encode_quote_string`): `r` + base64(TPMS_ATTEST) + `:` + base64(TPMT_SIGNATURE) + `:` +
 * base64(tpm2-tools serialized PCR file). `r` marks TPM 2.0; standard base64 with padding.
 *
 * Agent response (rust-keylime quote.rs `KeylimeQuote`): `{"code":200,"status":"Success",
 * "results":{"quote":"r…","hash_alg":"sha256","enc_alg":"rsa","sign_alg":"rsassa",
 * "pubkey":…,"ima_measurement_list":…,"mb_measurement_list":…,
 * "ima_measurement_list_entry":N}}`.
 */
import { isObject, parseJsonObject } from '../json-value';

export interface KeylimeFields {
  attest: string;
  signature: string;
  pcrBlob: string;
  /** The agent JSON's `results` object, when the input was the JSON. */
  results?: Record<string, unknown>;
}

const QUOTE_STRING_RE = /^r([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]*):([A-Za-z0-9+/=]*)$/;

export function splitKeylimeQuoteString(text: string): KeylimeFields | undefined {
  const m = QUOTE_STRING_RE.exec(text.replace(/\s+/g, ''));
  return m === null ? undefined : { attest: m[1], signature: m[2], pcrBlob: m[3] };
}

/** The quote string and `results` of an agent response (or of a bare `results` object). */
export function splitKeylimeAgentJson(text: string): KeylimeFields | undefined {
  const t = text.trim();
  if (!t.startsWith('{')) return undefined;
  const doc = parseJsonObject(t);
  if (doc === undefined) return undefined;
  const results = isObject(doc.results) ? doc.results : doc;
  if (typeof results.quote !== 'string') return undefined;
  const fields = splitKeylimeQuoteString(results.quote);
  return fields === undefined ? undefined : { ...fields, results };
}

export function splitKeylime(text: string): KeylimeFields | undefined {
  return splitKeylimeQuoteString(text) ?? splitKeylimeAgentJson(text);
}
