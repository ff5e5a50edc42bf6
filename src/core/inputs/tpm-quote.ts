/**
 * `tpm-quote`: TPMS_ATTEST (magic ff544347, type 8018), raw or TPM2B-wrapped, binary, hex or
 * base64; TPM 1.2 quote info; tpm2_quote's stdout (`quoted:`, with its signature and PCRs);
 * a Keylime quote string or agent response (quote-format.md §0). The sniff's parse of a
 * binary quote is what the loader uses.
 */
import { decodeText } from '../util/bytes';
import { parseKeylimeQuote } from '../tpm/quote/keylime';
import { parsePcrValues } from '../tpm/pcrs/pcr-values';
import { decodeQuoteBytes, parseQuote, type QuoteParse } from '../tpm/quote/quote';
import { parseTpmSignature } from '../tpm/signature/signature';
import type { InputKindModule } from './input-kind-module';

const KEYLIME_STRING_HEAD_RE = /^r[A-Za-z0-9+/]{20,}={0,2}:/;
const KEYLIME_JSON_HEAD_RE = /^\{[\s\S]*"quote"\s*:\s*"r[A-Za-z0-9+/]{20,}/;
const QUOTED_RE = /^\s*quoted:\s*(?:0x)?[0-9a-f]{12}/im;
/** tpm2_quote's stdout carries its signature in this block. */
const SIGNATURE_BLOCK_RE = /^\s*signature:/m;
/** The most of a text quote read (a Keylime agent response may carry a whole IMA list). */
const MAX_TEXT = 1 << 20;

/** A text form (read by the loader), or the parse of a binary one. */
type QuoteSniff = { readonly text: true } | { readonly parse: QuoteParse | undefined };

export const tpmQuote: InputKindModule<QuoteSniff> = {
  kind: 'tpm-quote',
  sniff: (sample) => {
    const t = sample.text?.trim();
    if (t !== undefined && (KEYLIME_STRING_HEAD_RE.test(t) || KEYLIME_JSON_HEAD_RE.test(t) || QUOTED_RE.test(t))) return { text: true };
    const binary = sample.binary;
    const parse = binary === undefined ? undefined : decodeQuoteBytes(binary);
    if (parse === undefined) return undefined;
    return sample.binaryIsWhole ? { parse } : { parse: undefined };
  },
  load: (input, learned, sink) => {
    const text = decodeText(input.bytes.subarray(0, MAX_TEXT));
    const keylime = learned !== undefined && 'parse' in learned ? undefined : parseKeylimeQuote(text);
    if (keylime !== undefined) {
      sink.quotes.push({
        quote: keylime.quote,
        input: input.name,
        ...(keylime.signature ? { embedded: keylime.signature } : {}),
        ...(keylime.unreadableSignature !== undefined ? { embeddedUnreadable: keylime.unreadableSignature } : {}),
      });
      if (keylime.pcrValues !== undefined) sink.mergePcrValues(keylime.pcrValues, input.name);
      for (const p of keylime.problems) sink.notes.push(`${input.name}: ${p}`);
      return;
    }
    const parsed = (learned !== undefined && 'parse' in learned ? learned.parse : undefined) ?? parseQuote(input.bytes);
    if (parsed?.quote === undefined) {
      sink.refuse(input, parsed?.problems.join('; ') ?? 'not a TPMS_ATTEST quote (expected magic ff544347 and type 8018), TPM2B_ATTEST, Keylime string or tpm2_quote output');
      return;
    }
    for (const p of parsed.problems) sink.notes.push(`${input.name}: ${p}`);
    // tpm2_quote's stdout carries the signature and the PCR values beside the quote.
    const stdout = text.startsWith('quoted:');
    const embedded = stdout ? parseTpmSignature(input.bytes) : undefined;
    const unreadable = stdout && embedded === undefined && SIGNATURE_BLOCK_RE.test(text);
    sink.quotes.push({
      quote: parsed.quote,
      input: input.name,
      ...(embedded ? { embedded } : {}),
      ...(unreadable ? { embeddedUnreadable: "its 'signature:' block is not an 'alg:' (rsassa, rsapss or ecdsa) with a hex 'sig:'" } : {}),
    });
    if (stdout) {
      const pcrs = parsePcrValues(input.bytes);
      if (pcrs !== undefined) sink.mergePcrValues(pcrs.values, input.name);
    }
  },
  paste: {
    labels: /^(?:quote|quoted|attest|attestation|message|msg|tpms_attest)$/i,
    confirms: (text) => parseKeylimeQuote(text) !== undefined || parseQuote(text)?.quote !== undefined,
  },
};
