import type { Severity } from '../../core/report/report';
import { useInspector } from '../../store/use-inspector';
import { selectAnalysis } from '../../store/selectors';
import { useAppCommands } from '../shared/app-commands';
import { Panel } from '../shared/Panel';
import { FindingItem } from './FindingItem';
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
  const commands = useAppCommands();
  const findings = analysis?.report.findings;
  return (
    <Panel id="findings-title" title="Findings" count={findings?.length}>
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
                  <FindingItem key={`${f.code}-${k}`} finding={f} maxEntries={ENTRY_LINKS} onEntry={(index) => commands.goToEntry(index)} />
                ))}
              </ul>
            </div>
          );
        })
      )}
    </Panel>
  );
}
