/**
 * The display filter's recursive-descent parser: text → typed AST, or the first syntax error
 * with its position. Values are checked against their field here (a number for `pcr`, hex
 * for `digest`, a known word for `sig`, a regular expression that compiles and cannot
 * backtrack exponentially), so everything the user can get wrong is reported while typing,
 * on the page, without the log; compiling against the log (filter-compile.ts) cannot fail.
 *
 *   expr    := and (('or' | '||') and)*
 *   and     := unary (('and' | '&&') unary)*
 *   unary   := ('not' | '!') unary | primary
 *   primary := '(' expr ')' | FIELD op value | FIELD ('contains' | 'matches' | '~') value
 *            | FIELD 'in' '{' value (','? value)* '}' | FIELD (presence) | WORD | STRING
 *   value   := WORD | STRING; a number field also takes `a..b` inside a set
 *
 * A word that is not a field name, or a quoted string, searches names (and digest prefixes
 * and key ids) as the old search box did (`compileSearch`).
 */
import { compileSearch } from './name-search';
import { filterField, type FilterField, type FilterFieldName } from './filter-fields';
import { regexRisk } from './safe-regex';
import { tokenize, type FilterSyntaxError, type Token, type TokenKind } from './filter-tokens';

export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=';

/** A value as checked for its field. */
export type FilterValue =
  | { readonly kind: 'number'; readonly min: number; readonly max: number }
  | { readonly kind: 'text'; readonly text: string }
  /** Hex digits (lower case); `alg` when written `alg:hex` (digest only). */
  | { readonly kind: 'hex'; readonly hex: string; readonly alg?: string }
  | { readonly kind: 'word'; readonly word: string };

export type FilterNode =
  | { readonly kind: 'and' | 'or'; readonly left: FilterNode; readonly right: FilterNode }
  | { readonly kind: 'not'; readonly operand: FilterNode }
  | { readonly kind: 'compare'; readonly field: FilterFieldName; readonly op: CompareOp; readonly value: FilterValue }
  | { readonly kind: 'in'; readonly field: FilterFieldName; readonly values: readonly FilterValue[] }
  | { readonly kind: 'contains'; readonly field: FilterFieldName; readonly value: FilterValue }
  | { readonly kind: 'matches'; readonly field: FilterFieldName; readonly regex: RegExp }
  | { readonly kind: 'has'; readonly field: FilterFieldName }
  | { readonly kind: 'search'; readonly text: string };

export type ParsedFilter =
  | { readonly ok: true; readonly node: FilterNode | undefined }
  | { readonly ok: false; readonly error: FilterSyntaxError };

/** Keywords, case-insensitive; '&&' and friends are separate tokens. */
const AND = new Set(['and', '&&']);
const OR = new Set(['or', '||']);
const NOT = new Set(['not', '!']);
const COMPARE: ReadonlySet<TokenKind> = new Set(['==', '!=', '<', '<=', '>', '>=']);
const ORDERING: ReadonlySet<string> = new Set(['<', '<=', '>', '>=']);
const INTEGER = /^(?:0x[0-9a-f]+|\d+)$/i;
const NUMBER_RANGE = /^((?:0x[0-9a-f]+|\d+))\.\.((?:0x[0-9a-f]+|\d+))$/i;
const HEX = /^[0-9a-f]+$/i;
/** `sha256:ab…`, `ima:sha256:ab…`: the ASCII list's form of a file digest. */
const ALG_HEX = /^((?:[a-z0-9-]+:)*[a-z0-9-]+):([0-9a-f]+)$/i;
/** Key ids are 32 bits. */
const KEY_ID_DIGITS = 8;

class ParseFailure extends Error {
  constructor(readonly error: FilterSyntaxError) {
    super(error.message);
  }
}

function fail(start: number, end: number, message: string): never {
  throw new ParseFailure({ start, end, message });
}

function keyword(token: Token, set: ReadonlySet<string>): boolean {
  return (token.kind === 'word' || token.kind === '&&' || token.kind === '||' || token.kind === '!') && set.has(token.text.toLowerCase());
}

function describe(token: Token): string {
  return token.kind === 'end' ? 'the end' : token.kind === 'string' ? `"${token.text}"` : `'${token.text}'`;
}

class Parser {
  #at = 0;
  constructor(private readonly tokens: readonly Token[]) {}

  peek(offset = 0): Token {
    return this.tokens[Math.min(this.#at + offset, this.tokens.length - 1)];
  }

  next(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.#at++;
    return token;
  }

  parse(): FilterNode | undefined {
    if (this.peek().kind === 'end') return undefined;
    const node = this.or();
    const rest = this.peek();
    if (rest.kind === ')') fail(rest.start, rest.end, "this ')' has no matching '('");
    if (rest.kind !== 'end') fail(rest.start, rest.end, `expected 'and' or 'or' before ${describe(rest)}`);
    return node;
  }

  or(): FilterNode {
    let left = this.and();
    while (keyword(this.peek(), OR)) {
      this.next();
      left = { kind: 'or', left, right: this.and() };
    }
    return left;
  }

  and(): FilterNode {
    let left = this.unary();
    while (keyword(this.peek(), AND)) {
      this.next();
      left = { kind: 'and', left, right: this.unary() };
    }
    return left;
  }

  unary(): FilterNode {
    if (keyword(this.peek(), NOT)) {
      this.next();
      return { kind: 'not', operand: this.unary() };
    }
    return this.primary();
  }

  primary(): FilterNode {
    const token = this.next();
    switch (token.kind) {
      case '(': {
        if (this.peek().kind === ')') fail(token.start, this.peek().end, 'empty parentheses');
        const inner = this.or();
        const close = this.next();
        if (close.kind !== ')') fail(close.start, close.end, `expected ')' to close the '(' at column ${token.start + 1}, found ${describe(close)}`);
        return inner;
      }
      case 'string':
        return this.search(token);
      case 'word': {
        const lower = token.text.toLowerCase();
        if (AND.has(lower) || OR.has(lower)) fail(token.start, token.end, `'${token.text}' needs a condition before it`);
        const field = filterField(token.text);
        return field === undefined ? this.bareWord(token) : this.condition(field, token);
      }
      case 'end':
        return fail(token.start, token.end, 'expected a condition here');
      default:
        return fail(token.start, token.end, `expected a field, a word or '(' but found ${describe(token)}`);
    }
  }

  /** A word that is not a field: a name search, unless an operator follows (a misspelt field). */
  bareWord(token: Token): FilterNode {
    const after = this.peek();
    if (COMPARE.has(after.kind) || after.kind === '~' || (after.kind === 'word' && ['contains', 'matches', 'in'].includes(after.text.toLowerCase()))) {
      fail(token.start, token.end, `unknown field '${token.text}'`);
    }
    return this.search(token);
  }

  search(token: Token): FilterNode {
    const compiled = compileSearch(token.text);
    if (compiled.kind === 'invalid') fail(token.start, token.end, compiled.message);
    const risk = compiled.kind === 'regex' ? regexRisk(compiled.regex.source) : undefined;
    if (risk !== undefined) fail(token.start, token.end, risk.message);
    return { kind: 'search', text: token.text };
  }

  condition(field: FilterField, fieldToken: Token): FilterNode {
    const op = this.peek();
    const opWord = op.kind === 'word' ? op.text.toLowerCase() : '';
    if (COMPARE.has(op.kind)) {
      this.next();
      if (ORDERING.has(op.kind) && field.kind !== 'number') {
        fail(op.start, op.end, `${field.name} is not a number: use ==, !=, contains, matches or in`);
      }
      return { kind: 'compare', field: field.name, op: op.kind as CompareOp, value: this.value(field, this.next(), false) };
    }
    if (opWord === 'contains') {
      this.next();
      if (field.kind === 'number' || field.kind === 'enum' || field.kind === 'flags') {
        fail(op.start, op.end, `${field.name} takes ==, !=${field.kind === 'number' ? ', <, >' : ''} or in, not contains`);
      }
      return { kind: 'contains', field: field.name, value: this.value(field, this.next(), false) };
    }
    if (opWord === 'matches' || op.kind === '~') {
      this.next();
      if (field.kind === 'number' || field.kind === 'enum' || field.kind === 'flags') {
        fail(op.start, op.end, `${field.name} takes ==, !=${field.kind === 'number' ? ', <, >' : ''} or in, not a regular expression`);
      }
      return { kind: 'matches', field: field.name, regex: this.regex(this.next()) };
    }
    if (opWord === 'in') {
      this.next();
      return { kind: 'in', field: field.name, values: this.set(field) };
    }
    if (op.kind === 'end' || op.kind === ')' || keyword(op, AND) || keyword(op, OR)) {
      if (field.presence) return { kind: 'has', field: field.name };
      fail(fieldToken.start, fieldToken.end, `${field.name} needs a comparison, e.g. ${example(field)} (quote a word to search names: "${fieldToken.text}")`);
    }
    fail(op.start, op.end, `expected an operator after ${field.name} (==, !=, ${field.kind === 'number' ? '<, >, ' : 'contains, matches, '}in), found ${describe(op)}`);
  }

  set(field: FilterField): FilterValue[] {
    const open = this.next();
    if (open.kind !== '{') fail(open.start, open.end, `expected '{' after in, as in ${field.name} in {${example(field).split(' ').pop() ?? ''}}`);
    const values: FilterValue[] = [];
    for (;;) {
      const token = this.next();
      if (token.kind === '}') break;
      if (token.kind === ',') continue;
      if (token.kind === 'end') fail(open.start, token.end, "this set is not closed (missing '}')");
      values.push(this.value(field, token, true));
    }
    return values;
  }

  value(field: FilterField, token: Token, inSet: boolean): FilterValue {
    if (token.kind !== 'word' && token.kind !== 'string') {
      fail(token.start, token.end, `expected a value for ${field.name}, found ${describe(token)}`);
    }
    const text = token.text;
    const bad = (why: string): never => fail(token.start, token.end, why);
    switch (field.kind) {
      case 'number': {
        const range = inSet ? NUMBER_RANGE.exec(text) : null;
        if (range !== null) {
          const min = Number(range[1]);
          const max = Number(range[2]);
          if (max < min) bad(`the range ${text} is empty`);
          return { kind: 'number', min, max };
        }
        if (!INTEGER.test(text)) bad(`${field.name} is a number: '${text}' is not one${inSet ? ' (or a range a..b)' : ''}`);
        const n = Number(text);
        return { kind: 'number', min: n, max: n };
      }
      case 'text':
        return { kind: 'text', text };
      case 'hex': {
        const prefixed = field.name === 'digest' ? ALG_HEX.exec(text) : null;
        const hex = prefixed !== null ? prefixed[2] : text;
        if (!HEX.test(hex)) bad(`${field.name} takes hex digits${field.name === 'digest' ? ' (optionally alg:hex)' : ''}: '${text}' is not hex`);
        if (field.name === 'keyid' && hex.length > KEY_ID_DIGITS) bad(`a key id is at most ${KEY_ID_DIGITS} hex digits`);
        return { kind: 'hex', hex: hex.toLowerCase(), ...(prefixed !== null ? { alg: prefixed[1].toLowerCase() } : {}) };
      }
      case 'enum':
      case 'flags': {
        const values = field.values ?? [];
        const word = text.toLowerCase();
        if (!values.includes(word)) bad(`${field.name} is one of ${values.join(', ')}; not '${text}'`);
        return { kind: 'word', word };
      }
    }
  }

  regex(token: Token): RegExp {
    if (token.kind !== 'word' && token.kind !== 'string') {
      fail(token.start, token.end, `expected a regular expression, found ${describe(token)} (quote it: "a|b")`);
    }
    let regex: RegExp;
    try {
      // Case-insensitive, as Wireshark's `matches`.
      regex = new RegExp(token.text, 'i');
    } catch (e) {
      fail(token.start, token.end, e instanceof Error ? e.message : String(e));
    }
    const risk = regexRisk(token.text);
    // +1 skips the opening quote of a string token.
    const at = token.start + (token.kind === 'string' ? 1 : 0) + (risk?.offset ?? 0);
    if (risk !== undefined) fail(at, Math.min(token.end, at + 1), risk.message);
    return regex;
  }
}

function example(field: FilterField): string {
  if (field.kind === 'number') return `${field.name} == ${field.name === 'pcr' ? 10 : 0}`;
  if (field.values !== undefined) return `${field.name} == ${field.values[0]}`;
  if (field.name === 'template') return 'template == ima-sig';
  if (field.kind === 'hex') return `${field.name} contains 0a1b`;
  return `${field.name} contains lib`;
}

/** Parses a whole filter; an empty or blank one is `{ ok: true, node: undefined }` (no filter). */
export function parseFilter(text: string): ParsedFilter {
  const tokens = tokenize(text);
  if (!tokens.ok) return tokens;
  try {
    return { ok: true, node: new Parser(tokens.tokens).parse() };
  } catch (e) {
    if (e instanceof ParseFailure) return { ok: false, error: e.error };
    throw e;
  }
}

/** "column 7: expected …", the one-line form the field and the worker show. */
export function describeFilterError(error: FilterSyntaxError): string {
  return `column ${error.start + 1}: ${error.message}`;
}
