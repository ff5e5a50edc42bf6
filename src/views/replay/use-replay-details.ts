/**
 * Asks the worker for the replay under every reading (and the quote field by field) when the
 * replay panel is open, once per finished analysis: it replays the log up to six times, so it
 * is never computed on load. Chain: panel open + new analysis → call('getReplayDetails') →
 * LogClient → LogSession.getReplayDetails → ReplayDetails.
 */
import { useEffect, useRef, useState } from 'react';
import type { AnalysisSummary, ReplayDetails } from '../../worker/protocol';
import { useWorkerCall } from '../shared/worker-call';

export type ReplayDetailsState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'loading' }
  | { readonly kind: 'done'; readonly details: ReplayDetails }
  | { readonly kind: 'failed'; readonly message: string };

/** `analysis`: the analysis the details must answer for (each one is asked for once). */
export function useReplayDetails(analysis: AnalysisSummary | undefined, enabled: boolean, allReadings = false): ReplayDetailsState {
  const call = useWorkerCall();
  const [state, setState] = useState<{ readonly key: AnalysisSummary | undefined; readonly value: ReplayDetailsState }>({
    key: undefined,
    value: { kind: 'idle' },
  });
  const requested = useRef<AnalysisSummary | undefined>(undefined);
  const requestedAll = useRef(false);

  useEffect(() => {
    if (!enabled || analysis === undefined || (requested.current === analysis && requestedAll.current === allReadings)) return;
    requested.current = analysis;
    requestedAll.current = allReadings;
    // Answers for an analysis that a newer one replaced are dropped.
    const settle = (value: ReplayDetailsState): void => setState((s) => (requested.current === analysis ? { key: analysis, value } : s));
    settle({ kind: 'loading' });
    call('getReplayDetails', { allReadings }).then(
      (details) => settle({ kind: 'done', details }),
      (e: unknown) => settle({ kind: 'failed', message: e instanceof Error ? e.message : String(e) }),
    );
  }, [enabled, analysis, call, allReadings]);

  if (state.key === analysis) return state.value;
  return { kind: enabled && analysis !== undefined ? 'loading' : 'idle' };
}
