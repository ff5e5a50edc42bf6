/**
 * `pcr-values`: PCR listings in every form pcr-values.ts reads (tpm2_pcrread YAML, tpm2
 * serialized and marshaled files, evmctl `PCR-NN:` lines, `N: hex` lines, a HIRS list of
 * digests, JSON), as bytes or as the hex/base64 text of a binary form.
 */
import { looksLikePcrValues, parsePcrValues } from '../tpm/pcrs/pcr-values';
import type { InputKindModule } from './input-kind-module';

export const pcrValues: InputKindModule<true> = {
  kind: 'pcr-values',
  sniff: (sample) => {
    if (looksLikePcrValues(sample.head)) return true;
    const decoded = sample.decoded;
    return decoded !== undefined && looksLikePcrValues(decoded) ? true : undefined;
  },
  load: (input, _learned, sink) => {
    const parsed = parsePcrValues(input.bytes);
    if (parsed === undefined) sink.refuse(input, 'no PCR listing form fits (tpm2_pcrread YAML, serialized/marshaled files, PCR-NN lines, N: hex lines, JSON)');
    else if ((parsed.unreadable?.length ?? 0) > 0 || parsed.unindexed !== undefined) {
      sink.refuse(input, parsed.unreadable?.join('; ') ?? parsed.problems.join('; '));
    } else {
      sink.mergePcrValues(parsed.values, input.name);
      for (const p of parsed.problems) sink.notes.push(`${input.name}: ${p}`);
    }
  },
  paste: {
    confirms: (text) => parsePcrValues(text) !== undefined,
  },
};
