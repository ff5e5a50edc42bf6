/**
 * Which kind of input a file is, by its content alone (CONTRACT §2: never by name). The
 * order matters: the binary formats have magic or structure that text cannot imitate, so
 * they are tried first; text forms last, most specific first.
 */
import { sniffImaLog } from '../ima/sniff-ima';
import { sniffFirmwareLog } from '../eventlog/event-log';
import { sniffTpmArtefact } from '../tpm/classify-tpm';
import type { InputKind } from '../report/report';
import { parseQuote } from '../tpm/quote';
import { isAttestationBundle } from '../tpm/attestation-bundle';
import { readAkPublic } from '../tpm/ak-public';
import { readTpmSignature } from '../tpm/signature';
import { classifyPolicyInput, looksLikeExcludeList } from '../policy/policy-inputs';

/** `head`: the first bytes of the file (64 KiB is plenty for every format). */
export function classifyInput(head: Uint8Array): InputKind | undefined {
  if (head.length === 0) return undefined;
  if (sniffFirmwareLog(head)) return 'tcg-eventlog';
  const ima = sniffImaLog(head);
  if (ima !== undefined) return ima.kind;
  if (isAttestationBundle(head)) return 'attestation-bundle';
  const policy = classifyPolicyInput(head);
  if (policy !== undefined) return policy;
  return sniffTpmArtefact(head) ?? (looksLikeExcludeList(head) ? 'exclude-list' : undefined);
}

/** How much of a file `classifyInput` needs. */
export const CLASSIFY_HEAD_BYTES = 64 * 1024;

/**
 * For a file no kind fits: how far the nearest binary TPM reading got, as `as a … : offset N:
 * what was expected` (a truncated quote, AK or signature is "not recognised", and this says
 * where it stops). The reading that failed furthest into the file is the likeliest kind.
 */
export function diagnoseUnrecognised(bytes: Uint8Array): string | undefined {
  const quote = parseQuote(bytes);
  const readings = [
    ...(quote?.problems.length ? [`as a TPM quote: ${quote.problems.join('; ')}`] : []),
    `as an attestation key: ${readAkPublic(bytes).error ?? ''}`,
    `as a quote signature: ${readTpmSignature(bytes).error ?? ''}`,
  ];
  const offsetOf = (r: string): number => Number(/offset (\d+)/.exec(r)?.[1] ?? -1);
  const best = readings.reduce((a, b) => (offsetOf(b) > offsetOf(a) ? b : a));
  return offsetOf(best) > 0 ? best : undefined;
}
