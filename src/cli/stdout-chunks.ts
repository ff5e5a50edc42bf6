/**
 * How the main thread hands the report's chunks to the bank thread's worker, which writes them
 * to stdout (bank-thread.ts `stdoutWriter`, chain-worker.ts): a module of its own, so that the
 * worker's bundle takes these and nothing else of the main thread's side.
 *
 * The chunks travel on a port of their own, transferred (never copied) and sent back once
 * written; the main thread takes them back with `receiveMessageOnPort` while the report is
 * written (synchronously: its event loop does not run meanwhile) and sleeps on `signal` when
 * it has none. Plain ArrayBuffers, not a SharedArrayBuffer: V8 copies into a shared buffer
 * with relaxed atomics, and `set` into one cost ~4× a plain one (the writer copies most of
 * a report's bytes with it).
 */
import type { MessagePort } from 'node:worker_threads';

/** What the worker is given once: the port the chunks come on and the words it signals on. */
export interface StdoutChannel {
  readonly port: MessagePort;
  /** Int32 words: [RETURNED] counts the chunks sent back, [STATUS] says how the writes went. */
  readonly signal: SharedArrayBuffer;
}

/** A chunk to write: the first `count` bytes of `bytes`, sent back whole once written. */
export interface StdoutChunk {
  readonly bytes: ArrayBuffer;
  readonly count: number;
}

/** A chunk sent back: its buffer, and why the write failed when it did (STDOUT_FAILED). */
export interface ReturnedChunk {
  readonly bytes: ArrayBuffer;
  readonly error?: string;
}

export const RETURNED = 0;
export const STATUS = 1;
export const STDOUT_OK = 0;
/** The reader closed the pipe: nothing more is written. */
export const STDOUT_CLOSED = 1;
/** A write failed otherwise: nothing more is written. */
export const STDOUT_FAILED = 2;
