import { useEffect } from 'react';
import { useInspector } from '../store/use-inspector';
import { VerdictBar } from './summary/VerdictBar';
import { FindingsPanel } from './sidebar/FindingsPanel';
import { QuotePanel } from './sidebar/QuotePanel';
import { InputsPanel } from './sidebar/InputsPanel';
import { EntriesPane } from './entry-table/EntriesPane';
import { EntryDetails } from './details/EntryDetails';
import { LogTabs } from './firmware/LogTabs';
import { ReplayPanel } from './replay/ReplayPanel';
import { ComparePanel } from './compare/ComparePanel';
import { Timeline } from './timeline/Timeline';
import { SidebarRail, SidebarToggle } from './sidebar/SidebarRail';
import { HelpOverlay } from './help/HelpOverlay';
import { useGlobalKeys } from './help/use-global-keys';
import './Inspector.css';

/**
 * A window this short cannot show the verdict, the replay details, the timeline and eight
 * table rows with an entry open (a 1366×768 laptop shows about 650 px of page): the replay
 * details start folded there (its one-line summary stays); shorter still (1024×700), the
 * timeline starts folded to its one line too.
 */
const SHORT_WINDOW = '(max-height: 860px)';
const VERY_SHORT_WINDOW = '(max-height: 719px)';

/** The loaded state: verdict first, then findings and inputs beside the entries. */
export function Inspector() {
  const sidebarCollapsed = useInspector((s) => s.sidebarCollapsed);
  const fitLayout = useInspector((s) => s.fitLayout);
  useEffect(
    () => fitLayout({ replay: window.matchMedia(SHORT_WINDOW).matches, timeline: window.matchMedia(VERY_SHORT_WINDOW).matches }),
    [fitLayout],
  );
  useGlobalKeys();
  return (
    <div className={`inspector${sidebarCollapsed ? ' inspector--rail' : ''}`}>
      <VerdictBar />
      <div className="inspector__body">
        {sidebarCollapsed ? (
          <SidebarRail />
        ) : (
          <aside className="sidebar" aria-label="Findings and inputs">
            <SidebarToggle expanded />
            <FindingsPanel />
            <QuotePanel />
            <InputsPanel />
          </aside>
        )}
        <div className="inspector__main">
          <ReplayPanel />
          <ComparePanel />
          <Timeline />
          <div className="inspector__logs">
            <LogTabs
              ima={
                <>
                  <EntriesPane />
                  <EntryDetails />
                </>
              }
            />
          </div>
        </div>
      </div>
      <HelpOverlay />
    </div>
  );
}
