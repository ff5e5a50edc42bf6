/**
 * Long work over every entry written once and run two ways: as a generator that stops now and
 * then to say how far it got, finished at once (`finishSteps`: the CLI, the tests) or with a
 * pause at each stop (`finishStepsWithPauses`: the app's worker, which serves row requests in
 * the pauses and shows the progress).
 */
import type { Pause } from '../replay/replay-chains';

/** Yields how much is done (in the work's own unit) at each stop; returns the result. */
export type Steps<T> = Generator<number, T, void>;

export function finishSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done === true) return r.value;
  }
}

export async function finishStepsWithPauses<T>(steps: Steps<T>, pause: Pause, onProgress?: (done: number) => void): Promise<T> {
  for (;;) {
    const r = steps.next();
    if (r.done === true) return r.value;
    onProgress?.(r.value);
    await pause();
  }
}
