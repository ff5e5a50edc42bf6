/**
 * The entry table's filter and sort, as a pure function of the model: (log, query) → the
 * entry indices to show, in order. It runs in the worker, next to the data; the table only
 * ever receives the window of rows it draws.
 *
 * Search box syntax (one box, several meanings at once, like a debugger's "find"):
 * - `/regex/flags`: a JavaScript regular expression over the entry name (written as a JS
 *   literal would be: a path like `/usr/bin/`, with a bare `/` inside, is plain text).
 * - anything else: an ASCII case-insensitive substring of the name, OR, when the text is
 *   hex (optionally `alg:`-prefixed, as the ASCII list prints file digests), a prefix of the
 *   file digest or of the template digest, OR, at exactly 8 hex digits, a signature key id.
 * Matching works on the name's bytes in the log, so a million-entry scan allocates nothing.
 */
import type { ImaLog, IndexIntoEntryTable, IndexIntoTemplateTable } from '../model/ima-log';
import { entryStatus, entryStatusRank, type EntryStatus } from './entry-status';
import { NO_KEY_ID, type KeyIdColumn } from './signature-key-ids';

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
  /** Only entries the policy dry run fails (QueryColumns.policy; none without one). */
  readonly policyFailures?: boolean;
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
    query.search.trim() === '' &&
    query.templates.length === 0 &&
    query.pcrs.length === 0 &&
    query.statuses.length === 0 &&
    query.range === undefined &&
    query.policyFailures !== true &&
    query.sort.column === 'index' &&
    !query.sort.descending
  );
}

export type CompiledSearch =
  | { readonly kind: 'all' }
  | { readonly kind: 'regex'; readonly regex: RegExp }
  | {
      readonly kind: 'text';
      /** Lower-cased UTF-8 bytes of the needle. */
      readonly needle: Uint8Array;
      /** Hex nibbles, when the text can be a digest prefix. */
      readonly nibbles?: Uint8Array;
      readonly keyId?: number;
    }
  | { readonly kind: 'invalid'; readonly message: string };

// Like a JavaScript regex literal: no unescaped '/' inside, so a path such as /usr/bin/ stays text.
const REGEX_LITERAL = /^\/((?:[^/\\]|\\.)+)\/([dgimsuvy]*)$/s;
const HEX_TEXT = /^(?:[a-z0-9-]+:)*([0-9a-f]+)$/i;

export function compileSearch(text: string): CompiledSearch {
  const t = text.trim();
  if (t === '') return { kind: 'all' };
  const literal = REGEX_LITERAL.exec(t);
  if (literal !== null) {
    try {
      // g/y would make test() stateful across entries.
      return { kind: 'regex', regex: new RegExp(literal[1], literal[2].replace(/[gy]/g, '')) };
    } catch (e) {
      return { kind: 'invalid', message: e instanceof Error ? e.message : String(e) };
    }
  }
  const needle = lowerAscii(new TextEncoder().encode(t));
  const hex = HEX_TEXT.exec(t);
  if (hex === null || hex[1].length < 2) return { kind: 'text', needle };
  const digits = hex[1].toLowerCase();
  const nibbles = Uint8Array.from(digits, (c) => parseInt(c, 16));
  const keyId = digits.length === 8 ? parseInt(digits, 16) : undefined;
  return { kind: 'text', needle, nibbles, keyId };
}

function lowerAscii(bytes: Uint8Array): Uint8Array {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b >= 0x41 && b <= 0x5a) bytes[i] = b + 0x20;
  }
  return bytes;
}

function containsFolded(data: Uint8Array, start: number, length: number, needle: Uint8Array): boolean {
  const n = needle.length;
  const last = start + length - n;
  const first = needle[0];
  for (let o = start; o <= last; o++) {
    let b = data[o];
    if (b >= 0x41 && b <= 0x5a) b += 0x20;
    if (b !== first) continue;
    let k = 1;
    for (; k < n; k++) {
      let c = data[o + k];
      if (c >= 0x41 && c <= 0x5a) c += 0x20;
      if (c !== needle[k]) break;
    }
    if (k === n) return true;
  }
  return false;
}

function hasHexPrefix(data: Uint8Array, start: number, length: number, nibbles: Uint8Array): boolean {
  if (nibbles.length > length * 2) return false;
  for (let k = 0; k < nibbles.length; k++) {
    const byte = data[start + (k >> 1)];
    const nibble = (k & 1) === 0 ? byte >> 4 : byte & 0x0f;
    if (nibble !== nibbles[k]) return false;
  }
  return true;
}

/** Extra per-entry columns the query reads that are not in the model itself. */
export interface QueryColumns {
  readonly keyIds: KeyIdColumn;
  /** The policy dry run per entry (POLICY_CELL codes; 2 = fail), when one ran. */
  readonly policy?: Uint8Array;
}

/** POLICY_CELL code of a failing entry (src/core/policy/policy-dry-run.ts). */
const POLICY_FAIL = 2;

function matcherFor(log: ImaLog, search: CompiledSearch, columns: QueryColumns): (i: number) => boolean {
  const e = log.entries;
  const data = log.data;
  switch (search.kind) {
    case 'all':
      return () => true;
    case 'invalid':
      return () => false;
    case 'regex': {
      const decoder = new TextDecoder();
      const { regex } = search;
      return (i) =>
        regex.test(decoder.decode(data.subarray(e.nameOffset[i], e.nameOffset[i] + e.nameLength[i])));
    }
    case 'text': {
      const { needle, nibbles, keyId } = search;
      return (i) =>
        containsFolded(data, e.nameOffset[i], e.nameLength[i], needle) ||
        (nibbles !== undefined &&
          (hasHexPrefix(data, e.fileDigestOffset[i], e.fileDigestLength[i], nibbles) ||
            hasHexPrefix(data, e.entryOffset[i] + 4, log.digestSize, nibbles))) ||
        (keyId !== undefined && columns.keyIds.at(i) === keyId);
    }
  }
}

/** Entry indices matching `query`, in its sort order (ties in log order). */
export function filterEntries(log: ImaLog, query: RowQuery, columns: QueryColumns): Int32Array {
  const e = log.entries;
  const matchesSearch = matcherFor(log, compileSearch(query.search), columns);
  const templates = query.templates.length > 0 ? new Set(query.templates) : undefined;
  const pcrs = query.pcrs.length > 0 ? new Set(query.pcrs) : undefined;
  const statuses = query.statuses.length > 0 ? new Set(query.statuses) : undefined;
  const first = Math.max(0, query.range?.start ?? 0);
  const stop = Math.min(e.length, query.range?.end ?? e.length);
  const out = new Int32Array(Math.max(0, stop - first));
  let n = 0;
  for (let i = first; i < stop; i++) {
    if (templates !== undefined && !templates.has(e.template[i])) continue;
    if (pcrs !== undefined && !pcrs.has(e.pcr[i])) continue;
    if (statuses !== undefined && !statuses.has(entryStatus(e.flags[i]))) continue;
    if (query.policyFailures === true && columns.policy?.[i] !== POLICY_FAIL) continue;
    if (!matchesSearch(i)) continue;
    out[n++] = i;
  }
  const rows = out.slice(0, n);
  sortEntries(log, rows, query.sort, columns);
  return rows;
}

function compareBytes(data: Uint8Array, a: number, aLen: number, b: number, bLen: number): number {
  const n = Math.min(aLen, bLen);
  for (let k = 0; k < n; k++) {
    const d = data[a + k] - data[b + k];
    if (d !== 0) return d;
  }
  return aLen - bLen;
}

function comparatorFor(log: ImaLog, column: SortColumn, columns: QueryColumns): (a: number, b: number) => number {
  const e = log.entries;
  const data = log.data;
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
      return (a, b) => compareBytes(data, e.entryOffset[a] + 4, log.digestSize, e.entryOffset[b] + 4, log.digestSize);
    case 'fileDigest':
      return (a, b) =>
        compareBytes(data, e.fileDigestOffset[a], e.fileDigestLength[a], e.fileDigestOffset[b], e.fileDigestLength[b]);
    case 'name':
      return (a, b) => compareBytes(data, e.nameOffset[a], e.nameLength[a], e.nameOffset[b], e.nameLength[b]);
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
