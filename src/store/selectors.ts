/** Named selectors shared by several views. */
import type { InspectorState } from './inspector-store';
import type { AnalysisSummary } from '../worker/protocol';

/** The analysis to show: the finished one, or the previous one while a re-run is pending. */
export function selectAnalysis(s: InspectorState): AnalysisSummary | undefined {
  if (s.load.kind !== 'ready') return undefined;
  const a = s.load.analysis;
  return a.kind === 'done' ? a.summary : a.kind === 'pending' ? a.previous : undefined;
}

export function selectEntryCount(s: InspectorState): number {
  return s.load.kind === 'ready' ? (s.load.summary.log?.entryCount ?? 0) : 0;
}

/** The reference the open list was compared with, by name, once the comparison is ready. */
export function selectComparedWith(s: InspectorState): string | undefined {
  return s.compare.kind === 'ready' ? s.compare.document.reference.name : undefined;
}
