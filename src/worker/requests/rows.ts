/** The entry table's requests: a page of rows under a query, an entry's row, an entry's detail. */
import { decodeEntry } from '../../core/ima/decode/decode-entry';
import { copyEntryBytes } from '../../core/model/ima-log';
import { explainEntry } from '../../core/policy/explain-entry';
import { entryStatus } from '../../core/query/entry-status';
import { rowOfEntry } from '../../core/query/filter-entries';
import { readRowPage, type RowPage } from '../../core/query/row-page';
import { expressionOf, verdictsOf, viewOf } from '../open-state';
import type { RequestParams } from '../protocol';
import { SessionError, type Handlers, type OpenedLog, type OpenState } from '../session';

/** The rows `getRows` answers for `range` of `query` over the log of `state` (also the preview's first rows). */
export function rowsOfState(state: OpenState, opened: OpenedLog, { range, query }: RequestParams<'getRows'>): RowPage {
  const page = readRowPage(opened.log, viewOf(state, opened, query), range, {
    verdicts: verdictsOf(state),
    ...(state.comparison !== undefined ? { compare: state.comparison.entryClass.failing } : {}),
  });
  // An empty expression parses; it needs no compiling (nor the marks the filter reads).
  const searchError = query.search.trim() === '' ? undefined : expressionOf(state, opened, query.search).error;
  return searchError === undefined ? page : { ...page, searchError };
}

export const rowHandlers: Handlers<'getRows' | 'findRow' | 'getEntryDetail'> = {
  getRows: (session, params) => rowsOfState(session.state, session.requireLog(), params),

  findRow: (session, { index, query }) => {
    const opened = session.requireLog();
    return rowOfEntry(viewOf(session.state, opened, query), index, opened.log.entries.length);
  },

  getEntryDetail: (session, { index }) => {
    const { log } = session.requireLog();
    const e = log.entries;
    if (!Number.isInteger(index) || index < 0 || index >= e.length) {
      throw new SessionError('internal', `No entry ${index}`);
    }
    const dataOffset = e.entryOffset[index];
    const run = session.state.policyRun;
    return {
      index,
      pcr: e.pcr[index],
      templateName: log.templates[e.template[index]]?.name ?? '',
      flags: e.flags[index],
      status: entryStatus(e.flags[index]),
      sourceOffset: e.sourceOffset[index],
      dataOffset,
      raw: copyEntryBytes(log, index),
      decoded: decodeEntry(log, index),
      ...(run !== undefined ? { policy: explainEntry(run, log, index) } : {}),
    };
  },
};
