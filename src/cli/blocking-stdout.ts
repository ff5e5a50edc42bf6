/**
 * Writes to stdout that return only when the bytes are out. Through `process.stdout` a pipe's
 * writes queue whenever its reader is slower, and the queue keeps every chunk: of fifty 1 MiB
 * writes to `| cat`, none was done on return, so a report of a million policy failures
 * (~200 MB of JSON) sat whole in memory. Written here, the writer fills one chunk again and
 * again (json-report.ts), and memory stays flat whatever reads the pipe.
 */
import { writeSync } from 'node:fs';

const STDOUT = 1;
/** What a shell reports for a process a closed pipe stopped (128 + SIGPIPE). */
export const CLOSED_PIPE_STATUS = 141;
/** A millisecond's sleep while a full pipe drains (Atomics.wait blocks the main thread in Node). */
const pause = new Int32Array(new SharedArrayBuffer(4));

/** The internal handle of `process.stdout` for a pipe or TTY (libuv's stream), where it has one. */
interface StdoutHandle {
  setBlocking?(blocking: boolean): number;
}
let madeBlocking = false;

/**
 * Writes `chunk` to fd 1 whole. libuv makes a pipe non-blocking once `process.stdout` is used;
 * it is made blocking again here (the handle's `setBlocking`, as the `set-blocking` package
 * does), so that a write waits for the reader in the kernel: polling a full pipe every
 * millisecond capped a 215 MB report at ~64 KiB per ms (1,221 against 248 ms through
 * spawnSync's pipe, /tmp measurement in BENCHMARKS.md). Where that cannot be done, a full
 * pipe answers EAGAIN: wait and try again. A reader that stopped (`| head`) ends the process
 * quietly, as tools that SIGPIPE kills do. Bytes already queued in `process.stdout` go first,
 * in order.
 */
export function writeStdoutFully(chunk: Uint8Array): void {
  if (process.stdout.writableLength > 0) {
    process.stdout.write(chunk.slice());
    return;
  }
  if (!madeBlocking) {
    madeBlocking = true;
    (process.stdout as unknown as { _handle?: StdoutHandle })._handle?.setBlocking?.(true);
  }
  let at = 0;
  while (at < chunk.length) {
    try {
      at += writeSync(STDOUT, chunk, at, chunk.length - at);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') process.exit(CLOSED_PIPE_STATUS);
      if (code !== 'EAGAIN') throw e;
      Atomics.wait(pause, 0, 0, 1);
    }
  }
}
