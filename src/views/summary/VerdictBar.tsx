import { useInspector } from '../../store/use-inspector';
import { useAppCommands } from '../shared/app-commands';
import { entryNumber } from '../shared/format';
import { computeVerdict } from './verdict';
import { VerdictMessage } from './VerdictMessage';
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
        <VerdictMessage verdict={verdict} />
        {first !== undefined ? (
          <button type="button" className="button verdict__goto" onClick={() => commands.goToEntry(first)}>
            Show entry {entryNumber(first)}
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
