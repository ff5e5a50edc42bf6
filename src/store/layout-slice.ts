/**
 * How the inspector's space is shared on the screen it is on: which panels are folded. Kept
 * apart from the view slice (what is looked at) because it is about the window, not the log.
 */
import type { StateCreator } from 'zustand/vanilla';
import type { BreakdownMode } from '../core/timeline/timeline-categories';
import type { InspectorState } from './inspector-store';

export interface LayoutSlice {
  /** The timeline shows only its one-line header (with the minimap), leaving its lanes to the table. */
  readonly timelineFolded: boolean;
  /** How the timeline's breakdown lane cuts the entries (by kind, template or directory). */
  readonly timelineBreakdown: BreakdownMode;
  /** The findings column is a narrow rail (counts only). */
  readonly sidebarCollapsed: boolean;
  /** The keyboard help overlay is open. */
  readonly helpOpen: boolean;
  /** Short windows start with panels folded; done once, so the user's choice then stands. */
  readonly layoutFitted: boolean;
  setTimelineFolded(folded: boolean): void;
  setTimelineBreakdown(mode: BreakdownMode): void;
  setSidebarCollapsed(collapsed: boolean): void;
  setHelpOpen(open: boolean): void;
  /** Folds what a window of this height cannot show beside eight table rows (once per session). */
  fitLayout(fold: { readonly replay: boolean; readonly timeline: boolean }): void;
}

export const createLayoutSlice: StateCreator<InspectorState, [], [], LayoutSlice> = (set) => ({
  timelineFolded: false,
  timelineBreakdown: 'measured',
  sidebarCollapsed: false,
  helpOpen: false,
  layoutFitted: false,
  setTimelineFolded: (timelineFolded) => set({ timelineFolded }),
  setTimelineBreakdown: (timelineBreakdown) => set({ timelineBreakdown }),
  setSidebarCollapsed: (sidebarCollapsed) => set({ sidebarCollapsed }),
  setHelpOpen: (helpOpen) => set({ helpOpen }),
  fitLayout: (fold) =>
    set((s) =>
      s.layoutFitted ? {} : { layoutFitted: true, ...(fold.replay && { replayOpen: false }), ...(fold.timeline && { timelineFolded: true }) },
    ),
});
