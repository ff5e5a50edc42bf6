/**
 * The comparison of the open log with a known-good reference list: which file was picked and
 * what the worker said (the document is plain data; both lists stay in the worker).
 */
import type { StateCreator } from 'zustand/vanilla';
import type { CompareDocument } from '../core/compare/compare-json';
import type { InspectorState } from './inspector-store';

export type CompareState =
  | { readonly kind: 'none' }
  | { readonly kind: 'loading'; readonly name: string }
  | { readonly kind: 'ready'; readonly document: CompareDocument }
  | { readonly kind: 'error'; readonly name: string; readonly message: string };

export interface CompareSlice {
  readonly compare: CompareState;
  startCompare(name: string): void;
  finishCompare(document: CompareDocument): void;
  failCompare(name: string, message: string): void;
  clearCompare(): void;
}

export const createCompareSlice: StateCreator<InspectorState, [], [], CompareSlice> = (set) => ({
  compare: { kind: 'none' },
  startCompare: (name) => set({ compare: { kind: 'loading', name } }),
  finishCompare: (document) => set({ compare: { kind: 'ready', document } }),
  failCompare: (name, message) => set({ compare: { kind: 'error', name, message } }),
  clearCompare: () => set({ compare: { kind: 'none' } }),
});
