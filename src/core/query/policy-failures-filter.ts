/**
 * The table's "Policy failures" switch is a view of the filter expression, not a filter of
 * its own: on, the expression gains the conjunct `policy == fail`; off, loses it. So the
 * switch, the expression, the URL and a permalink always say the same thing.
 */
import { parseFilter, type FilterNode } from './filter-parse';

export const POLICY_FAILURES_TERM = 'policy == fail';

function isPolicyFailures(node: FilterNode): boolean {
  return node.kind === 'compare' && node.field === 'policy' && node.op === '==' && node.value.kind === 'word' && node.value.word === 'fail';
}

function topConjuncts(node: FilterNode | undefined): FilterNode[] {
  if (node === undefined) return [];
  return node.kind === 'and' ? [...topConjuncts(node.left), ...topConjuncts(node.right)] : [node];
}

/** True when the expression keeps only entries the policy fails (`policy == fail` is one of its conjuncts). */
export function filtersPolicyFailures(search: string): boolean {
  const parsed = parseFilter(search);
  return parsed.ok && topConjuncts(parsed.node).some(isPolicyFailures);
}

/** The term, written either way round an `and` (`&&`, `and`), with any spacing. */
const TERM = String.raw`policy\s*==\s*fail`;
const AND = String.raw`(?:&&|\band\b)`;
const TERM_PATTERNS = [
  new RegExp(String.raw`^\s*${TERM}\s*$`, 'i'),
  new RegExp(String.raw`\s*${AND}\s*${TERM}\s*$`, 'i'),
  new RegExp(String.raw`^\s*${TERM}\s*${AND}\s*`, 'i'),
  new RegExp(String.raw`\s*${AND}\s*${TERM}(?=\s*${AND})`, 'i'),
];

/** The expression with the switch turned on or off (unchanged when it already reads so). */
export function withPolicyFailures(search: string, on: boolean): string {
  if (filtersPolicyFailures(search) === on) return search;
  if (on) {
    const trimmed = search.trim();
    if (trimmed === '') return POLICY_FAILURES_TERM;
    const parsed = parseFilter(trimmed);
    // `a or b && policy == fail` would read as `a or (b && …)`.
    const text = parsed.ok && parsed.node?.kind === 'or' ? `(${trimmed})` : trimmed;
    return `${text} && ${POLICY_FAILURES_TERM}`;
  }
  let text = search;
  for (const pattern of TERM_PATTERNS) {
    while (filtersPolicyFailures(text) && pattern.test(text)) text = text.replace(pattern, '');
  }
  return text;
}
