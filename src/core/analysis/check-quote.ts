/**
 * Checks a TPM2 quote against everything else the user gave (quote-format.md §1.4, §4):
 * its signature with the AK, its nonce, and its pcrDigest recomputed from the replayed IMA
 * PCRs plus the supplied (or firmware-replayed) values of the other selected PCRs, at every
 * prefix of the log, so that "the quote covers entries 1–151 of 201" can be said.
 */
import type { Pause, QuoteProbe } from '../replay/replay-chains';
import type { HashAlgorithm } from '../hash/hash-algorithm';
import type { Hasher, HashProvider } from '../hash/hash-provider';
import type { ImaLog } from '../model/ima-log';
import type { Hypothesis, ReportQuote } from '../report/report';
import type { TpmsAttestQuote } from '../tpm/quote/quote';
import type { TpmSignature } from '../tpm/signature/signature';
import type { AkPublic } from '../tpm/keys/ak-public';
import { notAttestationKey } from '../tpm/keys/ak-attributes';
import { computePcrDigest, verifyQuoteSignature } from '../tpm/quote/verify-quote';
import { compareNonce } from '../tpm/quote/nonce';
import { bytesEqual, toHex } from '../util/bytes';
import { probeQuote, type PcrReplay, type QuoteProbeOutcome } from './check-pcrs';
import { quoteSigningHash } from './quote-probe';

export interface QuoteCheck {
  readonly report: ReportQuote;
  /** Sentences that explain a digest mismatch (what does reproduce the quote, what cannot). */
  readonly evidence: readonly string[];
  readonly signatureDetail?: string;
  /**
   * When the signature verifies with a TPM public area whose attributes make it no attestation
   * key: why (ak-attributes.ts). The signature is still valid; the quote's origin is not attested.
   */
  readonly akNotAttestationKey?: string;
  readonly hypothesis?: Hypothesis;
  readonly missing: ReadonlyArray<{ bank: HashAlgorithm; pcr: number }>;
  readonly signingHash?: HashAlgorithm;
  /** When a prefix of the log reproduces the digest: the log's selected PCR values there. */
  readonly attested?: QuoteProbeOutcome['attested'];
  /**
   * With a log, when the quote selects none of the PCRs it extends (ascending): the quote
   * attests none of its entries, so no prefix is said to match (safeboot's T490 quote of
   * sha256:0–2,4 beside an IMA list said "reproduced by all entries").
   */
  readonly logPcrsUnselected?: readonly number[];
}

export async function checkQuote(
  quote: TpmsAttestQuote,
  ctx: {
    readonly provider: HashProvider;
    readonly log?: ImaLog;
    readonly pcrReplay?: PcrReplay;
    /** The quote as the replay probes for it (quoteProbe); absent when no hasher serves its hash. */
    readonly probe?: QuoteProbe;
    readonly fixedPcr: (bank: HashAlgorithm, pcr: number) => Uint8Array | undefined;
    readonly signature?: TpmSignature;
    readonly ak?: AkPublic;
    /** Every key supplied: a TPM public area of the same key as `ak` says what `ak`, bare, cannot. */
    readonly akTwins?: readonly AkPublic[];
    readonly nonce?: string;
    readonly pause?: Pause;
  },
): Promise<QuoteCheck> {
  const selection: Partial<Record<HashAlgorithm, number[]>> = {};
  for (const s of quote.selection) {
    if (s.bank !== undefined) selection[s.bank] = [...(selection[s.bank] ?? []), ...s.pcrs];
  }
  const report: ReportQuote = {
    pcrDigest: toHex(quote.pcrDigest),
    selection,
    nonce: toHex(quote.extraData),
    signature: 'unchecked',
    clock: {
      clock: Number(quote.clock),
      resetCount: quote.resetCount,
      restartCount: quote.restartCount,
      safe: quote.safe,
    },
    firmwareVersion: quote.firmwareVersion.toString(16).padStart(16, '0'),
  };
  if (ctx.nonce !== undefined) report.nonceMatches = compareNonce(quote.extraData, ctx.nonce).matches;

  let signatureDetail: string | undefined;
  let akNotAttestationKey: string | undefined;
  if (ctx.signature !== undefined && ctx.ak !== undefined) {
    const v = await verifyQuoteSignature(quote, ctx.signature, ctx.ak);
    report.signature = v.valid ? 'valid' : 'invalid';
    signatureDetail = v.detail;
    // The maths holds either way; whether only the TPM could have made what the key signed is
    // up to its attributes: its own, and those of any TPM public area of the same key given too
    // (a bare key or certificate carries none; given first, it must not hide them).
    const ak = ctx.ak;
    const attributes = [ak, ...(ctx.akTwins ?? []).filter((k) => k.spkiDer.length > 0 && bytesEqual(k.spkiDer, ak.spkiDer))].flatMap((k) => (k.objectAttributes === undefined ? [] : [k.objectAttributes]));
    if (v.valid) akNotAttestationKey = attributes.map(notAttestationKey).find((why) => why !== undefined);
  }

  // The digest is over the signing scheme's hash; without a signature, its size tells.
  const signingHash = quoteSigningHash(quote, ctx.signature);
  const hasher = ctx.probe?.hasher;
  let hypothesis: Hypothesis | undefined;
  let missing: ReadonlyArray<{ bank: HashAlgorithm; pcr: number }> = [];
  let attested: QuoteCheck['attested'];
  const evidence: string[] = [];
  if (signingHash === undefined) evidence.push(`No hash algorithm has a ${quote.pcrDigest.length}-byte digest, so the pcrDigest cannot be recomputed.`);
  const logPcrs = ctx.log === undefined ? undefined : ctx.pcrReplay?.logPcrs;
  const logPcrsUnselected =
    logPcrs !== undefined && logPcrs.size > 0 && !quote.selection.some((s) => s.pcrs.some((p) => logPcrs.has(p)))
      ? [...logPcrs].sort((a, b) => a - b)
      : undefined;
  if (hasher !== undefined) {
    if (ctx.log !== undefined && ctx.pcrReplay !== undefined && ctx.probe !== undefined && logPcrsUnselected === undefined) {
      const probe = await probeQuote(ctx.log, ctx.provider, ctx.pcrReplay, ctx.probe, ctx.pause);
      missing = probe.missing;
      if (probe.finalDigest !== undefined) report.computedDigest = toHex(probe.finalDigest);
      if (probe.matchedEntries !== undefined) {
        report.matchedEntries = probe.matchedEntries;
        report.digestMatches = true;
        hypothesis = probe.hypothesis;
        attested = probe.attested;
      } else if (probe.finalDigest !== undefined) {
        report.digestMatches = false;
        if (probe.atReset === true) evidence.push(RESET_QUOTE);
        evidence.push(...explainDigestMismatch(quote, ctx.fixedPcr, hasher, ctx.pcrReplay.logPcrs));
      }
    } else {
      const computed = computePcrDigest(quote.selection, ctx.fixedPcr, hasher);
      missing = computed.missing.flatMap((m) => {
        const bank = m.bank as HashAlgorithm;
        return [{ bank, pcr: m.pcr }];
      });
      if (computed.digest !== undefined) {
        report.computedDigest = toHex(computed.digest);
        report.digestMatches = bytesEqual(computed.digest, quote.pcrDigest);
        if (!report.digestMatches && logPcrsUnselected !== undefined) evidence.push('The quote selects no PCR that the log extends, so the log cannot explain its digest.');
      }
    }
  }
  return {
    report,
    evidence,
    signatureDetail,
    ...(akNotAttestationKey !== undefined ? { akNotAttestationKey } : {}),
    hypothesis,
    missing,
    signingHash,
    ...(attested !== undefined ? { attested } : {}),
    ...(logPcrsUnselected !== undefined ? { logPcrsUnselected } : {}),
  };
}

const RESET_QUOTE =
  'The quote attests the PCRs the log extends at their reset value, before any entry: they were never extended, so the quote covers no entry of this log (a TPM reset, a quote of another boot, or another machine).';

/**
 * Why the replay does not reproduce the quote: if the supplied PCR values alone reproduce
 * it, the log is what disagrees (entries lost or altered, or a log of another boot); if
 * they do not either, the values and the quote are from different moments or machines.
 */
function explainDigestMismatch(
  quote: TpmsAttestQuote,
  supplied: (bank: HashAlgorithm, pcr: number) => Uint8Array | undefined,
  hasher: Hasher,
  logPcrs: ReadonlySet<number>,
): string[] {
  const out: string[] = [];
  const fromSupplied = computePcrDigest(quote.selection, supplied, hasher);
  const imaSelected = quote.selection.flatMap((s) => s.pcrs.filter((p) => logPcrs.has(p)).map((p) => `${s.bank ?? '?'}:${p}`));
  if (fromSupplied.digest !== undefined && bytesEqual(fromSupplied.digest, quote.pcrDigest)) {
    out.push(
      `The supplied PCR values reproduce the quote, so the TPM really held them: the log is what differs on ${imaSelected.join(', ')} (entries lost, altered, or a log of another boot).`,
    );
  } else if (fromSupplied.digest !== undefined) {
    out.push('The supplied PCR values do not reproduce the quote either: they were read at another moment, on another machine, or from another bank.');
  }
  return out;
}
