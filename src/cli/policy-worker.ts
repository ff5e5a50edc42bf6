/**
 * Entry of the CLI's policy thread (policy-thread.ts): reads the runtime policy it is sent
 * (parseRuntimePolicy: the JSON, the model, Keylime's schema check) and answers it with its
 * `digests` packed (packed-digests.ts), the arrays transferred; anything it cannot read is
 * answered `failed`, and the main thread reads the file itself (which says why). Bundled
 * beside the CLI as dist/cli/policy-worker.mjs.
 */
import { parentPort, type MessagePort } from 'node:worker_threads';
import { digestPartsBuffers, packDigests } from '../core/policy/packed-digests';
import { parseRuntimePolicy } from '../core/policy/runtime-policy';
import type { PolicyReply, PolicyRequest } from './policy-thread';

const port = parentPort;
if (port === null) throw new Error('policy-worker.ts runs as a worker thread');

port.once('message', ({ bytes, reply }: PolicyRequest) => answer(bytes, reply));

function answer(bytes: Uint8Array, reply: MessagePort): void {
  let read: PolicyReply;
  try {
    const loaded = parseRuntimePolicy(bytes);
    const digests = packDigests(loaded.policy.digests);
    read = { read: { ...loaded, policy: { ...loaded.policy, digests: undefined } }, digests };
    reply.postMessage(read, digestPartsBuffers(digests));
  } catch {
    reply.postMessage({ failed: true } satisfies PolicyReply);
  }
  reply.close();
}
