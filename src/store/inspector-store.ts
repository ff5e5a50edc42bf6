/**
 * The app's one store, built from slices (zustand's slices pattern) by a factory, so each
 * test gets a fresh store and the app provides one through context. The only file that
 * imports zustand. Entries and row pages are not store state: the worker owns them.
 */
import { useStore } from 'zustand';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { useShallow } from 'zustand/react/shallow';
import { createInputsSlice, type InputsSlice } from './inputs-slice';
import { createLoadSlice, type LoadSlice } from './load-slice';
import { createSelectionSlice, type SelectionSlice } from './selection-slice';
import { createViewSlice, type ViewSlice } from './view-slice';
import { createPermalinkSlice, type PermalinkSlice } from './permalink-slice';
import { createLayoutSlice, type LayoutSlice } from './layout-slice';

export type InspectorState = LoadSlice & InputsSlice & SelectionSlice & ViewSlice & PermalinkSlice & LayoutSlice;
export type InspectorStore = StoreApi<InspectorState>;

export function createInspectorStore(): InspectorStore {
  return createStore<InspectorState>()((...a) => ({
    ...createLoadSlice(...a),
    ...createInputsSlice(...a),
    ...createSelectionSlice(...a),
    ...createViewSlice(...a),
    ...createPermalinkSlice(...a),
    ...createLayoutSlice(...a),
  }));
}

/** React binding for a selector returning a primitive or a stable reference. */
export function useInspectorStore<T>(store: InspectorStore, selector: (state: InspectorState) => T): T {
  return useStore(store, selector);
}

/** React binding for a selector that builds an object or array (compared shallowly). */
export function useInspectorStoreShallow<T>(store: InspectorStore, selector: (state: InspectorState) => T): T {
  return useStore(store, useShallow(selector));
}
