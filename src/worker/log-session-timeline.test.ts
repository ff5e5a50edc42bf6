/**
 * The timeline requests through LogSession in Node: before the analysis only the model's
 * facts are marked; after it, the kexec records and boots of a generated soft reboot sit where
 * the list was written, and the brush's range filter reaches the rows.
 */
import { describe, expect, it } from 'vitest';
import { createNobleHashProvider } from '../core/hash/hash-provider';
import { DEFAULT_QUERY } from '../core/query/filter-entries';
import { bootAggregateEntry, buildImaLog, type BuildEntry } from '../core/testing/build-ima-log';
import { hypotheticalPlatformPcrs, kexecSoftReboot } from '../core/testing/ima-scenarios';
import { LogSession } from './log-session';
import type { RequestMap, RequestType, WorkerEvent, WorkerRequest } from './protocol';

const provider = createNobleHashProvider();

function listBytes(): Uint8Array {
  const hasher = provider.get('sha256');
  if (hasher === undefined) throw new Error('no sha256');
  const boot = bootAggregateEntry(hasher, hypotheticalPlatformPcrs(hasher));
  const files = (n: number, prefix: string): BuildEntry[] => Array.from({ length: n }, (_, i) => ({ path: `${prefix}${i}` }));
  // boot 0, files 1–5, load 6, files 7–9 lost with the execute record, boot 7, files 8–11.
  return buildImaLog(kexecSoftReboot({ firstBoot: [boot, ...files(5, '/a')], afterLoad: files(3, '/x'), secondBoot: [boot, ...files(4, '/y')] }, { lose: true }), { provider }).binary;
}

function harness() {
  const events: WorkerEvent[] = [];
  const session = new LogSession((event) => events.push(event), { progressIntervalMs: 0, hashProvider: () => Promise.resolve(provider) });
  let nextId = 1;
  async function call<K extends RequestType>(type: K, params: RequestMap[K]['params']): Promise<RequestMap[K]['result']> {
    const id = nextId++;
    await session.handle({ type, id, params } as WorkerRequest);
    const last = events.filter((e) => e.id === id).at(-1);
    if (last?.type !== 'result') throw new Error(`request ${id} failed: ${last?.type === 'error' ? last.message : 'no answer'}`);
    return last.result as RequestMap[K]['result'];
  }
  return { call };
}

describe('timeline requests', () => {
  it('marks boots and kexec records after the analysis, and answers windows at any resolution', async () => {
    const { call } = harness();
    await call('open', { inputs: [{ id: 'a', name: 'binary_runtime_measurements', file: new Blob([new Uint8Array(listBytes())]) }] });
    const before = await call('getTimeline', { window: { start: 0, end: 12, bucketCount: 12 } });
    expect(before.verified).toBe(false);
    expect(before.pcrs).toEqual([10]);

    await call('analyze', { pastes: [] });
    const after = await call('getTimeline', { window: { start: 0, end: 12, bucketCount: 4 } });
    expect(after.verified).toBe(true);
    expect(after.bucketCount).toBe(4);
    const boots = after.series.indexOf('boot');
    expect([...after.counts.subarray(boots * 4, boots * 4 + 4)]).toEqual([1, 0, 1, 0]);
    expect(after.softReboots).toEqual([{ boot: 7, load: 6, outcome: 'no-execute', suspect: { first: 6, last: 6 } }]);

    const markers = await call('getTimelineMarkers', { range: { start: 0, end: 12, limit: 200 } });
    expect(markers.markers.map((m) => [m.kind, m.index])).toEqual([
      ['boot', 0],
      ['boot', 7],
      ['kexec_load', 6],
    ]);
    expect(markers.markers[2].label).toContain('no kexec_execute follows');
  });

  it('the range filter narrows the rows to the brushed entries', async () => {
    const { call } = harness();
    await call('open', { inputs: [{ id: 'a', name: 'log', file: new Blob([new Uint8Array(listBytes())]) }] });
    const page = await call('getRows', { range: { start: 0, end: 50 }, query: { ...DEFAULT_QUERY, range: { start: 3, end: 8 } } });
    expect(page.totalRows).toBe(5);
    expect([...page.index]).toEqual([3, 4, 5, 6, 7]);
  });
});
