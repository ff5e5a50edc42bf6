/**
 * The store, provided once per app through context (zustand's "initialize state with
 * props" pattern), read by components with `useInspector(s => s.load)`.
 */
import { createContext, useContext } from 'react';
import { useInspectorStore, type InspectorState, type InspectorStore } from './inspector-store';

export const InspectorStoreContext = createContext<InspectorStore | undefined>(undefined);

export function useInspectorStoreApi(): InspectorStore {
  const store = useContext(InspectorStoreContext);
  if (store === undefined) throw new Error('useInspector outside InspectorStoreContext');
  return store;
}

export function useInspector<T>(selector: (state: InspectorState) => T): T {
  return useInspectorStore(useInspectorStoreApi(), selector);
}
