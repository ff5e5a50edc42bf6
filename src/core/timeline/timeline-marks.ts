/**
 * What the timeline marks on a log, computed once per analysis: sorted entry indices per
 * marker kind (CONTRACT §4 `data-kind`), the runs and windows drawn as bands, and where the
 * replay meets the quote or the supplied PCRs. The x axis is the entry position; everything
 * here is in entry indices, so the worker can answer any window by binary search.
 *
 * Sources: boots and kexec records from the log facts (ima-format.md §6, §7), violations,
 * template-hash mismatches and opposite-byte-order entries from the verification flags,
 * signatures from the key-id column, match points from `report.pcrChecks` and
 * `report.quote.matchedEntries`, parse errors from byte offsets mapped to the entry they
 * interrupt, and the firmware log's event count for the segment before entry 0.
 */
import type { Analysis } from '../analysis/analysis-types';
import { toIndexRuns, type IndexRun } from '../analysis/index-runs';
import { computeSoftReboots, type SoftRebootOutcome } from '../analysis/soft-reboots';
import { EntryFlag, type ImaLog, type IndexIntoEntryTable } from '../model/ima-log';
import { countEntries } from '../model/entry-counts';
import { PolicyCode, SignatureCode, type EntryVerdicts } from '../query/entry-verdicts';
import { NO_KEY_ID, type KeyIdColumn } from '../query/signature-key-ids';

/** The marker kinds of CONTRACT §4, in lane order. */
export const TIMELINE_MARKER_KINDS = [
  'boot',
  'kexec_load',
  'kexec_execute',
  'violation',
  'hash-mismatch',
  'byte-order',
  'pcr-match',
  'parse-error',
] as const;

export type TimelineMarkerKind = (typeof TIMELINE_MARKER_KINDS)[number];

/** A point where replaying the first `matchedEntries` entries reproduces supplied values. */
export interface TimelineMatch {
  readonly matchedEntries: number;
  /** What is reproduced there: "quote", "sha256 PCR 10"… */
  readonly sources: readonly string[];
  /** True when that point is the end of the log (nothing measured after the values were read). */
  readonly wholeLog: boolean;
}

/** A soft reboot as drawn: the new boot, its kexec records and the entries where loss may hide. */
export interface TimelineSoftReboot {
  readonly boot: IndexIntoEntryTable;
  readonly load?: IndexIntoEntryTable;
  readonly execute?: IndexIntoEntryTable;
  readonly outcome: SoftRebootOutcome;
  readonly suspect?: IndexRun;
}

export interface TimelineParseError {
  readonly offset: number;
  readonly message: string;
  /** The entry the bad bytes follow (0 when they come first). */
  readonly index: IndexIntoEntryTable;
}

export interface TimelineMarks {
  readonly entryCount: number;
  /** PCRs the log extends, ascending. */
  readonly pcrs: readonly number[];
  /** Entries per PCR, in `pcrs` order. */
  readonly pcrCounts: readonly number[];
  /** Ascending entry indices per kind; byte-order holds the first entry of each run. */
  readonly markers: Readonly<Record<TimelineMarkerKind, Int32Array>>;
  readonly byteOrderRuns: readonly IndexRun[];
  readonly softReboots: readonly TimelineSoftReboot[];
  /** Ascending by matchedEntries. */
  readonly matches: readonly TimelineMatch[];
  /** A quote or PCR values were compared with the replay (so no match point is a failure). */
  readonly valuesChecked: boolean;
  readonly parseErrors: readonly TimelineParseError[];
  /** Entries per signing key presence: how many carry a signature. */
  readonly signedCount: number;
  /** Events in the firmware log given beside the list (the segment before entry 0). */
  readonly firmwareEvents?: number;
  readonly byteOrder: 'little' | 'big';
  /** False until verification has set the hash flags (violations, mismatches, byte order). */
  readonly verified: boolean;
  /** The failure series of the checks that ran (policy, signatures), with their totals. */
  readonly verdictSeries: readonly VerdictSeries[];
}

/** Entries a check failed, as a timeline series: a verdict column and which codes fail. */
export interface VerdictSeries {
  readonly id: 'policy-fail' | 'signature-fail';
  readonly column: Uint8Array;
  /** Indexed by code: 1 when the code is a failure. */
  readonly failing: Uint8Array;
  /** Failures in the whole log. */
  readonly total: number;
}

const CODE_COUNT = 256;
const POLICY_FAILURES = [PolicyCode.fail];
const SIGNATURE_FAILURES = [SignatureCode.invalid, SignatureCode['unknown-key'], SignatureCode.malformed];

function verdictSeriesOf(id: VerdictSeries['id'], column: Uint8Array, codes: readonly number[]): VerdictSeries {
  const failing = new Uint8Array(CODE_COUNT);
  for (const code of codes) failing[code] = 1;
  let total = 0;
  for (let i = 0; i < column.length; i++) total += failing[column[i]];
  return { id, column, failing, total };
}

/** The failure series of the verdict columns that were filled (counted once per analysis). */
function verdictSeries(verdicts: EntryVerdicts | undefined): VerdictSeries[] {
  const out: VerdictSeries[] = [];
  if (verdicts?.policy !== undefined) out.push(verdictSeriesOf('policy-fail', verdicts.policy, POLICY_FAILURES));
  if (verdicts?.signature !== undefined) out.push(verdictSeriesOf('signature-fail', verdicts.signature, SIGNATURE_FAILURES));
  return out;
}

/** The entry whose bytes a parse error interrupts: the last one starting at or before it. */
export function entryAtOffset(log: ImaLog, offset: number): IndexIntoEntryTable {
  const starts = log.entries.sourceOffset;
  let lo = 0;
  let hi = log.entries.length - 1;
  if (hi < 0 || offset < starts[0]) return 0;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function matchesOf(analysis: Analysis | undefined, entryCount: number): TimelineMatch[] {
  const report = analysis?.report;
  const byCount = new Map<number, string[]>();
  const add = (count: number | undefined, source: string): void => {
    if (count === undefined || count <= 0) return;
    const list = byCount.get(count) ?? [];
    list.push(source);
    byCount.set(count, list);
  };
  if (report?.quote?.digestMatches === true) add(report.quote.matchedEntries, 'quote');
  for (const c of report?.pcrChecks ?? []) {
    if (c.status !== 'mismatch') add(c.matchedEntries, `${c.bank} PCR ${c.pcr}`);
  }
  return [...byCount.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([matchedEntries, sources]) => ({ matchedEntries, sources, wholeLog: matchedEntries === entryCount }));
}

/**
 * `analysis` absent: the log is parsed but not yet verified, so only what the model itself
 * says (PCRs, signatures, parse errors) is marked. `keyIds` absent: no signature lane.
 * `verdicts`: the analysis's policy and signature columns (their failure lanes).
 */
export function computeTimelineMarks(log: ImaLog, analysis?: Analysis, keyIds?: KeyIdColumn, verdicts?: EntryVerdicts): TimelineMarks {
  const e = log.entries;
  const n = e.length;
  const facts = analysis?.logFacts;
  const violations: number[] = [];
  const mismatches: number[] = [];
  const opposite: number[] = [];
  let signedCount = 0;
  for (let i = 0; i < n; i++) {
    const f = e.flags[i];
    if ((f & EntryFlag.Violation) !== 0) violations.push(i);
    if ((f & EntryFlag.HashMismatch) !== 0) mismatches.push(i);
    if ((f & EntryFlag.OppositeByteOrder) !== 0) opposite.push(i);
    if (keyIds !== undefined && keyIds.at(i) !== NO_KEY_ID) signedCount++;
  }
  const byteOrderRuns = toIndexRuns(opposite);
  const parseErrors = log.errors.map((err) => ({ offset: err.offset, message: err.message, index: entryAtOffset(log, err.offset) }));
  const matches = matchesOf(analysis, n);
  const kexecOf = (event: 'kexec_load' | 'kexec_execute'): Int32Array =>
    Int32Array.from((facts?.kexec ?? []).filter((m) => m.event === event).map((m) => m.index));
  const markers: Record<TimelineMarkerKind, Int32Array> = {
    boot: Int32Array.from((facts?.boots ?? []).map((b) => b.index)),
    kexec_load: kexecOf('kexec_load'),
    kexec_execute: kexecOf('kexec_execute'),
    violation: Int32Array.from(violations),
    'hash-mismatch': Int32Array.from(mismatches),
    'byte-order': Int32Array.from(byteOrderRuns.map((r) => r.first)),
    'pcr-match': Int32Array.from(matches.map((m) => m.matchedEntries - 1)),
    'parse-error': Int32Array.from(parseErrors.map((p) => p.index)).sort(),
  };
  const softReboots = facts === undefined ? [] : computeSoftReboots(facts).map((r) => ({
    boot: r.boot.index,
    ...(r.load !== undefined && { load: r.load.index }),
    ...(r.execute !== undefined && { execute: r.execute.index }),
    outcome: r.outcome,
    ...(r.suspect !== undefined && { suspect: r.suspect }),
  }));
  const perPcr = countEntries(log).pcrs;
  const firmwareEvents = analysis?.report.firmware?.events;
  return {
    entryCount: n,
    pcrs: perPcr.map((p) => p.pcr),
    pcrCounts: perPcr.map((p) => p.count),
    markers,
    byteOrderRuns,
    softReboots,
    matches,
    valuesChecked: (analysis?.report.pcrChecks?.length ?? 0) > 0 || analysis?.report.quote !== undefined,
    parseErrors,
    signedCount,
    ...(firmwareEvents !== undefined && { firmwareEvents }),
    byteOrder: log.byteOrder,
    verified: analysis !== undefined,
    verdictSeries: verdictSeries(verdicts),
  };
}
