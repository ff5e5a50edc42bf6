/**
 * The display filter's tokenizer: every token keeps its [start, end) character positions, so
 * a syntax error can point at the text the user typed, and completion can tell what the
 * caret is in.
 *
 * A word runs until white space or one of `( ) { } , = ! < > ~ & | "`, so paths such as
 * `/usr/lib/libc.so.6` and digests such as `sha256:ab12…` are single words. A quoted string
 * (`"a b"`) can hold any of those characters; in it `\"` is a quote and `\\` a backslash,
 * and any other backslash stays as typed, so a regular expression reads as written
 * (`"\.so$"`).
 */

export type TokenKind =
  | 'word'
  | 'string'
  | '('
  | ')'
  | '{'
  | '}'
  | ','
  | '=='
  | '!='
  | '<'
  | '<='
  | '>'
  | '>='
  | '~'
  | '!'
  | '&&'
  | '||'
  | 'end';

export interface Token {
  readonly kind: TokenKind;
  /** The word, or a string's unescaped contents; the operator itself otherwise. */
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

export interface FilterSyntaxError {
  readonly start: number;
  readonly end: number;
  readonly message: string;
}

export type Tokens = { readonly ok: true; readonly tokens: readonly Token[] } | { readonly ok: false; readonly error: FilterSyntaxError };

const WORD_STOP = new Set([...'(){},=!<>~&|"']);
const SPACE = /\s/;
const TWO_CHAR: ReadonlyMap<string, TokenKind> = new Map<string, TokenKind>([
  ['==', '=='],
  ['!=', '!='],
  ['<=', '<='],
  ['>=', '>='],
  ['&&', '&&'],
  ['||', '||'],
]);
const ONE_CHAR: ReadonlyMap<string, TokenKind> = new Map<string, TokenKind>([
  ['(', '('],
  [')', ')'],
  ['{', '{'],
  ['}', '}'],
  [',', ','],
  ['<', '<'],
  ['>', '>'],
  ['~', '~'],
  ['!', '!'],
]);
/** Single characters that are only half an operator. */
const HALF_OPERATOR: ReadonlyMap<string, string> = new Map([
  ['=', 'use == to compare'],
  ['&', 'use && (or and)'],
  ['|', 'use || (or or)'],
]);

export function tokenize(text: string): Tokens {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (SPACE.test(c)) {
      i++;
      continue;
    }
    const two = TWO_CHAR.get(text.slice(i, i + 2));
    if (two !== undefined) {
      tokens.push({ kind: two, text: two, start: i, end: i + 2 });
      i += 2;
      continue;
    }
    const one = ONE_CHAR.get(c);
    if (one !== undefined) {
      tokens.push({ kind: one, text: c, start: i, end: i + 1 });
      i++;
      continue;
    }
    const half = HALF_OPERATOR.get(c);
    if (half !== undefined) return { ok: false, error: { start: i, end: i + 1, message: `'${c}' alone is not an operator: ${half}` } };
    if (c === '"') {
      const string = readString(text, i);
      if ('message' in string) return { ok: false, error: string };
      tokens.push(string);
      i = string.end;
      continue;
    }
    const start = i;
    while (i < text.length && !SPACE.test(text[i]) && !WORD_STOP.has(text[i])) i++;
    tokens.push({ kind: 'word', text: text.slice(start, i), start, end: i });
  }
  tokens.push({ kind: 'end', text: '', start: text.length, end: text.length });
  return { ok: true, tokens };
}

function readString(text: string, start: number): Token | FilterSyntaxError {
  let value = '';
  let i = start + 1;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') return { kind: 'string', text: value, start, end: i + 1 };
    if (c === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) {
      value += text[i + 1];
      i += 2;
      continue;
    }
    value += c;
    i++;
  }
  return { start, end: text.length, message: 'this quoted string is not closed (missing ")' };
}
