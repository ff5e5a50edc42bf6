/**
 * How the user looks at the log: the table query (search, filters, sort — computed in the
 * worker), which columns show and how wide, and the theme.
 */
import type { StateCreator } from 'zustand/vanilla';
import type { EntryStatus } from '../core/query/entry-status';
import { DEFAULT_QUERY, type EntryRange, type RowQuery, type RowSort } from '../core/query/filter-entries';
import { withPolicyFailures } from '../core/query/policy-failures-filter';
import type { InspectorState } from './inspector-store';
import type { LogTab, ViewState } from '../core/share/view-state';

export type ThemeChoice = 'system' | 'light' | 'dark';

/** The timeline's view, in entry positions [start, end). */
export interface TimelineZoom {
  readonly start: number;
  readonly end: number;
}

export interface ViewSlice {
  readonly query: RowQuery;
  /** How many entries the worker found for `query` (CONTRACT §5.5 entry-count), once it answered. */
  readonly matches: { readonly query: RowQuery; readonly count: number } | undefined;
  /** Column id → false when hidden (absent means shown). */
  readonly columnVisibility: Readonly<Record<string, boolean>>;
  /** Column id → width in CSS pixels, once the user resized it. */
  readonly columnSizing: Readonly<Record<string, number>>;
  readonly theme: ThemeChoice;
  /** Whether the replay panel shows its details (quote fields, hypotheses) or only its summary. */
  readonly replayOpen: boolean;
  /** The timeline's view; undefined: the whole log. Kept here so the address can carry it. */
  readonly timelineZoom: TimelineZoom | undefined;
  /** The chosen log tab (IMA entries or the firmware log); undefined: the default for the inputs. */
  readonly logTab: LogTab | undefined;
  /**
   * A view link (`#…&log=…`) arrived for another list than the one opened, so its view was
   * not applied: the link's log key and the opened list's (undefined: it has no fingerprint).
   */
  readonly viewLinkMismatch: { readonly linkLog: string; readonly openLog: string | undefined } | undefined;
  /**
   * A view link's view waiting for its files (they never travel with the link): what the
   * first screen says the link is for and which list to drop. Undefined once applied or dropped.
   */
  readonly viewLinkWaiting: ViewState | undefined;
  /** Replaces the whole table query (a view restored from the address or a permalink). */
  setQuery(query: RowQuery): void;
  setTimelineZoom(zoom: TimelineZoom | undefined): void;
  setLogTab(tab: LogTab | undefined): void;
  setSearch(search: string): void;
  setMatches(query: RowQuery, count: number): void;
  setTemplateFilter(templates: readonly number[]): void;
  setPcrFilter(pcrs: readonly number[]): void;
  setStatusFilter(statuses: readonly EntryStatus[]): void;
  /** Adds or removes `policy == fail` in the filter expression (the policy failures switch). */
  setPolicyFailuresFilter(on: boolean): void;
  setSort(sort: RowSort): void;
  /** The timeline's brush: only entries in this range; undefined shows every entry again. */
  setRangeFilter(range: EntryRange | undefined): void;
  clearFilters(): void;
  setColumnVisibility(visibility: Readonly<Record<string, boolean>>): void;
  setColumnSizing(sizing: Readonly<Record<string, number>>): void;
  setTheme(theme: ThemeChoice): void;
  setReplayOpen(open: boolean): void;
  setViewLinkMismatch(mismatch: ViewSlice['viewLinkMismatch']): void;
  setViewLinkWaiting(view: ViewState | undefined): void;
}

/**
 * A new table query. The selected entry stays selected, but its row is unknown until the
 * worker places it in the new view (connect-client looks it up): the old row number would
 * name another entry.
 */
function withQuery(s: InspectorState, query: RowQuery): Pick<InspectorState, 'query' | 'selection'> {
  return { query, selection: s.selection.row === undefined ? s.selection : { ...s.selection, row: undefined } };
}

export const createViewSlice: StateCreator<InspectorState, [], [], ViewSlice> = (set) => ({
  query: DEFAULT_QUERY,
  matches: undefined,
  columnVisibility: {},
  columnSizing: {},
  theme: 'system',
  replayOpen: true,
  timelineZoom: undefined,
  logTab: undefined,
  viewLinkMismatch: undefined,
  viewLinkWaiting: undefined,
  setQuery: (query) => set((s) => withQuery(s, query)),
  setTimelineZoom: (timelineZoom) => set({ timelineZoom }),
  setLogTab: (logTab) => set({ logTab }),
  setSearch: (search) => set((s) => withQuery(s, { ...s.query, search })),
  setMatches: (query, count) => set({ matches: { query, count } }),
  setTemplateFilter: (templates) => set((s) => withQuery(s, { ...s.query, templates })),
  setPcrFilter: (pcrs) => set((s) => withQuery(s, { ...s.query, pcrs })),
  setStatusFilter: (statuses) => set((s) => withQuery(s, { ...s.query, statuses })),
  setPolicyFailuresFilter: (on) => set((s) => withQuery(s, { ...s.query, search: withPolicyFailures(s.query.search, on) })),
  setSort: (sort) => set((s) => withQuery(s, { ...s.query, sort })),
  setRangeFilter: (range) =>
    set((s) => {
      const { range: _previous, ...rest } = s.query;
      return withQuery(s, range === undefined ? rest : { ...rest, range });
    }),
  clearFilters: () => set((s) => withQuery(s, { ...DEFAULT_QUERY, sort: s.query.sort })),
  setColumnVisibility: (columnVisibility) => set({ columnVisibility }),
  setColumnSizing: (columnSizing) => set({ columnSizing }),
  setTheme: (theme) => set({ theme }),
  setReplayOpen: (replayOpen) => set({ replayOpen }),
  setViewLinkMismatch: (viewLinkMismatch) => set({ viewLinkMismatch }),
  setViewLinkWaiting: (viewLinkWaiting) => set({ viewLinkWaiting }),
});
