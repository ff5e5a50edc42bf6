/**
 * LogSession driven directly in Node with Blobs (no real worker), against the swtpm IMA list
 * whose values come from outside the project: its ASCII rendering written by the kernel
 * format, the PCR file evmctl accepted, and the PCR10 value the TPM reported (swtpm/README.md).
 */
import { describe, expect, it } from 'vitest';
import { hasSharedData, readSharedData, readSharedText } from '../core/testing/shared-data';
import { DEFAULT_QUERY, type RowQuery } from '../core/query/filter-entries';
import { LogSession, type PostEvent } from './log-session';
import { LogClient, type WorkerLike } from './log-client';
import type { InputFile, RequestMap, RequestType, WorkerEvent, WorkerRequest } from './protocol';

const SWTPM_PCR10_SHA256 = 'f8a50c287e1d4b39b95d449242783b20d01c5114c2528014749c19d95fdc9bdc';

interface AsciiLine {
  readonly pcr: number;
  readonly templateDigest: string;
  readonly template: string;
  readonly fileDigest: string;
  readonly name: string;
}

function asciiLines(): AsciiLine[] {
  return readSharedText('swtpm', 'ascii_runtime_measurements')
    .trim()
    .split('\n')
    .map((line) => {
      const [pcr, templateDigest, template, fileDigest, name] = line.split(' ');
      return { pcr: Number(pcr), templateDigest, template, fileDigest, name };
    });
}

function file(id: string, name: string, bytes: Uint8Array | string): InputFile {
  return { id, name, file: new Blob([typeof bytes === 'string' ? bytes : new Uint8Array(bytes)]) };
}

/** A session whose events are collected; `call` runs one request and returns its outcome. */
function harness(options: ConstructorParameters<typeof LogSession>[1] = {}) {
  const events: WorkerEvent[] = [];
  const post: PostEvent = (event) => events.push(event);
  const session = new LogSession(post, { progressIntervalMs: 0, ...options });
  let nextId = 1;
  async function call<K extends RequestType>(type: K, params: RequestMap[K]['params']) {
    const id = nextId++;
    await session.handle({ type, id, params } as WorkerRequest);
    const last = events.filter((e) => e.id === id).at(-1);
    if (last?.type === 'result') return { ok: true as const, result: last.result as RequestMap[K]['result'], id };
    if (last?.type === 'error') return { ok: false as const, code: last.code, message: last.message, id };
    throw new Error(`request ${id} did not answer`);
  }
  return { session, events, call };
}

function query(overrides: Partial<RowQuery>): RowQuery {
  return { ...DEFAULT_QUERY, ...overrides };
}

describe.skipIf(!hasSharedData())('LogSession on the swtpm IMA list', () => {
  const binary = () => readSharedData('swtpm', 'binary_runtime_measurements');

  it('streams the list across tiny slices, reporting progress, and serves rows that match the ASCII list', async () => {
    const { call, events } = harness({ sliceSize: 7, pushSize: 5 });
    const opened = await call('open', { inputs: [file('a', 'binary_runtime_measurements', binary())] });
    expect(opened.ok).toBe(true);
    if (!opened.ok) return;
    const log = opened.result.log;
    expect(log?.entryCount).toBe(6);
    expect(log?.templates).toEqual([{ name: 'ima-ng', known: true, count: 6 }]);
    expect(log?.pcrs).toEqual([{ pcr: 10, count: 6 }]);
    expect(opened.result.inputs[0]).toMatchObject({ kind: 'ima-binary', detectedKind: 'ima-binary' });

    const progress = events.filter((e) => e.type === 'progress');
    expect(progress.length).toBeGreaterThan(10);
    const read = progress.map((p) => (p.type === 'progress' ? p.bytesRead : -1));
    expect(read).toEqual([...read].sort((a, b) => a - b));
    expect(read.at(-1)).toBe(binary().length);

    const rows = await call('getRows', { range: { start: 0, end: 100 }, query: DEFAULT_QUERY });
    if (!rows.ok) throw new Error(rows.message);
    const page = rows.result;
    expect(page.totalRows).toBe(6);
    const lines = asciiLines();
    expect(page.name).toEqual(lines.map((l) => l.name));
    expect(page.templateDigest).toEqual(lines.map((l) => l.templateDigest));
    expect(page.fileDigestAlgorithm.map((a, k) => `${a}:${page.fileDigest[k]}`)).toEqual(lines.map((l) => l.fileDigest));
    expect([...page.pcr]).toEqual(lines.map((l) => l.pcr));
    expect([...page.index]).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('analyzes with an evmctl PCR file: PCR10 replays to the TPM value, statuses fill in', async () => {
    const { call } = harness();
    await call('open', {
      inputs: [
        file('log', 'binary_runtime_measurements', binary()),
        file('pcrs', 'evmctl_pcrs_sha256.txt', readSharedData('swtpm', 'evmctl_pcrs_sha256.txt')),
      ],
    });
    const analyzed = await call('analyze', { pastes: [] });
    if (!analyzed.ok) throw new Error(analyzed.message);
    const { report, statusCounts } = analyzed.result;
    const check = report.pcrChecks?.find((c) => c.bank === 'sha256' && c.pcr === 10);
    expect(check).toMatchObject({ status: 'match', replayed: SWTPM_PCR10_SHA256, matchedEntries: 6 });
    expect(statusCounts).toEqual({ violation: 1, verified: 5 });
    expect(report.inputs.map((i) => i.kind).sort()).toEqual(['ima-binary', 'pcr-values']);
    const logInput = report.inputs.find((i) => i.kind === 'ima-binary');
    expect(logInput?.size).toBe(binary().length);
    expect(logInput?.sha256).toMatch(/^[0-9a-f]{64}$/);

    const violations = await call('getRows', { range: { start: 0, end: 10 }, query: query({ statuses: ['violation'] }) });
    if (!violations.ok) throw new Error(violations.message);
    expect(violations.result.name).toEqual(['/var/log/violating.log']);
  });

  it('takes a pasted PCR listing like a file', async () => {
    const { call } = harness();
    await call('open', { inputs: [file('log', 'binary_runtime_measurements', binary())] });
    const pasted = readSharedText('swtpm', 'evmctl_pcrs_sha256.txt');
    const analyzed = await call('analyze', { pastes: [{ id: 'p', name: 'pasted text', text: pasted }] });
    if (!analyzed.ok) throw new Error(analyzed.message);
    expect(analyzed.result.pastes[0]).toMatchObject({ kind: 'pcr-values' });
    expect(analyzed.result.report.pcrChecks?.find((c) => c.bank === 'sha256')?.status).toBe('match');
  });

  it('filters and sorts in the worker: name, regex, digest prefix, sort by name', async () => {
    const { call } = harness();
    await call('open', { inputs: [file('log', 'binary_runtime_measurements', binary())] });
    const names = async (q: RowQuery) => {
      const r = await call('getRows', { range: { start: 0, end: 100 }, query: q });
      if (!r.ok) throw new Error(r.message);
      return r.result.name;
    };
    expect(await names(query({ search: 'USR/BIN' }))).toEqual(['/usr/bin/bash', '/usr/bin/tpm2_quote']);
    expect(await names(query({ search: '/^\\/etc\\//' }))).toEqual(['/etc/ld.so.cache']);
    // A template-digest prefix from the ASCII list, and a file digest in its printed form.
    expect(await names(query({ search: '745f40ba' }))).toEqual(['/usr/bin/bash']);
    expect(await names(query({ search: 'sha256:f4b84477' }))).toEqual(['/etc/ld.so.cache']);
    // Byte order: 'b' (0x62) sorts after '/' (0x2f).
    expect(await names(query({ sort: { column: 'name', descending: true } }))).toEqual([
      'boot_aggregate',
      '/var/log/violating.log',
      '/usr/lib/systemd/systemd',
      '/usr/bin/tpm2_quote',
      '/usr/bin/bash',
      '/etc/ld.so.cache',
    ]);
    const bad = await call('getRows', { range: { start: 0, end: 10 }, query: query({ search: '/(/' }) });
    expect(bad.ok && bad.result.totalRows === 0 && bad.result.searchError !== undefined).toBe(true);

    const found = await call('findRow', { index: 3, query: query({ search: 'usr' }) });
    expect(found.ok && found.result).toBe(1);
    const hidden = await call('findRow', { index: 0, query: query({ search: 'usr' }) });
    expect(hidden.ok && hidden.result).toBe(-1);
  });

  it('returns one entry decoded with its raw bytes', async () => {
    const { call } = harness();
    await call('open', { inputs: [file('log', 'binary_runtime_measurements', binary())] });
    const detail = await call('getEntryDetail', { index: 1 });
    if (!detail.ok) throw new Error(detail.message);
    const d = detail.result;
    const bytes = binary();
    expect(d.raw).toEqual(bytes.subarray(d.sourceOffset, d.sourceOffset + d.raw.length));
    expect(d.templateName).toBe('ima-ng');
    expect(d.decoded.templateDigest).toBe(asciiLines()[1].templateDigest);
    expect(d.decoded.fields.find((f) => f.kind === 'name')).toMatchObject({ text: '/usr/lib/systemd/systemd' });
    // Field offsets are in the model's data; relative to `dataOffset` they fall inside `raw`.
    for (const f of d.decoded.fields) {
      expect(f.offset - d.dataOffset + f.length).toBeLessThanOrEqual(d.raw.length);
    }
  });

  it('keeps the parsed log when only other inputs change, and lets a log dropped later start a new case', async () => {
    const { call, events } = harness();
    const log = { ...file('log', 'binary_runtime_measurements', binary()), drop: 1 };
    await call('open', { inputs: [log] });
    const before = events.length;
    const pcrs = { ...file('pcrs', 'evmctl_pcrs_sha256.txt', readSharedData('swtpm', 'evmctl_pcrs_sha256.txt')), drop: 2 };
    const again = await call('open', { inputs: [log, pcrs] });
    expect(again.ok).toBe(true);
    expect(events.slice(before).some((e) => e.type === 'progress')).toBe(false);

    const other = { ...file('log2', 'sml-ima-ng-sha1.bin', readSharedData('realdata', 'tpm2-tss', 'sml-ima-ng-sha1.bin')), drop: 3 };
    const replaced = await call('open', { inputs: [log, pcrs, other] });
    if (!replaced.ok) throw new Error(replaced.message);
    expect(replaced.result.log?.inputId).toBe('log2');
    expect(replaced.result.newCaseFrom).toBe(3);
    // The old case's list and its PCR values are both left behind.
    expect(replaced.result.inputs.map((i) => i.supersededBy)).toEqual(['sml-ima-ng-sha1.bin', 'sml-ima-ng-sha1.bin', undefined]);
  });
});

describe('LogSession failures', () => {
  it('says what an unrecognised file looked like', async () => {
    const { call } = harness();
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    const result = await call('open', { inputs: [file('x', 'holiday.png', png)] });
    expect(result).toMatchObject({ ok: false, code: 'unrecognizedFormat' });
    expect(!result.ok && result.message).toContain('PNG image');
    const text = await call('open', { inputs: [file('y', 'notes.txt', 'hello there\nsecond line\n')] });
    expect(!text.ok && text.message).toContain('text starting with “hello there”');
  });

  it('lists unrecognised files beside recognised ones instead of failing', async () => {
    const { call } = harness();
    const result = await call('open', {
      inputs: [file('p', 'pcrs.txt', 'PCR-10: ' + '00'.repeat(32) + '\n'), file('x', 'x.bin', new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]))],
    });
    if (!result.ok) throw new Error(result.message);
    expect(result.result.log).toBeUndefined();
    expect(result.result.inputs.map((i) => i.kind)).toEqual(['pcr-values', undefined]);
    expect(result.result.inputs[1].looksLike).toBe('an ELF executable');
  });

  it.skipIf(!hasSharedData())('stops reading when cancelled and answers cancelled', async () => {
    const one = readSharedData('swtpm', 'binary_runtime_measurements');
    const big = new Uint8Array(one.length * 2000);
    for (let k = 0; k < 2000; k++) big.set(one, k * one.length);
    const events: WorkerEvent[] = [];
    const session = new LogSession((e) => {
      events.push(e);
      // Cancel as soon as reading has visibly started.
      if (e.type === 'progress' && e.bytesRead > 0) void session.handle({ type: 'cancel', id: 1 });
    }, { progressIntervalMs: 0, pushSize: 4096 });
    await session.handle({ type: 'open', id: 1, params: { inputs: [file('big', 'big.bin', big)] } });
    const last = events.at(-1);
    expect(last).toMatchObject({ type: 'error', id: 1, code: 'cancelled' });
    const lastProgress = events.filter((e) => e.type === 'progress').at(-1);
    expect(lastProgress?.type === 'progress' && lastProgress.bytesRead < big.length).toBe(true);
  });

  it('refuses rows before any log is open', async () => {
    const { call } = harness();
    expect(await call('getRows', { range: { start: 0, end: 10 }, query: DEFAULT_QUERY })).toMatchObject({ ok: false, code: 'noLog' });
  });
});

/** A fake Worker: messages are structured-cloned both ways, like postMessage does. */
function inProcessWorker(): WorkerLike {
  const worker: WorkerLike = {
    onmessage: null,
    onerror: null,
    postMessage: (message) => void session.handle(structuredClone(message)),
    terminate: () => undefined,
  };
  const session = new LogSession((event) => {
    const data = structuredClone(event);
    setTimeout(() => worker.onmessage?.({ data } as MessageEvent<WorkerEvent>), 0);
  }, { progressIntervalMs: 0, pushSize: 64 });
  return worker;
}

describe.skipIf(!hasSharedData())('LogClient over an in-process session', () => {
  it('matches answers to requests, forwards progress, and turns abort into cancelled', async () => {
    const client = new LogClient(inProcessWorker());
    const progress: number[] = [];
    const summary = await client.request(
      'open',
      { inputs: [file('log', 'binary_runtime_measurements', readSharedData('swtpm', 'binary_runtime_measurements'))] },
      { onProgress: (p) => progress.push(p.bytesRead) },
    );
    expect(summary.log?.entryCount).toBe(6);
    expect(progress.length).toBeGreaterThan(2);
    const [a, b] = await Promise.all([
      client.request('getRows', { range: { start: 0, end: 2 }, query: DEFAULT_QUERY }),
      client.request('getRows', { range: { start: 4, end: 6 }, query: DEFAULT_QUERY }),
    ]);
    expect(a.name).toEqual(['boot_aggregate', '/usr/lib/systemd/systemd']);
    expect(b.name).toEqual(['/var/log/violating.log', '/usr/bin/tpm2_quote']);

    const controller = new AbortController();
    const big = new Uint8Array(200_000);
    const pending = client.request('open', { inputs: [file('z', 'zeros.bin', big), file('log', 'log', readSharedData('swtpm', 'binary_runtime_measurements'))] }, { signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'cancelled' });
    client.dispose();
    await expect(client.request('getRows', { range: { start: 0, end: 1 }, query: DEFAULT_QUERY })).rejects.toMatchObject({ code: 'cancelled' });
  });
});
