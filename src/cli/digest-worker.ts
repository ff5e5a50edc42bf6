/**
 * Worker-thread entry of the CLI's pool (parallel-digests.ts): says when it can hash, runs
 * tasks of each shared job it is sent, then says which job it is finished with. Bundled
 * beside the CLI as dist/cli/digest-worker.mjs.
 */
import { parentPort } from 'node:worker_threads';
import { createWasmHashProvider } from '../core/hash/hash-provider';
import { runTasks, warmUp, type PoolJob } from './pool-jobs';

const port = parentPort;
if (port === null) throw new Error('digest-worker.ts runs as a worker thread');
const provider = createWasmHashProvider();
void provider.then((p) => {
  warmUp(p);
  port.postMessage('ready');
});
port.on('message', (job: PoolJob) => {
  void provider.then((p) => {
    runTasks(job, p);
    port.postMessage(job.id);
  });
});
