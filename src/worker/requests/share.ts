/** The share and export menus' requests: files made from the open log, finding entries, the log's own bytes. */
import { exportAsciiList } from '../../core/export/ascii-list';
import { exportCsv } from '../../core/export/entry-csv';
import { collectFindingEntries } from '../../core/share/permalink-entries';
import { encodeText } from '../../core/util/bytes';
import { keyIdsOf, viewOf } from '../open-state';
import { SessionError, type Handlers } from '../session';

export const shareHandlers: Handlers<'exportCsv' | 'exportAsciiList' | 'getFindingEntries' | 'getLogBytes'> = {
  /** The rows a query shows (the table's filter and sort), as the CSV export writes them. */
  exportCsv: (session, { query }) => {
    const opened = session.requireLog();
    const rows = viewOf(session.state, opened, query);
    const text = exportCsv(opened.log, rows, { keyIds: keyIdsOf(opened) });
    return { bytes: encodeText(text), rows: rows?.length ?? opened.log.entries.length };
  },

  exportAsciiList: (session) => {
    const opened = session.requireLog();
    if (opened.log.format !== 'binary') {
      throw new SessionError('noLog', 'The open list is already ASCII; the ASCII export is made from a binary list.');
    }
    return { bytes: exportAsciiList(opened.log), rows: opened.log.entries.length };
  },

  getFindingEntries: (session, { report }) => {
    const opened = session.state.log;
    return opened === undefined ? [] : collectFindingEntries(opened.log, report, keyIdsOf(opened));
  },

  /** The log file as given (not the model's data: an ASCII list stays ASCII), when small. */
  getLogBytes: async (session, { maxBytes }) => {
    const { file } = session.requireLog();
    if (file.size > maxBytes) return { size: file.size };
    return { size: file.size, bytes: new Uint8Array(await file.arrayBuffer()) };
  },
};
