/**
 * Completion for the display filter: what may come at the caret (a field name, an operator,
 * one of the field's values, `and` / `or`) and which part of the text a choice replaces. It
 * reads the tokens before the caret only, so it works on half-typed, not yet valid text.
 */
import { FILTER_FIELD_NAMES, filterField, type FilterField } from './filter-fields';
import { tokenize, type Token } from './filter-tokens';

export interface FilterCompletion {
  /** What the list shows. */
  readonly label: string;
  /** What replaces [start, end) of the text (with a trailing space). */
  readonly insert: string;
  readonly detail?: string;
}

export interface FilterCompletions {
  readonly start: number;
  readonly end: number;
  readonly items: readonly FilterCompletion[];
}

/** Values the log offers for its text and number fields. */
export interface CompletionValues {
  readonly templates: readonly string[];
  readonly pcrs: readonly number[];
  readonly algorithms: readonly string[];
}

const NONE: FilterCompletions = { start: 0, end: 0, items: [] };
const LOGIC = ['and', 'or', '&&', '||'];
const MAX_ITEMS = 12;
const NEEDS_QUOTES = /[\s(){},=!<>~&|"]/;

function isLogic(t: Token | undefined): boolean {
  return t !== undefined && (t.kind === '&&' || t.kind === '||' || t.kind === '!' || (t.kind === 'word' && [...LOGIC, 'not'].includes(t.text.toLowerCase())));
}

function operatorsOf(field: FilterField): FilterCompletion[] {
  const ops = field.kind === 'number' ? ['==', '!=', '<', '<=', '>', '>=', 'in'] : field.kind === 'enum' || field.kind === 'flags' ? ['==', '!=', 'in'] : ['==', '!=', 'contains', 'matches', 'in'];
  return ops.map((op) => ({ label: op, insert: op === 'in' ? 'in {' : `${op} ` }));
}

function quote(value: string): string {
  return NEEDS_QUOTES.test(value) || value === '' ? `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"` : value;
}

function valuesOf(field: FilterField, values: CompletionValues): string[] {
  if (field.values !== undefined) return [...field.values];
  switch (field.name) {
    case 'template':
      return [...values.templates];
    case 'alg':
      return [...new Set(values.algorithms.map((a) => a.split(':').pop() ?? a))];
    case 'pcr':
      return values.pcrs.map(String);
    default:
      return [];
  }
}

export function completeFilter(text: string, caret: number, values: CompletionValues): FilterCompletions {
  const tokenized = tokenize(text.slice(0, caret));
  if (!tokenized.ok) return NONE;
  const tokens = tokenized.tokens.slice(0, -1);
  const last = tokens[tokens.length - 1];
  // The word being typed (touching the caret) is replaced; otherwise insert at the caret.
  const typing = last !== undefined && last.kind === 'word' && last.end === caret ? last : undefined;
  const before = typing !== undefined ? tokens.slice(0, -1) : tokens;
  const prefix = typing?.text.toLowerCase() ?? '';
  const start = typing?.start ?? caret;
  const pick = (items: FilterCompletion[]): FilterCompletions => {
    const matching = items.filter((item) => item.label.toLowerCase().startsWith(prefix) && item.label.toLowerCase() !== prefix);
    return { start, end: caret, items: matching.slice(0, MAX_ITEMS) };
  };

  const p1 = before[before.length - 1];
  const p2 = before[before.length - 2];
  // Inside `field in { … }`: the field's values.
  const open = lastOpenSet(before);
  if (open !== undefined) {
    const field = filterField(before[open - 2]?.text ?? '');
    return field === undefined ? NONE : pick(valuesOf(field, values).map((v) => ({ label: v, insert: `${quote(v)} ` })));
  }
  if (p1 === undefined || p1.kind === '(' || isLogic(p1)) {
    return pick([
      ...FILTER_FIELD_NAMES.map((name) => ({ label: name, insert: `${name} `, detail: filterField(name)?.help })),
      { label: 'not', insert: 'not ' },
    ]);
  }
  const afterField = p1.kind === 'word' ? filterField(p1.text) : undefined;
  if (afterField !== undefined && (p2 === undefined || p2.kind === '(' || isLogic(p2))) return pick(operatorsOf(afterField));
  const isOperator = ['==', '!=', '<', '<=', '>', '>=', '~'].includes(p1.kind) || (p1.kind === 'word' && ['contains', 'matches'].includes(p1.text.toLowerCase()));
  const valueField = isOperator && p2?.kind === 'word' ? filterField(p2.text) : undefined;
  if (valueField !== undefined) {
    return pick(valuesOf(valueField, values).map((v) => ({ label: v, insert: `${quote(v)} ` })));
  }
  if (p1.kind === 'word' || p1.kind === 'string' || p1.kind === ')' || p1.kind === '}') {
    return pick(['and', 'or'].map((w) => ({ label: w, insert: `${w} ` })));
  }
  return NONE;
}

/** Position of the `{` of a set still open at the end of `tokens`. */
function lastOpenSet(tokens: readonly Token[]): number | undefined {
  for (let k = tokens.length - 1; k >= 0; k--) {
    if (tokens[k].kind === '}') return undefined;
    if (tokens[k].kind === '{') return k;
  }
  return undefined;
}
