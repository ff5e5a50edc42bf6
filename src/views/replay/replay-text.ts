/**
 * The replay panel's wording, pure so it is testable without React: where the log meets the
 * quote, what each reading of the log means.
 */
import type { ByteOrder } from '../../core/model/ima-log';
import type { Hypothesis, QuoteSources, Report, ReportQuote } from '../../core/report/report';
import type { DigestInputSource, QuoteDetails } from '../../core/analysis/quote-details';
import { formatPcrSet } from '../../core/util/pcr-set';
import type { PcrConflict } from '../../core/tpm/pcrs/pcr-value-set';
import { formatCount, plural } from '../shared/format';

/** How one of the quote's checks came out; `unchecked` when a value it needs was not given. */
export type CheckOutcome = 'good' | 'bad' | 'unchecked';

export function outcomeOf(matches: boolean | undefined): CheckOutcome {
  return matches === undefined ? 'unchecked' : matches ? 'good' : 'bad';
}

/** A quote's signature verdict and, when known, whether the key it verifies with is an AK. */
export type SignedQuote = Pick<ReportQuote, 'signature'> & Pick<QuoteSources, 'akNotAttestationKey'>;

/** A valid signature by a key that is not an attestation key attests nothing: a failed check. */
export function signatureOutcome(q: SignedQuote): CheckOutcome {
  if (q.akNotAttestationKey !== undefined) return 'bad';
  return q.signature === 'valid' ? 'good' : q.signature === 'invalid' ? 'bad' : 'unchecked';
}

/** The signature's word: `valid` never stands alone when the key is not an attestation key. */
export function signatureWord(q: SignedQuote): string {
  return q.akNotAttestationKey !== undefined ? 'valid, but not by an AK' : q.signature;
}

/** The nonce check's outcome in one word (the headline chips and the verification card). */
export const NONCE_WORDS: Readonly<Record<CheckOutcome, string>> = { good: 'matches', bad: 'differs', unchecked: 'not given' };

/** The pcrDigest check's outcome in one word. */
export const DIGEST_WORDS: Readonly<Record<CheckOutcome, string>> = { good: 'reproduced', bad: 'differs', unchecked: 'not checked' };

/**
 * "The quote covers entries 1–151 of 201; 50 were measured after it." A match covers at least
 * one entry: a value before the log's first entry of the PCR is its reset value, no match.
 */
export function coverageSentence(what: string, matchedEntries: number, entryCount: number): string {
  if (matchedEntries >= entryCount) return `${what} covers all ${plural(entryCount, 'entry', 'entries')} of the log.`;
  const after = entryCount - matchedEntries;
  return `${what} covers entries 1–${formatCount(matchedEntries)} of ${formatCount(entryCount)}; ${formatCount(after)} ${after === 1 ? 'was' : 'were'} measured after it.`;
}

export interface HypothesisWords {
  readonly extend: string;
  readonly violations: string;
  readonly byteOrder: string;
}

/** What a reading means, part by part; `listOrder` is the list's own byte order. */
export function hypothesisWords(h: Hypothesis, listOrder: ByteOrder): HypothesisWords {
  return {
    extend: h.extend === 'per-bank' ? 'per-bank template hashes (5.8+)' : 'zero-padded SHA-1 (5.1–5.7)',
    violations: h.violations === 'ff' ? 'violations as 0xFF' : 'violations as zeros',
    byteOrder: h.byteOrder === listOrder ? `${h.byteOrder}-endian, as listed` : `${h.byteOrder}-endian (flipped)`,
  };
}

const SOURCE_WORDS: Readonly<Record<DigestInputSource, string>> = {
  log: 'IMA replay',
  supplied: 'supplied values',
  firmware: 'firmware log replay',
  missing: 'no value known',
};

/** "sha256 PCRs 0–7 from supplied values; sha256 PCR 10 from the IMA replay", in digest order. */
export function digestInputGroups(inputs: QuoteDetails['digestInputs']): Array<{ readonly text: string; readonly source: DigestInputSource }> {
  const groups: Array<{ bank: string; source: DigestInputSource; pcrs: number[] }> = [];
  for (const i of inputs) {
    const last = groups[groups.length - 1];
    if (last !== undefined && last.bank === i.bank && last.source === i.source) last.pcrs.push(i.pcr);
    else groups.push({ bank: i.bank, source: i.source, pcrs: [i.pcr] });
  }
  return groups.map((g) => ({
    text: `${g.bank} PCR${g.pcrs.length === 1 ? '' : 's'} ${formatPcrSet(g.pcrs)} from ${SOURCE_WORDS[g.source]}`,
    source: g.source,
  }));
}

/** Milliseconds as the TPM counts them, with a readable duration beside. */
export function clockText(ms: string): string {
  const n = Number(ms);
  if (!Number.isFinite(n)) return ms;
  const s = n / 1000;
  const human = s < 120 ? `${s.toFixed(1)} s` : s < 7200 ? `${(s / 60).toFixed(1)} min` : s < 172800 ? `${(s / 3600).toFixed(1)} h` : `${(s / 86400).toFixed(1)} days`;
  return `${formatCount(n)} ms (${human} powered)`;
}

export interface ReplayHeadline {
  readonly tone: 'ok' | 'warning' | 'error' | 'pending';
  readonly text: string;
  /** The last entry the quote or PCR value covers, when that is not the whole log. */
  readonly lastCovered?: number;
}

/**
 * The one line the panel leads with: PCRs given conflicting values (none of them compared,
 * and the inputs giving them refused), else where the log meets the quote, else the PCR values.
 */
export function replayHeadline(report: Report, entryCount: number, conflicts: readonly PcrConflict[] = []): ReplayHeadline {
  if (conflicts.length > 0) {
    const pcrs = conflicts.map((c) => `${c.bank} PCR ${c.pcr}`).join(', ');
    return { tone: 'error', text: `${conflicts.length === 1 ? `${pcrs} was` : `${pcrs} were`} given different values, so ${conflicts.length === 1 ? 'it is' : 'they are'} not compared: which reading is the machine’s cannot be told.` };
  }
  const quote = report.quote;
  // With a log, a reproduced quote without matchedEntries selects none of the PCRs the log
  // extends: it attests no entry, so the supplied values (if any) say how far the log goes.
  const quoteMissesLog = quote?.digestMatches === true && quote.matchedEntries === undefined && report.log !== undefined;
  if (quote !== undefined && !quoteMissesLog) {
    if (quote.digestMatches === true) {
      const m = quote.matchedEntries;
      if (m === undefined || report.log === undefined) return { tone: 'ok', text: "The supplied PCR values reproduce the quote's pcrDigest." };
      const covered = { text: coverageSentence('The quote', m, entryCount), ...(m > 0 && m < entryCount ? { lastCovered: m - 1 } : {}) };
      // What a quote covers counts only when it is the TPM's: never green beside a FAIL for it.
      const distrust =
        quote.signature === 'invalid'
          ? 'its signature does not verify'
          : report.quotes?.some((q) => q.akNotAttestationKey !== undefined) === true
            ? 'the key its signature verifies with is not an attestation key'
            : quote.nonceMatches === false
              ? 'its nonce is not the one sent'
              : undefined;
      if (distrust !== undefined) return { ...covered, tone: 'error', text: `${covered.text} But the quote is not trusted: ${distrust}.` };
      return { ...covered, tone: m < entryCount ? 'warning' : 'ok' };
    }
    if (quote.digestMatches === false) return { tone: 'error', text: "No prefix of the log reproduces the quote's pcrDigest." };
    return { tone: 'pending', text: "The quote's pcrDigest could not be recomputed: a selected PCR has no known value." };
  }
  const checks = report.pcrChecks ?? [];
  const failed = checks.find((c) => c.status === 'mismatch');
  if (failed !== undefined) {
    const what = `the supplied ${failed.bank} PCR ${failed.pcr}`;
    return /^0+$/.test(failed.expected)
      ? { tone: 'error', text: `${what[0].toUpperCase()}${what.slice(1)} holds its reset value: it was never extended, so it attests no entry of the log.` }
      : { tone: 'error', text: `No prefix of the log replays to ${what}.` };
  }
  const prefix = checks.find((c) => c.status === 'prefix' && c.matchedEntries !== undefined);
  if (prefix?.matchedEntries !== undefined) {
    const m = prefix.matchedEntries;
    return { tone: 'warning', text: coverageSentence(`The supplied ${prefix.bank} PCR ${prefix.pcr}`, m, entryCount), ...(m > 0 ? { lastCovered: m - 1 } : {}) };
  }
  // Never a match against nothing: with no value compared, say why there is none.
  if (checks.length === 0) {
    return report.findings.some((f) => f.code === 'input-unreadable')
      ? { tone: 'error', text: 'A supplied input could not be read, so no PCR value was compared: see the findings.' }
      : quoteMissesLog
        ? { tone: 'pending', text: "The supplied PCR values reproduce the quote's pcrDigest, but it selects no PCR the log extends: it attests no entry of the log." }
        : { tone: 'pending', text: 'No supplied PCR value or quote to compare the replay with.' };
  }
  return { tone: 'ok', text: `The whole log replays to the ${plural(checks.length, 'supplied PCR value')}.` };
}
