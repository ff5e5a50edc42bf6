/**
 * How a permalink degrades when it is over its length budget: detail is dropped in a fixed
 * order, least useful first, and each step says in plain words what went, so the person who
 * opens the link knows what they are not seeing. The verdict-bearing parts (inputs and their
 * fingerprints, PCR checks, the quote, error findings) go last or never.
 */
import type { Finding, PcrBankValues } from '../report/report';
import type { PermalinkPayload } from './permalink-schema';

/** Entries kept per finding once entry lists are cut. */
export const FINDING_ENTRIES_KEPT = 20;
/** Items kept per IMA log fact list (violations, mismatches, boots, kexec, parse errors). */
export const LOG_LIST_KEPT = 20;
/** Characters kept per finding message once messages are cut. */
export const MESSAGE_KEPT = 300;
/** Error findings kept in the very last step. */
export const ERROR_FINDINGS_KEPT = 10;

export interface ShrinkStep {
  /** What the step leaves out, for `dropped` ("the embedded log"). */
  readonly dropped: string;
  /** Drops the detail in place; false when there was nothing to drop. */
  apply(p: PermalinkPayload): boolean;
}

function cutList<T>(list: T[], keep: number): boolean {
  if (list.length <= keep) return false;
  list.length = keep;
  return true;
}

/** Removes from `values` every (bank, PCR) that `keep` rejects; deletes emptied banks. */
function prune(values: PcrBankValues, keep: (bank: string, pcr: string) => boolean): boolean {
  let changed = false;
  for (const [bank, pcrs] of Object.entries(values)) {
    if (pcrs === undefined) continue;
    for (const pcr of Object.keys(pcrs)) {
      if (!keep(bank, pcr)) {
        delete pcrs[pcr];
        changed = true;
      }
    }
    if (Object.keys(pcrs).length === 0) delete values[bank as keyof PcrBankValues];
  }
  return changed;
}

export const SHRINK_STEPS: readonly ShrinkStep[] = [
  {
    dropped: 'the embedded log',
    apply: (p) => p.log !== undefined && delete p.log,
  },
  {
    dropped: 'the entries named in findings',
    apply: (p) => p.entries !== undefined && delete p.entries,
  },
  {
    dropped: `finding entry lists past their first ${FINDING_ENTRIES_KEPT} entries`,
    apply: (p) => p.report.findings.map((f) => f.entries !== undefined && cutList(f.entries, FINDING_ENTRIES_KEPT)).includes(true),
  },
  {
    dropped: 'replayed PCR values that no supplied value was compared with',
    apply: (p) => {
      const r = p.report;
      if (r.replay === undefined) return false;
      const checked = new Set((r.pcrChecks ?? []).map((c) => `${c.bank}:${c.pcr}`));
      const changed = prune(r.replay, (bank, pcr) => checked.has(`${bank}:${pcr}`));
      if (Object.keys(r.replay).length === 0) delete r.replay;
      return changed;
    },
  },
  {
    dropped: 'firmware replay values that no supplied value was compared with',
    apply: (p) => {
      const fw = p.report.firmware;
      if (fw === undefined) return false;
      const checked = new Set((fw.checks ?? []).map((c) => `${c.bank}:${c.pcr}`));
      return prune(fw.replay, (bank, pcr) => checked.has(`${bank}:${pcr}`));
    },
  },
  {
    dropped: `IMA log fact lists past their first ${LOG_LIST_KEPT} items (violations, template-hash mismatches, boots, kexec records, parse errors)`,
    apply: (p) => {
      const log = p.report.log;
      if (log === undefined) return false;
      return [
        cutList(log.violations, LOG_LIST_KEPT),
        cutList(log.templateHash.mismatches, LOG_LIST_KEPT),
        cutList(log.boots, LOG_LIST_KEPT),
        cutList(log.kexec, LOG_LIST_KEPT),
        cutList(log.errors, LOG_LIST_KEPT),
      ].includes(true);
    },
  },
  {
    dropped: `policy and signature failure lists past their first ${LOG_LIST_KEPT} entries (their counts stay)`,
    apply: (p) => {
      const { policy, signatures } = p.report;
      return [
        policy !== undefined && cutList(policy.failures, LOG_LIST_KEPT),
        signatures !== undefined && cutList(signatures.failures, LOG_LIST_KEPT),
        signatures !== undefined && cutList(signatures.keys, LOG_LIST_KEPT),
      ].includes(true);
    },
  },
  {
    dropped: 'the view (selected entry, table filter, timeline window)',
    apply: (p) => p.view !== undefined && delete p.view,
  },
  {
    dropped: 'the info findings',
    apply: (p) => cutFindings(p, (f) => f.severity !== 'info'),
  },
  {
    dropped: `finding messages past ${MESSAGE_KEPT} characters`,
    apply: (p) =>
      p.report.findings
        .map((f) => {
          if (f.message.length <= MESSAGE_KEPT) return false;
          f.message = `${f.message.slice(0, MESSAGE_KEPT - 1)}…`;
          return true;
        })
        .includes(true),
  },
  {
    dropped: 'the warning findings',
    apply: (p) => cutFindings(p, (f) => f.severity !== 'warning'),
  },
  {
    dropped: `error findings past the first ${ERROR_FINDINGS_KEPT}`,
    apply: (p) => cutList(p.report.findings, ERROR_FINDINGS_KEPT),
  },
];

function cutFindings(p: PermalinkPayload, keep: (f: Finding) => boolean): boolean {
  const before = p.report.findings.length;
  p.report.findings = p.report.findings.filter(keep);
  return p.report.findings.length < before;
}
