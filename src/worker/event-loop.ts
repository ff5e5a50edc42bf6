/**
 * Turns of the log worker's event loop, so that long work on its thread (parsing, hashing,
 * replaying a million entries) leaves room for the page's requests: a row page, a cancel.
 */
import type { Pause } from '../core/replay/replay-chains';

/** Resolvers of the yields in flight, in order: each message on the channel ends the oldest. */
const waiting: Array<() => void> = [];
let channel: MessageChannel | undefined;

/**
 * A macrotask, so that messages already queued (a request, a cancel) are handled first.
 * In a browser's worker a message to itself rather than setTimeout(0): after five nested
 * timeouts browsers wait at least 4 ms each (measured in Chromium's worker: 100 yields took
 * 433–696 ms by setTimeout, 2 ms by MessageChannel, and the page's messages that arrived
 * meanwhile were handled first), and verification yields every 20 ms. Node (the tests) does
 * not clamp, and there a timer is the turn that lets its timers run.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof WorkerGlobalScope === 'undefined' || typeof MessageChannel === 'undefined') {
      setTimeout(resolve, 0);
      return;
    }
    if (channel === undefined) {
      channel = new MessageChannel();
      channel.port1.onmessage = () => waiting.shift()?.();
    }
    waiting.push(resolve);
    channel.port2.postMessage(undefined);
  });
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
