/**
 * How the user looks at the log: the table query (search, filters, sort — computed in the
 * worker), which columns show and how wide, and the theme.
 */
import type { StateCreator } from 'zustand/vanilla';
import type { EntryStatus } from '../core/query/entry-status';
import { DEFAULT_QUERY, type EntryRange, type RowQuery, type RowSort } from '../core/query/filter-entries';
import type { InspectorState } from './inspector-store';

export type ThemeChoice = 'system' | 'light' | 'dark';

export interface ViewSlice {
  readonly query: RowQuery;
  /** Column id → false when hidden (absent means shown). */
  readonly columnVisibility: Readonly<Record<string, boolean>>;
  /** Column id → width in CSS pixels, once the user resized it. */
  readonly columnSizing: Readonly<Record<string, number>>;
  readonly theme: ThemeChoice;
  /** Whether the replay panel shows its details (quote fields, hypotheses) or only its summary. */
  readonly replayOpen: boolean;
  setSearch(search: string): void;
  setTemplateFilter(templates: readonly number[]): void;
  setPcrFilter(pcrs: readonly number[]): void;
  setStatusFilter(statuses: readonly EntryStatus[]): void;
  /** Only the entries the runtime-policy dry run fails. */
  setPolicyFailuresFilter(on: boolean): void;
  setSort(sort: RowSort): void;
  /** The timeline's brush: only entries in this range; undefined shows every entry again. */
  setRangeFilter(range: EntryRange | undefined): void;
  clearFilters(): void;
  setColumnVisibility(visibility: Readonly<Record<string, boolean>>): void;
  setColumnSizing(sizing: Readonly<Record<string, number>>): void;
  setTheme(theme: ThemeChoice): void;
  setReplayOpen(open: boolean): void;
}

/**
 * A new query: the selected entry stays selected, but its row in the new view is not known
 * until the worker finds it (connect-client re-locates it), so no other entry takes its place.
 */
function withQuery(s: InspectorState, query: RowQuery): Pick<InspectorState, 'query' | 'selection'> {
  return { query, selection: { ...s.selection, row: undefined } };
}

export const createViewSlice: StateCreator<InspectorState, [], [], ViewSlice> = (set) => ({
  query: DEFAULT_QUERY,
  columnVisibility: {},
  columnSizing: {},
  theme: 'system',
  replayOpen: true,
  setSearch: (search) => set((s) => withQuery(s, { ...s.query, search })),
  setTemplateFilter: (templates) => set((s) => withQuery(s, { ...s.query, templates })),
  setPcrFilter: (pcrs) => set((s) => withQuery(s, { ...s.query, pcrs })),
  setStatusFilter: (statuses) => set((s) => withQuery(s, { ...s.query, statuses })),
  setPolicyFailuresFilter: (on) =>
    set((s) => {
      const { policyFailures: _previous, ...rest } = s.query;
      return withQuery(s, on ? { ...rest, policyFailures: true } : rest);
    }),
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
});
