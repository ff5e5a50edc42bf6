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
// The verification pool: nested workers, one per core that neither the page nor this worker
// (which hashes too: the file's fingerprint, then the replay) keeps busy; verify-pool.ts caps
// them. With none (2 cores), ranges are verified here between requests. Measured on 2 cores,
// 1M entries: a pool worker made verification 5% faster and the page's peak 16 MiB larger.
const verifyPool = () =>
  createVerifyPool({
    size: Math.max(0, (navigator.hardwareConcurrency || 2) - 2),
    spawn: () =>
      new Worker(new URL('./verify.worker.ts', import.meta.url), { type: 'module', name: 'imascope-verify' }) as PoolWorkerLike,
    provider: createHashProvider,
  });
const session = new LogSession((event, transfer) => scope.postMessage(event, transfer), { verifyPool });

scope.onmessage = (e: MessageEvent<WorkerRequest>) => {
  void session.handle(e.data);
};
