/**
 * Entry of the CLI's bank thread (bank-thread.ts): extends the SHA-1 and SHA-256 chains of a
 * streamed list with the batch kernel, batch by batch in the order they are sent, hands each
 * batch's buffers back for reuse, and answers a chain's final PCR values when asked (then
 * forgets the chain). It also hashes the list file's bytes, part by part, for its SHA-256, and
 * writes the report's chunks to stdout as they come on the channel it is given. It loads the kernel alone,
 * so that it boots in little CPU. Bundled
 * beside the CLI as dist/cli/chain-worker.mjs.
 */
import { createHash, type Hash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import { digestSize } from '../core/hash/hash-algorithm';
import { HashKernel } from '../core/hash/kernel-hasher';
import type { ChainRequest, ChainReply } from './bank-thread';
import { writeToFd1 } from './blocking-stdout';
import { RETURNED, STATUS, STDOUT_CLOSED, STDOUT_FAILED, STDOUT_OK, type ReturnedChunk, type StdoutChannel, type StdoutChunk } from './stdout-chunks';

const port = parentPort;
if (port === null) throw new Error('chain-worker.ts runs as a worker thread');
/** Per chain, its bank's 256 PCR values so far. */
const states = new Map<number, Uint8Array>();
/** Per file being fingerprinted, its SHA-256 so far. */
const files = new Map<number, Hash>();
// Without the kernel (no simd128) the thread ends: the CLI then analyses the list on one thread.
const kernel = HashKernel.create().catch(() => process.exit(1));

// Reactions to one promise run in the order they were registered: batches stay in order.
port.on('message', (request: ChainRequest) => {
  void kernel.then((k) => {
    if ('part' in request) {
      const { file, count, bytes } = request.part;
      let hash = files.get(file);
      if (hash === undefined) files.set(file, (hash = createHash('sha256')));
      hash.update(bytes.subarray(0, count));
      port.postMessage({ returnedPart: request.part } satisfies ChainReply, [bytes.buffer]);
      return;
    }
    if ('digestOf' in request) {
      const sha256 = (files.get(request.digestOf) ?? createHash('sha256')).digest('hex');
      files.delete(request.digestOf);
      port.postMessage({ file: request.digestOf, sha256 } satisfies ChainReply);
      return;
    }
    if ('stdout' in request) {
      writeChunksOf(request.stdout);
      return;
    }
    if ('statesOf' in request) {
      const reply: ChainReply = { chain: request.statesOf, states: states.get(request.statesOf) };
      states.delete(request.statesOf);
      port.postMessage(reply);
      return;
    }
    const { chain, bank, count, pcrs, values } = request;
    let s = states.get(chain);
    if (s === undefined) states.set(chain, (s = new Uint8Array(256 * digestSize(bank))));
    k.extendRange(bank, pcrs, 0, count, s, values, undefined);
    const reply: ChainReply = { returned: request };
    port.postMessage(reply, [pcrs.buffer, values.buffer]);
  });
});

/**
 * Writes each chunk that comes on `channel` to stdout, in order, unless a write failed before,
 * and sends it back; the main thread, waiting for a chunk, learns how the writes went from
 * the status word.
 */
function writeChunksOf(channel: StdoutChannel): void {
  const signal = new Int32Array(channel.signal);
  channel.port.on('message', ({ bytes, count }: StdoutChunk) => {
    let error: string | undefined;
    if (Atomics.load(signal, STATUS) === STDOUT_OK) {
      let status = STDOUT_OK;
      try {
        if (!writeToFd1(new Uint8Array(bytes, 0, count))) status = STDOUT_CLOSED;
      } catch (e) {
        status = STDOUT_FAILED;
        error = e instanceof Error ? e.message : String(e);
      }
      if (status !== STDOUT_OK) Atomics.store(signal, STATUS, status);
    }
    channel.port.postMessage({ bytes, ...(error !== undefined && { error }) } satisfies ReturnedChunk, [bytes]);
    Atomics.add(signal, RETURNED, 1);
    Atomics.notify(signal, RETURNED);
  });
}
