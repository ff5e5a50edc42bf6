/**
 * The verification pool: a worker per core that the page and the log worker leave free
 * (log.worker.ts), running PoolTasks for the log session, so that on a machine with cores to
 * spare, hashing a million entries happens off the session's thread. The session keeps
 * answering row requests meanwhile either way.
 *
 * Tasks are given as thunks and built only when dispatched, so a caller can queue ranges
 * without holding their copies. Each task goes to the worker with the fewest outstanding
 * tasks; its buffers are transferred both ways. A worker that cannot start or fails (no
 * nested workers, a script the CSP blocks) is dropped and its tasks, rebuilt from their
 * thunks, run in-process, as every task does when there are no workers at all (Node tests,
 * machines with 2 cores): in-process tasks yield a macrotask every INLINE_SLICE_MS so the
 * session's queued messages are served.
 */
import type { HashProvider } from '../core/hash/hash-provider';
import {
  runPoolTask,
  type PoolRequest,
  type PoolResponse,
  type PoolResult,
  type PoolTask,
} from './verify-task';
import { bufferOfRange } from './log-range';
import { timeSlices } from './event-loop';

/** Longest run of in-process tasks between two turns of the event loop. */
const INLINE_SLICE_MS = 20;

/** More workers than this add memory (an isolate and hash state each) but little speed. */
export const MAX_POOL_WORKERS = 4;

/** What the pool needs of a Worker (a fake in tests). */
export interface PoolWorkerLike {
  postMessage(message: PoolRequest, transfer: Transferable[]): void;
  onmessage: ((event: MessageEvent<PoolResponse>) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
  terminate(): void;
}

export interface VerifyPool {
  /** Workers running tasks in parallel (1 when tasks run in-process). */
  readonly size: number;
  /** No workers: tasks run on the caller's thread (which can then skip copying ranges). */
  readonly inProcess: boolean;
  run(task: () => PoolTask): Promise<PoolResult>;
  dispose(): void;
}

export interface VerifyPoolOptions {
  /** Starts one worker; absent: every task runs in-process. */
  readonly spawn?: () => PoolWorkerLike;
  readonly size: number;
  /** The hash provider for in-process tasks. */
  readonly provider: () => Promise<HashProvider>;
}

interface Pending {
  readonly task: () => PoolTask;
  resolve(result: PoolResult): void;
  reject(error: Error): void;
}

interface Slot {
  readonly worker: PoolWorkerLike;
  readonly pending: Map<number, Pending>;
}

function transferablesOfTask(task: PoolTask): Transferable[] {
  return task.kind === 'verify' ? [bufferOfRange(task.range)] : [];
}

export function createVerifyPool(options: VerifyPoolOptions): VerifyPool {
  const slots: Slot[] = [];
  let nextId = 1;

  // In-process tasks run back to back for up to INLINE_SLICE_MS, then the session's queued
  // messages are served.
  const pause = timeSlices(INLINE_SLICE_MS);
  const runInline = async (task: () => PoolTask): Promise<PoolResult> => {
    await pause();
    return runPoolTask(task(), await options.provider());
  };

  const drop = (slot: Slot): void => {
    const at = slots.indexOf(slot);
    if (at < 0) return;
    slots.splice(at, 1);
    slot.worker.terminate();
    for (const p of slot.pending.values()) runInline(p.task).then(p.resolve, p.reject);
    slot.pending.clear();
  };

  const spawn = options.spawn;
  if (spawn !== undefined) {
    for (let k = 0; k < Math.min(options.size, MAX_POOL_WORKERS); k++) {
      let worker: PoolWorkerLike;
      try {
        worker = spawn();
      } catch {
        break;
      }
      const slot: Slot = { worker, pending: new Map() };
      worker.onmessage = (e) => {
        const response = e.data;
        const p = slot.pending.get(response.id);
        if (p === undefined) return;
        slot.pending.delete(response.id);
        if ('error' in response) p.reject(new Error(response.error));
        else p.resolve(response.result);
      };
      worker.onerror = (e) => {
        e.preventDefault();
        drop(slot);
      };
      slots.push(slot);
    }
  }

  return {
    get size() {
      return Math.max(1, slots.length);
    },
    get inProcess() {
      return slots.length === 0;
    },
    run(task) {
      if (slots.length === 0) return runInline(task);
      let slot = slots[0];
      for (const s of slots) if (s.pending.size < slot.pending.size) slot = s;
      const id = nextId++;
      return new Promise<PoolResult>((resolve, reject) => {
        slot.pending.set(id, { task, resolve, reject });
        const built = task();
        slot.worker.postMessage({ id, task: built }, transferablesOfTask(built));
      });
    },
    dispose() {
      for (const slot of [...slots]) {
        slot.worker.terminate();
        for (const p of slot.pending.values()) {
          p.reject(new Error('The verification pool was stopped'));
        }
      }
      slots.length = 0;
    },
  };
}
