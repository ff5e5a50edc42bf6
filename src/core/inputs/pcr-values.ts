/**
 * `pcr-values`: PCR listings in every form pcr-values.ts reads (tpm2_pcrread YAML, tpm2
 * serialized and marshaled files, evmctl `PCR-NN:` lines, `N: hex` lines, a HIRS list of
 * digests, JSON), as bytes or as the hex/base64 text of a binary form.
 */
import { digestSize } from '../hash/hash-algorithm';
import { parseValuesPcrFile } from '../tpm/pcrs/pcr-file-binary';
import { formatPcrSelection, type PcrBankSelection } from '../tpm/pcrs/pcr-selection';
import { looksLikePcrValues, parsePcrValues, type PcrValues, type PcrValuesParse } from '../tpm/pcrs/pcr-values';
import { placeBareDigest, readBareDigestText } from '../tpm/pcrs/pcr-text-forms';
import { bankForDigestLength } from '../tpm/pcrs/pcr-value-set';
import { asText } from '../tpm/binary-input';
import type { RawInput } from '../analysis/analysis-types';
import type { InputKindModule } from './input-kind-module';
import type { LoadSink } from './load-sink';

type SelectionRead = { read: true; quotes: string[] } | { read: false; why: string };

/**
 * Digests without PCR numbers, read with the selection of a quote of the same case: a
 * tpm2-tools `-F values` file (digests only, in selection order) with a quote whose selected
 * digests add up to exactly its size; one bare digest (a sysfs `pcr-<alg>/<n>` file) with a
 * quote that selects exactly one PCR of its bank. Every quote is tried, so the order of the
 * files never chooses: quotes that place the digests alike are the file's (`quotes` names
 * them, for the report); quotes that place them differently leave it unread, saying so
 * (fail closed), as does no quote that fits.
 */
export function readWithQuoteSelection(input: RawInput, sink: LoadSink): SelectionRead {
  const text = asText(input.bytes);
  // A bare digest is read once; each quote's selection only places it.
  const value = text === undefined ? undefined : readBareDigestText(text.trim());
  const place = (selection: readonly PcrBankSelection[]): Pick<PcrValuesParse, 'values' | 'unreadable' | 'unindexed'> | undefined =>
    text === undefined ? parseValuesPcrFile(input.bytes, selection) : value === undefined ? undefined : placeBareDigest(value, selection);
  const placed = sink.quotes.flatMap((q) => {
    const parsed = place(q.quote.selection);
    return parsed === undefined || parsed.unindexed !== undefined || (parsed.unreadable?.length ?? 0) > 0 ? [] : [{ quote: q.input, values: parsed.values }];
  });
  const places = new Set(placed.map((p) => formatPcrValuesPlace(p.values)));
  if (places.size === 1) {
    sink.mergePcrValues(placed[0].values, input.name);
    return { read: true, quotes: placed.map((p) => p.quote) };
  }
  const differently = `the quotes given place it at different PCRs (${placed.map((p) => `${formatPcrValuesPlace(p.values)} by ${p.quote}`).join(', ')})`;
  if (text !== undefined) {
    const bank = (value === undefined ? undefined : bankForDigestLength(value.length)) ?? 'PCR';
    const why =
      places.size > 1
        ? differently
        : `${sink.quotes.length === 0 ? 'no quote was given' : 'no quote given selects exactly one PCR of its bank'} to tell which PCR it is`;
    return { read: false, why: `a single ${bank} value without its PCR index (a sysfs pcr-${bank}/N file): ${why}; list it as \`N: <hex>\` or \`PCR-NN: <hex>\`` };
  }
  const sizes = sink.quotes.map((q) => {
    const bytes = q.quote.selection.reduce((n, s) => n + (s.bank === undefined ? 0 : digestSize(s.bank) * s.pcrs.length), 0);
    return `${q.input} selects ${formatPcrSelection(q.quote.selection)}, ${bytes} bytes`;
  });
  return {
    read: false,
    why:
      places.size > 1
        ? `as a tpm2 '-F values' PCR file its ${input.bytes.length} bytes fit the selections of several quotes, and ${differently}: which PCRs it holds cannot be told; read the PCRs as YAML or '-F serialized'`
        : sizes.length === 0
          ? `as a tpm2 '-F values' PCR file (${input.bytes.length} bytes of digests, no PCR numbers) it needs the PCR selection it was read with: give the quote it belongs to, or read the PCRs as YAML or '-F serialized'`
          : `as a tpm2 '-F values' PCR file its ${input.bytes.length} bytes fit no quote's selection (${sizes.join('; ')})`,
  };
}

function isBareDigest(parsed: PcrValuesParse | undefined): boolean {
  return parsed?.unindexed !== undefined && (parsed.unreadable?.length ?? 0) === 0;
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
