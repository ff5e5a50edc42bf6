/**
 * Session.first: a request the user waits on (a comparison) goes before the replays in
 * progress, which stop at their next pause until it is done (issue 16: the replay panel's
 * details, still replaying when a reference was picked, made the comparison wait).
 */
import { describe, expect, it } from 'vitest';
import { Session } from './session';

/** Turns of the event loop enough for a pause that is free to end to end. */
async function turns(n = 5): Promise<void> {
  for (let k = 0; k < n; k++) await new Promise((r) => setTimeout(r, 0));
}

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: Error) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('Session.first and pause', () => {
  it('a pause waits while a request runs first, and ends when it is done', async () => {
    const session = new Session(() => undefined, {});
    const pause = session.pause();
    const request = deferred<string>();
    const answered = session.first(() => request.promise);
    let ended = false;
    const paused = pause().then(() => (ended = true));
    await turns();
    expect(ended).toBe(false);
    request.resolve('compared');
    expect(await answered).toBe('compared');
    await paused;
    expect(ended).toBe(true);
  });

  it('waits for every request running first, and is released by one that fails', async () => {
    const session = new Session(() => undefined, {});
    const pause = session.pause();
    const a = deferred<void>();
    const b = deferred<void>();
    const first = session.first(() => a.promise);
    const second = session.first(() => b.promise);
    let ended = false;
    const paused = pause().then(() => (ended = true));
    a.reject(new Error('unreadable'));
    await expect(first).rejects.toThrow('unreadable');
    await turns();
    expect(ended).toBe(false); // the second request still runs
    b.resolve();
    await second;
    await paused;
    expect(ended).toBe(true);
  });

  it('with nothing running first, a pause only turns the event loop once its slice is over', async () => {
    let t = 0;
    const session = new Session(() => undefined, { now: () => t });
    const request = deferred<void>();
    const answered = session.first(() => request.promise);
    request.resolve();
    await answered;
    const pause = session.pause();
    await pause(); // within the slice
    t = 1000;
    await pause(); // past it: one turn, then on
  });
});
