import { moreProblemsText, VERDICT_STATUS } from '../../core/analysis/verdict';
import { SeverityIcon } from '../shared/severity';
import type { ViewVerdict } from './verdict';
import './Verdict.css';

/** The verdict's icon (a spinner while pending), headline, detail and count of further problems. */
export function VerdictMessage({ verdict }: { readonly verdict: ViewVerdict }) {
  return (
    <>
      {verdict.tone === 'pending' ? <span className="spinner" aria-hidden="true" /> : <SeverityIcon severity={verdict.tone} />}
      <div className="verdict__text">
        <h1 className="verdict__headline">
          {/* Pass or fail in so many words first: a warning's headline names a problem, not the outcome. */}
          {verdict.tone === 'pending' ? null : (
            <span className={`verdict__status verdict__status--${verdict.tone}`} data-testid="verdict-status">
              {VERDICT_STATUS[verdict.tone]}
            </span>
          )}
          {verdict.finding ? <span className="verdict__code">{verdict.finding.code}</span> : null}
          {verdict.headline}
        </h1>
        {verdict.detail ? (
          <p className="verdict__detail" title={verdict.detail}>
            {verdict.detail}
          </p>
        ) : null}
        {verdict.moreProblems > 0 ? <p className="verdict__more">{moreProblemsText(verdict)}</p> : null}
      </div>
    </>
  );
}
