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
import './Inspector.css';

/** The loaded state: verdict first, then findings and inputs beside the entries. */
export function Inspector() {
  return (
    <div className="inspector">
      <VerdictBar />
      <div className="inspector__body">
        <aside className="sidebar" aria-label="Findings and inputs">
          <FindingsPanel />
          <QuotePanel />
          <InputsPanel />
        </aside>
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
    </div>
  );
}
