import type { ReactNode } from 'react';
import type { QuoteDetails } from '../../core/analysis/quote-details';
import type { QuoteSources, ReportQuote } from '../../core/report/report';
import { formatPcrSet } from '../../core/util/pcr-set';
import { CopyButton } from '../shared/CopyButton';
import { Digest } from '../shared/Digest';
import { SafeText } from '../shared/SafeText';
import { DiffHex } from './DiffHex';
import {
  clockText,
  DIGEST_WORDS,
  digestInputGroups,
  NONCE_WORDS,
  outcomeOf,
  signatureOutcome,
  signatureWord,
  type CheckOutcome,
} from './replay-text';

function Field({ label, children, testId }: { readonly label: string; readonly children: ReactNode; readonly testId?: string }) {
  return (
    <div className="quote-field" data-testid={testId}>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function HexValue({ hex, label }: { readonly hex: string; readonly label: string }) {
  if (hex === '') return <span className="muted">empty</span>;
  return (
    <span className="replay-table__digest">
      <Digest hex={hex} />
      <CopyButton value={hex} label={`Copy ${label}`} />
    </span>
  );
}

/** TPMS_ATTEST field by field (quote-format.md §1.2). Until the details arrive, what the report holds. */
export function QuoteFields({ quote, details }: { readonly quote: ReportQuote; readonly details: QuoteDetails | undefined }) {
  const pending = <span className="muted">…</span>;
  const selection = details?.selection ?? Object.entries(quote.selection).map(([bank, pcrs]) => ({ bank, pcrs: pcrs ?? [] }));
  return (
    <div className="replay__card">
      <h3 className="replay__card-title">Quote (TPMS_ATTEST)</h3>
      <dl className="quote-fields" data-testid="quote-fields">
        <Field label="magic, type">
          {details === undefined ? (
            pending
          ) : (
            <>
              <span className="mono">{details.magic}</span>{' '}
              <span className={details.magicValid ? 'replay-ok' : 'replay-bad'}>{details.magicValid ? 'TPM_GENERATED' : 'not made by a TPM'}</span> ·{' '}
              <span className="mono">{details.type}</span> <span className={details.isQuote ? 'replay-ok' : 'replay-bad'}>{details.typeName}</span>
            </>
          )}
        </Field>
        <Field label="qualifiedSigner">
          {details === undefined ? (
            pending
          ) : (
            <>
              {details.signerNameAlg !== undefined ? <span className="muted">{details.signerNameAlg} name · </span> : null}
              <HexValue hex={details.qualifiedSigner} label="qualifiedSigner" />
            </>
          )}
        </Field>
        <Field label="extraData (nonce)">
          <HexValue hex={quote.nonce} label="extraData" />
          {details?.extraDataText !== undefined ? <div className="quote-field__note">text: “{details.extraDataText}”</div> : null}
        </Field>
        <Field label="clock">{clockText(String(details?.clock ?? quote.clock.clock))}</Field>
        <Field label="resetCount / restartCount">
          <span className="mono">
            {quote.clock.resetCount} / {quote.clock.restartCount}
          </span>
          <div className="quote-field__note">TPM resets (reboots) / restarts (resumes); random-looking when the AK is outside the endorsement hierarchy.</div>
        </Field>
        <Field label="safe">{quote.clock.safe ? 'yes (clock never rolled back)' : 'no: the clock may have been rolled back'}</Field>
        <Field label="firmwareVersion">
          <span className="mono">{details?.firmwareVersion ?? `0x${quote.firmwareVersion}`}</span>
        </Field>
        <Field label="PCR selection" testId="quote-selection">
          {selection.map((s) => (
            <div key={s.bank} className="mono">
              {s.bank}: {formatPcrSet(s.pcrs)}
            </div>
          ))}
        </Field>
        <Field label="pcrDigest">
          <HexValue hex={quote.pcrDigest} label="pcrDigest" />
        </Field>
      </dl>
    </div>
  );
}

function VerdictRow({ label, verdict, word, children, testId }: { readonly label: string; readonly verdict: CheckOutcome; readonly word: string; readonly children: ReactNode; readonly testId: string }) {
  const pill = verdict === 'good' ? 'pcr-match' : verdict === 'bad' ? 'pcr-mismatch' : 'unchecked';
  return (
    <div className="verification" data-testid={testId} data-status={verdict === 'good' ? 'ok' : verdict === 'bad' ? 'failed' : 'unchecked'}>
      <div className="verification__head">
        <span className="verification__label">{label}</span>
        <span className={`status status--${pill}`}>{word}</span>
      </div>
      <div className="verification__body">{children}</div>
    </div>
  );
}

/** Signature, nonce and pcrDigest: each verdict with how it was reached. */
export function QuoteVerification({
  quote,
  details,
  entryCount,
}: {
  readonly quote: ReportQuote & Partial<QuoteSources>;
  readonly details: QuoteDetails | undefined;
  readonly entryCount: number;
}) {
  const missing = details?.signatureMissing;
  return (
    <div className="replay__card">
      <h3 className="replay__card-title">Verification</h3>
      <VerdictRow
        label="Signature"
        testId="quote-signature"
        verdict={signatureOutcome(quote)}
        word={signatureWord(quote)}
      >
        {quote.akNotAttestationKey !== undefined ? (
          <div className="replay-bad" data-testid="quote-signature-not-ak">
            The signature verifies, but the key is not an attestation key: <SafeText text={quote.akNotAttestationKey} />. Nothing shows that a TPM made this quote: give the AK the TPM made for attestation (tpm2_createak).
          </div>
        ) : null}
        {details?.signature !== undefined ? (
          <>
            {details.signature.detail}
            {details.ak !== undefined ? (
              <div className="quote-field__note">
                {details.ak.imaKey !== undefined ? (
                  <>
                    Checked with <SafeText text={details.ak.imaKey} />, an IMA verification key (it verifies no supplied quote; no attestation key was given):{' '}
                  </>
                ) : (
                  'AK: '
                )}
                {details.ak.kind.toUpperCase()} {details.ak.bits ?? details.ak.curve ?? ''} ({details.ak.source}); scheme {details.signatureScheme ?? '?'}
              </div>
            ) : null}
          </>
        ) : details?.signatureUnreadable !== undefined ? (
          <>
            Not checked: the signature in the quote’s file could not be read (<SafeText text={details.signatureUnreadable} />).
          </>
        ) : missing !== undefined ? (
          <>
            Not checked: no {missing.join(' and no ')} given. Drop {missing.includes('signature') ? 'the TPMT_SIGNATURE (tpm2_quote -s)' : ''}
            {missing.length === 2 ? ' and ' : ''}
            {missing.includes('attestation key') ? 'the AK (PEM, DER or TPM2B_PUBLIC)' : ''} beside the quote.
          </>
        ) : (
          <span className="muted">…</span>
        )}
      </VerdictRow>
      <VerdictRow
        label="Nonce"
        testId="quote-nonce"
        verdict={outcomeOf(quote.nonceMatches)}
        word={NONCE_WORDS[outcomeOf(quote.nonceMatches)]}
      >
        {quote.nonceMatches === undefined
          ? 'Give the nonce the verifier sent (the Nonce field, or a “nonce: …” line in the paste) to check the quote is fresh.'
          : quote.nonceMatches
            ? 'extraData equals the nonce the verifier sent: the quote answers this challenge.'
            : `extraData (${quote.nonce === '' ? 'empty' : quote.nonce}) is not the nonce given: a stale or replayed quote.`}
      </VerdictRow>
      <VerdictRow
        label="pcrDigest"
        testId="quote-digest"
        verdict={outcomeOf(quote.digestMatches)}
        word={DIGEST_WORDS[outcomeOf(quote.digestMatches)]}
      >
        {details !== undefined ? (
          <>
            Recomputed with {details.signingHash ?? 'an unknown hash'} over{' '}
            {digestInputGroups(details.digestInputs).map((g, k, all) => (
              <span key={g.text} className={g.source === 'missing' ? 'replay-bad' : undefined}>
                {g.text}
                {k < all.length - 1 ? '; ' : '.'}
              </span>
            ))}
          </>
        ) : null}
        {quote.computedDigest !== undefined && quote.digestMatches === false ? (
          <DiffHex reference={quote.pcrDigest} value={quote.computedDigest} referenceLabel="quote" valueLabel="whole log" />
        ) : quote.computedDigest !== undefined ? (
          <div className="quote-field__note">
            {quote.matchedEntries !== undefined && quote.matchedEntries > 0 && quote.matchedEntries < entryCount
              ? `equals pcrDigest after entry #${quote.matchedEntries - 1}; after the whole log it would be `
              : 'recomputed: '}
            <Digest hex={quote.computedDigest} truncate={32} />
          </div>
        ) : null}
      </VerdictRow>
    </div>
  );
}
