/**
 * The app's one store, built from slices (zustand's slices pattern) by a factory, so each
 * test gets a fresh store and the app provides one through context. The only file that
 * imports zustand. Entries and row pages are not store state: the worker owns them.
 */
import { useStore } from 'zustand';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { createInputsSlice, type InputsSlice } from './inputs-slice';
import { createLoadSlice, type LoadSlice } from './load-slice';
import { createSelectionSlice, type SelectionSlice } from './selection-slice';
import { createViewSlice, type ViewSlice } from './view-slice';
import { createPermalinkSlice, type PermalinkSlice } from './permalink-slice';
import { createCompareSlice, type CompareSlice } from './compare-slice';
import { createLayoutSlice, type LayoutSlice } from './layout-slice';

export type InspectorState = LoadSlice & InputsSlice & SelectionSlice & ViewSlice & PermalinkSlice & CompareSlice & LayoutSlice;
export type InspectorStore = StoreApi<InspectorState>;

export function createInspectorStore(): InspectorStore {
  return createStore<InspectorState>()((...a) => ({
    ...createLoadSlice(...a),
    ...createInputsSlice(...a),
    ...createSelectionSlice(...a),
    ...createViewSlice(...a),
    ...createPermalinkSlice(...a),
    ...createCompareSlice(...a),
    ...createLayoutSlice(...a),
  }));
}

/** React binding for a selector returning a primitive or a stable reference. */
export function useInspectorStore<T>(store: InspectorStore, selector: (state: InspectorState) => T): T {
  return useStore(store, selector);
}
