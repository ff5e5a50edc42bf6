/**
 * Turns of the log worker's event loop, so that long work on its thread (parsing, hashing,
 * replaying a million entries) leaves room for the page's requests: a row page, a cancel.
 */
import type { Pause } from '../core/replay/replay-chains';

/** A macrotask, so that messages already queued (a request, a cancel) are handled first. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * A pause that yields only once `sliceMs` have passed since it last did: work goes on in
 * slices of about that length. (A macrotask per small step costs more than the step: after a
 * few nested timeouts browsers wait at least 4 ms each.)
 */
export function timeSlices(sliceMs: number, now: () => number = () => performance.now()): Pause {
  let last = now();
  return async () => {
    if (now() - last < sliceMs) return;
    await yieldToEventLoop();
    last = now();
  };
}
