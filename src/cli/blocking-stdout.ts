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
/**
 * A stdout that takes no more (a full disk: ENOSPC, EIO, EFBIG) is an output error, as an HTML
 * report that cannot be written is: CONTRACT §2 gives 2 to what cannot be read or written, and
 * keeps 3 for a bug, which this is not.
 */
export const STDOUT_FAILED_STATUS = 2;
/** A millisecond's sleep while a full pipe drains (Atomics.wait blocks the main thread in Node). */
const pause = new Int32Array(new SharedArrayBuffer(4));

/** The internal handle of `process.stdout` for a pipe or TTY (libuv's stream), where it has one. */
interface StdoutHandle {
  setBlocking?(blocking: boolean): number;
}
let madeBlocking = false;

/**
 * Writes `chunk` to fd 1 whole. libuv makes a pipe non-blocking once `process.stdout` is used;
 * it is made blocking again here (makeStdoutBlocking), so that a write waits for the reader in
 * the kernel. A reader that stopped (`| head`) ends the process quietly, as tools that SIGPIPE
 * kills do. Bytes already queued in `process.stdout` go first, in order.
 */
export function writeStdoutFully(chunk: Uint8Array): void {
  if (process.stdout.writableLength > 0) {
    process.stdout.write(chunk.slice());
    return;
  }
  makeStdoutBlocking();
  writeToStdoutOrExit(chunk);
}

/** writeToFd1, ending the process when stdout takes no more: quietly for a closed pipe, else saying why. */
export function writeToStdoutOrExit(chunk: Uint8Array): void {
  let written: boolean;
  try {
    written = writeToFd1(chunk);
  } catch (e) {
    stdoutFailed(e);
  }
  if (!written) process.exit(CLOSED_PIPE_STATUS);
}

/** Ends the process after a failed write to stdout, with one line on stderr naming the cause (`ENOSPC: no space left on device`). */
export function stdoutFailed(cause: unknown): never {
  process.stderr.write(`imascope: cannot write to stdout: ${cause instanceof Error ? cause.message : String(cause)}\n`);
  process.exit(STDOUT_FAILED_STATUS);
}

/**
 * Makes fd 1 blocking again (the handle's `setBlocking`, as the `set-blocking` package does):
 * polling a full pipe every millisecond capped a 215 MB report at ~64 KiB per ms (1,221
 * against 248 ms through spawnSync's pipe, /tmp measurement in BENCHMARKS.md). Once: the
 * flag is the file's, shared by every thread that writes to it.
 */
export function makeStdoutBlocking(): void {
  if (madeBlocking) return;
  madeBlocking = true;
  (process.stdout as unknown as { _handle?: StdoutHandle })._handle?.setBlocking?.(true);
}

/**
 * Writes `chunk` to fd 1 whole, past `process.stdout` (any thread may call it); false when the
 * reader has closed the pipe. Where fd 1 could not be made blocking, a full pipe answers
 * EAGAIN: wait and try again.
 */
export function writeToFd1(chunk: Uint8Array): boolean {
  let at = 0;
  while (at < chunk.length) {
    try {
      at += writeSync(STDOUT, chunk, at, chunk.length - at);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') return false;
      if (code !== 'EAGAIN') throw e;
      Atomics.wait(pause, 0, 0, 1);
    }
  }
  return true;
}
