/**
 * `pcr-values`: PCR listings in every form pcr-values.ts reads (tpm2_pcrread YAML, tpm2
 * serialized and marshaled files, evmctl `PCR-NN:` lines, `N: hex` lines, a HIRS list of
 * digests, JSON), as bytes or as the hex/base64 text of a binary form.
 */
import { digestSize } from '../hash/hash-algorithm';
import { parseValuesPcrFile } from '../tpm/pcrs/pcr-file-binary';
import { formatPcrSelection } from '../tpm/pcrs/pcr-selection';
import { looksLikePcrValues, parsePcrValues, type PcrValues, type PcrValuesParse } from '../tpm/pcrs/pcr-values';
import { placeBareDigest, readBareDigestText } from '../tpm/pcrs/pcr-text-forms';
import { bankForDigestLength } from '../tpm/pcrs/pcr-value-set';
import { asText } from '../tpm/binary-input';
import type { RawInput } from '../analysis/analysis-types';
import type { InputKindModule } from './input-kind-module';
import type { LoadSink } from './load-sink';

/**
 * A tpm2-tools `-F values` file (digests only, in selection order) read with the selection of
 * a quote of the same case: the first quote whose selected digests add up to exactly the
 * file's size. Undefined when none does; `why` then says what would have fitted.
 */
export function readWithQuoteSelection(input: RawInput, sink: LoadSink): { read: true } | { read: false; why: string } {
  const text = asText(input.bytes);
  if (text !== undefined) return readBareDigest(input, text, sink);
  for (const q of sink.quotes) {
    const parsed = parseValuesPcrFile(input.bytes, q.quote.selection);
    if (parsed === undefined || parsed.unreadable.length > 0) continue;
    sink.mergePcrValues(parsed.values, input.name);
    return { read: true };
  }
  const sizes = sink.quotes.map((q) => {
    const bytes = q.quote.selection.reduce((n, s) => n + (s.bank === undefined ? 0 : digestSize(s.bank) * s.pcrs.length), 0);
    return `${q.input} selects ${formatPcrSelection(q.quote.selection)}, ${bytes} bytes`;
  });
  return {
    read: false,
    why:
      sizes.length === 0
        ? `as a tpm2 '-F values' PCR file (${input.bytes.length} bytes of digests, no PCR numbers) it needs the PCR selection it was read with: give the quote it belongs to, or read the PCRs as YAML or '-F serialized'`
        : `as a tpm2 '-F values' PCR file its ${input.bytes.length} bytes fit no quote's selection (${sizes.join('; ')})`,
  };
}

function isBareDigest(parsed: PcrValuesParse | undefined): boolean {
  return parsed?.unindexed !== undefined && (parsed.unreadable?.length ?? 0) === 0;
}

/**
 * One bare digest (a sysfs `pcr-<alg>/<n>` file) read as the PCR of a quote that selects
 * exactly one PCR of its bank, as tpm2_quote's `-F values` files are read with theirs.
 */
function readBareDigest(input: RawInput, text: string, sink: LoadSink): { read: true } | { read: false; why: string } {
  // Read once; each quote's selection only places it.
  const value = readBareDigestText(text.trim());
  const placed = sink.quotes.flatMap((q) => {
    const parsed = value === undefined ? undefined : placeBareDigest(value, q.quote.selection);
    return parsed === undefined || parsed.unindexed !== undefined || (parsed.unreadable?.length ?? 0) > 0 ? [] : [{ quote: q.input, values: parsed.values }];
  });
  const places = new Set(placed.map((p) => formatPcrValuesPlace(p.values)));
  if (places.size === 1) {
    sink.mergePcrValues(placed[0].values, input.name);
    return { read: true };
  }
  const bank = (value === undefined ? undefined : bankForDigestLength(value.length)) ?? 'PCR';
  const why =
    places.size > 1
      ? `the quotes given place it at different PCRs (${placed.map((p) => `${formatPcrValuesPlace(p.values)} by ${p.quote}`).join(', ')})`
      : `${sink.quotes.length === 0 ? 'no quote was given' : 'no quote given selects exactly one PCR of its bank'} to tell which PCR it is`;
  return { read: false, why: `a single ${bank} value without its PCR index (a sysfs pcr-${bank}/N file): ${why}; list it as \`N: <hex>\` or \`PCR-NN: <hex>\`` };
}

/** `sha256:10` for a listing of one value. */
function formatPcrValuesPlace(values: PcrValues): string {
  return [...values].flatMap(([bank, pcrs]) => [...pcrs.keys()].map((pcr) => `${bank}:${pcr}`)).join(',');
}

export const pcrValues: InputKindModule<true> = {
  kind: 'pcr-values',
  sniff: (sample) => {
    if (looksLikePcrValues(sample.head)) return true;
    const decoded = sample.decoded;
    return decoded !== undefined && looksLikePcrValues(decoded) ? true : undefined;
  },
  load: (input, _learned, sink) => {
    const parsed = parsePcrValues(input.bytes);
    // Bytes no form fits may be a '-F values' file: read once the quotes are known.
    // …and so may a bare digest (a sysfs PCR file): a quote of one PCR says which it is.
    if ((parsed === undefined && asText(input.bytes) === undefined) || isBareDigest(parsed)) sink.withoutSelection.push(input);
    else if (parsed === undefined) sink.refuse(input, 'no PCR listing form fits (tpm2_pcrread YAML, serialized/marshaled files, PCR-NN lines, N: hex lines, JSON)');
    else if ((parsed.unreadable?.length ?? 0) > 0 || parsed.unindexed !== undefined) {
      sink.refuse(input, parsed.unreadable?.join('; ') ?? parsed.problems.join('; '));
      sink.addListingConflicts(parsed.conflicts ?? [], input.name);
    } else {
      sink.mergePcrValues(parsed.values, input.name);
      for (const p of parsed.problems) sink.notes.push(`${input.name}: ${p}`);
    }
  },
  paste: {
    // A listing with a value it cannot read is no confirmed listing: the part is unreadable.
    confirms: (text) => {
      const parsed = parsePcrValues(text);
      return parsed !== undefined && (parsed.unreadable?.length ?? 0) === 0 && parsed.unindexed === undefined;
    },
  },
};
