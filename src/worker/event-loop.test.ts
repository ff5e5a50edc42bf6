import { afterEach, describe, expect, it, vi } from 'vitest';
import { timeSlices, yieldToEventLoop } from './event-loop';

describe('timeSlices', () => {
  it('yields a macrotask only once its slice has passed, then starts a new slice', async () => {
    let t = 0;
    const pause = timeSlices(40, () => t);
    let timers = 0;
    setTimeout(() => timers++, 0);
    t = 39;
    await pause();
    expect(timers).toBe(0); // still within the slice: no turn of the event loop
    t = 40;
    await pause();
    expect(timers).toBe(1); // the slice is over: queued tasks ran first
    setTimeout(() => timers++, 0);
    t = 60;
    await pause();
    expect(timers).toBe(1); // a new slice began when it yielded
  });
});

describe('yieldToEventLoop', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('in a browser worker, turns the loop by a message to itself, not a clamped timer', async () => {
    vi.stubGlobal('WorkerGlobalScope', class {});
    vi.useFakeTimers(); // a timer would never fire: only the message can end these yields
    const order: number[] = [];
    await Promise.all([1, 2, 3].map((k) => yieldToEventLoop().then(() => order.push(k))));
    expect(order).toEqual([1, 2, 3]);
  });
});
