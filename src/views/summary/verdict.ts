/**
 * The one-line answer the header leads with: the worst finding, or a clear "agrees" when
 * nothing is wrong. Pure, so the wording is testable without React.
 */
import { FINDING_HELP } from '../../core/analysis/finding-help';
import type { Finding, Report } from '../../core/report/report';
import type { AnalysisState } from '../../store/load-slice';
import type { LoadSummary } from '../../worker/protocol';
import { formatCount, plural } from '../shared/format';

export type VerdictTone = 'error' | 'warning' | 'ok' | 'pending';

export interface Verdict {
  readonly tone: VerdictTone;
  readonly headline: string;
  readonly detail?: string;
  /** The finding the headline comes from. */
  readonly finding?: Finding;
  /** Further findings at error or warning severity. */
  readonly moreProblems: number;
}

function agreement(report: Report): { headline: string; detail: string } {
  const checks = report.pcrChecks ?? [];
  const quoteMatches = report.quote?.digestMatches === true;
  if (checks.length > 0 || report.quote !== undefined) {
    const ahead = report.findings.find((f) => f.code === 'log-ahead-of-pcrs');
    const checked = [
      checks.length > 0 ? plural(checks.length, 'PCR value') : undefined,
      quoteMatches ? 'the quote' : undefined,
    ]
      .filter((s) => s !== undefined)
      .join(' and ');
    return {
      headline: 'Attestation replay agrees',
      detail: ahead !== undefined ? ahead.message : `The log replays to ${checked}.`,
    };
  }
  const entries = report.log?.entries ?? 0;
  return {
    headline: entries > 0 ? 'The log is consistent' : 'Nothing wrong found',
    detail:
      entries > 0
        ? `${plural(entries, 'entry', 'entries')}, every template hash checked. Paste a quote or PCR values to check the replay.`
        : 'Add an IMA measurement list to check it.',
  };
}

export function computeVerdict(summary: LoadSummary, analysis: AnalysisState): Verdict {
  const report =
    analysis.kind === 'done' ? analysis.summary.report : analysis.kind === 'pending' ? analysis.previous?.report : undefined;
  if (analysis.kind === 'failed') {
    return { tone: 'error', headline: 'The analysis failed', detail: analysis.message, moreProblems: 0 };
  }
  if (report === undefined) {
    const n = summary.log?.entryCount ?? 0;
    const verified = analysis.kind === 'pending' ? analysis.verified : undefined;
    // The worker pool reports the template hashes it has checked; then the replay runs.
    const detail =
      verified === undefined
        ? undefined
        : verified.done < verified.total
          ? `Template hashes: ${formatCount(verified.done)} of ${formatCount(verified.total)} checked (${Math.floor((100 * verified.done) / Math.max(1, verified.total))}%).`
          : 'Template hashes checked; replaying the PCRs…';
    return { tone: 'pending', headline: `Verifying ${plural(n, 'entry', 'entries')}…`, ...(detail ? { detail } : {}), moreProblems: 0 };
  }
  const problems = report.findings.filter((f) => f.severity !== 'info');
  const worst = problems[0];
  if (worst !== undefined) {
    return {
      tone: worst.severity === 'error' ? 'error' : 'warning',
      headline: FINDING_HELP[worst.code].title,
      detail: worst.message,
      finding: worst,
      moreProblems: problems.length - 1,
    };
  }
  return { tone: 'ok', ...agreement(report), moreProblems: 0 };
}
