import { describe, expect, it } from 'vitest';
import { timeSlices } from './event-loop';

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
