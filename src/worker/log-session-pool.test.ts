// The session with a verification pool: row requests are answered while the pool verifies,
// rows show the verdicts as they arrive, progress reports the verification, and the report
// equals the one of the analysis verifying by itself. Truth for the statuses: how the list was
// built (which entries were corrupted or are violations).
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeRaw } from '../core/analysis/analyze';
import { createWasmHashProvider, type HashProvider } from '../core/hash/hash-provider';
import { EntryFlag } from '../core/model/ima-log';
import { DEFAULT_QUERY } from '../core/query/filter-entries';
import { buildImaLog, type BuildEntry } from '../core/testing/build-ima-log';
import { LogSession } from './log-session';
import type { RequestMap, RequestType, WorkerEvent, WorkerRequest } from './protocol';
import { createVerifyPool, type VerifyPool } from './verify-pool';
import type { PoolResult, PoolTask } from './verify-task';

let provider: HashProvider;
let bytes: Uint8Array;
const COUNT = 40_000;

beforeAll(async () => {
  provider = await createWasmHashProvider();
  const entries: BuildEntry[] = [];
  for (let i = 0; i < COUNT; i++) {
    entries.push({ path: `/p/${i}`, ...(i === 5 ? { violation: true } : {}), ...(i === 39_000 ? { corruptTemplateDigest: true } : {}) });
  }
  bytes = buildImaLog(entries, { provider }).binary;
});

/** An in-process pool whose tasks wait until `release()`: the pool is "busy" until then. */
function gatedPool(): { pool: VerifyPool; release: () => void } {
  const inner = createVerifyPool({ size: 1, provider: async () => provider });
  let open: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (open = resolve));
  return {
    pool: {
      size: 2,
      inProcess: false,
      run: async (task: () => PoolTask): Promise<PoolResult> => {
        if (task().kind === 'verify') await gate;
        return inner.run(task);
      },
      dispose: () => inner.dispose(),
    },
    release: () => open(),
  };
}

function session(pool?: () => VerifyPool) {
  const events: WorkerEvent[] = [];
  const s = new LogSession((e) => events.push(e), { progressIntervalMs: 0, hashProvider: async () => provider, ...(pool ? { verifyPool: pool } : {}) });
  let id = 0;
  const call = async <K extends RequestType>(type: K, params: RequestMap[K]['params']): Promise<RequestMap[K]['result']> => {
    const own = ++id;
    await s.handle({ type, id: own, params } as WorkerRequest);
    const last = events.filter((e) => e.id === own).at(-1);
    if (last?.type !== 'result') throw new Error(`request ${own}: ${last?.type === 'error' ? last.message : 'no answer'}`);
    return last.result as RequestMap[K]['result'];
  };
  return { call, events };
}

const inputs = () => [{ id: 'log', name: 'binary_runtime_measurements', file: new Blob([new Uint8Array(bytes)]) }];

describe('LogSession with a verification pool', () => {
  it('answers rows while the pool verifies, then reports what the analysis verifying by itself reports', async () => {
    const gated = gatedPool();
    const { call, events } = session(() => gated.pool);
    await call('open', { inputs: inputs() });
    const analysis = call('analyze', { pastes: [] });
    // The pool holds every range: rows still come, not yet verified.
    const before = await call('getRows', { range: { start: 0, end: 10 }, query: DEFAULT_QUERY });
    expect(before.flags[0] & EntryFlag.HashVerified).toBe(0);
    gated.release();
    const done = await analysis;
    const verifying = events.filter((e) => e.type === 'progress' && e.phase === 'verifying');
    expect(verifying.at(-1)).toMatchObject({ entryCount: COUNT, bytesRead: bytes.length });
    expect(done.statusCounts).toMatchObject({ violation: 1, mismatch: 1 });
    const after = await call('getRows', { range: { start: 38_999, end: 39_001 }, query: DEFAULT_QUERY });
    expect(Array.from(after.flags, (f) => f & (EntryFlag.HashVerified | EntryFlag.HashMismatch))).toEqual([
      EntryFlag.HashVerified,
      EntryFlag.HashMismatch,
    ]);

    // The analysis verifying on its own (no precomputed work) says the same.
    const reference = await analyzeRaw([{ name: 'binary_runtime_measurements', bytes }], {}, provider);
    expect(done.report).toEqual(reference.report);
  });

  it('verifies in-process when the pool fails', async () => {
    const inner = createVerifyPool({ size: 1, provider: async () => provider });
    const broken: VerifyPool = {
      size: 2,
      inProcess: false,
      run: (t) => (t().kind === 'verify' ? Promise.reject(new Error('worker crashed')) : inner.run(t)),
      dispose: () => undefined,
    };
    const { call } = session(() => broken);
    await call('open', { inputs: inputs() });
    const done = await call('analyze', { pastes: [] });
    const reference = await analyzeRaw([{ name: 'binary_runtime_measurements', bytes }], {}, provider);
    expect(done.report).toEqual(reference.report);
  });

  it('verifies a log once: a second analysis (a paste) reuses the pool’s work', async () => {
    let tasks = 0;
    const inner = createVerifyPool({ size: 1, provider: async () => provider });
    const counting: VerifyPool = { size: 1, inProcess: false, run: (t) => (tasks++, inner.run(t)), dispose: () => inner.dispose() };
    const { call } = session(() => counting);
    await call('open', { inputs: inputs() });
    const first = await call('analyze', { pastes: [] });
    const afterFirst = tasks;
    expect(afterFirst).toBeGreaterThan(1);
    const second = await call('analyze', { pastes: [{ id: 'p', name: 'pasted', text: 'not a quote' }] });
    expect(tasks).toBe(afterFirst);
    expect(second.report.log).toEqual(first.report.log);
  });
});
