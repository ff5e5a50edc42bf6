import type { Report } from '../../core/report/report';
import { formatPcrSet } from '../../core/util/pcr-set';
import { DIGEST_WORDS, NONCE_WORDS, outcomeOf, signatureOutcome, signatureWord, type CheckOutcome } from './replay-text';
import { SafeText } from '../shared/SafeText';

type QuoteEntry = NonNullable<Report['quotes']>[number];

const PILL: Readonly<Record<CheckOutcome, string>> = { good: 'pcr-match', bad: 'pcr-mismatch', unchecked: 'unchecked' };

function Outcome({ outcome, word }: { readonly outcome: CheckOutcome; readonly word: string }) {
  return <span className={`status status--${PILL[outcome]}`}>{word}</span>;
}

/**
 * Every supplied quote on its own row (GCE sends one per bank): its signature, nonce and
 * pcrDigest verdicts, the inputs it was paired with, and the AK certificate when the key came
 * as one. The cards beside it show the first quote field by field.
 */
export function QuoteList({ quotes }: { readonly quotes: readonly QuoteEntry[] }) {
  return (
    <div className="replay__card replay__card--wide">
      <h3 className="replay__card-title">{quotes.length === 1 ? 'Quote' : `${quotes.length} quotes, each checked on its own`}</h3>
      <table className="replay-table" data-testid="quote-list">
        <thead>
          <tr>
            <th>quote</th>
            <th>selection</th>
            <th>signature</th>
            <th>nonce</th>
            <th>pcrDigest</th>
            <th>signature and key from</th>
          </tr>
        </thead>
        <tbody>
          {quotes.map((q, i) => (
            <tr key={`${q.input}#${i}`} data-testid="quote-item" data-input={q.input} data-signature={q.signature} data-digest={outcomeOf(q.digestMatches)}>
              <td className="mono">{q.input}</td>
              <td className="mono">
                {Object.entries(q.selection)
                  .map(([bank, pcrs]) => `${bank}: ${formatPcrSet(pcrs ?? [])}`)
                  .join(' + ')}
              </td>
              <td>
                <Outcome outcome={signatureOutcome(q)} word={signatureWord(q)} />
              </td>
              <td>
                <Outcome outcome={outcomeOf(q.nonceMatches)} word={NONCE_WORDS[outcomeOf(q.nonceMatches)]} />
              </td>
              <td>
                <Outcome outcome={outcomeOf(q.digestMatches)} word={DIGEST_WORDS[outcomeOf(q.digestMatches)]} />
              </td>
              <td>
                <span className="mono">{q.signatureInput !== undefined ? <SafeText text={q.signatureInput} /> : '—'}</span> ·{' '}
                <span className="mono">{q.akInput !== undefined ? <SafeText text={q.akInput} /> : '—'}</span>
                {q.signatureUnreadable !== undefined ? (
                  <div className="quote-field__note" data-testid="quote-signature-unreadable">
                    The signature in <SafeText text={q.input} /> could not be read: <SafeText text={q.signatureUnreadable} />
                  </div>
                ) : null}
                {q.akNotAttestationKey !== undefined ? (
                  <div className="quote-field__note replay-bad" data-testid="ak-not-attestation-key">
                    <SafeText text={q.akInput ?? 'The key'} /> is not an attestation key: <SafeText text={q.akNotAttestationKey} />
                  </div>
                ) : null}
                {q.akCertificate !== undefined ? (
                  <div className="quote-field__note" data-testid="ak-certificate">
                    AK certificate: subject {q.akCertificate.subject === '' ? '(empty)' : <SafeText text={q.akCertificate.subject} />}; issuer <SafeText text={q.akCertificate.issuer} />; valid {q.akCertificate.notBefore} to{' '}
                    {q.akCertificate.notAfter}; {q.akCertificate.key}
                  </div>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const RANK: Readonly<Record<CheckOutcome, number>> = { bad: 0, unchecked: 1, good: 2 };

/** The worst outcome of one check over every quote (the headline chips show the worst). */
export function worstOutcome(quotes: readonly QuoteEntry[], outcome: (q: QuoteEntry) => CheckOutcome): CheckOutcome {
  return quotes.map(outcome).reduce<CheckOutcome>((a, b) => (RANK[b] < RANK[a] ? b : a), 'good');
}
