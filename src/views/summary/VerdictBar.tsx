import { useInspector } from '../../store/use-inspector';
import { useAppCommands } from '../shared/entry-source';
import { formatCount, plural } from '../shared/format';
import { SeverityIcon } from '../shared/severity';
import { computeVerdict } from './verdict';
import { LogFacts } from './LogFacts';
import { ExportReportButton } from './ExportReportButton';

/** The verdict first, in large type; then the facts of the log in one line. */
export function VerdictBar() {
  const load = useInspector((s) => s.load);
  const commands = useAppCommands();
  if (load.kind !== 'ready') return null;
  const verdict = computeVerdict(load.summary, load.analysis);
  const refreshing = load.analysis.kind === 'pending' && load.analysis.previous !== undefined;
  const first = verdict.finding?.entries?.[0];
  const report = load.analysis.kind === 'done' ? load.analysis.summary.report : undefined;
  return (
    <section className={`verdict verdict--${verdict.tone}`} data-testid="verdict" data-tone={verdict.tone} aria-live="polite">
      <div className="verdict__main">
        {verdict.tone === 'pending' ? (
          <span className="spinner" aria-hidden="true" />
        ) : (
          <SeverityIcon severity={verdict.tone === 'ok' ? 'ok' : verdict.tone} />
        )}
        <div className="verdict__text">
          <h1 className="verdict__headline">
            {verdict.finding ? <span className="verdict__code">{verdict.finding.code}</span> : null}
            {verdict.headline}
          </h1>
          {verdict.detail ? (
            <p className="verdict__detail" title={verdict.detail}>
              {verdict.detail}
            </p>
          ) : null}
          {verdict.moreProblems > 0 ? (
            <p className="verdict__more">and {plural(verdict.moreProblems, 'more problem')} in the findings.</p>
          ) : null}
        </div>
        {first !== undefined ? (
          <button type="button" className="button verdict__goto" onClick={() => commands.goToEntry(first)}>
            Show entry #{formatCount(first)}
          </button>
        ) : null}
        {refreshing ? <span className="verdict__refreshing">re-checking…</span> : null}
        {report !== undefined ? (
          <ExportReportButton report={report} fileName={`${load.summary.log?.name ?? 'imascope'}.report.json`} />
        ) : null}
      </div>
      <LogFacts />
    </section>
  );
}
