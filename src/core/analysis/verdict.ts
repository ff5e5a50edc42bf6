/**
 * The verdict: the one answer a report gives, worked out here for every place that shows it
 * (the CLI's first line and its exit status, the HTML report, the app's verdict bar and the
 * permalink view). The worst error or warning leads, in its finding's title and message;
 * with none, what was checked and what agrees. Views add only their pending and failed states.
 */
import type { Finding, Report, ReportFirmware } from '../report/report';
import { plural } from '../util/count-text';
import { formatPcrSet } from '../util/pcr-set';
import { FINDING_HELP } from './finding-help';

export type VerdictTone = 'ok' | 'warning' | 'error';

export interface Verdict {
  readonly tone: VerdictTone;
  readonly headline: string;
  readonly detail?: string;
  /** The finding the headline comes from. */
  readonly finding?: Finding;
  /** Further findings at error or warning severity. */
  readonly moreProblems: number;
}

/** The verdict in one word for plain-text outputs (CLI, HTML report). */
export const VERDICT_STATUS: Readonly<Record<VerdictTone, string>> = {
  ok: 'PASS',
  warning: 'PASS with warnings',
  error: 'FAIL',
};

export function verdictOf(report: Report): Verdict {
  // analyze sorts the findings worst first (compareFindings), so the first problem is the worst.
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

/**
 * The CLI's exit status for a report (CONTRACT §2, §5.2): 2 when an input could not be read as
 * its kind (fail closed: whatever else agreed, a supplied input went unchecked), 1 when a check
 * failed, 0 when every supplied check agrees.
 */
export function exitStatusOf(report: Report): 0 | 1 | 2 {
  return findingsExitStatus(report.findings);
}

/** exitStatusOf for findings in any order (`compare` joins both sides'): the verdict's tone is error exactly when one is. */
export function findingsExitStatus(findings: readonly Finding[]): 0 | 1 | 2 {
  if (findings.some((f) => f.code === 'input-unreadable')) return 2;
  return findings.some((f) => f.severity === 'error') ? 1 : 0;
}

/** What agrees when nothing is wrong: the replay against the supplied values, else the log alone. */
function agreement(report: Report): { headline: string; detail: string } {
  // Values a quote attests are the quote's agreement, not supplied values of their own.
  const checks = (report.pcrChecks ?? []).filter((c) => c.fromQuote === undefined);
  // With a log, a reproduced quote without matchedEntries selects none of the PCRs the log
  // extends: it attests no entry. The log's replay is unchecked when no quote attests an entry
  // (one quote per bank: one may select PCRs 0–7 and another PCR 10).
  const quotes = report.quotes ?? (report.quote === undefined ? [] : [report.quote]);
  // A quote without a log: what agreed is the quote and the PCR values, no measurement.
  if (report.log === undefined && quotes.length > 0) {
    return {
      headline: 'The quote agrees',
      detail: `${quotes.some((q) => q.digestMatches === true) ? "The supplied PCR values reproduce the quote's pcrDigest. " : ''}No IMA measurement list was given: add it to check what the PCRs measured.`,
    };
  }
  // A firmware log without a list: what was checked is its replay, and the supplied values of
  // the PCRs it governs; no measurement list, so no IMA check is implied.
  const fw = report.firmware;
  if (report.log === undefined && fw?.ccRegisters !== undefined) {
    return {
      headline: 'The TDX event log replays',
      detail: `${plural(fw.events, 'event')} replayed into ${Object.keys(fw.ccRegisters).join(', ') || 'no register'}: a TD quote carries these registers, and no TPM PCR value or quote is compared with them. No IMA measurement list was given: add it to check what was measured.`,
    };
  }
  if (report.log === undefined && fw !== undefined) {
    const compared = fw.checks?.length ?? 0;
    const banks = firmwarePcrsText(fw);
    const replayed = `${plural(fw.events, 'event')} replayed${banks === '' ? ', no PCR extended' : ` into ${banks}`}`;
    return {
      headline: compared > 0 ? 'The firmware log agrees' : 'The firmware log replays',
      detail: `${compared > 0 ? `${replayed}, reproducing ${plural(compared, 'supplied PCR value')}` : `${replayed}; no PCR values or quote to compare them with`}. No IMA measurement list was given: add it to check what the PCRs measured.`,
    };
  }
  const quoteMissesLog = quotes.length > 0 && report.log !== undefined && quotes.every((q) => q.matchedEntries === undefined);
  if (checks.length > 0 || (quotes.length > 0 && !quoteMissesLog)) {
    const ahead = report.findings.find((f) => f.code === 'log-ahead-of-pcrs');
    const checked = [
      checks.length > 0 ? plural(checks.length, 'PCR value') : undefined,
      report.quote?.digestMatches === true ? 'the quote' : undefined,
    ]
      .filter((s) => s !== undefined)
      .join(' and ');
    return {
      headline: 'Attestation replay agrees',
      detail: ahead !== undefined ? ahead.message : checked !== '' ? `The log replays to ${checked}.` : 'Every supplied check agrees.',
    };
  }
  const entries = report.log?.entries ?? 0;
  return entries > 0
    ? {
        headline: 'The log is consistent',
        detail: `${plural(entries, 'entry', 'entries')}, every template hash checked. ${
          quoteMissesLog ? 'The quote selects none of the PCRs the log extends: add a quote or PCR values of those PCRs' : 'Add a quote or PCR values'
        } to check the replay.`,
      }
    : { headline: 'Nothing wrong found', detail: 'Add an IMA measurement list to check it.' };
}

/**
 * The PCRs a firmware log's replay extended, per bank ("sha1 PCRs 0–9, sha256 PCRs 0–9"); a
 * bank with no PCR extended (a log cut before its first event) is left out: '' when none is.
 */
export function firmwarePcrsText(fw: Pick<ReportFirmware, 'replay'>): string {
  return Object.entries(fw.replay)
    .filter(([, pcrs]) => Object.keys(pcrs ?? {}).length > 0)
    .map(([bank, pcrs]) => `${bank} PCRs ${formatPcrSet(Object.keys(pcrs ?? {}).map(Number))}`)
    .join(', ');
}

/** The verdict as one line of text: "FAIL — <title>: <message>". */
export function verdictLine(verdict: Verdict): string {
  const detail = verdict.detail === undefined ? '' : `: ${verdict.detail}`;
  return `${VERDICT_STATUS[verdict.tone]} — ${verdict.headline}${detail}`;
}

/** Said under the verdict when more than the one problem it names was found. */
export function moreProblemsText(verdict: Pick<Verdict, 'moreProblems'>): string | undefined {
  return verdict.moreProblems > 0 ? `and ${plural(verdict.moreProblems, 'more problem')} in the findings.` : undefined;
}
