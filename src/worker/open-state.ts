/**
 * What the requests read from the open log besides the model, each worked out once per open
 * (or per analysis) and kept on the OpenState: key ids, timeline marks, the verdict columns,
 * the filter's columns, compiled filter expressions and filtered views.
 */
import {
  compileExpression,
  filterEntries,
  FilterTimeout,
  isIdentityQuery,
  type CompiledExpression,
  type QueryColumns,
  type RowQuery,
} from '../core/query/filter-entries';
import { NO_VERDICTS, type EntryVerdicts } from '../core/query/entry-verdicts';
import { computeKeyIds, type KeyIdColumn } from '../core/query/signature-key-ids';
import { classifyEntries, type BreakdownMode, type CategoryColumn } from '../core/timeline/timeline-categories';
import { computeTimelineMarks, type TimelineMarks } from '../core/timeline/timeline-marks';
import { SessionError, type OpenedLog, type OpenState } from './session';

const MAX_CACHED_VIEWS = 4;
const MAX_CACHED_EXPRESSIONS = 16;

export function keyIdsOf(opened: OpenedLog): KeyIdColumn {
  opened.keyIds ??= computeKeyIds(opened.log);
  return opened.keyIds;
}

/**
 * The policy dry run's columns, which use the filter's codes (entry-verdicts.ts); without one,
 * the malformed signatures the analysis found with no key.
 */
export function verdictsOf(state: OpenState): EntryVerdicts {
  const run = state.policyRun;
  if (run !== undefined) return { policy: run.policyColumn, signature: run.signatureColumn };
  const signature = state.analysis?.signatureColumn;
  return signature === undefined ? NO_VERDICTS : { signature };
}

/** Timeline marks of the open log, from its latest analysis (model facts only before it). */
export function timelineMarksOf(state: OpenState, opened: OpenedLog): TimelineMarks {
  state.marks ??= computeTimelineMarks(opened.log, state.analysis, keyIdsOf(opened), verdictsOf(state));
  return state.marks;
}

/**
 * What the display filter reads besides the model: key ids, the boots, kexec records and
 * parse errors the timeline marks (so `boot == 1` and the timeline agree), and the
 * signature and policy verdicts.
 */
export function filterColumnsOf(state: OpenState, opened: OpenedLog): QueryColumns {
  const m = timelineMarksOf(state, opened).markers;
  return {
    keyIds: keyIdsOf(opened),
    verdicts: verdictsOf(state),
    events: { boots: m.boot, kexecLoads: m.kexec_load, kexecExecutes: m.kexec_execute, parseErrors: m['parse-error'] },
  };
}

/** A Map used as a small least-recently-used cache: a hit moves to the back, the front goes first. */
function remember<V>(cache: Map<string, V>, key: string, limit: number, make: () => V): V {
  if (cache.has(key)) {
    const hit = cache.get(key) as V;
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const made = make();
  cache.set(key, made);
  if (cache.size > limit) cache.delete(cache.keys().next().value as string);
  return made;
}

/** The filter expression, parsed and compiled once per text until the next analysis. */
export function expressionOf(state: OpenState, opened: OpenedLog, text: string): CompiledExpression {
  return remember(state.expressions, text, MAX_CACHED_EXPRESSIONS, () => compileExpression(opened.log, text, filterColumnsOf(state, opened)));
}

/** Filtered/sorted entry indices for a query; undefined means "every entry, in order". */
export function viewOf(state: OpenState, opened: OpenedLog, query: RowQuery): Int32Array | undefined {
  if (isIdentityQuery(query)) return undefined;
  return remember(state.views, JSON.stringify(query), MAX_CACHED_VIEWS, () =>
    withinBudget(() => filterEntries(opened.log, query, filterColumnsOf(state, opened), undefined, expressionOf(state, opened, query.search))),
  );
}

/** What each entry measured, cut one way; computed once per log and way. */
export function categoriesOf(opened: OpenedLog, mode: BreakdownMode): CategoryColumn {
  opened.categories ??= new Map();
  let column = opened.categories.get(mode);
  if (column === undefined) {
    column = classifyEntries(opened.log, mode);
    opened.categories.set(mode, column);
  }
  return column;
}

/** Runs a filter scan; one stopped by its time budget fails the request with the reason. */
export function withinBudget<T>(scan: () => T): T {
  try {
    return scan();
  } catch (e) {
    if (e instanceof FilterTimeout) throw new SessionError('filterStopped', e.message);
    throw e;
  }
}
