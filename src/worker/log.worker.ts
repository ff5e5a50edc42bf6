/**
 * The log worker's entry point: wires messages to one LogSession (all logic lives there,
 * where Node tests can reach it). Results carry fresh buffers, transferred, never model
 * columns.
 */
import { createHashProvider } from '../core/hash/hash-provider';
import { LogSession } from './log-session';
import type { WorkerRequest } from './protocol';
import { createVerifyPool, type PoolWorkerLike } from './verify-pool';

const scope = self as unknown as DedicatedWorkerGlobalScope;
// The verification pool: nested workers, one per core but this worker's own, which hashes
// too while the pool verifies (the file's fingerprint, then the replay). verify-pool.ts caps
// them. On 2 cores one pool worker verifies as fast as two did, and its isolate is 6 MiB less.
const verifyPool = () =>
  createVerifyPool({
    size: Math.max(1, (navigator.hardwareConcurrency || 2) - 1),
    spawn: () =>
      new Worker(new URL('./verify.worker.ts', import.meta.url), { type: 'module', name: 'imascope-verify' }) as PoolWorkerLike,
    provider: createHashProvider,
  });
const session = new LogSession((event, transfer) => scope.postMessage(event, transfer), { verifyPool });

scope.onmessage = (e: MessageEvent<WorkerRequest>) => {
  void session.handle(e.data);
};
