/**
 * A verification-pool worker's entry point (started by the log worker, see verify-pool.ts):
 * runs each PoolTask it is sent and answers with the result, its buffers transferred.
 */
import { createHashProvider } from '../core/hash/hash-provider';
import { runPoolTask, transferablesOfResult, type PoolRequest } from './verify-task';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const provider = createHashProvider();

scope.onmessage = (e: MessageEvent<PoolRequest>) => {
  const { id, task } = e.data;
  void (async () => {
    try {
      const result = await runPoolTask(task, await provider);
      scope.postMessage({ id, result }, transferablesOfResult(result));
    } catch (error) {
      scope.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
    }
  })();
};
