/**
 * The worker requests behind sharing and exports, on the swtpm list, against truth from
 * outside the project: the ASCII list the producer wrote beside the binary one, and the file
 * bytes themselves.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_QUERY } from '../core/query/filter-entries';
import { hasSharedData, readSharedData } from '../core/testing/shared-data';
import { decodeText } from '../core/util/bytes';
import { LogSession } from './log-session';
import type { RequestMap, RequestType, WorkerEvent, WorkerRequest } from './protocol';

function session() {
  const events: WorkerEvent[] = [];
  const s = new LogSession((event) => events.push(event), { progressIntervalMs: 0 });
  let nextId = 1;
  return async function call<K extends RequestType>(type: K, params: RequestMap[K]['params']) {
    const id = nextId++;
    await s.handle({ type, id, params } as WorkerRequest);
    const last = events.filter((e) => e.id === id).at(-1);
    if (last?.type === 'result') return { ok: true as const, result: last.result as RequestMap[K]['result'] };
    if (last?.type === 'error') return { ok: false as const, code: last.code, message: last.message };
    throw new Error(`request ${id} did not answer`);
  };
}

const blob = (bytes: Uint8Array) => new Blob([new Uint8Array(bytes)]);

describe.skipIf(!hasSharedData())('share and export requests on the swtpm list', () => {
  const binary = () => readSharedData('swtpm', 'binary_runtime_measurements');
  const ascii = () => readSharedData('swtpm', 'ascii_runtime_measurements');

  it('renders the binary list as the ASCII list its producer wrote, byte for byte', async () => {
    const call = session();
    await call('open', { inputs: [{ id: 'log', name: 'binary_runtime_measurements', file: blob(binary()) }] });
    const made = await call('exportAsciiList', {});
    if (!made.ok) throw new Error(made.message);
    expect(made.result.rows).toBe(6);
    expect(decodeText(made.result.bytes)).toBe(decodeText(ascii()));
  });

  it('refuses the ASCII export of a list that is already ASCII, and every request without a log', async () => {
    const call = session();
    expect(await call('exportCsv', { query: DEFAULT_QUERY })).toMatchObject({ ok: false, code: 'noLog' });
    expect(await call('getLogBytes', { maxBytes: 1 << 20 })).toMatchObject({ ok: false, code: 'noLog' });
    await call('open', { inputs: [{ id: 'log', name: 'ascii_runtime_measurements', file: blob(ascii()) }] });
    const made = await call('exportAsciiList', {});
    expect(made).toMatchObject({ ok: false, code: 'noLog' });
  });

  it('writes the CSV of the rows a query shows, in its order', async () => {
    const call = session();
    await call('open', { inputs: [{ id: 'log', name: 'binary_runtime_measurements', file: blob(binary()) }] });
    const all = await call('exportCsv', { query: DEFAULT_QUERY });
    if (!all.ok) throw new Error(all.message);
    const lines = decodeText(all.result.bytes).split('\r\n');
    expect(all.result.rows).toBe(6);
    expect(lines.slice(1, -1).map((l) => l.split(',')[7])).toEqual(
      decodeText(ascii())
        .trim()
        .split('\n')
        .map((l) => l.split(' ')[4]),
    );
    const usr = await call('exportCsv', { query: { ...DEFAULT_QUERY, search: '/usr/bin', sort: { column: 'name', descending: true } } });
    if (!usr.ok) throw new Error(usr.message);
    expect(usr.result.rows).toBe(2);
    expect(decodeText(usr.result.bytes).split('\r\n').slice(1, -1).map((l) => l.split(',')[7])).toEqual(['/usr/bin/tpm2_quote', '/usr/bin/bash']);
  });

  it('gives the log file as given when it is small enough, and only its size otherwise', async () => {
    const call = session();
    await call('open', { inputs: [{ id: 'log', name: 'binary_runtime_measurements', file: blob(binary()) }] });
    const small = await call('getLogBytes', { maxBytes: binary().length });
    if (!small.ok) throw new Error(small.message);
    expect(small.result.bytes).toEqual(binary());
    const large = await call('getLogBytes', { maxBytes: binary().length - 1 });
    expect(large).toEqual({ ok: true, result: { size: binary().length } });
  });

  it('collects the entries a report names (the violation), or none without a log', async () => {
    const call = session();
    const report = {
      schema: 'imascope.report/1' as const,
      inputs: [],
      findings: [{ code: 'violation' as const, severity: 'warning' as const, message: '', entries: [4, 99] }],
    };
    const none = await call('getFindingEntries', { report });
    expect(none).toEqual({ ok: true, result: [] });
    await call('open', { inputs: [{ id: 'log', name: 'binary_runtime_measurements', file: blob(binary()) }] });
    const some = await call('getFindingEntries', { report });
    if (!some.ok) throw new Error(some.message);
    expect(some.result.map((e) => [e.index, e.name])).toEqual([[4, '/var/log/violating.log']]);
  });
});
