import type { Severity } from '../../core/report/report';
import { selectAnalysis } from '../../store/selectors';
import { useInspector } from '../../store/use-inspector';
import { SeverityIcon } from '../shared/severity';

const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

/** The findings column folded to a rail: how many findings of each severity, and the way back. */
export function SidebarRail() {
  const findings = useInspector(selectAnalysis)?.report.findings;
  const setCollapsed = useInspector((s) => s.setSidebarCollapsed);
  return (
    <aside className="sidebar-rail" aria-label="Findings (folded)" data-testid="sidebar-rail">
      <SidebarToggle expanded={false} />
      {SEVERITIES.map((severity) => {
        const n = findings?.filter((f) => f.severity === severity).length ?? 0;
        return n > 0 ? (
          <button key={severity} type="button" className="sidebar-rail__count" title={`${n} ${severity} finding${n === 1 ? '' : 's'}`} onClick={() => setCollapsed(false)}>
            <SeverityIcon severity={severity} />
            {n}
          </button>
        ) : null;
      })}
    </aside>
  );
}

/** Folds the findings column to the rail (at its top) or unfolds it (at the rail's top). */
export function SidebarToggle({ expanded }: { readonly expanded: boolean }) {
  const setCollapsed = useInspector((s) => s.setSidebarCollapsed);
  return (
    <button
      type="button"
      className={`icon-button ${expanded ? 'sidebar__fold' : 'sidebar-rail__open'}`}
      data-testid="sidebar-toggle"
      aria-expanded={expanded}
      title={expanded ? 'Fold the findings column to a rail' : 'Show the findings and inputs'}
      onClick={() => setCollapsed(expanded)}
    >
      {expanded ? '«' : '»'}
    </button>
  );
}
