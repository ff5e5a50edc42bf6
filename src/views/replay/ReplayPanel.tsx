import { useState, type ReactNode } from 'react';
import { ownReadingOrder } from '../../core/report/report';
import { useInspector } from '../../store/use-inspector';
import { selectAnalysis, selectEntryCount } from '../../store/selectors';
import { useAppCommands } from '../shared/app-commands';
import { entryNumber } from '../shared/format';
import { HypothesesSection } from './HypothesesSection';
import { PasteParts } from './PasteParts';
import { PcrConflicts } from './PcrConflicts';
import { PcrTable } from './PcrTable';
import { ReplayedValues } from './ReplayedValues';
import { QuoteFields, QuoteVerification } from './QuoteSection';
import { QuoteList, worstOutcome } from './QuoteList';
import { DIGEST_WORDS, NONCE_WORDS, outcomeOf, replayHeadline, signatureOutcome, signatureWord, type CheckOutcome } from './replay-text';
import { useReplayDetails } from './use-replay-details';
import '../shared/Panel.css';
import './Replay.css';

const CHIP_MARK = { ok: '✓', bad: '✗', warn: '≈', none: '–' } as const;
const CHIP_TONE: Readonly<Record<CheckOutcome, keyof typeof CHIP_MARK>> = { good: 'ok', bad: 'bad', unchecked: 'none' };
const SIGNATURE_WORDS: Readonly<Record<CheckOutcome, string>> = { good: 'all valid', bad: 'one failed', unchecked: 'not all checked' };

function Chip({ label, tone, children }: { readonly label: string; readonly tone: keyof typeof CHIP_MARK; readonly children: ReactNode }) {
  return (
    <span className={`panel-chip panel-chip--${tone}`} title={typeof children === 'string' ? `${label}: ${children}` : label}>
      {CHIP_MARK[tone]} {label}
    </span>
  );
}

/**
 * The support engineer's main screen once a quote or PCR values are given: where the log
 * meets what the verifier received, the quote field by field, how each check was reached,
 * every reading of the log, and the likely causes when none fits.
 */
export function ReplayPanel() {
  const analysis = useInspector(selectAnalysis);
  const finished = useInspector((s) => (s.load.kind === 'ready' && s.load.analysis.kind === 'done' ? s.load.analysis.summary : undefined));
  const entryCount = useInspector(selectEntryCount);
  const framing = useInspector((s) => (s.load.kind === 'ready' ? s.load.summary.log?.byteOrder : undefined)) ?? 'little';
  const open = useInspector((s) => s.replayOpen);
  const setOpen = useInspector((s) => s.setReplayOpen);
  const commands = useAppCommands();
  const report = analysis?.report;
  // The order the list's own reading hashes in, which the readings are named by (an ASCII list's is its template hashes').
  const listOrder = ownReadingOrder(framing, report?.log?.byteOrder ?? framing);
  const checks = report?.pcrChecks ?? [];
  const quote = report?.quote;
  // Several quotes (one per bank): the chips show the worst of them, the list each one.
  const quotes = report?.quotes ?? [];
  // The first quote with where its signature and key came from (`quote` is its §3 part).
  const first = quotes.at(0);
  const listed = quotes.length > 1 || quotes.some((q) => q.akCertificate !== undefined);
  const parts = analysis?.pasteParts ?? [];
  // A part not understood or not readable is shown even alone: the user must see it.
  const unknownParts = parts.filter((p) => p.kind === 'unknown' || p.unreadable === true).length;
  const showParts = parts.length > 1 || unknownParts > 0;
  const conflicts = analysis?.pcrConflicts ?? [];
  const shown = report !== undefined && (checks.length > 0 || quote !== undefined || showParts || conflicts.length > 0);
  const [allReadings, setAllReadings] = useState(false);
  const state = useReplayDetails(finished, open && shown, allReadings);
  if (!shown) return report?.replay !== undefined ? <ReplayedValues replay={report.replay} entryCount={entryCount} /> : null;
  const details = state.kind === 'done' ? state.details : undefined;
  const headline = replayHeadline(report, entryCount, conflicts);
  const worst = (outcome: Parameters<typeof worstOutcome>[1]) => worstOutcome(quotes.length > 0 ? quotes : quote ? [{ ...quote, input: '' }] : [], outcome);
  const counts = { match: 0, prefix: 0, mismatch: 0 };
  for (const c of checks) counts[c.status]++;
  return (
    <section className={`replay${open ? ' replay--open' : ''}`} data-testid="replay-panel" aria-labelledby="replay-title">
      <header className="panel__head">
        <h2 className="panel__title" id="replay-title">
          Replay
        </h2>
        <p className={`panel__headline replay__headline panel__headline--${headline.tone}`} data-testid="replay-headline">
          <span data-testid="quote-coverage">{headline.text}</span>
          {headline.lastCovered !== undefined ? (
            <button
              type="button"
              className="button replay__jump"
              data-testid="jump-to-covered"
              onClick={() => commands.goToEntry(headline.lastCovered ?? 0)}
            >
              Go to entry {entryNumber(headline.lastCovered)}
            </button>
          ) : null}
        </p>
        <div className="panel__chips">
          {quote !== undefined ? (
            <>
              <Chip label="signature" tone={CHIP_TONE[worst(signatureOutcome)]}>
                {quotes.length > 1 ? SIGNATURE_WORDS[worst(signatureOutcome)] : signatureWord(first ?? quote)}
              </Chip>
              <Chip label="nonce" tone={CHIP_TONE[worst((q) => outcomeOf(q.nonceMatches))]}>
                {NONCE_WORDS[worst((q) => outcomeOf(q.nonceMatches))]}
              </Chip>
              <Chip label="digest" tone={CHIP_TONE[worst((q) => outcomeOf(q.digestMatches))]}>
                {DIGEST_WORDS[worst((q) => outcomeOf(q.digestMatches))]}
              </Chip>
            </>
          ) : null}
          {conflicts.length > 0 ? (
            <Chip label={`${conflicts.length} PCR${conflicts.length === 1 ? '' : 's'} given two values`} tone="bad">
              not compared
            </Chip>
          ) : null}
          {unknownParts > 0 ? (
            <Chip label={`${unknownParts} pasted part${unknownParts === 1 ? '' : 's'} not understood`} tone="bad">
              not understood
            </Chip>
          ) : null}
          {checks.length > 0 ? (
            <Chip label={`PCRs ${checks.length - counts.mismatch}/${checks.length}`} tone={counts.mismatch > 0 ? 'bad' : counts.prefix > 0 ? 'warn' : 'ok'}>
              {[counts.match > 0 ? `${counts.match} match` : '', counts.prefix > 0 ? `${counts.prefix} prefix` : '', counts.mismatch > 0 ? `${counts.mismatch} mismatch` : '']
                .filter((s) => s !== '')
                .join(', ')}
            </Chip>
          ) : null}
        </div>
        <button type="button" className="button button--quiet panel__toggle" data-testid="replay-toggle" aria-expanded={open} aria-controls="replay-body" onClick={() => setOpen(!open)}>
          {open ? 'Hide' : 'Details'}
        </button>
      </header>
      <div className="panel__body" id="replay-body" hidden={!open}>
        <div className="replay__grid">
          {listed ? <QuoteList quotes={quotes} /> : null}
          {quote !== undefined ? <QuoteFields quote={quote} details={details?.quote} /> : null}
          {quote !== undefined ? <QuoteVerification quote={first ?? quote} details={details?.quote} entryCount={entryCount} /> : null}
          {conflicts.length > 0 ? <PcrConflicts conflicts={conflicts} /> : null}
          {showParts ? <PasteParts parts={parts} /> : null}
          {checks.length > 0 ? <PcrTable checks={checks} entryCount={entryCount} listOrder={listOrder} /> : null}
          {state.kind === 'loading' ? (
            <p className="replay__card replay__card--wide replay__loading">
              <span className="spinner" aria-hidden="true" /> Replaying the log under every reading…
            </p>
          ) : state.kind === 'failed' ? (
            <p className="replay__card replay__card--wide replay-bad">The replay under every reading failed: {state.message}</p>
          ) : details?.hypotheses !== undefined ? (
            <HypothesesSection hypotheses={details.hypotheses} listOrder={listOrder} onReplayAll={() => setAllReadings(true)} />
          ) : null}
        </div>
      </div>
    </section>
  );
}
