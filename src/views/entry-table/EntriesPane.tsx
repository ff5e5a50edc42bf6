import { useEffect, useMemo } from 'react';
import { useInspector } from '../../store/use-inspector';
import { selectAnalysis } from '../../store/selectors';
import { isIdentityQuery } from '../../core/query/filter-entries';
import { parseFilter } from '../../core/query/filter-parse';
import { EntryTable } from './EntryTable';
import { EntryToolbar } from './EntryToolbar';
import { useEntryPage } from './use-entry-page';
import { useVisibleRange } from '../shared/use-paged-rows';
import './EntriesPane.css';

const NO_TEMPLATES: never[] = [];

/** Toolbar and table over one fetched window of rows. */
export function EntriesPane() {
  const query = useInspector((s) => s.query);
  const summary = useInspector((s) => (s.load.kind === 'ready' ? s.load.summary : undefined));
  const analysis = useInspector(selectAnalysis);
  const [visible, onVisibleRangeChange] = useVisibleRange();
  // Rows change when another log opens or verification sets their status.
  const log = summary?.log;
  // …and when a reference is compared (each row's class).
  const compare = useInspector((s) => s.compare);
  const dataKey = useMemo(() => ({ analysis, log, compare }), [analysis, log, compare]);
  // A preview's first rows are the log's in log order, with no verdict or comparison: they
  // stand for the rows of the unfiltered table until the analysis or a comparison changes them.
  const firstRows = summary?.firstRows;
  const seed = firstRows !== undefined && analysis === undefined && compare.kind !== 'ready' && isIdentityQuery(query) ? firstRows : undefined;
  const { page, pageQuery, error, errorCode } = useEntryPage(query, visible, dataKey, seed);
  // A filter stopped by its time budget is said where it was typed, not above the table.
  const filterStopped = errorCode === 'filterStopped' ? error : undefined;
  const entryCount = log?.entryCount ?? 0;
  // An expression that does not parse matches nothing (the field says where it is wrong).
  const invalidFilter = useMemo(() => !parseFilter(query.search).ok, [query.search]);
  // A stopped filter has no answer: the previous query's rows would read as its matches.
  const shown = filterStopped === undefined ? page : undefined;
  // Undefined while a filter's answer is on its way: the previous query's count would read as its own.
  const matching =
    filterStopped !== undefined ? 0 : pageQuery === query && page !== undefined ? page.totalRows : isIdentityQuery(query) ? entryCount : undefined;
  const totalRows = matching ?? page?.totalRows ?? 0;
  const setMatches = useInspector((s) => s.setMatches);
  const answered = pageQuery === query && page !== undefined ? page.totalRows : undefined;
  useEffect(() => {
    if (answered !== undefined) setMatches(query, answered);
  }, [query, answered, setMatches]);
  if (log === undefined) {
    return (
      <section className="entries entries--empty">
        <p>No IMA measurement list among the inputs. Drop one to browse its entries.</p>
      </section>
    );
  }
  return (
    <section className="entries" aria-label="Entries">
      <EntryToolbar totalRows={matching} entryCount={entryCount} filterStopped={filterStopped} />
      {error !== undefined && filterStopped === undefined ? <p className="entries__error">{error}</p> : null}
      <EntryTable
        page={shown}
        pageIsCurrent={pageQuery === query}
        totalRows={totalRows}
        entryCount={entryCount}
        templates={log.templates ?? NO_TEMPLATES}
        onVisibleRangeChange={onVisibleRangeChange}
        emptyText={
          filterStopped !== undefined
            ? 'No rows: the filter was stopped before it finished (the filter field says why).'
            : invalidFilter
              ? 'No rows: the filter is not a valid expression (the filter field says where).'
              : entryCount === 0
                ? // Nothing to match: a list refused at its first entry is not an empty filter result.
                  'The list has no entry that could be read: the findings say why.'
                : undefined
        }
      />
    </section>
  );
}
