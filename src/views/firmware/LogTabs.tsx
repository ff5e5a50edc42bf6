import { useState, type ReactNode } from 'react';
import { useInspector } from '../../store/use-inspector';
import { selectAnalysis } from '../../store/selectors';
import { formatCount } from '../shared/format';
import { FirmwarePane } from './FirmwarePane';
import type { LogTab } from '../../core/share/view-state';
import './Firmware.css';

type Tab = LogTab;

/**
 * The IMA entries and, when a firmware event log is among the inputs, a "Firmware log" tab
 * beside them. Without a firmware log the IMA view renders as it always did.
 */
export function LogTabs({ ima }: { readonly ima: ReactNode }) {
  const summary = useInspector((s) => (s.load.kind === 'ready' ? s.load.summary : undefined));
  const firmwareEvents = useInspector(selectAnalysis)?.report.firmware?.events;
  const hasFirmware = summary?.inputs.some((i) => i.kind === 'tcg-eventlog' && i.supersededBy === undefined) ?? false;
  const hasLog = summary?.log !== undefined;
  // In the store, so the address (and a permalink) can carry the open tab.
  const chosen = useInspector((s) => s.logTab);
  const setChosen = useInspector((s) => s.setLogTab);
  // The firmware event the detail view shows, kept while the IMA tab is open.
  const [selected, setSelected] = useState<{ key: unknown; index: number | undefined }>({ key: undefined, index: undefined });
  if (!hasFirmware) return <>{ima}</>;
  const tab: Tab = chosen ?? (hasLog ? 'ima' : 'firmware');
  const selectedIndex = selected.key === summary ? selected.index : undefined;
  const tabButton = (id: Tab, label: ReactNode, testId: string) => (
    <button
      type="button"
      role="tab"
      id={`log-tab-${id}`}
      aria-selected={tab === id}
      aria-controls={`log-panel-${id}`}
      className={`log-tabs__tab${tab === id ? ' log-tabs__tab--active' : ''}`}
      data-testid={testId}
      onClick={() => setChosen(id)}
    >
      {label}
    </button>
  );
  return (
    <div className="log-tabs">
      <div className="log-tabs__bar" role="tablist" aria-label="Logs">
        {tabButton(
          'ima',
          <>
            IMA entries <span className="log-tabs__count">{hasLog ? formatCount(summary?.log?.entryCount ?? 0) : '—'}</span>
          </>,
          'ima-tab',
        )}
        {tabButton(
          'firmware',
          <>
            Firmware log {firmwareEvents !== undefined ? <span className="log-tabs__count">{formatCount(firmwareEvents)}</span> : null}
          </>,
          'firmware-tab',
        )}
      </div>
      <div className="log-tabs__panel" role="tabpanel" id={`log-panel-${tab}`} aria-labelledby={`log-tab-${tab}`}>
        {tab === 'ima' ? ima : <FirmwarePane selected={selectedIndex} onSelect={(index) => setSelected({ key: summary, index })} />}
      </div>
    </div>
  );
}
