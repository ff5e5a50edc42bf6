import type { Finding, Severity } from '../../core/report/report';
import { useInspector } from '../../store/use-inspector';
import { selectAnalysis } from '../../store/selectors';
import { useAppCommands } from '../shared/entry-source';
import { formatCount } from '../shared/format';
import { SeverityIcon } from '../shared/severity';
import { FINDING_HELP } from '../../core/analysis/finding-help';
import './FindingsPanel.css';

/** How many "go to entry" buttons a finding shows before "+N more". */
const ENTRY_LINKS = 6;

const GROUPS: readonly { readonly severity: Severity; readonly title: string }[] = [
  { severity: 'error', title: 'Errors' },
  { severity: 'warning', title: 'Warnings' },
  { severity: 'info', title: 'Information' },
];

/** The findings, worst first, grouped by severity; each with its entries and what it means. */
export function FindingsPanel() {
  const analysis = useInspector(selectAnalysis);
  const findings = analysis?.report.findings;
  return (
    <section className="panel" aria-labelledby="findings-title">
      <h2 className="panel__title" id="findings-title">
        Findings {findings ? <span className="panel__count">{findings.length}</span> : null}
      </h2>
      {findings === undefined ? (
        <p className="panel__empty">Verifying…</p>
      ) : findings.length === 0 ? (
        <p className="panel__empty">Nothing to report.</p>
      ) : (
        GROUPS.map(({ severity, title }) => {
          const group = findings.filter((f) => f.severity === severity);
          if (group.length === 0) return null;
          const id = `findings-${severity}`;
          return (
            <div key={severity} className={`findings-group findings-group--${severity}`} data-testid="findings-group" data-severity={severity}>
              <h3 className="findings-group__title" id={id}>
                {title} <span className="panel__count">{group.length}</span>
              </h3>
              <ul className="findings" aria-labelledby={id}>
                {group.map((f, k) => (
                  <FindingItem key={`${f.code}-${k}`} finding={f} />
                ))}
              </ul>
            </div>
          );
        })
      )}
    </section>
  );
}

function FindingItem({ finding: f }: { readonly finding: Finding }) {
  const commands = useAppCommands();
  return (
    <li className={`finding finding--${f.severity}`} data-testid="finding" data-code={f.code} data-severity={f.severity}>
      <SeverityIcon severity={f.severity} />
      <div className="finding__body">
        <p className="finding__title">
          {FINDING_HELP[f.code].title} <span className="finding__code">{f.code}</span>
        </p>
        <p className="finding__message">{f.message}</p>
        {f.entries && f.entries.length > 0 ? (
          <p className="finding__entries">
            {f.entries.slice(0, ENTRY_LINKS).map((index) => (
              <button
                key={index}
                type="button"
                className="link-button"
                onClick={() => commands.goToEntry(index)}
                aria-label={`#${formatCount(index)}`}
                title={`Go to entry #${formatCount(index)}`}
              >
                #{formatCount(index)}
              </button>
            ))}
            {f.entries.length > ENTRY_LINKS ? <span className="finding__more">+{formatCount(f.entries.length - ENTRY_LINKS)} more</span> : null}
          </p>
        ) : null}
        <details className="finding__help">
          <summary>What it means</summary>
          <p>{FINDING_HELP[f.code].help}</p>
        </details>
      </div>
    </li>
  );
}
