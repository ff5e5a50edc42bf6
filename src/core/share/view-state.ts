/**
 * The view in the page's address: `#entry=1234&filter=pcr+%3D%3D+10&sort=-name&zoom=100-900`,
 * so "look at entry 1234 with this filter" is a link, back/forward move between views, and a
 * reload (or the same files dropped again) comes back to it.
 *
 * The fragment is untrusted text (anyone can write a link): decoding reads only the keys
 * below through URLSearchParams.get (never indexing an object by a key from the text),
 * checks every value (integers in range, known words, bounded lengths) and drops what does
 * not fit, so a bad field costs that field, never the page. What depends on the log (an
 * entry past its end, a template it does not have) is clamped when the view is applied.
 *
 * | key      | value                                                        |
 * | entry    | selected entry, 0-based                                      |
 * | filter   | the display-filter expression                                |
 * | sort     | a sort column, `-` first for descending (`-name`)            |
 * | pcr      | the PCR select, comma-separated (`10,11`)                    |
 * | template | the template select, one key per name                        |
 * | status   | the status select, comma-separated                           |
 * | range    | the timeline brush: `start-end`, entries [start, end)        |
 * | zoom     | the timeline's view: `start-end` in entry positions          |
 * | tab      | the log tab: `ima` or `firmware`                             |
 * | replay   | `0` when the replay panel is folded                          |
 * | log      | the first 16 hex digits of the log file's SHA-256: the files the view belongs to |
 */
import { MAX_TEMPLATE_NAME_LENGTH } from '../ima/template-registry';
import { ENTRY_STATUSES, type EntryStatus } from '../query/entry-status';
import type { EntryRange, SortColumn, RowSort } from '../query/filter-entries';
import { SCHEMA_LIMITS, SORT_COLUMNS } from './permalink-schema';

export type LogTab = 'ima' | 'firmware';

export interface ViewState {
  readonly entry?: number;
  readonly filter?: string;
  readonly sort?: RowSort;
  readonly pcrs?: readonly number[];
  readonly templates?: readonly string[];
  readonly statuses?: readonly EntryStatus[];
  readonly range?: EntryRange;
  readonly zoom?: { readonly start: number; readonly end: number };
  readonly tab?: LogTab;
  /** False when the replay panel is folded (open is the default). */
  readonly replayOpen?: boolean;
  /** Lower-case hex prefix of the log file's SHA-256. */
  readonly log?: string;
}

/** Hex digits of the log's SHA-256 a view names: enough to tell files apart, short in a link. */
export const VIEW_LOG_KEY_DIGITS = 16;
const MAX_INDEX = 0x7fffffff;
const MAX_PCR = 255;
const INTEGER = /^\d{1,10}$/;
const INTEGER_SPAN = /^(\d{1,10})-(\d{1,10})$/;
const NUMBER_SPAN = /^(\d{1,10}(?:\.\d{1,3})?)-(\d{1,10}(?:\.\d{1,3})?)$/;
const LOG_KEY = new RegExp(`^[0-9a-f]{${VIEW_LOG_KEY_DIGITS}}$`);
const SORT_SET: ReadonlySet<string> = new Set(SORT_COLUMNS);
const STATUS_SET: ReadonlySet<string> = new Set(ENTRY_STATUSES);

/** True when a fragment can hold a view (not the permalink's `#r=`). */
export function isViewFragment(hash: string): boolean {
  return !/^#?r=/.test(hash);
}

function integer(text: string | null, max: number): number | undefined {
  if (text === null || !INTEGER.test(text)) return undefined;
  const n = Number(text);
  return n <= max ? n : undefined;
}

function commaList<T>(text: string | null, limit: number, read: (part: string) => T | undefined): T[] | undefined {
  if (text === null || text === '') return undefined;
  const out: T[] = [];
  for (const part of text.split(',', limit + 1).slice(0, limit)) {
    const value = read(part);
    if (value !== undefined && !out.includes(value)) out.push(value);
  }
  return out.length > 0 ? out : undefined;
}

function span(text: string | null, pattern: RegExp): { start: number; end: number } | undefined {
  const m = text === null ? null : pattern.exec(text);
  if (m === null) return undefined;
  const start = Number(m[1]);
  const end = Number(m[2]);
  return start < end && end <= MAX_INDEX ? { start, end } : undefined;
}

/** Reads a view from a fragment (`#…` or without the `#`); what does not fit is left out. */
export function decodeViewState(fragment: string): ViewState {
  const text = fragment.startsWith('#') ? fragment.slice(1) : fragment;
  if (!isViewFragment(text) || text.length > 4 * SCHEMA_LIMITS.search + 16 * 1024) return {};
  const p = new URLSearchParams(text);
  const view: { -readonly [K in keyof ViewState]: ViewState[K] } = {};
  const entry = integer(p.get('entry'), MAX_INDEX);
  if (entry !== undefined) view.entry = entry;
  const filter = p.get('filter');
  if (filter !== null && filter.trim() !== '' && filter.length <= SCHEMA_LIMITS.search) view.filter = filter;
  const sort = p.get('sort');
  if (sort !== null) {
    const descending = sort.startsWith('-');
    const column = descending ? sort.slice(1) : sort;
    if (SORT_SET.has(column)) view.sort = { column: column as SortColumn, descending };
  }
  const pcrs = commaList(p.get('pcr'), MAX_PCR + 1, (s) => integer(s, MAX_PCR));
  if (pcrs !== undefined) view.pcrs = pcrs;
  const templates = p
    .getAll('template')
    .slice(0, SCHEMA_LIMITS.templates)
    .filter((t, k, all) => t !== '' && t.length <= MAX_TEMPLATE_NAME_LENGTH && all.indexOf(t) === k);
  if (templates.length > 0) view.templates = templates;
  const statuses = commaList(p.get('status'), ENTRY_STATUSES.length, (s) => (STATUS_SET.has(s) ? (s as EntryStatus) : undefined));
  if (statuses !== undefined) view.statuses = statuses;
  const range = span(p.get('range'), INTEGER_SPAN);
  if (range !== undefined) view.range = range;
  const zoom = span(p.get('zoom'), NUMBER_SPAN);
  if (zoom !== undefined) view.zoom = zoom;
  const tab = p.get('tab');
  if (tab === 'ima' || tab === 'firmware') view.tab = tab;
  const replay = p.get('replay');
  if (replay === '0' || replay === '1') view.replayOpen = replay === '1';
  const log = p.get('log');
  if (log !== null && LOG_KEY.test(log)) view.log = log;
  return view;
}

/** Positions with at most 2 decimals: a zoom needs no more, and links stay short. */
function position(n: number): string {
  return String(Math.round(n * 100) / 100);
}

/** The fragment for a view, without `#`; keys in a fixed order, defaults left out. */
export function encodeViewState(view: ViewState): string {
  const p = new URLSearchParams();
  if (view.entry !== undefined) p.set('entry', String(view.entry));
  if (view.filter !== undefined && view.filter.trim() !== '') p.set('filter', view.filter);
  if (view.sort !== undefined && (view.sort.column !== 'index' || view.sort.descending)) {
    p.set('sort', `${view.sort.descending ? '-' : ''}${view.sort.column}`);
  }
  if (view.pcrs !== undefined && view.pcrs.length > 0) p.set('pcr', view.pcrs.join(','));
  for (const t of view.templates ?? []) p.append('template', t);
  if (view.statuses !== undefined && view.statuses.length > 0) p.set('status', view.statuses.join(','));
  if (view.range !== undefined) p.set('range', `${view.range.start}-${view.range.end}`);
  if (view.zoom !== undefined) p.set('zoom', `${position(view.zoom.start)}-${position(view.zoom.end)}`);
  if (view.tab !== undefined && view.tab !== 'ima') p.set('tab', view.tab);
  if (view.replayOpen === false) p.set('replay', '0');
  if (view.log !== undefined) p.set('log', view.log);
  return p.toString();
}
