/**
 * The entry table's filter and sort, as a pure function of the model: (log, query) → the
 * entry indices to show, in order. It runs in the worker, next to the data; the table only
 * ever receives the window of rows it draws.
 *
 * `query.search` is a display-filter expression (filter-parse.ts: `pcr == 10 && template ==
 * ima-sig`, or a bare word, which searches names as the old search box did); the PCR,
 * template and status selects and the timeline's brush narrow it further.
 */
import type { ByteSource } from '../model/byte-source';
import type { ImaLog, IndexIntoEntryTable, IndexIntoTemplateTable } from '../model/ima-log';
import { entryStatus, entryStatusRank, type EntryStatus } from './entry-status';
import { NO_KEY_ID } from './signature-key-ids';
import { compileFilter, type EntryPredicate, type FilterColumns } from './filter-compile';
import { describeFilterError, parseFilter, type FilterNode } from './filter-parse';
import { compileSearch } from './name-search';

export type SortColumn =
  | 'index'
  | 'pcr'
  | 'template'
  | 'status'
  | 'templateDigest'
  | 'fileDigest'
  | 'name'
  | 'keyId';

export interface RowSort {
  readonly column: SortColumn;
  readonly descending: boolean;
}

export interface RowQuery {
  readonly search: string;
  /** Empty means every template. */
  readonly templates: readonly IndexIntoTemplateTable[];
  /** Empty means every PCR. */
  readonly pcrs: readonly number[];
  /** Empty means every status. */
  readonly statuses: readonly EntryStatus[];
  readonly sort: RowSort;
  /** Only entries in this half-open range of positions (the timeline's brush); absent: all. */
  readonly range?: EntryRange;
}

/** Half-open range of entry positions, `start` included, `end` excluded. */
export interface EntryRange {
  readonly start: IndexIntoEntryTable;
  readonly end: IndexIntoEntryTable;
}

export const DEFAULT_QUERY: RowQuery = {
  search: '',
  templates: [],
  pcrs: [],
  statuses: [],
  sort: { column: 'index', descending: false },
};

/** True when the query shows every entry in log order, so no index array is needed. */
export function isIdentityQuery(query: RowQuery): boolean {
  return (
    isUnfiltered(query) &&
    query.range === undefined &&
    query.sort.column === 'index' &&
    !query.sort.descending
  );
}

/** Extra per-entry columns the query reads that are not in the model itself. */
export type QueryColumns = FilterColumns;

/** A filter ran past its time budget (a regular expression the safety rule let through). */
export class FilterTimeout extends Error {}

/**
 * How long a filter with a regular expression may run before it is stopped (the worker must
 * stay answerable). Only those: a plain scan is linear, and stopping it would leave a 10M
 * list unsearchable on a slow machine.
 */
export const FILTER_BUDGET_MS = 4000;
/** Entries between two looks at the clock. */
const CLOCK_STRIDE = 4096;

/** What a query selects, without its order or the timeline's brush. */
export type RowFilter = Pick<RowQuery, 'search' | 'templates' | 'pcrs' | 'statuses'>;

/** True when the filter keeps every entry. */
export function isUnfiltered(filter: RowFilter): boolean {
  return (
    filter.search.trim() === '' &&
    filter.templates.length === 0 &&
    filter.pcrs.length === 0 &&
    filter.statuses.length === 0
  );
}

/** A filter expression parsed and compiled against one log: its predicate, or why it does not parse. */
export interface CompiledExpression {
  readonly matches: EntryPredicate;
  /** The syntax error in one line (`column N: why`); the predicate then matches nothing. */
  readonly error?: string;
  /** It runs a regular expression, so its scans get a time budget (FILTER_BUDGET_MS). */
  readonly timeLimited: boolean;
}

/** Parses and compiles `text` (the worker keeps the result per text: requests repeat it). */
export function compileExpression(log: ImaLog, text: string, columns: QueryColumns): CompiledExpression {
  const parsed = parseFilter(text);
  return parsed.ok
    ? { matches: compileFilter(parsed.node, log, columns), timeLimited: runsRegex(parsed.node) }
    : { matches: () => false, error: describeFilterError(parsed.error), timeLimited: false };
}

/** Whether evaluating `node` runs a regular expression (`matches`, `~`, or a bare /search/). */
function runsRegex(node: FilterNode | undefined): boolean {
  switch (node?.kind) {
    case 'matches':
      return true;
    case 'search':
      return compileSearch(node.text).kind === 'regex';
    case 'and':
    case 'or':
      return runsRegex(node.left) || runsRegex(node.right);
    case 'not':
      return runsRegex(node.operand);
    default:
      return false;
  }
}

/** No time limit (a scan without a regular expression). */
const NO_BUDGET: FilterBudget = { ms: Infinity, now: () => 0 };

/** `budget` for an expression that runs a regular expression, none otherwise. */
export function budgetFor(expression: CompiledExpression, budget: FilterBudget = DEFAULT_BUDGET): FilterBudget {
  return expression.timeLimited ? budget : NO_BUDGET;
}

/**
 * The filter as one predicate: the selects, then the expression. A syntax error matches
 * nothing (the page shows why).
 */
export function rowPredicate(
  log: ImaLog,
  filter: RowFilter,
  columns: QueryColumns,
  expression: CompiledExpression = compileExpression(log, filter.search, columns),
): EntryPredicate {
  const e = log.entries;
  const matchesSearch = expression.matches;
  const templates = filter.templates.length > 0 ? new Set(filter.templates) : undefined;
  const pcrs = filter.pcrs.length > 0 ? new Set(filter.pcrs) : undefined;
  const statuses = filter.statuses.length > 0 ? new Set(filter.statuses) : undefined;
  if (templates === undefined && pcrs === undefined && statuses === undefined) return matchesSearch;
  return (i) =>
    (templates === undefined || templates.has(e.template[i])) &&
    (pcrs === undefined || pcrs.has(e.pcr[i])) &&
    (statuses === undefined || statuses.has(entryStatus(e.flags[i]))) &&
    matchesSearch(i);
}

export interface FilterBudget {
  readonly ms: number;
  readonly now: () => number;
}

export const DEFAULT_BUDGET: FilterBudget = { ms: FILTER_BUDGET_MS, now: Date.now };

/**
 * Calls `visit(i)` for each entry of [first, stop) the predicate keeps, in order; throws
 * FilterTimeout once the scan has run past the budget.
 */
export function scanMatches(first: number, stop: number, matches: EntryPredicate, visit: (i: number) => void, budget: FilterBudget = DEFAULT_BUDGET): void {
  const startedAt = budget.now();
  for (let chunk = first; chunk < stop; chunk += CLOCK_STRIDE) {
    if (chunk > first && budget.now() - startedAt > budget.ms) {
      throw new FilterTimeout(`The filter was stopped after ${budget.ms / 1000} s at entry ${chunk}: simplify its regular expression.`);
    }
    const end = Math.min(stop, chunk + CLOCK_STRIDE);
    for (let i = chunk; i < end; i++) if (matches(i)) visit(i);
  }
}

/** Entry indices matching `query`, in its sort order (ties in log order). */
export function filterEntries(
  log: ImaLog,
  query: RowQuery,
  columns: QueryColumns,
  budget: FilterBudget = DEFAULT_BUDGET,
  expression?: CompiledExpression,
): Int32Array {
  const e = log.entries;
  const first = Math.max(0, query.range?.start ?? 0);
  const stop = Math.min(e.length, query.range?.end ?? e.length);
  const out = new Int32Array(Math.max(0, stop - first));
  let n = 0;
  const compiled = expression ?? compileExpression(log, query.search, columns);
  scanMatches(first, stop, rowPredicate(log, query, columns, compiled), (i) => (out[n++] = i), budgetFor(compiled, budget));
  const rows = out.slice(0, n);
  sortEntries(log, rows, query.sort, columns);
  return rows;
}

/**
 * Compares two ranges of the list byte by byte. The first is copied before the second is
 * read: a chunked source may reuse its buffer for the second.
 */
function rangeComparator(source: ByteSource): (a: number, aLen: number, b: number, bLen: number) => number {
  let first = new Uint8Array(64);
  return (a, aLen, b, bLen) => {
    if (first.length < aLen) first = new Uint8Array(2 * aLen);
    const at = source.at(a, aLen);
    first.set(source.bytes.subarray(at, at + aLen));
    const bt = source.at(b, bLen);
    const data = source.bytes;
    const n = Math.min(aLen, bLen);
    for (let k = 0; k < n; k++) {
      const d = first[k] - data[bt + k];
      if (d !== 0) return d;
    }
    return aLen - bLen;
  };
}

function comparatorFor(log: ImaLog, column: SortColumn, columns: QueryColumns): (a: number, b: number) => number {
  const e = log.entries;
  const compareBytes = rangeComparator(log.bytes);
  switch (column) {
    case 'index':
      return (a, b) => a - b;
    case 'pcr':
      return (a, b) => e.pcr[a] - e.pcr[b];
    case 'template': {
      const names = log.templates.map((t) => t.name);
      return (a, b) => (names[e.template[a]] < names[e.template[b]] ? -1 : names[e.template[a]] > names[e.template[b]] ? 1 : 0);
    }
    case 'status':
      return (a, b) => entryStatusRank(e.flags[a]) - entryStatusRank(e.flags[b]);
    case 'templateDigest':
      return (a, b) => compareBytes(e.entryOffset[a] + 4, log.digestSize, e.entryOffset[b] + 4, log.digestSize);
    case 'fileDigest':
      return (a, b) =>
        compareBytes(e.fileDigestOffset[a], e.fileDigestLength[a], e.fileDigestOffset[b], e.fileDigestLength[b]);
    case 'name':
      return (a, b) => compareBytes(e.nameOffset[a], e.nameLength[a], e.nameOffset[b], e.nameLength[b]);
    case 'keyId': {
      // Unsigned entries sort after signed ones.
      const key = (i: number) => {
        const id = columns.keyIds.at(i);
        return id === NO_KEY_ID ? Infinity : id;
      };
      return (a, b) => key(a) - key(b);
    }
  }
}

/** Sorts `rows` (entry indices, initially ascending) in place; stable by entry index. */
export function sortEntries(log: ImaLog, rows: Int32Array, sort: RowSort, columns: QueryColumns): void {
  const sign = sort.descending ? -1 : 1;
  if (sort.column === 'index') {
    if (sort.descending) rows.reverse();
    return;
  }
  const compare = comparatorFor(log, sort.column, columns);
  rows.sort((a, b) => sign * compare(a, b) || a - b);
}

/** Position of entry `index` among `rows`, or -1 when the query hides it. */
export function rowOfEntry(rows: Int32Array | undefined, index: IndexIntoEntryTable, entryCount: number): number {
  if (rows === undefined) return index >= 0 && index < entryCount ? index : -1;
  return rows.indexOf(index);
}
