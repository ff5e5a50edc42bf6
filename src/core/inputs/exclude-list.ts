/**
 * `exclude-list`: one regular expression per line (Keylime excludelist). Told by content only
 * when every line is one token and one starts with `/` or `^`, and tried after every other kind.
 */
import type { InputKindModule } from './input-kind-module';

export const excludeList: InputKindModule<true> = {
  kind: 'exclude-list',
  sniff: (sample) => {
    const text = sample.text;
    if (text === undefined) return undefined;
    const lines = text.split(/\r\n|\r|\n/).map((l) => l.trim()).filter((l) => l.length > 0 && !l.startsWith('#'));
    return lines.length > 0 && lines.every((l) => !/\s/.test(l)) && lines.some((l) => l.startsWith('/') || l.startsWith('^')) ? true : undefined;
  },
  load: (input, _learned, sink) => sink.addPolicyInput(input, 'exclude-list'),
};
