/**
 * `runtime-policy`: a Keylime runtime policy v1 JSON, its DSSE envelope, the old JSON
 * allowlist, or a flat allowlist (`<hex>  <path>` lines) (CONTRACT §5.1). Only the head is
 * looked at: the keys near the top of the JSON, or the lines of a flat list, whatever control
 * characters its paths hold (Sample.namesText).
 */
import { looksLikeFlatAllowlist } from '../policy/runtime-policy';
import type { InputKindModule } from './input-kind-module';

export const runtimePolicy: InputKindModule<true> = {
  kind: 'runtime-policy',
  sniff: (sample) => {
    const text = sample.namesText;
    if (text === undefined) return undefined;
    const t = text.trimStart();
    const policy = t.startsWith('{')
      ? /^\{\s*"(?:payload|digests|hashes|meta)"\s*:/.test(t) || /"(?:digests|hashes)"\s*:\s*\{/.test(t.slice(0, 4096))
      : looksLikeFlatAllowlist(text);
    return policy ? true : undefined;
  },
  load: (input, _learned, sink) => sink.addPolicyInput(input, 'runtime-policy'),
};
