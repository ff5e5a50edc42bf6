/**
 * `n` / `N`: the entries the findings point at, in log order, and the next or previous one
 * from the selected entry (wrapping round, as a search in a pager does). Errors and warnings
 * are what a user steps through; informational findings count only when there is nothing else.
 */
import type { Finding } from '../../core/report/report';

export function findingEntries(findings: readonly Finding[]): number[] {
  const problems = findings.filter((f) => f.severity !== 'info');
  const chosen = problems.some((f) => (f.entries?.length ?? 0) > 0) ? problems : findings;
  const all = new Set<number>();
  for (const f of chosen) for (const i of f.entries ?? []) all.add(i);
  return [...all].sort((a, b) => a - b);
}

/** The entry after (`step` 1) or before (−1) `from` in `entries`; undefined when there are none. */
export function stepFinding(entries: readonly number[], from: number | undefined, step: 1 | -1): number | undefined {
  if (entries.length === 0) return undefined;
  if (from === undefined) return step === 1 ? entries[0] : entries[entries.length - 1];
  if (step === 1) return entries.find((i) => i > from) ?? entries[0];
  for (let k = entries.length - 1; k >= 0; k--) if (entries[k] < from) return entries[k];
  return entries[entries.length - 1];
}
