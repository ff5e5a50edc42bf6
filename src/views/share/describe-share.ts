/**
 * Plain-words summaries for the share views, pure so their wording is tested without React:
 * the sender's view a permalink carries, and how dropped files compare with the link's
 * input fingerprints.
 */
import type { FingerprintComparison } from '../../core/share/fingerprints';
import type { PermalinkView } from '../../core/share/permalink';
import type { ReportInput } from '../../core/report/report';
import { formatBytes, formatCount, plural } from '../shared/format';
import { inputKindLabel } from '../../core/inputs/input-kinds';
import type { ViewState } from '../../core/share/view-state';

/** "entry #12 selected", "search “/usr”", … in the order the table applies them. */
export function describeView(view: PermalinkView | undefined): string[] {
  if (view === undefined) return [];
  const out: string[] = [];
  if (view.selectedEntry !== undefined) out.push(`entry #${formatCount(view.selectedEntry)} selected`);
  const f = view.filter;
  if (f !== undefined) {
    if (f.search.trim() !== '') out.push(`search “${f.search}”`);
    if (f.pcrs.length > 0) out.push(`PCR ${f.pcrs.join(', ')}`);
    if (f.statuses.length > 0) out.push(`status ${f.statuses.join(', ')}`);
    if (f.templates.length > 0) out.push(plural(f.templates.length, 'template'));
    if (f.sort.column !== 'index' || f.sort.descending) {
      out.push(`sorted by ${f.sort.column}${f.sort.descending ? ', descending' : ''}`);
    }
  }
  if (view.timeline !== undefined) {
    out.push(`timeline entries #${formatCount(Math.floor(view.timeline.start))}–#${formatCount(Math.ceil(view.timeline.end))}`);
  }
  return out;
}

/**
 * What a view link (`#entry=…&log=…`) shows, for the first screen while its list is not
 * loaded: "entry #12 selected", "filter “pcr == 10”", … Indices are the table's (0-based, as
 * in the # column and the CLI's report).
 */
export function describeViewLink(view: ViewState): string[] {
  const out: string[] = [];
  if (view.entry !== undefined) out.push(`entry #${formatCount(view.entry)} selected`);
  if (view.filter !== undefined) out.push(`filter “${view.filter}”`);
  if (view.pcrs !== undefined && view.pcrs.length > 0) out.push(`PCR ${view.pcrs.join(', ')}`);
  if (view.templates !== undefined && view.templates.length > 0) out.push(`template ${view.templates.join(', ')}`);
  if (view.statuses !== undefined && view.statuses.length > 0) out.push(`status ${view.statuses.join(', ')}`);
  if (view.sort !== undefined && (view.sort.column !== 'index' || view.sort.descending)) {
    out.push(`sorted by ${view.sort.column}${view.sort.descending ? ', descending' : ''}`);
  }
  if (view.range !== undefined) out.push(`entries #${formatCount(view.range.start)}–#${formatCount(view.range.end - 1)}`);
  if (view.zoom !== undefined) out.push(`timeline entries #${formatCount(Math.floor(view.zoom.start))}–#${formatCount(Math.ceil(view.zoom.end))}`);
  if (view.tab === 'firmware') out.push('the firmware log');
  return out;
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
