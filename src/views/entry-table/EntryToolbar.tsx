import { ENTRY_STATUSES, type EntryStatus } from '../../core/query/entry-status';
import { filtersPolicyFailures } from '../../core/query/policy-failures-filter';
import { judgesEntries } from '../../core/policy/policy-dry-run';
import { useInspector } from '../../store/use-inspector';
import { selectAnalysis } from '../../store/selectors';
import { formatCount } from '../shared/format';
import { STATUS_LABELS } from '../shared/StatusBadge';
import { COLUMN_LABELS } from './column-labels';
import { entryColumns } from './columns';
import './EntryToolbar.css';
import { FilterField } from './FilterField';

const PROBLEM_STATUSES: readonly EntryStatus[] = ['violation', 'mismatch', 'opposite-byte-order'];


/** A select of one numeric value or all of them (an empty filter). */
function OneOfFilter({
  label,
  testId,
  allText,
  selected,
  options,
  onChange,
}: {
  readonly label: string;
  readonly testId: string;
  readonly allText: string;
  readonly selected: readonly number[];
  readonly options: readonly { readonly value: number; readonly text: string }[];
  readonly onChange: (values: number[]) => void;
}) {
  return (
    <select
      aria-label={label}
      data-testid={testId}
      value={selected.length === 0 ? '' : String(selected[0])}
      onChange={(e) => onChange(e.currentTarget.value === '' ? [] : [Number(e.currentTarget.value)])}
    >
      <option value="">{allText}</option>
      {options.map((o) => (
        <option key={o.value} value={o.value}>
          {o.text}
        </option>
      ))}
    </select>
  );
}

/**
 * The display filter (`/` focuses, Esc clears), selects by PCR, template and status, and column
 * choice. `filterStopped`: why the worker stopped the filter (its time budget), said at the field.
 */
/** `totalRows`: the rows the query matches, undefined while the worker is counting them. */
export function EntryToolbar({ totalRows, entryCount, filterStopped }: { readonly totalRows: number | undefined; readonly entryCount: number; readonly filterStopped?: string }) {
  const query = useInspector((s) => s.query);
  const setPcrFilter = useInspector((s) => s.setPcrFilter);
  const setTemplateFilter = useInspector((s) => s.setTemplateFilter);
  const setStatusFilter = useInspector((s) => s.setStatusFilter);
  const clearFilters = useInspector((s) => s.clearFilters);
  const columnVisibility = useInspector((s) => s.columnVisibility);
  const setColumnVisibility = useInspector((s) => s.setColumnVisibility);
  const log = useInspector((s) => (s.load.kind === 'ready' ? s.load.summary.log : undefined));
  const analysis = useInspector(selectAnalysis);
  const statusCounts = analysis?.statusCounts;
  const setPolicyFailuresFilter = useInspector((s) => s.setPolicyFailuresFilter);

  const statusValue =
    query.statuses.length === 0
      ? ''
      : query.statuses.length === PROBLEM_STATUSES.length && PROBLEM_STATUSES.every((s) => query.statuses.includes(s))
        ? 'problems'
        : query.statuses[0];
  const filtered = totalRows !== entryCount || query.search !== '' || query.pcrs.length + query.templates.length + query.statuses.length > 0;
  const problemCount = PROBLEM_STATUSES.reduce((n, s) => n + (statusCounts?.[s] ?? 0), 0);

  return (
    <div className="entry-toolbar" role="toolbar" aria-label="Filter entries">
      <FilterField stopped={filterStopped} />
      <OneOfFilter
        label="Filter by PCR"
        testId="filter-pcr"
        allText="All PCRs"
        selected={query.pcrs}
        options={log?.pcrs.map((p) => ({ value: p.pcr, text: `PCR ${p.pcr} (${formatCount(p.count)})` })) ?? []}
        onChange={setPcrFilter}
      />
      <OneOfFilter
        label="Filter by template"
        testId="filter-template"
        allText="All templates"
        selected={query.templates}
        options={log?.templates.map((t, k) => ({ value: k, text: `${t.name} (${formatCount(t.count)})` })) ?? []}
        onChange={setTemplateFilter}
      />
      <select
        aria-label="Filter by status"
        data-testid="filter-status"
        value={statusValue}
        onChange={(e) => {
          const v = e.currentTarget.value;
          const status = ENTRY_STATUSES.find((s) => s === v);
          setStatusFilter(v === 'problems' ? PROBLEM_STATUSES : status ? [status] : []);
        }}
      >
        <option value="">Any status</option>
        <option value="problems">Problems ({formatCount(problemCount)})</option>
        {ENTRY_STATUSES.map((s) => (
          <option key={s} value={s}>
            {STATUS_LABELS[s]} ({formatCount(statusCounts?.[s] ?? 0)})
          </option>
        ))}
      </select>
      {analysis !== undefined && judgesEntries(analysis.report) ? (
        <label className="policy-filter" title="Only the entries the runtime-policy dry run fails">
          <input type="checkbox" data-testid="filter-policy-failures" checked={filtersPolicyFailures(query.search)} onChange={(e) => setPolicyFailuresFilter(e.currentTarget.checked)} />
          {/* With keys and no policy Keylime still fails entries, but the report counts them only with a policy: no false 0. */}
          <span>Policy failures{analysis.report.policy !== undefined ? ` (${formatCount(analysis.report.policy.failed)})` : ''}</span>
        </label>
      ) : null}
      <details className="columns-menu">
        <summary className="button button--quiet">Columns</summary>
        <div className="columns-menu__list">
          {entryColumns.map((c) => {
            const id = c.id ?? '';
            return (
              <label key={id} className="columns-menu__item">
                <input
                  type="checkbox"
                  checked={columnVisibility[id] !== false}
                  onChange={(e) => setColumnVisibility({ ...columnVisibility, [id]: e.currentTarget.checked })}
                />
                {COLUMN_LABELS.get(id) ?? id}
              </label>
            );
          })}
        </div>
      </details>
      <span className="entry-toolbar__count" data-testid="row-count">
        {filtered ? (
          <>
            {filterStopped === undefined ? `${totalRows === undefined ? '…' : formatCount(totalRows)} of ${formatCount(entryCount)}` : 'filter stopped'}{' '}
            <button type="button" className="link-button" onClick={() => clearFilters()}>
              clear
            </button>
          </>
        ) : (
          <>{formatCount(entryCount)} entries</>
        )}
      </span>
    </div>
  );
}
