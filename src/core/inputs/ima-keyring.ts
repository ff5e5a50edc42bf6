/** `ima-keyring`: Keylime's `verification-keys` JSON, the tenant keyring (CONTRACT §5.1). */
import type { InputKindModule } from './input-kind-module';

export const imaKeyring: InputKindModule<true> = {
  kind: 'ima-keyring',
  // Only the head may be here: the keys near the top, not a full parse.
  sniff: (sample) => {
    const t = sample.text?.trimStart();
    return t !== undefined && t.startsWith('{') && /"pubkeys"\s*:\s*\[/.test(t.slice(0, 4096)) ? true : undefined;
  },
  load: (input, _learned, sink) => sink.addPolicyInput(input, 'ima-keyring'),
};
