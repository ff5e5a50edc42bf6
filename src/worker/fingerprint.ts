/**
 * The SHA-256 of the user's log file, for the report. A binary list's `data` is the file's
 * bytes exactly (ima-log.ts), so it is hashed from memory on the session's thread, a few MiB
 * per step with the event loop served in between; reading the file again would leave a
 * file's worth of garbage buffers behind at the moment memory peaks. An ASCII list (its data
 * is re-encoded) is read from the file by a pool worker.
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
  if (log.format !== 'binary' || log.data.length !== file.size) {
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
