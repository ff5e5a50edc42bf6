/**
 * `exclude-list`: one regular expression per line (Keylime excludelist). Told by content only
 * when every line is one token and one starts with `/` or `^`, and tried after every other kind.
 * A base64 blob fits that too (its lines may start with `/`): it never is one.
 */
import { parseExcludeList } from '../policy/excludes';
import type { InputKindModule } from './input-kind-module';

/**
 * Lines of base64 as encoders write them: one long line, or lines of one width (64 or 76)
 * with a shorter last one. Paths and patterns have `.`, `*`, or lines of many widths.
 */
function isBase64Blob(lines: readonly string[]): boolean {
  if (!lines.every((l) => /^[A-Za-z0-9+/]+={0,2}$/.test(l))) return false;
  const width = lines[0].length;
  if (lines.length === 1) return width >= 64;
  return width >= 40 && lines.slice(0, -1).every((l) => l.length === width) && lines[lines.length - 1].length <= width;
}

export const excludeList: InputKindModule<true> = {
  kind: 'exclude-list',
  sniff: (sample) => {
    const text = sample.namesText;
    if (text === undefined) return undefined;
    const lines = parseExcludeList(text);
    const patterns = lines.length > 0 && lines.every((l) => !/\s/.test(l)) && lines.some((l) => l.startsWith('/') || l.startsWith('^'));
    return patterns && !isBase64Blob(lines) ? true : undefined;
  },
  load: (input, _learned, sink) => sink.addPolicyInput(input, 'exclude-list'),
};
