/**
 * The SHA-256 of the user's log file, for the report. A pool worker, when there is one,
 * reads the file itself (in 4 MiB pieces of one reused buffer, read-blob-chunks.ts) and hashes
 * it on its own core while the session's thread verifies and replays: 112 MiB of SHA-256 is
 * about half a second off the way to the verdict. With no pool worker, a binary list's `data`
 * (the file's bytes exactly, ima-log.ts) is hashed from memory on the session's thread, a few
 * MiB per step with the event loop served in between; an ASCII list (its data is re-encoded)
 * is read from the file by the in-process pool.
 */
import { yieldToEventLoop } from './event-loop';
import type { HashProvider } from '../core/hash/hash-provider';
import type { ImaLog } from '../core/model/ima-log';
import { toHex } from '../core/util/bytes';
import type { VerifyPool } from './verify-pool';

/** Bytes hashed between turns of the event loop (~10 ms of SHA-256). */
const STEP = 4 * 1024 * 1024;

export async function fingerprintLogFile(
  log: ImaLog,
  file: Blob,
  pool: VerifyPool,
  provider: HashProvider,
): Promise<string> {
  if (!pool.inProcess || log.format !== 'binary' || log.data.length !== file.size) {
    const result = await pool.run(() => ({ kind: 'fingerprint', file }));
    if (result.kind !== 'fingerprint') throw new Error('unreachable: a fingerprint answered otherwise');
    return result.sha256;
  }
  const stream = await provider.createStream('sha256');
  if (stream === undefined) return '';
  for (let at = 0; at < log.data.length; at += STEP) {
    stream.update(log.data.subarray(at, Math.min(log.data.length, at + STEP)));
    await yieldToEventLoop();
  }
  return toHex(stream.digest());
}
