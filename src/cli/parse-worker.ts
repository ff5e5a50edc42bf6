/**
 * Worker-thread entry of `imascope compare` (list-thread.ts): reads one list file whole,
 * parses it and makes its own checks (listFindings: template hashes, framing), while the main
 * thread reads and checks the other input, then moves the log (its bytes and columns, with
 * the entries' verification flags, transferred, not copied) back with the findings. Bundled
 * beside the CLI as dist/cli/parse-worker.mjs.
 */
import { basename } from 'node:path';
import { parentPort } from 'node:worker_threads';
import { listFindings } from '../core/analysis/list-findings';
import { createHashProvider } from '../core/hash/hash-provider';
import type { Finding } from '../core/report/report';
import { withNodeBulkHashing } from './node-bulk-hashing';
import { InputError, isList, parseList, readRaw, transferableLog } from './read-list';

/**
 * What the worker answers: the log, or that the file is no list, or why it cannot be read
 * (an InputError). Anything else thrown (a bug, a failed allocation) is `failed`: the caller
 * reads the list itself and fails as it would have without a thread (exit 3, naming the files).
 */
export type ParsedInThread =
  | { readonly kind: 'log'; readonly log: ReturnType<typeof transferableLog>['log']; readonly findings: Finding[] }
  | { readonly kind: 'not-a-list' }
  | { readonly kind: 'error'; readonly message: string }
  | { readonly kind: 'failed' };

const port = parentPort;
if (port === null) throw new Error('parse-worker.ts runs as a worker thread');
port.once('message', async (path: string) => {
  let answer: ParsedInThread;
  let transfer: ArrayBuffer[] = [];
  try {
    const raw = readRaw(path);
    if (!isList(raw)) answer = { kind: 'not-a-list' };
    else {
      const log = parseList(raw);
      const findings = listFindings(log, basename(path), withNodeBulkHashing(await createHashProvider()));
      const moved = transferableLog(log);
      answer = { kind: 'log', log: moved.log, findings };
      transfer = moved.transfer;
    }
  } catch (e) {
    answer = e instanceof InputError ? { kind: 'error', message: e.message } : { kind: 'failed' };
  }
  port.postMessage(answer, transfer);
  port.close();
});
