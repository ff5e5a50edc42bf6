/**
 * Worker-thread entry of the CLI's digest pool (parallel-digests.ts): computes chunks of a
 * shared digest job, then says so. Bundled beside the CLI as dist/cli/digest-worker.mjs.
 */
import { parentPort } from 'node:worker_threads';
import { createWasmHashProvider } from '../core/hash/hash-provider';
import { runDigestChunks, type DigestJob } from './digest-job';

const port = parentPort;
if (port === null) throw new Error('digest-worker.ts runs as a worker thread');
const provider = createWasmHashProvider();
port.on('message', (job: DigestJob) => {
  void provider.then((p) => {
    runDigestChunks(job, p);
    port.postMessage('finished');
  });
});
