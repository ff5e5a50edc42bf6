/**
 * Keylime's excludes are Python `re` patterns, joined into ONE pattern
 * `"(" + ")|(".join(excludes) + ")"` and applied with `compiled.match(path)`: anchored at the
 * start only (runtime-policy-and-signatures.md §3.1 step 4, §3.3). If the joined pattern does
 * not compile in Python, Keylime logs it and ignores every exclude.
 *
 * This module rewrites a Python pattern as a JavaScript one with the `u` and `y` flags (sticky
 * at index 0 = `re.match`). Exact rewrites:
 *   (?P<n>…) → (?<n>…)   (?P=n) → \k<n>   \A → ^   \Z → $   $ → (?=\n?$)   . → [^\n]
 *   \d → \p{Nd}   \w → [\p{L}\p{N}_]   \b, \B → look-arounds on that \w (JavaScript's \b is ASCII)
 *   {,n} → {0,n}   a `{` that is not a quantifier → \{   a first `]` in a class → \]
 *   escaped punctuation → \u{…}   (?#…) dropped
 * Python-only constructs with no exact JS form (scoped flags `(?i:…)`, atomic groups,
 * possessive quantifiers, conditionals, \N{…}) make the pattern `inexact`: it is not used,
 * and the caller says so. Constructs Python itself refuses (a global flag such as `(?i)`
 * anywhere but the very start, which the joined pattern never is; an unknown escape; an
 * unbalanced parenthesis; nothing to repeat; a look-behind whose width varies, which
 * JavaScript allows; a reference to a group not closed yet or not defined; a group name given
 * twice; a character range with a class at an end or out of order) make it `rejected`, as
 * Keylime's compile fails. Widths follow sre_parse's `getwidth`.
 */

import { PYTHON_SPACE_CLASS } from './python-text';

export type PythonRegexResult =
  | { readonly kind: 'ok'; readonly regex: RegExp }
  | { readonly kind: 'inexact'; readonly reason: string }
  | { readonly kind: 'rejected'; readonly reason: string };

const SYNTAX = new Set(['^', '$', '\\', '.', '*', '+', '?', '(', ')', '[', ']', '{', '}', '|', '/']);
const CLASS_ESCAPES: ReadonlyMap<string, string> = new Map([
  ['d', '\\p{Nd}'],
  ['D', '\\P{Nd}'],
  ['w', '\\p{L}\\p{N}_'],
  ['s', PYTHON_SPACE_CLASS],
]);
/** Escapes of one control character, by letter: its code point. */
const SIMPLE_ESCAPES: ReadonlyMap<string, number> = new Map([
  ['n', 10],
  ['t', 9],
  ['r', 13],
  ['f', 12],
  ['v', 11],
  ['a', 7],
]);

/** Python's `\w` on str patterns: Unicode letters and numbers (str.isalnum) and `_`. */
const WORD = '[\\p{L}\\p{N}_]';
const BOUNDARY = `(?:(?<=${WORD})(?!${WORD})|(?<!${WORD})(?=${WORD}))`;
const NOT_BOUNDARY = `(?:(?<=${WORD})(?=${WORD})|(?<!${WORD})(?!${WORD}))`;

/** The fewest and most characters a piece of pattern matches (sre_parse's getwidth). */
type Width = readonly [number, number];
const ZERO: Width = [0, 0];
const ONE: Width = [1, 1];

/** An open group: its kind, its alternatives' widths so far, and (capturing) its number. */
interface Frame {
  readonly kind: 'capture' | 'group' | 'lookahead' | 'lookbehind';
  readonly number?: number;
  /** The width of the alternatives closed by `|`, undefined before the first. */
  closed?: Width;
  /** The width of the alternative being read. */
  current: Width;
  /** The number the first capturing group inside it gets: a look-behind may not refer to it or later ones. */
  readonly firstGroupInside: number;
  /** Capturing groups that have surely matched before what comes next in this alternative. */
  certain: Set<number>;
}

class Rejected extends Error {}
class Inexact extends Error {}

/** Translates a Python pattern; never throws. */
export function translatePythonRegex(pattern: string): PythonRegexResult {
  try {
    const source = new Translator(pattern).run();
    let regex: RegExp;
    try {
      regex = new RegExp(source, 'uy');
    } catch (e) {
      // What JS cannot compile after an exact rewrite, Python's sre would not either
      // (e.g. a backreference to a missing group) or it is a construct we do not model.
      return { kind: 'inexact', reason: `no JavaScript equivalent: ${e instanceof Error ? e.message : String(e)}` };
    }
    return { kind: 'ok', regex };
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
  /** The width of the last emitted item when it can take a quantifier, else undefined. */
  private last: Width | undefined;
  /** The open groups, the whole pattern first. */
  private readonly frames: Frame[] = [{ kind: 'group', current: ZERO, firstGroupInside: 1, certain: new Set() }];
  /** The capturing groups the last item surely matched (a quantifier that allows none undoes them). */
  private lastGroups: readonly number[] = [];
  /** Capturing groups opened so far (Python numbers them from 1 in order of their `(`). */
  private groups = 0;
  /** Widths of the closed capturing groups, by number. */
  private readonly groupWidths = new Map<number, Width>();
  private readonly groupNames = new Map<string, number>();

  constructor(private readonly p: string) {}

  run(): string {
    while (this.i < this.p.length) this.step();
    if (this.frames.length !== 1) throw new Rejected(`missing ), unterminated subpattern`);
    return this.out;
  }

  /** Appends `s`; `width` for an item a quantifier may follow, undefined for one it may not. */
  private emit(s: string, width: Width | undefined, groups: readonly number[] = []): void {
    this.out += s;
    this.last = width;
    this.lastGroups = groups;
    for (const g of groups) this.frame().certain.add(g);
    if (width !== undefined) this.frame().current = add(this.frame().current, width);
  }

  private frame(): Frame {
    return this.frames[this.frames.length - 1];
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
        return this.closeGroup();
      case '|': {
        this.i++;
        const f = this.frame();
        f.closed = either(f.closed, f.current);
        f.current = ZERO;
        f.certain = new Set();
        return this.emit('|', undefined);
      }
      case '.':
        this.i++;
        return this.emit('[^\\n]', ONE);
      case '^':
        this.i++;
        return this.emit('^', undefined);
      case '$':
        this.i++;
        return this.emit('(?=\\n?$)', undefined);
      case '*':
        return this.quantifier(c, 1, 0, Infinity);
      case '+':
        return this.quantifier(c, 1, 1, Infinity);
      case '?':
        return this.quantifier(c, 1, 0, 1);
      case '{': {
        const m = /^\{(\d*)(,?)(\d*)\}/.exec(this.p.slice(this.i));
        // sre_parse: `{}` is literal; `{,}` is {0,} (any number), `{,n}` is {0,n}.
        if (m !== null && (m[1] !== '' || m[2] === ',')) {
          const min = m[1] === '' ? 0 : Number(m[1]);
          const max = m[2] === '' ? min : m[3] === '' ? Infinity : Number(m[3]);
          if (max < min) throw new Rejected('min repeat greater than max repeat');
          return this.quantifier(m[2] === '' ? `{${min}}` : `{${min},${m[3]}}`, m[0].length, min, max);
        }
        this.i++;
        return this.emit('\\{', ONE);
      }
      default: {
        const ch = String.fromCodePoint(this.p.codePointAt(this.i) ?? 0);
        this.i += ch.length;
        return this.emit(SYNTAX.has(ch) ? `\\${ch}` : literal(ch), ONE);
      }
    }
  }

  private quantifier(q: string, length: number, min: number, max: number): void {
    const item = this.last;
    if (item === undefined) throw new Rejected(`nothing to repeat at position ${this.i}`);
    this.i += length;
    let s = q;
    const next = this.p[this.i];
    if (next === '?') {
      s += '?';
      this.i++;
    } else if (next === '+') {
      throw new Inexact('a possessive quantifier (Python 3.11) has no JavaScript form');
    }
    // The item's width was counted once when it was emitted: count it min..max times instead.
    const f = this.frame();
    f.current = add(f.current, [item[0] * min - item[0], times(item[1], max) - item[1]]);
    if (min === 0) for (const g of this.lastGroups) f.certain.delete(g);
    this.out += s;
    this.last = undefined;
    if (this.p[this.i] === '*' || this.p[this.i] === '+' || this.p[this.i] === '?') {
      throw new Rejected(`multiple repeat at position ${this.i}`);
    }
  }

  private escape(): void {
    const next = this.p[this.i + 1];
    if (next === undefined) throw new Rejected('bad escape (end of pattern)');
    this.i += 2;
    const simple = SIMPLE_ESCAPES.get(next);
    if (simple !== undefined) return this.emit(literal(String.fromCharCode(simple)), ONE);
    switch (next) {
      case 'A':
        return this.emit('^', undefined);
      case 'Z':
        return this.emit('$', undefined);
      case 'd':
        return this.emit('\\p{Nd}', ONE);
      case 'D':
        return this.emit('\\P{Nd}', ONE);
      case 'w':
        return this.emit(WORD, ONE);
      case 'W':
        return this.emit(`[^${WORD.slice(1)}`, ONE);
      case 's':
        return this.emit(`[${PYTHON_SPACE_CLASS}]`, ONE);
      case 'S':
        return this.emit(`[^${PYTHON_SPACE_CLASS}]`, ONE);
      case 'b':
        return this.emit(BOUNDARY, undefined);
      case 'B':
        return this.emit(NOT_BOUNDARY, undefined);
      case 'x':
      case 'u':
      case 'U':
        return this.emit(literal(String.fromCodePoint(this.codePoint(next))), ONE);
      case 'N':
        throw new Inexact('\\N{…} (a character by its Unicode name) has no JavaScript form');
      default:
        break;
    }
    if (next === '0') return this.emit(literal(String.fromCharCode(this.octal(next, 2))), ONE);
    if (/[1-9]/.test(next)) {
      // sre_parse: three octal digits are a character, else one or two digits a group number.
      const digits = next + (/^\d/.exec(this.p.slice(this.i))?.[0] ?? '');
      if (digits.length === 2 && /^[0-7]{2}/.test(digits) && /^[0-7]/.test(this.p[this.i + 1] ?? '')) {
        return this.emit(literal(String.fromCharCode(this.octal(next, 2))), ONE);
      }
      this.i += digits.length - 1;
      return this.emit(`(?:\\${digits})`, this.reference(Number(digits)));
    }
    if (/[A-Za-z]/.test(next)) throw new Rejected(`bad escape \\${next}`);
    return this.emit(SYNTAX.has(next) ? `\\${next}` : literal(next), ONE);
  }

  /** An octal escape's value: `first` (already read) and up to `more` octal digits after it. */
  private octal(first: string, more: number): number {
    const digits = first + (new RegExp(`^[0-7]{0,${more}}`).exec(this.p.slice(this.i))?.[0] ?? '');
    this.i += digits.length - 1;
    const value = parseInt(digits, 8);
    if (value > 0o377) throw new Rejected(`octal escape value \\${digits} outside of range 0-0o377`);
    return value;
  }

  /** A back-reference to group `n` as sre_parse checks it; its width is the group's. */
  private reference(n: number): Width {
    if (n > this.groups) throw new Rejected(`invalid group reference ${n}`);
    const width = this.groupWidths.get(n);
    if (width === undefined) throw new Rejected('cannot refer to an open group');
    // Python fails a reference to a group that did not take part; JavaScript matches nothing.
    if (!this.frames.some((f) => f.certain.has(n))) throw new Inexact(`a reference to group ${n}, which may not have matched there (Python then fails the match, JavaScript matches nothing)`);
    const lookbehind = this.frames.find((f) => f.kind === 'lookbehind');
    if (lookbehind !== undefined && n >= lookbehind.firstGroupInside) throw new Rejected('cannot refer to group defined in the same lookbehind subpattern');
    return width;
  }

  /** \xhh, \uhhhh, \Uhhhhhhhh (already past the letter): the code point. */
  private codePoint(letter: string): number {
    const width = letter === 'x' ? 2 : letter === 'u' ? 4 : 8;
    const hex = this.p.slice(this.i, this.i + width);
    if (!new RegExp(`^[0-9a-fA-F]{${width}}$`).test(hex)) throw new Rejected(`incomplete escape \\${letter}${hex}`);
    this.i += width;
    const cp = parseInt(hex, 16);
    if (cp > 0x10ffff) throw new Rejected(`bad escape \\${letter}${hex}`);
    return cp;
  }

  private open(kind: Frame['kind'], length: number, text: string, name?: string): void {
    const firstGroupInside = this.groups + 1;
    let number: number | undefined;
    if (kind === 'capture') {
      number = ++this.groups;
      if (name !== undefined) {
        if (this.groupNames.has(name)) throw new Rejected(`redefinition of group name '${name}'`);
        this.groupNames.set(name, number);
      }
    }
    this.frames.push({ kind, number, current: ZERO, firstGroupInside, certain: new Set() });
    this.i += length;
    this.emit(text, undefined);
  }

  private closeGroup(): void {
    if (this.frames.length === 1) throw new Rejected(`unbalanced parenthesis at position ${this.i}`);
    const f = this.frames.pop() as Frame;
    const width = either(f.closed, f.current);
    if (f.kind === 'lookbehind' && width[0] !== width[1]) throw new Rejected('look-behind requires fixed-width pattern');
    if (f.number !== undefined) this.groupWidths.set(f.number, width);
    this.i++;
    // Surely matched once the group is: itself, and what it surely matched whatever branch it took
    // (none when it has branches). Groups in a look-around count as uncertain (a negative one sets none).
    const lookaround = f.kind === 'lookahead' || f.kind === 'lookbehind';
    const groups = lookaround ? [] : [...(f.number !== undefined ? [f.number] : []), ...(f.closed === undefined ? f.certain : [])];
    this.emit(')', lookaround ? ZERO : width, groups);
  }

  private group(): void {
    const rest = this.p.slice(this.i);
    if (!rest.startsWith('(?')) return this.open('capture', 1, '(');
    let m: RegExpExecArray | null;
    // Group names are Python identifiers, Unicode ones too (str.isidentifier).
    if ((m = /^\(\?P<([\p{ID_Start}_][\p{ID_Continue}]*)>/u.exec(rest)) !== null) return this.open('capture', m[0].length, `(?<${m[1]}>`, m[1]);
    if ((m = /^\(\?P=([\p{ID_Start}_][\p{ID_Continue}]*)\)/u.exec(rest)) !== null) {
      const n = this.groupNames.get(m[1]);
      if (n === undefined) throw new Rejected(`unknown group name '${m[1]}'`);
      this.i += m[0].length;
      return this.emit(`\\k<${m[1]}>`, this.reference(n));
    }
    for (const [head, kind] of [
      ['(?:', 'group'],
      ['(?=', 'lookahead'],
      ['(?!', 'lookahead'],
      ['(?<=', 'lookbehind'],
      ['(?<!', 'lookbehind'],
    ] as const) {
      if (rest.startsWith(head)) return this.open(kind, head.length, head);
    }
    if ((m = /^\(\?#[^)]*\)/.exec(rest)) !== null) {
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
      const start = this.classItem();
      s += start.text;
      if (this.p[this.i] === '-' && this.p[this.i + 1] !== undefined && this.p[this.i + 1] !== ']') {
        this.i++;
        const end = this.classItem();
        if (start.codePoint === undefined || end.codePoint === undefined || end.codePoint < start.codePoint) throw new Rejected('bad character range');
        s += `-${end.text}`;
      }
    }
    this.i++;
    this.emit(s + ']', ONE);
  }

  /** One character of a set, or a class escape (no code point: it cannot end a range). */
  private classItem(): { readonly text: string; readonly codePoint?: number } {
    const char = (cp: number): { text: string; codePoint: number } => ({ text: literal(String.fromCodePoint(cp)), codePoint: cp });
    if (this.p[this.i] !== '\\') {
      const cp = this.p.codePointAt(this.i) ?? 0;
      this.i += cp > 0xffff ? 2 : 1;
      return char(cp);
    }
    const next = this.p[this.i + 1];
    if (next === undefined) throw new Rejected('bad escape (end of pattern)');
    this.i += 2;
    const cls = CLASS_ESCAPES.get(next);
    if (cls !== undefined) return { text: cls };
    const simple = SIMPLE_ESCAPES.get(next);
    if (simple !== undefined) return char(simple);
    if (next === 'b') return char(8);
    if (next === 'x' || next === 'u' || next === 'U') return char(this.codePoint(next));
    if (/[0-7]/.test(next)) return char(this.octal(next, 2));
    if (next === 'W' || next === 'S') throw new Inexact(`\\${next} inside a character set has no exact JavaScript form here`);
    if (/[A-Za-z0-9]/.test(next)) throw new Rejected(`bad escape \\${next} in a character set`);
    return char(next.codePointAt(0) ?? 0);
  }
}

/** Widths added: one piece after the other. */
function add(a: Width, b: Width): Width {
  return [a[0] + b[0], a[1] + b[1]];
}

/** Widths of alternatives: the fewest of either, the most of either. */
function either(a: Width | undefined, b: Width): Width {
  return a === undefined ? b : [Math.min(a[0], b[0]), Math.max(a[1], b[1])];
}

/** `width × count` where a width of 0 repeated without end is still 0. */
function times(width: number, count: number): number {
  return width === 0 ? 0 : width * count;
}

/** One literal character, escaped so that the `u` flag accepts it anywhere. */
function literal(c: string): string {
  if (/[A-Za-z0-9_ \-~!@#%&=:;'",<>`]/.test(c) && c !== '-') return c;
  const cp = c.codePointAt(0) ?? 0;
  return `\\u{${cp.toString(16)}}`;
}
