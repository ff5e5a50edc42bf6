/**
 * Keylime's excludes are Python `re` patterns, joined into ONE pattern
 * `"(" + ")|(".join(excludes) + ")"` and applied with `compiled.match(path)`: anchored at the
 * start only (runtime-policy-and-signatures.md §3.1 step 4, §3.3). If the joined pattern does
 * not compile in Python, Keylime logs it and ignores every exclude.
 *
 * This module rewrites a Python pattern as a JavaScript one with the `u` and `y` flags (sticky
 * at index 0 = `re.match`). Exact rewrites:
 *   (?P<n>…) → (?<n>…)   (?P=n) → \k<n>   \A → ^   \Z → $   $ → (?=\n?$)   . → [^\n]
 *   \d → \p{Nd}   \w → [\p{L}\p{N}_]   {,n} → {0,n}   a `{` that is not a quantifier → \{
 *   a first `]` in a class → \]   escaped punctuation → \u{…}   (?#…) dropped
 * Python-only constructs with no exact JS form (scoped flags `(?i:…)`, atomic groups,
 * possessive quantifiers, conditionals, \N{…}) make the pattern `inexact`: it is not used,
 * and the caller says so. Constructs Python itself refuses (a global flag such as `(?i)`
 * anywhere but the very start, which the joined pattern never is; an unknown escape; an
 * unbalanced parenthesis; nothing to repeat) make it `rejected`, as Keylime's compile fails.
 */

import { PYTHON_SPACE_CLASS } from './python-text';

export type PythonRegexResult =
  | { readonly kind: 'ok'; readonly regex: RegExp; readonly notes: readonly string[] }
  | { readonly kind: 'inexact'; readonly reason: string }
  | { readonly kind: 'rejected'; readonly reason: string };

const SYNTAX = new Set(['^', '$', '\\', '.', '*', '+', '?', '(', ')', '[', ']', '{', '}', '|', '/']);
const CLASS_ESCAPES: ReadonlyMap<string, string> = new Map([
  ['d', '\\p{Nd}'],
  ['D', '\\P{Nd}'],
  ['w', '\\p{L}\\p{N}_'],
  ['s', PYTHON_SPACE_CLASS],
]);
const SIMPLE_ESCAPES: ReadonlyMap<string, string> = new Map([
  ['n', '\\n'],
  ['t', '\\t'],
  ['r', '\\r'],
  ['f', '\\f'],
  ['v', '\\v'],
  ['a', '\\x07'],
]);

class Rejected extends Error {}
class Inexact extends Error {}

/** Translates a Python pattern; never throws. */
export function translatePythonRegex(pattern: string): PythonRegexResult {
  try {
    const notes: string[] = [];
    const source = new Translator(pattern, notes).run();
    let regex: RegExp;
    try {
      regex = new RegExp(source, 'uy');
    } catch (e) {
      // What JS cannot compile after an exact rewrite, Python's sre would not either
      // (e.g. a backreference to a missing group) or it is a construct we do not model.
      return { kind: 'inexact', reason: `no JavaScript equivalent: ${e instanceof Error ? e.message : String(e)}` };
    }
    return { kind: 'ok', regex, notes };
  } catch (e) {
    if (e instanceof Rejected) return { kind: 'rejected', reason: e.message };
    if (e instanceof Inexact) return { kind: 'inexact', reason: e.message };
    return { kind: 'inexact', reason: 'unreadable pattern' };
  }
}

/** Keylime's `valid_exclude_list`: the joined pattern, or why it is ignored (undefined for none). */
export function joinExcludes(excludes: readonly string[]): string | undefined {
  return excludes.length === 0 ? undefined : '(' + excludes.join(')|(') + ')';
}

class Translator {
  private i = 0;
  private out = '';
  /** Whether the last emitted item can take a quantifier. */
  private repeatable = false;
  private depth = 0;

  constructor(
    private readonly p: string,
    private readonly notes: string[],
  ) {}

  run(): string {
    while (this.i < this.p.length) this.step();
    if (this.depth !== 0) throw new Rejected(`missing ), unterminated subpattern`);
    return this.out;
  }

  private emit(s: string, repeatable: boolean): void {
    this.out += s;
    this.repeatable = repeatable;
  }

  private step(): void {
    const c = this.p[this.i];
    switch (c) {
      case '\\':
        return this.escape();
      case '[':
        return this.charClass();
      case '(':
        return this.group();
      case ')':
        if (this.depth === 0) throw new Rejected(`unbalanced parenthesis at position ${this.i}`);
        this.depth--;
        this.i++;
        return this.emit(')', true);
      case '|':
        this.i++;
        return this.emit('|', false);
      case '.':
        this.i++;
        return this.emit('[^\\n]', true);
      case '^':
        this.i++;
        return this.emit('^', false);
      case '$':
        this.i++;
        return this.emit('(?=\\n?$)', false);
      case '*':
      case '+':
      case '?':
        return this.quantifier(c, 1);
      case '{': {
        const m = /^\{(\d*)(,?)(\d*)\}/.exec(this.p.slice(this.i));
        if (m !== null && (m[1] !== '' || (m[2] === ',' && m[3] !== ''))) {
          const min = m[1] === '' ? '0' : m[1];
          const q = m[2] === '' ? `{${min}}` : `{${min},${m[3]}}`;
          if (m[3] !== '' && Number(m[3]) < Number(min)) throw new Rejected('min repeat greater than max repeat');
          return this.quantifier(q, m[0].length);
        }
        this.i++;
        return this.emit('\\{', true);
      }
      default:
        this.i++;
        return this.emit(SYNTAX.has(c) ? `\\${c}` : literal(c), true);
    }
  }

  private quantifier(q: string, length: number): void {
    if (!this.repeatable) throw new Rejected(`nothing to repeat at position ${this.i}`);
    this.i += length;
    let s = q;
    const next = this.p[this.i];
    if (next === '?') {
      s += '?';
      this.i++;
    } else if (next === '+') {
      throw new Inexact('a possessive quantifier (Python 3.11) has no JavaScript form');
    }
    this.out += s;
    this.repeatable = false;
    if (this.p[this.i] === '*' || this.p[this.i] === '+' || this.p[this.i] === '?') {
      throw new Rejected(`multiple repeat at position ${this.i}`);
    }
  }

  private escape(): void {
    const next = this.p[this.i + 1];
    if (next === undefined) throw new Rejected('bad escape (end of pattern)');
    this.i += 2;
    const simple = SIMPLE_ESCAPES.get(next);
    if (simple !== undefined) return this.emit(simple, true);
    switch (next) {
      case 'A':
        return this.emit('^', false);
      case 'Z':
        return this.emit('$', false);
      case 'd':
        return this.emit('\\p{Nd}', true);
      case 'D':
        return this.emit('\\P{Nd}', true);
      case 'w':
        return this.emit('[\\p{L}\\p{N}_]', true);
      case 'W':
        return this.emit('[^\\p{L}\\p{N}_]', true);
      case 's':
        return this.emit(`[${PYTHON_SPACE_CLASS}]`, true);
      case 'S':
        return this.emit(`[^${PYTHON_SPACE_CLASS}]`, true);
      case 'b':
      case 'B':
        this.notes.push(`\\${next} uses ASCII word characters in JavaScript, Unicode ones in Python`);
        return this.emit(`\\${next}`, false);
      case 'x':
      case 'u':
      case 'U':
        return this.emit(this.codePoint(next), true);
      case 'N':
        throw new Inexact('\\N{…} (a character by its Unicode name) has no JavaScript form');
      default:
        break;
    }
    if (/[1-9]/.test(next)) {
      const m = /^\d{0,1}/.exec(this.p.slice(this.i));
      const digits = next + (m?.[0] ?? '');
      this.i += digits.length - 1;
      return this.emit(`(?:\\${digits})`, true);
    }
    if (next === '0') {
      const m = /^[0-7]{0,2}/.exec(this.p.slice(this.i));
      this.i += m?.[0].length ?? 0;
      return this.emit(literal(String.fromCharCode(parseInt('0' + (m?.[0] ?? ''), 8))), true);
    }
    if (/[A-Za-z]/.test(next)) throw new Rejected(`bad escape \\${next}`);
    return this.emit(SYNTAX.has(next) ? `\\${next}` : literal(next), true);
  }

  /** \xhh, \uhhhh, \Uhhhhhhhh (already past the letter). */
  private codePoint(letter: string): string {
    const width = letter === 'x' ? 2 : letter === 'u' ? 4 : 8;
    const hex = this.p.slice(this.i, this.i + width);
    if (!new RegExp(`^[0-9a-fA-F]{${width}}$`).test(hex)) throw new Rejected(`incomplete escape \\${letter}${hex}`);
    this.i += width;
    const cp = parseInt(hex, 16);
    if (cp > 0x10ffff) throw new Rejected(`bad escape \\${letter}${hex}`);
    return literal(String.fromCodePoint(cp));
  }

  private group(): void {
    const rest = this.p.slice(this.i);
    this.depth++;
    if (!rest.startsWith('(?')) {
      this.i++;
      return this.emit('(', false);
    }
    let m: RegExpExecArray | null;
    if ((m = /^\(\?P<([A-Za-z_][A-Za-z0-9_]*)>/.exec(rest)) !== null) {
      this.i += m[0].length;
      return this.emit(`(?<${m[1]}>`, false);
    }
    if ((m = /^\(\?P=([A-Za-z_][A-Za-z0-9_]*)\)/.exec(rest)) !== null) {
      this.depth--;
      this.i += m[0].length;
      return this.emit(`\\k<${m[1]}>`, true);
    }
    for (const head of ['(?:', '(?=', '(?!', '(?<=', '(?<!']) {
      if (rest.startsWith(head)) {
        this.i += head.length;
        return this.emit(head, false);
      }
    }
    if ((m = /^\(\?#[^)]*\)/.exec(rest)) !== null) {
      this.depth--;
      this.i += m[0].length;
      return; // a comment: nothing, and the previous item stays repeatable as in Python
    }
    if (/^\(\?[aiLmsux]+\)/.test(rest)) {
      throw new Rejected('global flags not at the start of the expression (Python ≥ 3.11 refuses the joined excludes)');
    }
    if (/^\(\?[aiLmsux]*(?:-[imsx]+)?:/.test(rest)) throw new Inexact('scoped inline flags (?…:…) have no JavaScript form here');
    if (rest.startsWith('(?>')) throw new Inexact('an atomic group (?>…) has no JavaScript form');
    if (rest.startsWith('(?(')) throw new Inexact('a conditional group (?(…)…) has no JavaScript form');
    throw new Rejected(`unknown extension ${rest.slice(0, 3)}`);
  }

  private charClass(): void {
    let s = '[';
    this.i++;
    if (this.p[this.i] === '^') {
      s += '^';
      this.i++;
    }
    let first = true;
    for (;;) {
      const c = this.p[this.i];
      if (c === undefined) throw new Rejected('unterminated character set');
      if (c === ']' && !first) break;
      first = false;
      if (c === '\\') {
        const next = this.p[this.i + 1];
        if (next === undefined) throw new Rejected('bad escape (end of pattern)');
        this.i += 2;
        const cls = CLASS_ESCAPES.get(next);
        const simple = SIMPLE_ESCAPES.get(next);
        if (cls !== undefined) s += cls;
        else if (simple !== undefined) s += simple;
        else if (next === 'b') s += '\\x08';
        else if (next === 'x' || next === 'u' || next === 'U') s += this.codePoint(next);
        else if (next === 'W' || next === 'S') throw new Inexact(`\\${next} inside a character set has no exact JavaScript form here`);
        else if (/[A-Za-z0-9]/.test(next)) throw new Rejected(`bad escape \\${next} in a character set`);
        else s += literal(next);
        continue;
      }
      this.i++;
      s += c === '-' ? '-' : c === '[' || c === ']' || c === '/' ? `\\${c}` : literal(c);
    }
    this.i++;
    this.emit(s + ']', true);
  }
}

/** One literal character, escaped so that the `u` flag accepts it anywhere. */
function literal(c: string): string {
  if (/[A-Za-z0-9_ \-~!@#%&=:;'",<>`]/.test(c) && c !== '-') return c;
  const cp = c.codePointAt(0) ?? 0;
  return `\\u{${cp.toString(16)}}`;
}
