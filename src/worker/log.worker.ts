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
// (which hashes too: the replay) keeps busy; verify-pool.ts caps them. On 2 cores one pool
// worker only fingerprints the file (reading it itself) while ranges are verified here
// between requests: measured on 2 cores, 1M entries, verifying ranges in a pool worker made
// verification 5% faster and the page's peak 16 MiB larger (range copies), while moving the
// fingerprint off this thread takes its ~0.5 s off the way to the verdict.
const cores = navigator.hardwareConcurrency || 2;
const verifyPool = () =>
  createVerifyPool({
    size: Math.max(1, cores - 2),
    spawn: () =>
      new Worker(new URL('./verify.worker.ts', import.meta.url), { type: 'module', name: 'imascope-verify' }) as PoolWorkerLike,
    provider: createHashProvider,
  });
const session = new LogSession((event, transfer) => scope.postMessage(event, transfer), { verifyPool, verifyInPlace: cores <= 2 });
session.warmUp();

scope.onmessage = (e: MessageEvent<WorkerRequest>) => {
  void session.handle(e.data);
};
