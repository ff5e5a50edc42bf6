/**
 * For a file no kind fits: how far the nearest binary TPM reading got, as `as a … : offset N:
 * what was expected` (a truncated quote, AK or signature is "not recognised", and this says
 * where it stops). The reading that failed furthest into the file is the likeliest kind.
 */
import { readAkPublic } from '../tpm/keys/ak-public';
import { parseQuote } from '../tpm/quote/quote';
import { readTpmSignature } from '../tpm/signature/signature';

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
