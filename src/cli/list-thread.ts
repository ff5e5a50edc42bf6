/**
 * `imascope compare` reads and parses its failing list in a worker thread (parse-worker.ts)
 * while the main thread reads the reference and interns its names (compare-logs
 * `scanReference`): on two cores that work takes the time of its longer half (issue 16: two
 * 1M-entry lists in under 2 s; reading a file whole and parsing it is most of that). The log
 * comes back by transfer, so nothing is copied, and it is the log the main thread would have
 * parsed (the same read-list.ts functions).
 */
import { SNIFF_HEAD_BYTES } from '../core/inputs/input-kind-module';
import { recogniseInput } from '../core/inputs/registry';
import type { ImaLog } from '../core/model/ima-log';
import type { Finding } from '../core/report/report';
import { startCliWorker } from './cli-worker';
import type { ParsedInThread } from './parse-worker';
import { InputError, receivedLog } from './read-list';
import { readHead } from './read-head';

/** Lists from this size on are parsed in a thread: below it booting one (~40 ms) costs more than it saves. */
const THREAD_MIN_BYTES = 4 * 1024 * 1024;

/** THREAD_MIN_BYTES, or IMASCOPE_COMPARE_THREAD_MIN_BYTES when set (0: every list; tests). */
function threadMinBytes(): number {
  const asked = Number.parseInt(process.env.IMASCOPE_COMPARE_THREAD_MIN_BYTES ?? '', 10);
  return Number.isInteger(asked) && asked >= 0 ? asked : THREAD_MIN_BYTES;
}

/** A list parsed in the thread, with its own checks made there (listFindings). */
export interface CheckedList {
  readonly log: ImaLog;
  readonly findings: readonly Finding[];
}

/**
 * The list at `path` parsed and checked in a worker thread, or undefined when it is not worth one (small,
 * or its head is no IMA list: the caller reads it). The promise gives undefined when the
 * thread could not do it (no threads, the file read whole is no list after all): the caller
 * then reads it itself, and says why it cannot where it cannot. An unreadable file rejects
 * with the InputError the caller's own read would throw.
 */
export function parseListInThread(path: string): Promise<CheckedList | undefined> | undefined {
  const head = readHead(path, SNIFF_HEAD_BYTES);
  if (head === undefined || head.size < threadMinBytes()) return undefined;
  const kind = recogniseInput(head.bytes, head.bytes.length === head.size)?.module.kind;
  if (kind !== 'ima-binary' && kind !== 'ima-ascii') return undefined;
  let worker;
  try {
    worker = startCliWorker('parse-worker');
  } catch {
    return undefined;
  }
  worker.unref(); // never keeps the CLI alive
  const started = worker;
  return new Promise((resolve, reject) => {
    started.once('message', (answer: ParsedInThread) => {
      if (answer.kind === 'error') reject(new InputError(answer.message));
      else resolve(answer.kind === 'log' ? { log: receivedLog(answer.log), findings: answer.findings } : undefined);
    });
    started.once('error', () => resolve(undefined));
    started.once('exit', () => resolve(undefined)); // without an answer: the caller reads it
    started.postMessage(path);
  });
}

