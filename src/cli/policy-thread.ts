/**
 * A big runtime policy read on a thread of its own (issue 13): reading the 100k-path policy
 * (JSON.parse, its Map, Keylime's schema check, the name table) took the streamed `analyze`
 * ~0.3 s before its first window, on the thread that parses the list, which is the critical
 * path. The worker (policy-worker.ts) reads it while the first windows are parsed and held
 * (streamed-log.ts), and answers with the path → digests Map packed into arrays that are
 * transferred (packed-digests.ts): a structured clone of the Map cost as much as parsing.
 * The answer is looked for between windows without waiting (`poll`), and waited for only
 * once the list is read (`wait`).
 */
import { MessageChannel, receiveMessageOnPort, type MessagePort, type Worker } from 'node:worker_threads';
import { PackedDigests, type DigestParts } from '../core/policy/packed-digests';
import type { LoadedPolicy, RuntimePolicy } from '../core/policy/runtime-policy';
import { startCliWorker } from './cli-worker';

/** To the worker: the policy file's bytes (a copy, transferred), and where to answer. */
export interface PolicyRequest {
  readonly bytes: Uint8Array<ArrayBuffer>;
  readonly reply: MessagePort;
}

/** From the worker: the policy read, its digests apart; or `failed`, whatever the reason. */
export type PolicyReply =
  | { readonly read: Omit<LoadedPolicy, 'policy'> & { readonly policy: Omit<RuntimePolicy, 'digests'> & { readonly digests: undefined } }; readonly digests: DigestParts }
  | { readonly failed: true };

/** The policy as the worker read it, or FAILED: the main thread must read it itself. */
export const FAILED = Symbol('the policy thread did not read the policy');
export type PolicyAnswer = LoadedPolicy | typeof FAILED;

/** Policy files from this size on are read on a thread (a thread's boot costs ~0.03 s of CPU). */
const POLICY_THREAD_MIN_BYTES = 1024 * 1024;

/** POLICY_THREAD_MIN_BYTES, or IMASCOPE_POLICY_THREAD_MIN_BYTES when set (0: every policy; tests). */
export function policyThreadMinBytes(): number {
  const asked = Number.parseInt(process.env.IMASCOPE_POLICY_THREAD_MIN_BYTES ?? '', 10);
  return Number.isInteger(asked) && asked >= 0 ? asked : POLICY_THREAD_MIN_BYTES;
}

export class PolicyThread {
  #answer: PolicyAnswer | undefined;
  readonly #ended: Promise<PolicyAnswer>;

  private constructor(
    private readonly worker: Worker,
    private readonly port: MessagePort,
  ) {
    // The thread ending before it answered (it cannot start, it ran out of memory): FAILED. Its
    // answer may be on the port yet unhandled when it exits: looked for before saying FAILED.
    this.#ended = new Promise((resolve) => {
      const ended = (): void => resolve(this.poll() ?? FAILED);
      worker.once('error', ended).once('exit', ended);
    });
    // It must not keep the process alive: `analyze` may end before asking for the answer.
    worker.unref();
  }

  /** The thread, reading `bytes` (copied); undefined where no thread can be started. */
  static read(bytes: Uint8Array): PolicyThread | undefined {
    let worker: Worker;
    try {
      worker = startCliWorker('policy-worker');
    } catch {
      return undefined;
    }
    const { port1, port2 } = new MessageChannel();
    const copy = bytes.slice();
    worker.postMessage({ bytes: copy, reply: port2 } satisfies PolicyRequest, [copy.buffer, port2]);
    return new PolicyThread(worker, port1);
  }

  /** The answer if it has come, without waiting. */
  poll(): PolicyAnswer | undefined {
    if (this.#answer === undefined) {
      const m = receiveMessageOnPort(this.port);
      if (m !== undefined) this.#answer = answerOf(m.message as PolicyReply);
    }
    return this.#answer;
  }

  /** The answer, once it comes. */
  async wait(): Promise<PolicyAnswer> {
    const polled = this.poll();
    if (polled !== undefined) return polled;
    const reply = new Promise<PolicyAnswer>((resolve) => this.port.once('message', (r: PolicyReply) => resolve(answerOf(r))));
    return (this.#answer = await Promise.race([reply, this.#ended]));
  }

  /** Ends the thread (done with it, answered or not). */
  async close(): Promise<void> {
    this.port.close();
    await this.worker.terminate();
  }
}

function answerOf(reply: PolicyReply): PolicyAnswer {
  if ('failed' in reply) return FAILED;
  const { read, digests } = reply;
  return { ...read, policy: { ...read.policy, digests: new PackedDigests(digests) } };
}
