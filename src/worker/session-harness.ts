/**
 * Test-only: a LogSession whose events are collected, and `call`, which runs one request and
 * returns its outcome as data (never imported outside *.test.ts).
 */
import { LogSession, type LogSessionOptions, type PostEvent } from './log-session';
import type { RequestMap, RequestType, WorkerEvent, WorkerRequest } from './protocol';

export type CallOutcome<K extends RequestType> =
  | { readonly ok: true; readonly result: RequestMap[K]['result']; readonly id: number }
  | { readonly ok: false; readonly code: string; readonly message: string; readonly id: number };

export function sessionHarness(options: LogSessionOptions = {}) {
  const events: WorkerEvent[] = [];
  const post: PostEvent = (event) => events.push(event);
  const session = new LogSession(post, { progressIntervalMs: 0, ...options });
  let nextId = 1;
  async function call<K extends RequestType>(type: K, params: RequestMap[K]['params']): Promise<CallOutcome<K>> {
    const id = nextId++;
    await session.handle({ type, id, params } as WorkerRequest);
    const last = events.filter((e) => e.id === id).at(-1);
    if (last?.type === 'result') return { ok: true, result: last.result as RequestMap[K]['result'], id };
    if (last?.type === 'error') return { ok: false, code: last.code, message: last.message, id };
    throw new Error(`request ${id} did not answer`);
  }
  return { session, events, call };
}
