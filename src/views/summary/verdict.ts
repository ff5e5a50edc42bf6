/**
 * The verdict bar's verdict: the core's (verdictOf, one wording everywhere) once the analysis
 * is done, plus the two states only the app has: still verifying, and an analysis that failed.
 */
import { verdictOf, type Verdict, type VerdictTone } from '../../core/analysis/verdict';
import type { AnalysisState } from '../../store/load-slice';
import type { LoadSummary } from '../../worker/protocol';
import { formatCount, plural } from '../shared/format';

export interface ViewVerdict extends Omit<Verdict, 'tone'> {
  readonly tone: VerdictTone | 'pending';
}

export function computeVerdict(summary: LoadSummary, analysis: AnalysisState): ViewVerdict {
  if (analysis.kind === 'failed') {
    return { tone: 'error', headline: 'The analysis failed', detail: analysis.message, moreProblems: 0 };
  }
  const report = analysis.kind === 'done' ? analysis.summary.report : analysis.kind === 'pending' ? analysis.previous?.report : undefined;
  if (report !== undefined) return verdictOf(report);
  const n = summary.log?.entryCount ?? 0;
  const verified = analysis.kind === 'pending' ? analysis.verified : undefined;
  const judged = analysis.kind === 'pending' ? analysis.judged : undefined;
  const percent = (p: { readonly done: number; readonly total: number }): number => Math.floor((100 * p.done) / Math.max(1, p.total));
  // The worker pool reports the template hashes it has checked; then the replay runs, then
  // the runtime policy and the signatures are judged (the worker tells how far).
  const detail =
    judged !== undefined
      ? `Runtime policy and IMA signatures: ${percent(judged)}% judged (Keylime's pass, then every signature as the kernel checks it).`
      : verified === undefined
        ? undefined
        : verified.done < verified.total
          ? `Template hashes: ${formatCount(verified.done)} of ${formatCount(verified.total)} checked (${percent(verified)}%).`
          : 'Template hashes checked; replaying the PCRs…';
  return { tone: 'pending', headline: `Verifying ${plural(n, 'entry', 'entries')}…`, ...(detail ? { detail } : {}), moreProblems: 0 };
}
