/**
 * A policy's excludes as Keylime applies them (runtime-policy-and-signatures.md §3.3): ONE
 * pattern `(e1)|(e2)|…` matched with Python's `re.match`, i.e. at the start of the path only.
 * `/tmp` therefore also excludes `/tmpfoo` and `/tmp/x`, but not `/x/tmp`.
 *
 * status:
 *   none      no excludes
 *   ok        translated exactly; `match` is Keylime's answer
 *   ignored   Python would not compile the joined pattern: Keylime ignores EVERY exclude
 *             (`match` is always false, as in Keylime)
 *   inexact   a construct with no exact JavaScript form: `match` is always false here and the
 *             caller must say that entries are judged as if no exclude matched
 *
 * Exclude lists (one regex per line) are read as `keylime_convert_runtime_policy` does: lines
 * stripped (Python's whitespace: python-text.ts), empty lines and lines starting with `#` skipped.
 */
import { joinExcludes, translatePythonRegex } from './python-regex';
import { pythonFileLines, pythonStrip } from './python-text';

export interface CompiledExcludes {
  readonly status: 'none' | 'ok' | 'ignored' | 'inexact';
  /** Why `ignored` / `inexact`. */
  readonly reason?: string;
  readonly patterns: readonly string[];
  /** Keylime's `compiled.match(path)`. */
  readonly match: (path: string) => boolean;
  /** The excludes that match `path` one by one (for explaining an excluded entry). */
  readonly matching: (path: string) => readonly string[];
}

export function compileExcludes(patterns: readonly string[]): CompiledExcludes {
  const joined = joinExcludes(patterns);
  const never = (): boolean => false;
  const none = (): readonly string[] => [];
  if (joined === undefined) return { status: 'none', patterns, match: never, matching: none };
  const t = translatePythonRegex(joined);
  if (t.kind === 'rejected') return { status: 'ignored', reason: t.reason, patterns, match: never, matching: none };
  if (t.kind === 'inexact') return { status: 'inexact', reason: t.reason, patterns, match: never, matching: none };
  const regex = t.regex;
  const singles = patterns.map((p) => {
    const one = translatePythonRegex(p);
    return one.kind === 'ok' ? one.regex : undefined;
  });
  return {
    status: 'ok',
    patterns,
    match: (path) => {
      regex.lastIndex = 0;
      return regex.test(path);
    },
    matching: (path) =>
      patterns.filter((_, k) => {
        const r = singles[k];
        if (r === undefined) return false;
        r.lastIndex = 0;
        return r.test(path);
      }),
  };
}

/** Exclude-list text → patterns. */
export function parseExcludeList(text: string): string[] {
  return pythonFileLines(text)
    .map(pythonStrip)
    .filter((l) => l.length > 0 && !l.startsWith('#'));
}

/**
 * Excludes that, being anchored at the start only, also exclude longer paths than their
 * author likely meant: `/tmp` excludes `/tmpfoo`. Returns [pattern, example] pairs, the
 * example being a path the pattern matches although it only extends a literal match.
 */
export function startAnchoredExcludes(patterns: readonly string[]): Array<readonly [string, string]> {
  const out: Array<readonly [string, string]> = [];
  for (const p of patterns) {
    const t = translatePythonRegex(p);
    if (t.kind !== 'ok' || /(\$|\\Z)\)*$/.test(p)) continue;
    // A literal prefix (no metacharacters but escaped ones) plus "foo" shows the point.
    const literal = p.replace(/\\(.)/g, '$1');
    if (/[*+?()[\]{}|^$]/.test(p.replace(/\\./g, ''))) continue; // `.` matches itself too
    const example = `${literal}foo`;
    t.regex.lastIndex = 0;
    if (t.regex.test(example)) out.push([p, example]);
  }
  return out;
}
