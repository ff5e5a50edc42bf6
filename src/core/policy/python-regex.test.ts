/**
 * The Python pattern translation against CPython's own `re` (python3 on this machine, as
 * Keylime's verifier runs it): which patterns compile, and what `re.compile(p).match(path)`
 * answers, for patterns an exclude list may hold and paths built to tell them apart.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { translatePythonRegex } from './python-regex';

/** Per pattern: whether Python compiles it, and if so its match on each path. */
function python(patterns: readonly string[], paths: readonly string[]): Array<{ compiles: boolean; matches: boolean[] }> {
  const script = `
import json, re, sys
patterns, paths = json.load(sys.stdin)
out = []
for p in patterns:
    try:
        r = re.compile(p)
    except re.error:
        out.append({"compiles": False, "matches": []})
        continue
    out.append({"compiles": True, "matches": [r.match(t) is not None for t in paths]})
print(json.dumps(out))`;
  return JSON.parse(execFileSync('python3', ['-c', script], { input: JSON.stringify([patterns, paths]), encoding: 'utf8' })) as Array<{ compiles: boolean; matches: boolean[] }>;
}

const PATTERNS = [
  // Look-behinds: Python wants one width; JavaScript takes any.
  '/opt/(?<=t|pt)x', '/opt(?<=t?)', '(?<=\\w{1,2})', '(?<=(p|pt))', '/x(?<!x*)', '/x(?<!a|bb)', '/x(?<!a|b)', '/ab(?<=ab|cd)',
  '/(a)(?<=\\1)', '(?<=(a)\\1)', '/a(?<=a{2,2})', '/a(?<=a{1,2})', '/aa(?<=(?:a){2})', '/a(?<=(?#c)a)', '/a(?<=a(?=b))b', '/(?<=(?:)*)',
  '/(?P<n>a)(?<=(?P=n))', '/x(?<=\\b)', '/é(?<=\\w)', '/x(?<=[^a])', '/x(?<=\\x78)', '/x(?<=\\170)', '/x(?<=.)',
  // Word boundaries are Unicode in Python.
  '/tmp/x\\b', '/tmp/x\\B', '\\b/tmp', '/tmp/\\bé', 'x\\b+',
  // Group references.
  '\\8', '(a)\\2', '(a\\1)', '(?P<a>x)|(?P<a>y)', '(?P<a>x)(?P=b)', '(/a)(/b)\\2', '\\101', '/\\12', '(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)\\10',
  // References to a group that may not have matched: Python fails, JavaScript matches nothing (INEXACT below).
  '(/opt/(a))|(\\2)', '/((a)|b)\\2', '/(a)?\\1', '/((a))?\\2', '/(?:(a)|b)\\1', '(/a)|(/(?P<n>b))|(/(?P=n))', '/((a)b)*\\2', '/(?=(a))\\1',
  '/(a)\\1', '/(?P<n>b)(?P=n)', '/((a)\\2)', '/((a)b)+\\2', '/(a)(?:b|c)\\1',
  // Character sets.
  '[\\d-z]', '[a-\\d]', '[z-a]', '[--/]', '[a-]', '[-a]', '[\\w-]', '[\\w-a]', '[\\0]', '[\\1]', '[\\8]', '[\\x41-\\x40]', '[é-a]', '[\\n-\\r]',
  '/usr/[a-c\\-]x', '[^\\]a]', '[]a]', '[\\t]', '[\\x41-\\x43]+$',
  // What worked before must still.
  '/tmp', '/tmp$', '/var/log/.*\\.log', '/usr/(lib|lib64)/', '(?P<x>/a)(?P=x)', '\\A/b\\Z', '/c{2}', '/c{,2}d', '/c{2,}', '/d{', '/\\.hidden', '/c{,}d', '/c{}d', '/x{,}', '/c{,5}d', '/(?P<é>a)', '/(?P<é>a)(?P=é)',
];
/** Patterns Python compiles that are not used (said `inexact`): their match cannot be made exact in JavaScript. */
const INEXACT = new Set(['(/opt/(a))|(\\2)', '/((a)|b)\\2', '/(a)?\\1', '/((a))?\\2', '/(?:(a)|b)\\1', '(/a)|(/(?P<n>b))|(/(?P=n))', '/((a)b)*\\2', '/(?=(a))\\1']);

const PATHS = [
  '/optx', '/opt/tx', '/opt/ptx', '/opt', '/opt/x', '/x', '/xx', '/ab', '/cd', '/aa', '/a', '/ab/', '/a', '/é', '/x', '/tmp/x', '/tmp/xé', '/tmp/x/',
  '/tmp/x1', '/tmp', '/tmpfoo', '/tmp/é', '/tmp/\u00e9', 'x', 'aa', 'abb', '/a/b/b', 'A', '/\n', '\n', 'z', '-', '/', '.', '0', 'b', ']',
  '\t', 'ABC', '/aa/', '/abab', '/abb', '/bb', '/aba', '/optbb', '/usr/bx', '/usr/-x', '/var/log/a.log', '/usr/lib/x', '/usr/lib64/y', '/a/a', '/b', '/cc', '/ccd', '/d', '/d{', '/.hidden', 'ab', 'a]',
];

describe('Python patterns, judged by CPython', () => {
  const truth = python(PATTERNS, PATHS);
  it.each(PATTERNS.map((p, k) => [p, k] as const))('%s', (pattern, k) => {
    const t = translatePythonRegex(pattern);
    const { compiles, matches } = truth[k];
    if (!compiles) {
      expect(t.kind).toBe('rejected');
      return;
    }
    expect(t.kind).toBe(INEXACT.has(pattern) ? 'inexact' : 'ok');
    if (t.kind !== 'ok') return;
    const ours = PATHS.map((path) => {
      t.regex.lastIndex = 0;
      return t.regex.test(path);
    });
    expect(ours).toEqual(matches);
  });
});
