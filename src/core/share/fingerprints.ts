/**
 * Does a permalink's report belong to the files now dropped on the page? A report lists
 * every input with its SHA-256, size and kind; a supplied file matches a listed input when
 * all three agree. Names are not compared (files get renamed, links may redact them), but
 * they pair a changed file with the input it replaces.
 */
import type { Report, ReportInput } from '../report/report';

export interface FingerprintPair {
  /** As the permalink's report lists it. */
  readonly expected: ReportInput;
  /** As fingerprinted from the file supplied now. */
  readonly actual: ReportInput;
}

export interface FingerprintComparison {
  /** Listed inputs supplied unchanged. */
  readonly matched: readonly FingerprintPair[];
  /** Listed inputs for which a different file of the same kind was supplied. */
  readonly differ: readonly FingerprintPair[];
  /** Listed inputs with no file of their kind supplied. */
  readonly missing: readonly ReportInput[];
  /** Supplied files the report does not list. */
  readonly extra: readonly ReportInput[];
  /** Every listed input was supplied unchanged. */
  readonly allMatch: boolean;
}

const sameFile = (a: ReportInput, b: ReportInput): boolean =>
  a.sha256 === b.sha256 && a.size === b.size && a.kind === b.kind;

export function fingerprintsMatch(report: Report, inputs: readonly ReportInput[]): FingerprintComparison {
  const remaining = [...inputs];
  const take = (found: (a: ReportInput) => boolean): ReportInput | undefined => {
    const k = remaining.findIndex(found);
    return k < 0 ? undefined : remaining.splice(k, 1)[0];
  };
  const matched: FingerprintPair[] = [];
  const unmatched: ReportInput[] = [];
  for (const expected of report.inputs) {
    const actual = take((a) => sameFile(a, expected));
    if (actual === undefined) unmatched.push(expected);
    else matched.push({ expected, actual });
  }
  const differ: FingerprintPair[] = [];
  const missing: ReportInput[] = [];
  for (const expected of unmatched) {
    const actual =
      take((a) => a.kind === expected.kind && a.name === expected.name) ?? take((a) => a.kind === expected.kind);
    if (actual === undefined) missing.push(expected);
    else differ.push({ expected, actual });
  }
  return { matched, differ, missing, extra: remaining, allMatch: unmatched.length === 0 };
}
