/**
 * `compareWith`: reads a known-good reference list and compares the open log with it (core
 * compareLogs). The comparison stays on the open state until the next open of another log;
 * getRows then adds each row's class.
 */
import { CLASSIFY_HEAD_BYTES, classifyInput } from '../../core/analysis/classify-input';
import { compareDocument, type CompareDocument } from '../../core/compare/compare-json';
import { compareLogs } from '../../core/compare/compare-logs';
import { describeUnrecognized } from '../describe-input';
import type { InputFile, RequestId } from '../protocol';
import { readBlobHead } from '../read-blob-chunks';
import { SessionError, type Handlers, type Session } from '../session';
import { cacheKeyOf, isLogKind, parseLog } from './open';

/**
 * Reads `file` as the known-good reference and compares the open log with it (core
 * compareLogs). Both lists stay here until the next open; getRows then adds each row's class.
 */
async function compareWith(session: Session, file: Blob, name: string, id: RequestId, signal: AbortSignal): Promise<CompareDocument> {
  const state = session.state;
  const opened = session.requireLog();
  const head = await readBlobHead(file, CLASSIFY_HEAD_BYTES);
  const kind = classifyInput(head);
  if (!isLogKind(kind)) {
    const looks = kind ?? describeUnrecognized(head);
    throw new SessionError('unrecognizedFormat', `${name} cannot be the reference: it is not an IMA measurement list (it looks like ${looks}).`);
  }
  const input: InputFile = { id: `reference:${name}`, name, file };
  const reference = await parseLog(session, input, kind, cacheKeyOf(input, kind), id, signal);
  if (reference.log.entries.length === 0) {
    throw new SessionError('unrecognizedFormat', `${name} has no readable entry: ${reference.log.errors[0]?.message ?? 'empty'}`);
  }
  const result = compareLogs(reference.log, opened.log);
  if (session.state === state) state.comparison = result;
  return compareDocument(result, { reference: name, failing: opened.overview.name });
}

export const compareHandlers: Handlers<'compareWith'> = {
  compareWith: (session, { file, name }, { id, signal }) => compareWith(session, file, name, id, signal),
};
