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
  /** How many entries the worker found for `query` (CONTRACT §5.5 entry-count), once it answered. */
  readonly matches: { readonly query: RowQuery; readonly count: number } | undefined;
  /** Column id → false when hidden (absent means shown). */
  readonly columnVisibility: Readonly<Record<string, boolean>>;
  /** Column id → width in CSS pixels, once the user resized it. */
  readonly columnSizing: Readonly<Record<string, number>>;
  readonly theme: ThemeChoice;
  /** Whether the replay panel shows its details (quote fields, hypotheses) or only its summary. */
  readonly replayOpen: boolean;
  setSearch(search: string): void;
  setMatches(query: RowQuery, count: number): void;
  setTemplateFilter(templates: readonly number[]): void;
  setPcrFilter(pcrs: readonly number[]): void;
  setStatusFilter(statuses: readonly EntryStatus[]): void;
  setSort(sort: RowSort): void;
  /** The timeline's brush: only entries in this range; undefined shows every entry again. */
  setRangeFilter(range: EntryRange | undefined): void;
  clearFilters(): void;
  setColumnVisibility(visibility: Readonly<Record<string, boolean>>): void;
  setColumnSizing(sizing: Readonly<Record<string, number>>): void;
  setTheme(theme: ThemeChoice): void;
  setReplayOpen(open: boolean): void;
}

export const createViewSlice: StateCreator<InspectorState, [], [], ViewSlice> = (set) => ({
  query: DEFAULT_QUERY,
  matches: undefined,
  columnVisibility: {},
  columnSizing: {},
  theme: 'system',
  replayOpen: true,
  setSearch: (search) => set((s) => ({ query: { ...s.query, search } })),
  setMatches: (query, count) => set({ matches: { query, count } }),
  setTemplateFilter: (templates) => set((s) => ({ query: { ...s.query, templates } })),
  setPcrFilter: (pcrs) => set((s) => ({ query: { ...s.query, pcrs } })),
  setStatusFilter: (statuses) => set((s) => ({ query: { ...s.query, statuses } })),
  setSort: (sort) => set((s) => ({ query: { ...s.query, sort } })),
  setRangeFilter: (range) =>
    set((s) => {
      const { range: _previous, ...rest } = s.query;
      return { query: range === undefined ? rest : { ...rest, range } };
    }),
  clearFilters: () => set((s) => ({ query: { ...DEFAULT_QUERY, sort: s.query.sort } })),
  setColumnVisibility: (columnVisibility) => set({ columnVisibility }),
  setColumnSizing: (columnSizing) => set({ columnSizing }),
  setTheme: (theme) => set({ theme }),
  setReplayOpen: (replayOpen) => set({ replayOpen }),
});
