import { useEffect, useMemo } from 'react';
import { fingerprintsMatch } from '../../core/share/fingerprints';
import { selectAnalysis } from '../../store/selectors';
import { useInspector } from '../../store/use-inspector';
import { useAppCommands } from '../shared/app-commands';
import { describeFingerprints } from './describe-share';
import { viewStateOfPermalink } from './make-permalink';
import { useClosePermalink } from './permalink-location';
import './share.css';

/**
 * Over the full view while a permalink is open: do the files now loaded match the link's
 * input fingerprints? Once the analysis has them, says so (or which differ / are missing),
 * and, when the log is the link's own, restores the sender's filters and selected entry.
 */
export function FingerprintBanner() {
  const permalink = useInspector((s) => s.permalink);
  const analysis = useInspector(selectAnalysis);
  const pending = useInspector((s) => s.load.kind === 'ready' && s.load.analysis.kind === 'pending');
  const markRestored = useInspector((s) => s.markPermalinkViewRestored);
  const commands = useAppCommands();
  const close = useClosePermalink();
  const payload = permalink.kind === 'open' ? permalink.payload : undefined;
  const inputs = pending ? undefined : analysis?.report.inputs;
  const comparison = useMemo(
    () => (payload !== undefined && inputs !== undefined ? fingerprintsMatch(payload.report, inputs) : undefined),
    [payload, inputs],
  );
  const logMatches = comparison?.matched.some((m) => m.expected.kind === 'ima-binary' || m.expected.kind === 'ima-ascii') ?? false;
  const restored = permalink.kind === 'open' && permalink.viewRestored;
  const templateNames = useInspector((s) => (s.load.kind === 'ready' ? s.load.summary.log?.templates : undefined));

  useEffect(() => {
    if (payload === undefined || comparison === undefined || restored) return;
    const view = logMatches ? payload.view : undefined;
    markRestored();
    // Templates are indices into the sender's log's table: the same log (its fingerprint matched).
    if (view !== undefined) commands.applyView(viewStateOfPermalink(view, templateNames?.map((t) => t.name) ?? []));
  }, [payload, comparison, restored, logMatches, markRestored, commands, templateNames]);

  if (payload === undefined) return null;
  const summary = comparison === undefined ? undefined : describeFingerprints(comparison);
  return (
    <section
      className={`fingerprint-banner fingerprint-banner--${summary === undefined ? 'pending' : summary.allMatch ? 'match' : 'differ'}`}
      data-testid="fingerprint-check"
      data-match={summary === undefined ? '' : String(summary.allMatch)}
      role="status"
    >
      <div className="fingerprint-banner__text">
        <strong>{summary === undefined ? 'Comparing the files with the permalink’s fingerprints…' : summary.headline}</strong>
        {summary !== undefined && summary.details.length > 0 ? (
          <ul>
            {summary.details.map((d) => (
              <li key={d}>{d}</li>
            ))}
          </ul>
        ) : null}
        {summary !== undefined && payload.view !== undefined ? (
          <p className="fingerprint-banner__view">
            {logMatches ? 'The sender’s view (filters, selected entry) is restored.' : 'The sender’s view was not restored: the log is not the one in the link.'}
          </p>
        ) : null}
      </div>
      <button type="button" className="button button--quiet" onClick={close}>
        Dismiss
      </button>
    </section>
  );
}
