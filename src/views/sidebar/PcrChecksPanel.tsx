import { useInspector } from '../../store/use-inspector';
import { selectAnalysis } from '../../store/selectors';
import { CopyButton } from '../shared/CopyButton';
import { Digest } from '../shared/Digest';
import { useAppCommands } from '../shared/entry-source';
import { formatCount } from '../shared/format';

const STATUS_TEXT = { match: 'match', prefix: 'prefix match', mismatch: 'mismatch' } as const;

/** Per bank and PCR: supplied value, replayed value, and where they met. */
export function PcrChecksPanel() {
  const analysis = useInspector(selectAnalysis);
  const entryCount = useInspector((s) => (s.load.kind === 'ready' ? (s.load.summary.log?.entryCount ?? 0) : 0));
  const commands = useAppCommands();
  const report = analysis?.report;
  const checks = report?.pcrChecks ?? [];
  const quote = report?.quote;
  if (checks.length === 0 && quote === undefined) return null;
  return (
    <section className="panel" aria-labelledby="pcr-title">
      <h2 className="panel__title" id="pcr-title">
        PCR replay
      </h2>
      <ul className="pcr-checks">
        {checks.map((c) => (
          <li
            key={`${c.bank}-${c.pcr}`}
            className={`pcr-check pcr-check--${c.status}`}
            data-testid="pcr-check"
            data-bank={c.bank}
            data-pcr={c.pcr}
            data-status={c.status}
            data-matched-entries={c.matchedEntries ?? ''}
          >
            <div className="pcr-check__head">
              <span className="pcr-check__name">
                {c.bank} · PCR {c.pcr}
              </span>
              <span className={`status status--pcr-${c.status}`}>{STATUS_TEXT[c.status]}</span>
            </div>
            <div className="pcr-check__row">
              <span className="pcr-check__label">supplied</span>
              <Digest hex={c.expected} truncate={24} />
              <CopyButton value={c.expected} label="Copy supplied value" />
            </div>
            <div className="pcr-check__row">
              <span className="pcr-check__label">replayed</span>
              <Digest hex={c.replayed} truncate={24} />
              <CopyButton value={c.replayed} label="Copy replayed value" />
            </div>
            {c.matchedEntries !== undefined ? (
              <p className="pcr-check__note">
                {c.matchedEntries === entryCount ? (
                  <>all {formatCount(entryCount)} entries replayed</>
                ) : (
                  <>
                    matches after{' '}
                    <button type="button" className="link-button" onClick={() => commands.goToEntry(Math.max(0, (c.matchedEntries ?? 1) - 1))}>
                      entry #{formatCount(Math.max(0, c.matchedEntries - 1))}
                    </button>{' '}
                    of {formatCount(entryCount)}
                  </>
                )}
                {c.hypothesis && (c.hypothesis.extend !== 'per-bank' || c.hypothesis.violations !== 'ff') ? (
                  <> · {c.hypothesis.extend}, violations as {c.hypothesis.violations}</>
                ) : null}
              </p>
            ) : null}
          </li>
        ))}
      </ul>
      {quote !== undefined ? (
        <dl className="quote-facts" data-testid="quote-summary">
          <div>
            <dt>Quote digest</dt>
            <dd>{quote.digestMatches === undefined ? 'not checked' : quote.digestMatches ? 'matches' : 'differs'}</dd>
          </div>
          <div>
            <dt>Signature</dt>
            <dd>{quote.signature}</dd>
          </div>
          {quote.nonceMatches !== undefined ? (
            <div>
              <dt>Nonce</dt>
              <dd>{quote.nonceMatches ? 'matches' : 'differs'}</dd>
            </div>
          ) : null}
          <div>
            <dt>Reset / restart</dt>
            <dd>
              {quote.clock.resetCount} / {quote.clock.restartCount}
            </dd>
          </div>
        </dl>
      ) : null}
    </section>
  );
}
