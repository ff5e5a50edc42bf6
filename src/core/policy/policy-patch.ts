/**
 * "Add the failing entries to the policy": the fastest way to close a false alarm after an
 * update. From a dry run, the entries Keylime failed for a reason the policy can fix (a path
 * it does not list, a digest it does not accept, a key entry whose keyring digest is missing,
 * a signature that would not verify with no policy), merged into the judged policy by the one
 * writer (create-policy.ts) for the user to review before downloading. Failures a policy
 * cannot fix (template hash, unparsable templates, wrong PCR) are listed apart.
 */
import type { HashProvider } from '../hash/hash-provider';
import type { ImaLog, IndexIntoEntryTable } from '../model/ima-log';
import { addMeasurementsToPolicy, measurementsOf, policyBase, type MergedPolicy } from './create-policy';
import type { PolicyDryRun, PolicyFailureReason } from './policy-dry-run';

const FIXABLE: ReadonlySet<PolicyFailureReason> = new Set(['not-in-policy', 'digest-not-in-policy', 'key-not-in-policy', 'signature-invalid']);

export interface PolicyPatch extends MergedPolicy {
  /** Failing entries a policy change cannot fix, with Keylime's reason. */
  readonly notFixable: readonly { readonly index: IndexIntoEntryTable; readonly reason: PolicyFailureReason }[];
}

/** The patch, or why no policy can be written for this list (create-policy.ts policyBase). */
export function failingEntriesPatch(run: PolicyDryRun, log: ImaLog, provider: HashProvider): PolicyPatch | { readonly refused: string } {
  const failures = run.policy?.failures ?? [];
  const fixable = new Set<IndexIntoEntryTable>();
  const notFixable: { index: IndexIntoEntryTable; reason: PolicyFailureReason }[] = [];
  for (const f of failures) {
    if (FIXABLE.has(f.reason)) fixable.add(f.index);
    else notFixable.push({ index: f.index, reason: f.reason });
  }
  const base = policyBase([log], run.runtimePolicy !== undefined ? { base: run.runtimePolicy } : {});
  if ('refused' in base) return base;
  const { measurements, skipped } = measurementsOf(log, provider, [...fixable].sort((a, b) => a - b));
  const merged = addMeasurementsToPolicy(base.document, measurements);
  return { ...merged, skipped: [...skipped, ...merged.skipped], notFixable };
}
