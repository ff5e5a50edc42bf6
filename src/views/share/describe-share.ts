/**
 * Plain-words summaries for the share views, pure so their wording is tested without React:
 * the sender's view a permalink carries, and how dropped files compare with the link's
 * input fingerprints.
 */
import type { FingerprintComparison } from '../../core/share/fingerprints';
import type { PermalinkView } from '../../core/share/permalink';
import type { ReportInput } from '../../core/report/report';
import { entryNumber, formatBytes, plural } from '../shared/format';
import { inputKindLabel } from '../../core/inputs/input-kinds';
import type { ViewState } from '../../core/share/view-state';
import type { EntryRange, RowSort } from '../../core/query/filter-entries';
import { sortColumnLabel } from '../entry-table/column-labels';

/** What a shared view shows, whichever form carried it; `search` and `templates` come phrased. */
interface SharedView {
  readonly entry?: number;
  readonly search?: string;
  readonly pcrs?: readonly number[];
  readonly statuses?: readonly string[];
  readonly templates?: string;
  readonly sort?: RowSort;
  readonly range?: EntryRange;
  readonly timeline?: { readonly start: number; readonly end: number };
  readonly firmware?: boolean;
}

/** "entry #12 selected", "PCR 10", … in the order the table applies them. */
function describeShared(view: SharedView): string[] {
  const out: string[] = [];
  if (view.entry !== undefined) out.push(`entry ${entryNumber(view.entry)} selected`);
  if (view.search !== undefined) out.push(view.search);
  if (view.pcrs !== undefined && view.pcrs.length > 0) out.push(`PCR ${view.pcrs.join(', ')}`);
  if (view.statuses !== undefined && view.statuses.length > 0) out.push(`status ${view.statuses.join(', ')}`);
  if (view.templates !== undefined) out.push(view.templates);
  if (view.sort !== undefined && (view.sort.column !== 'index' || view.sort.descending)) {
    out.push(`sorted by ${sortColumnLabel(view.sort.column)}${view.sort.descending ? ', descending' : ''}`);
  }
  if (view.range !== undefined) out.push(`entries ${entryNumber(view.range.start)}–${entryNumber(view.range.end - 1)}`);
  if (view.timeline !== undefined) out.push(`timeline entries ${entryNumber(Math.floor(view.timeline.start))}–${entryNumber(Math.ceil(view.timeline.end))}`);
  if (view.firmware === true) out.push('the firmware log');
  return out;
}

/** The sender's view a permalink carries: "entry #12 selected", "search “/usr”", … */
export function describeView(view: PermalinkView | undefined): string[] {
  if (view === undefined) return [];
  const f = view.filter;
  return describeShared({
    entry: view.selectedEntry,
    search: f !== undefined && f.search.trim() !== '' ? `search “${f.search}”` : undefined,
    pcrs: f?.pcrs,
    statuses: f?.statuses,
    // A permalink's templates are indices into a table the first screen does not have.
    templates: f !== undefined && f.templates.length > 0 ? plural(f.templates.length, 'template') : undefined,
    sort: f?.sort,
    timeline: view.timeline,
  });
}

/**
 * What a view link (`#entry=…&log=…`) shows, for the first screen while its list is not
 * loaded: "entry #12 selected", "filter “pcr == 10”", … Indices are the table's (0-based, as
 * in the # column and the CLI's report).
 */
export function describeViewLink(view: ViewState): string[] {
  return describeShared({
    entry: view.entry,
    search: view.filter === undefined ? undefined : `filter “${view.filter}”`,
    pcrs: view.pcrs,
    statuses: view.statuses,
    templates: view.templates !== undefined && view.templates.length > 0 ? `template ${view.templates.join(', ')}` : undefined,
    sort: view.sort,
    range: view.range,
    timeline: view.zoom,
    firmware: view.tab === 'firmware',
  });
}

export interface FingerprintSummary {
  readonly allMatch: boolean;
  readonly headline: string;
  readonly details: readonly string[];
}

const short = (hex: string): string => `${hex.slice(0, 12)}…`;
const label = (input: ReportInput): string => `${input.name} (${inputKindLabel(input.kind)})`;

export function describeFingerprints(c: FingerprintComparison): FingerprintSummary {
  const details: string[] = [];
  for (const { expected, actual } of c.differ) {
    const size = expected.size === actual.size ? '' : `, ${formatBytes(expected.size)} then ${formatBytes(actual.size)}`;
    details.push(`${label(expected)} differs: SHA-256 ${short(expected.sha256)} in the link, ${short(actual.sha256)} in ${actual.name}${size}`);
  }
  for (const input of c.missing) details.push(`${label(input)} is missing: drop it too`);
  for (const input of c.extra) details.push(`${label(input)} was not in the link`);
  if (c.allMatch) {
    return { allMatch: true, headline: `All inputs match the permalink (${plural(c.matched.length, 'file')}, SHA-256 equal)`, details };
  }
  const problems = c.differ.length + c.missing.length;
  return { allMatch: false, headline: `${plural(problems, 'input')} of the permalink ${problems === 1 ? 'does' : 'do'} not match`, details };
}
