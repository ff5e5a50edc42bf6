/**
 * `tpm-quote`: TPMS_ATTEST (magic ff544347, type 8018), raw or TPM2B-wrapped, binary, hex or
 * base64; TPM 1.2 quote info; tpm2_quote's stdout (`quoted:`, with its signature and PCRs);
 * a Keylime quote string or agent response (quote-format.md §0). The sniff's parse of a
 * binary quote is what the loader uses.
 */
import { decodeText, encodeText } from '../util/bytes';
import { parseKeylimeQuote, type KeylimeAgentFields } from '../tpm/quote/keylime';
import { parsePcrValues } from '../tpm/pcrs/pcr-values';
import { decodeQuoteBytes, parseQuote, type QuoteParse } from '../tpm/quote/quote';
import { parseTpmSignature } from '../tpm/signature/signature';
import { readTpm2QuoteStdout } from '../tpm/quote/tpm2-quote-stdout';
import type { InputKindModule } from './input-kind-module';
import type { LoadSink } from './load-sink';

const KEYLIME_STRING_HEAD_RE = /^r[A-Za-z0-9+/]{20,}={0,2}:/;
const KEYLIME_JSON_HEAD_RE = /^\{[\s\S]*"quote"\s*:\s*"r[A-Za-z0-9+/]{20,}/;
const QUOTED_RE = /^\s*quoted:\s*(?:0x)?[0-9a-f]{12}/im;
/** tpm2_quote's stdout carries its signature in this block. */
const SIGNATURE_BLOCK_RE = /^\s*signature:/m;
/** The most of a binary quote read as text (to see whether it is tpm2_quote's stdout). */
const MAX_TEXT = 1 << 20;

/** A text form (read by the loader), or the parse of a binary one. */
type QuoteSniff = { readonly text: true } | { readonly parse: QuoteParse | undefined };

/**
 * The lists a Keylime agent response carries beside its quote are read as inputs of their
 * own (`response.json › ima_measurement_list`), as a bundle's parts are: they were given,
 * and were read and never used (the swtpm agent response's 7 entries and 18 firmware events).
 * A list that starts after entry 0 (incremental attestation) cannot be replayed from the
 * PCRs' reset values: it is said unused, with why.
 */
function foundInAgentResponse(name: string, agent: KeylimeAgentFields, sink: LoadSink): void {
  const list = agent.imaMeasurementList;
  const from = agent.imaMeasurementListEntry ?? 0;
  if (list !== undefined && agent.imaMeasurementListEntryInvalid !== undefined) {
    sink.unused.push({ name: `${name} › ima_measurement_list`, reason: `${agent.imaMeasurementListEntryInvalid}, so where the list starts is unknown: give the whole list (ascii_runtime_measurements) as a file` });
  } else if (list !== undefined && from > 0) {
    sink.unused.push({
      name: `${name} › ima_measurement_list`,
      reason: `it starts at entry ${from} (Keylime's incremental attestation), so it cannot be replayed from the PCRs' reset values: give the whole list (ascii_runtime_measurements) as a file`,
    });
  } else if (list !== undefined) {
    sink.found.push({ name: `${name} › ima_measurement_list`, kind: 'ima-ascii', bytes: encodeText(list) });
  }
  if (agent.mbMeasurementList !== undefined) sink.found.push({ name: `${name} › mb_measurement_list`, kind: 'tcg-eventlog', bytes: agent.mbMeasurementList });
  // A firmware log given that cannot be read is an input error, as the same file would be.
  if (agent.mbMeasurementListUnreadable !== undefined) sink.unreadable.push({ name: `${name} › mb_measurement_list`, kind: 'tcg-eventlog', reason: agent.mbMeasurementListUnreadable });
}

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
    // A text form is read whole: a Keylime agent response carries whole lists (one cut at
    // 1 MiB was no JSON, and its pcrblob and lists were lost).
    const binary = learned !== undefined && 'parse' in learned;
    const text = decodeText(binary ? input.bytes.subarray(0, MAX_TEXT) : input.bytes);
    const keylime = binary ? undefined : parseKeylimeQuote(text);
    if (keylime !== undefined) {
      sink.quotes.push({
        quote: keylime.quote,
        input: input.name,
        ...(keylime.signature ? { embedded: keylime.signature } : {}),
        ...(keylime.unreadableSignature !== undefined ? { embeddedUnreadable: keylime.unreadableSignature } : {}),
      });
      if (keylime.pcrValues !== undefined) sink.mergePcrValues(keylime.pcrValues, input.name);
      for (const p of keylime.problems) sink.notes.push(`${input.name}: ${p}`);
      if (keylime.agent !== undefined) foundInAgentResponse(input.name, keylime.agent, sink);
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
      const lines = readTpm2QuoteStdout(text);
      // A value line of its 'pcrs:' block that cannot be read is a PCR value the user gave and
      // imascope could not check (fail closed), as in a PCR file of its own.
      const unreadable = pcrs?.unreadable ?? [];
      if (unreadable.length > 0) sink.unreadable.push({ name: input.name, kind: 'pcr-values', reason: `its 'pcrs:' block: ${unreadable.join('; ')}` });
      // calcDigest is tpm2_quote's digest of the values it printed: one that cannot be read
      // leaves them unchecked (fail closed); one that can is checked before they are used.
      if (lines.calcDigestUnreadable !== undefined) sink.refuse(input, `its calcDigest: ${lines.calcDigestUnreadable}`);
      else if (pcrs !== undefined && lines.calcDigest !== undefined) sink.calcDigests.push({ input, values: pcrs.values, calcDigest: lines.calcDigest });
      else if (pcrs !== undefined) sink.mergePcrValues(pcrs.values, input.name);
      if (lines.unread.length > 0) sink.notes.push(`${input.name}: not printed by tpm2_quote, not read: ${lines.unread.join('; ')}`);
    }
  },
  paste: {
    labels: /^(?:quote|quoted|attest|attestation|message|msg|tpms_attest)$/i,
    confirms: (text) => parseKeylimeQuote(text) !== undefined || parseQuote(text)?.quote !== undefined,
  },
};
