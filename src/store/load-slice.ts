/**
 * The load lifecycle: one discriminated union, never parallel booleans. `ready` holds the
 * worker's summary of the inputs and, separately, the state of the analysis (verification,
 * replay, findings), which finishes after the first rows are already browsable.
 */
import type { StateCreator } from 'zustand/vanilla';
import type {
  AnalysisSummary,
  InputSummary,
  LoadPhase,
  LoadSummary,
  ProgressEvent,
} from '../worker/protocol';
import type { InspectorState } from './inspector-store';

export type AnalysisState =
  | {
      readonly kind: 'pending';
      readonly previous?: AnalysisSummary;
      /** Entries whose template hash the worker pool has verified so far, of `total`. */
      readonly verified?: { readonly done: number; readonly total: number };
      /** Steps of the runtime-policy dry run and its signature checks done so far, of `total`. */
      readonly judged?: { readonly done: number; readonly total: number };
    }
  | { readonly kind: 'done'; readonly summary: AnalysisSummary }
  | { readonly kind: 'failed'; readonly message: string };

export type LoadState =
  | { readonly kind: 'idle' }
  | {
      readonly kind: 'loading';
      readonly fileNames: readonly string[];
      readonly phase: LoadPhase;
      readonly bytesRead: number;
      readonly bytesTotal: number;
      readonly entryCount: number;
      /** performance.now() when the load started, for the rate. */
      readonly startedAt: number;
    }
  | {
      readonly kind: 'ready';
      readonly summary: LoadSummary;
      readonly analysis: AnalysisState;
      /**
       * A preview (summary.reading): the list's first rows show while the rest is read. Its
       * progress is not kept: every component reading `load` would render again at each event,
       * on the core the parse needs.
       */
      readonly reading?: true;
    }
  | {
      readonly kind: 'error';
      readonly message: string;
      readonly inputs?: readonly InputSummary[];
    };

export interface LoadSlice {
  readonly load: LoadState;
  startLoad(fileNames: readonly string[], bytesTotal: number, startedAt: number): void;
  reportProgress(progress: ProgressEvent): void;
  /** The load's answer, or (summary.reading) a preview of the list being read. */
  finishLoad(summary: LoadSummary): void;
  failLoad(message: string, inputs?: readonly InputSummary[]): void;
  startAnalysis(): void;
  finishAnalysis(summary: AnalysisSummary): void;
  reportAnalysisProgress(done: number, total: number): void;
  reportPolicyProgress(done: number, total: number): void;
  failAnalysis(message: string): void;
  resetLoad(): void;
}

export const createLoadSlice: StateCreator<InspectorState, [], [], LoadSlice> = (set) => ({
  load: { kind: 'idle' },
  startLoad: (fileNames, bytesTotal, startedAt) =>
    set({
      load: { kind: 'loading', fileNames, phase: 'reading', bytesRead: 0, bytesTotal, entryCount: 0, startedAt },
    }),
  reportProgress: (progress) =>
    set((s) =>
      s.load.kind === 'loading'
        ? {
            load: {
              ...s.load,
              phase: progress.phase,
              bytesRead: progress.bytesRead,
              bytesTotal: progress.bytesTotal,
              entryCount: progress.entryCount,
            },
          }
        : {},
    ),
  finishLoad: (summary) =>
    set({ load: { kind: 'ready', summary, analysis: { kind: 'pending' }, ...(summary.reading === true ? { reading: true as const } : {}) } }),
  failLoad: (message, inputs) => set({ load: { kind: 'error', message, ...(inputs ? { inputs } : {}) } }),
  startAnalysis: () =>
    set((s) => {
      if (s.load.kind !== 'ready') return {};
      const previous = s.load.analysis.kind === 'done' ? s.load.analysis.summary : undefined;
      return { load: { ...s.load, analysis: { kind: 'pending', ...(previous ? { previous } : {}) } } };
    }),
  reportAnalysisProgress: (done, total) =>
    set((s) =>
      s.load.kind === 'ready' && s.load.analysis.kind === 'pending'
        ? { load: { ...s.load, analysis: { ...s.load.analysis, verified: { done, total } } } }
        : {},
    ),
  reportPolicyProgress: (done, total) =>
    set((s) =>
      s.load.kind === 'ready' && s.load.analysis.kind === 'pending'
        ? { load: { ...s.load, analysis: { ...s.load.analysis, judged: { done, total } } } }
        : {},
    ),
  finishAnalysis: (summary) =>
    set((s) => (s.load.kind === 'ready' ? { load: { ...s.load, analysis: { kind: 'done', summary } } } : {})),
  failAnalysis: (message) =>
    set((s) => (s.load.kind === 'ready' ? { load: { ...s.load, analysis: { kind: 'failed', message } } } : {})),
  resetLoad: () => set({ load: { kind: 'idle' } }),
});
