/**
 * A quote as the replay searches for it (replayChains' QuoteProbe): its selection, banks in
 * quote order and PCRs ascending, the hash its pcrDigest is made with, and where the values of
 * selected PCRs the log does not extend come from. analyze, the quote check and the table of
 * every reading all probe with this one.
 */
import { hashAlgorithmsOfSize, type HashAlgorithm } from '../hash/hash-algorithm';
import type { HashProvider } from '../hash/hash-provider';
import type { QuoteProbe } from '../replay/replay-chains';
import type { TpmsAttestQuote } from '../tpm/quote/quote';
import type { TpmSignature } from '../tpm/signature/signature';

/** The pcrDigest's hash: the signature's, else the one whose size equals the digest's. */
export function quoteSigningHash(quote: TpmsAttestQuote, signature: TpmSignature | undefined): HashAlgorithm | undefined {
  return signature?.hashAlg ?? hashAlgorithmsOfSize(quote.pcrDigest.length)[0];
}

/** The probe for `quote`; undefined when no hasher serves its signing hash. */
export function quoteProbe(
  quote: TpmsAttestQuote,
  signature: TpmSignature | undefined,
  fixed: QuoteProbe['fixed'],
  provider: HashProvider,
): QuoteProbe | undefined {
  const signingHash = quoteSigningHash(quote, signature);
  const hasher = signingHash === undefined ? undefined : provider.get(signingHash);
  if (hasher === undefined) return undefined;
  const selection: Array<{ bank: HashAlgorithm; pcrs: number[] }> = [];
  for (const s of quote.selection) {
    if (s.bank !== undefined) selection.push({ bank: s.bank, pcrs: [...s.pcrs].sort((a, b) => a - b) });
  }
  return { selection, hasher, fixed, expected: quote.pcrDigest };
}
