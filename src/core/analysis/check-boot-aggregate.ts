/**
 * Compares each `boot_aggregate` entry with the value computed from PCRs 0–9 (supplied
 * values, else the firmware log's replay). ima-format.md §6: SHA-1 covers PCRs 0–7; other
 * banks cover 0–9 since 5.8 (and 0–7 before the backport), so both are candidates.
 */
import { parseHashAlgorithm, type HashAlgorithm } from '../hash/hash-algorithm';
import type { HashProvider } from '../hash/hash-provider';
import { computeBootAggregateCandidates, type BootAggregateCandidate } from '../eventlog/boot-aggregate';
import { isAllZero, fromHex, toHex } from '../util/bytes';
import type { BootFact } from './log-facts';

export interface BootAggregateResult {
  readonly boot: BootFact;
  /** Candidates of the entry's algorithm. */
  readonly candidates: readonly BootAggregateCandidate[];
  readonly matched?: BootAggregateCandidate;
  /** The entry's digest is all zero: the kernel found no TPM bank to read. */
  readonly noTpm: boolean;
}

export function checkBootAggregates(
  boots: readonly BootFact[],
  pcr: (bank: HashAlgorithm, index: number) => Uint8Array | undefined,
  provider: HashProvider,
): BootAggregateResult[] {
  if (boots.length === 0) return [];
  const all = computeBootAggregateCandidates(pcr, provider);
  const results: BootAggregateResult[] = [];
  for (const boot of boots) {
    const alg = parseHashAlgorithm(boot.algorithm);
    const candidates = all.filter((c) => c.bank === alg);
    if (candidates.length === 0) continue; // no PCRs 0–7 of that bank were given
    const digest = fromHex(boot.hex) ?? new Uint8Array();
    const matched = candidates.find((c) => toHex(c.digest) === boot.hex);
    results.push({ boot, candidates, matched, noTpm: isAllZero(digest) });
  }
  return results;
}
