/**
 * The document `imascope compare --json` prints (schema `imascope.compare/1`, README
 * "Comparing two lists"). CONTRACT §5.2 fixes only the top-level path counts `changed`,
 * `new`, `gone` and `same`; the rest is ours, and grows only by new keys.
 */
import type { Finding, Report } from '../report/report';
import { findingsExitStatus } from '../analysis/verdict';
import type { ClassCounts, CompareGroup, Divergence, LogComparison, SideFacts } from './compare-logs';

export const COMPARE_SCHEMA = 'imascope.compare/1';

/**
 * What `compare --json` prints when no comparison was made (a usage error, an input that cannot
 * be read, a bug): still one JSON document, without counts, since nothing was counted.
 */
export interface CompareErrorDocument {
  readonly schema: typeof COMPARE_SCHEMA;
  readonly error: { readonly code: 'usage-error' | 'input-unreadable' | 'internal-error'; readonly message: string };
}

/** A supplied PCR value or quote of the failing list, judged against the divergence. */
export interface FailingCheck {
  readonly source: 'pcr' | 'quote';
  readonly bank?: string;
  readonly pcr?: number;
  readonly status: 'match' | 'prefix' | 'mismatch';
  /** Entries of the failing list the supplied value covers, when it matched. */
  readonly matchedEntries?: number;
  /**
   * True when the replay matches at least up to the divergence (the failing list is what the
   * TPM saw until the lists part); false when it does not; absent without a divergence.
   */
  readonly coversDivergence?: boolean;
}

/**
 * Each side's findings, worst first, as `analyze` reports them (§3 findings): a list's own
 * checks (parse errors, template hashes…) and, for the failing list given with PCR values, a
 * quote, its signature and AK, a policy…, every check `analyze` makes with them. A reference
 * policy has none (one that cannot be read stops the run). The CLI and the app's export both
 * give them.
 */
export interface SideFindings {
  readonly reference: readonly Finding[];
  readonly failing: readonly Finding[];
}

export interface CompareDocument extends ClassCounts {
  readonly schema: typeof COMPARE_SCHEMA;
  readonly reference: SideFacts & { readonly name: string; readonly findings?: readonly Finding[] };
  readonly failing: SideFacts & { readonly name: string; readonly findings?: readonly Finding[]; readonly checks?: readonly FailingCheck[] };
  readonly groups: readonly CompareGroup[];
  readonly divergence?: Divergence;
  readonly notes: readonly string[];
}

export function compareDocument(
  result: LogComparison,
  names: { readonly reference: string; readonly failing: string },
  findings?: SideFindings,
  checks?: readonly FailingCheck[],
): CompareDocument {
  const { changed, new: added, gone, same, incomparable, excluded } = result.counts;
  return {
    schema: COMPARE_SCHEMA,
    changed,
    new: added,
    gone,
    same,
    incomparable,
    excluded,
    reference: { name: names.reference, ...result.reference, ...(findings !== undefined ? { findings: findings.reference } : {}) },
    failing: { name: names.failing, ...result.failing, ...(findings !== undefined ? { findings: findings.failing } : {}), ...(checks !== undefined ? { checks } : {}) },
    groups: result.groups,
    ...(result.divergence !== undefined ? { divergence: result.divergence } : {}),
    notes: result.notes,
  };
}

/**
 * Whether the failing list differs from the reference. A policy lists every file of an image
 * and one boot measures a subset, so its `gone` paths are expected and not a difference; a
 * list's are (something the good boot measured is missing).
 */
export function hasDifferences(counts: ClassCounts, reference: 'list' | 'policy'): boolean {
  return counts.changed + counts.new + counts.incomparable + (reference === 'list' ? counts.gone : 0) > 0;
}

/**
 * `compare`'s exit status (README "Comparing two lists"): 2 when an input could not be read as
 * its kind (as `analyze`: a supplied input went unchecked), 1 when the lists differ or a check
 * of either side failed (an error finding: a tampered list, a PCR value or quote the failing
 * list does not reproduce, a signature that does not verify…), 0 otherwise.
 */
export function compareExitStatus(doc: CompareDocument): 0 | 1 | 2 {
  const checks = findingsExitStatus([...(doc.reference.findings ?? []), ...(doc.failing.findings ?? [])]);
  return checks === 0 && hasDifferences(doc, doc.reference.kind) ? 1 : checks;
}

/**
 * The failing list's PCR checks and quote, seen from the divergence: does the TPM agree with
 * the failing list at least until the two lists part? `entries` is the failing list's length.
 */
export function failingChecks(report: Report, entries: number, divergence: Divergence | undefined): FailingCheck[] {
  const check = (base: Omit<FailingCheck, 'matchedEntries' | 'coversDivergence'>, matched: number | undefined): FailingCheck => ({
    ...base,
    ...(matched !== undefined ? { matchedEntries: matched } : {}),
    ...(divergence !== undefined ? { coversDivergence: matched !== undefined && matched >= divergence.index } : {}),
  });
  const checks = (report.pcrChecks ?? []).map((c) =>
    check({ source: 'pcr', bank: c.bank, pcr: c.pcr, status: c.status }, c.status === 'mismatch' ? undefined : (c.matchedEntries ?? entries)),
  );
  const quote = report.quote;
  if (quote !== undefined) {
    const matched = quote.matchedEntries;
    checks.push(check({ source: 'quote', status: matched === undefined ? 'mismatch' : matched === entries ? 'match' : 'prefix' }, matched));
  }
  return checks;
}
