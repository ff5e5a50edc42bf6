/**
 * The selected entry: its index in the log (what the detail pane shows) and its row in the
 * current filtered/sorted view (where keyboard navigation continues from).
 */
import type { StateCreator } from 'zustand/vanilla';
import type { IndexIntoEntryTable } from '../core/model/ima-log';
import type { InspectorState } from './inspector-store';

export interface Selection {
  readonly entryIndex: IndexIntoEntryTable | undefined;
  /** Row position in the current view; undefined when the view hides the entry. */
  readonly row: number | undefined;
  /** Bumped by "go to entry" so the table scrolls even if the selection did not change. */
  readonly revealSerial: number;
}

export interface SelectionSlice {
  readonly selection: Selection;
  /** `entryIndex` undefined while the row's page has not arrived. */
  selectRow(row: number, entryIndex: IndexIntoEntryTable | undefined): void;
  /** Selects and asks the table to scroll the row into view. */
  revealEntry(entryIndex: IndexIntoEntryTable, row: number | undefined): void;
  clearSelection(): void;
}

export const createSelectionSlice: StateCreator<InspectorState, [], [], SelectionSlice> = (set) => ({
  selection: { entryIndex: undefined, row: undefined, revealSerial: 0 },
  selectRow: (row, entryIndex) => set((s) => ({ selection: { ...s.selection, row, entryIndex } })),
  revealEntry: (entryIndex, row) =>
    set((s) => ({ selection: { entryIndex, row, revealSerial: s.selection.revealSerial + 1 } })),
  clearSelection: () => set((s) => ({ selection: { ...s.selection, entryIndex: undefined, row: undefined } })),
});
