/**
 * The boot_aggregate values a kernel could have logged for given PCR values
 * (ima-format.md §6, quote-format.md §3.5; kernel `ima_crypto.c` `ima_calc_boot_aggregate_tfm`):
 *
 * - sha1: `SHA1(PCR0 ‖ … ‖ PCR7)`, always PCRs 0–7;
 * - any other bank: `H(PCR0 ‖ … ‖ PCR9)` since 5.8 (and stable backports such as 5.4),
 *   `H(PCR0 ‖ … ‖ PCR7)` on older kernels that already used that bank; both are candidates,
 *   as in Keylime's `__add_boot_aggregate`.
 *
 * The kernel reads the PCRs from the TPM, where a PCR that nothing extended holds its reset
 * value, zero for PCRs 0–9. So a PCR the callback does not know (a firmware log with no
 * PCR 8/9 events, i.e. no GRUB measurements) counts as all zeros. Real data agrees:
 * ima-verify's 2025-03-01 VM has zero PCR 8/9 and its boot_aggregate `fad464ba…` is
 * SHA-256 over PCRs 0–9 with those zeros. A bank is offered only when at least one of its
 * PCRs 0–7 is known, i.e. when the log or the supplied values have that bank at all.
 */
import { HASH_ALGORITHMS, digestSize, type HashAlgorithm } from '../hash/hash-algorithm';
import type { HashProvider } from '../hash/hash-provider';

export interface BootAggregateCandidate {
  bank: HashAlgorithm;
  pcrs: '0-7' | '0-9';
  digest: Uint8Array;
}

export function computeBootAggregateCandidates(
  pcrs: (bank: HashAlgorithm, pcr: number) => Uint8Array | undefined,
  provider: HashProvider,
): BootAggregateCandidate[] {
  const candidates: BootAggregateCandidate[] = [];
  for (const bank of HASH_ALGORITHMS) {
    const hasher = provider.get(bank);
    if (hasher === undefined) continue;
    const values: Uint8Array[] = [];
    let known = false;
    for (let pcr = 0; pcr <= 9; pcr++) {
      const value = pcrs(bank, pcr);
      if (value !== undefined && pcr <= 7) known = true;
      values.push(value ?? new Uint8Array(digestSize(bank)));
    }
    if (!known) continue;
    if (bank !== 'sha1') candidates.push({ bank, pcrs: '0-9', digest: hasher.digestParts(values) });
    candidates.push({ bank, pcrs: '0-7', digest: hasher.digestParts(values.slice(0, 8)) });
  }
  return candidates;
}
