/**
 * The worker holding two lists: the open (failing) log and a reference read by compareWith.
 * The document must be the core's comparison of the same two files, and every row must carry
 * the class the core gave its entry, until another open drops the reference.
 */
import { describe, expect, it } from 'vitest';
import { createWasmHashProvider } from '../core/hash/hash-provider';
import { buildImaLog, formatEvmctlPcrFile } from '../core/testing/build-ima-log';
import { numberedFiles } from '../core/testing/ima-scenarios';
import { hasSharedData, readSharedData, sharedDataPath } from '../core/testing/shared-data';
import { DEFAULT_QUERY } from '../core/query/filter-entries';
import { parseImaLog } from '../core/ima/parse-ima-log';
import { compareLogs } from '../core/compare/compare-logs';
import { compareDocument, type CompareDocument } from '../core/compare/compare-json';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { WorkerRequest } from './protocol';
import { sessionHarness } from './session-harness';

const vm = (day: string, name: string) => readSharedData('realdata', 'ima-verify', day, name);

describe.skipIf(!hasSharedData())('LogSession.compareWith', () => {
  it('compares the open log with a reference and marks every row', async () => {
    const { call } = sessionHarness();
    const failingBytes = vm('2025-03-08', 'binary_runtime_measurements_sha256');
    const referenceBytes = vm('2025-03-01', 'binary_runtime_measurements_sha256');
    expect((await call('open', { inputs: [{ id: 'f', name: 'march-8', file: new Blob([new Uint8Array(failingBytes)]) }] })).ok).toBe(true);
    const compared = await call('compareWith', { file: new Blob([new Uint8Array(referenceBytes)]), name: 'march-1' });
    if (!compared.ok) throw new Error(compared.message);
    const core = compareLogs(parseImaLog(referenceBytes), parseImaLog(failingBytes));
    expect(compared.result).toEqual(compareDocument(core, { reference: 'march-1', failing: 'march-8' }));
    const rows = await call('getRows', { range: { start: 0, end: 4000 }, query: DEFAULT_QUERY });
    if (!rows.ok) throw new Error(rows.message);
    expect(rows.result.compare).toEqual(Uint8Array.from(rows.result.index, (i) => core.entryClass.failing[i]));

    // Another open (here the same file again under a new id) starts without a reference.
    await call('open', { inputs: [{ id: 'g', name: 'other', file: new Blob([new Uint8Array(referenceBytes)]) }] });
    const fresh = await call('getRows', { range: { start: 0, end: 10 }, query: DEFAULT_QUERY });
    expect(fresh.ok && fresh.result.compare).toBe(undefined);
  });

  it('accepting chosen groups answers with a policy holding their paths (the open log verified first)', async () => {
    const { call } = sessionHarness();
    const failingBytes = vm('2025-03-08', 'binary_runtime_measurements_sha256');
    await call('open', { inputs: [{ id: 'f', name: 'march-8', file: new Blob([new Uint8Array(failingBytes)]) }] });
    const compared = await call('compareWith', { file: new Blob([new Uint8Array(vm('2025-03-01', 'binary_runtime_measurements_sha256'))]), name: 'march-1' });
    if (!compared.ok) throw new Error(compared.message);
    const chosen = compared.result.groups.filter((g) => g.changed + g.new > 0).slice(0, 2);
    expect(chosen.length).toBeGreaterThan(0);
    const update = await call('acceptChanges', { groups: chosen.map((g) => g.key) });
    if (!update.ok) throw new Error(update.message);
    const policy = JSON.parse(update.result.text) as { digests: Record<string, string[]> };
    for (const group of chosen) {
      for (const p of group.paths.filter((q) => q.class !== 'gone')) {
        expect(policy.digests[p.path], p.path).toEqual(expect.arrayContaining(p.failing.map((d) => d.hex)));
      }
    }
  });

  it('refuses a reference that is not a list, naming it', async () => {
    const { call } = sessionHarness();
    await call('open', { inputs: [{ id: 'f', name: 'march-8', file: new Blob([new Uint8Array(vm('2025-03-08', 'binary_runtime_measurements_sha256'))]) }] });
    const r = await call('compareWith', { file: new Blob([new Uint8Array(vm('2025-03-08', 'pcrs_sha256'))]), name: 'pcrs_sha256' });
    expect(r).toMatchObject({ ok: false, code: 'unrecognizedFormat' });
    expect(r.ok ? '' : r.message).toMatch(/^pcrs_sha256 cannot be the reference/);
  });
});

describe.skipIf(!hasSharedData())('LogSession exportCompare', () => {
  const cliCompare = (...files: string[]): unknown => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/imascope.ts', 'compare', '--json', ...files], { encoding: 'utf8', timeout: 60_000, maxBuffer: 64 << 20 });
    return JSON.parse(run.stdout);
  };
  const day = (d: string, name: string) => sharedDataPath('realdata', 'ima-verify', d, name);

  // The names are the files' own, as the CLI's basenames are.
  it.each([[[]], [['pcrs_sha256']]])('writes what imascope compare --json writes for the same files (with %j)', async (others: string[]) => {
    const { call } = sessionHarness();
    const failing = 'binary_runtime_measurements_sha256';
    const inputs = [failing, ...others].map((name) => ({ id: name, name, file: new Blob([new Uint8Array(vm('2025-03-08', name))]) }));
    expect(await call('exportCompare', {})).toMatchObject({ ok: false, code: 'noLog' });
    await call('open', { inputs });
    await call('analyze', { pastes: [] });
    await call('compareWith', { file: new Blob([new Uint8Array(vm('2025-03-01', failing))]), name: failing });
    const exported = await call('exportCompare', {});
    if (!exported.ok) throw new Error(exported.message);
    const doc = JSON.parse(exported.result.text) as CompareDocument;
    expect([doc.changed, doc.new, doc.gone]).toEqual([28, 71, 781]);
    expect(doc.failing.checks !== undefined).toBe(others.length > 0);
    expect(doc).toEqual(cliCompare(day('2025-03-01', failing), day('2025-03-08', failing), ...others.map((o) => day('2025-03-08', o))));
  });

  it("carries the reference list's own findings, read again from its file (a template hash mismatch)", async () => {
    const { call } = sessionHarness();
    const sample = (name: string) => `public/samples/${name}/binary_runtime_measurements`;
    const bytes = (name: string) => new Blob([new Uint8Array(readFileSync(sample(name)))]);
    await call('open', { inputs: [{ id: 'f', name: 'binary_runtime_measurements', file: bytes('violations') }] });
    await call('analyze', { pastes: [] });
    await call('compareWith', { file: bytes('template-hash-mismatch'), name: 'binary_runtime_measurements' });
    const exported = await call('exportCompare', {});
    if (!exported.ok) throw new Error(exported.message);
    const doc = JSON.parse(exported.result.text) as CompareDocument;
    expect(doc.reference.findings?.map((f) => f.code)).toEqual(['template-hash-mismatch']);
    expect(doc).toEqual(cliCompare(sample('template-hash-mismatch'), sample('violations')));
  });
});

describe('LogSession.compareWith beside a replay', () => {
  it('is answered before the replay details the page asked for earlier, which wait for it', async () => {
    const provider = await createWasmHashProvider();
    // Three replay blocks (BLOCK_ENTRIES) per reading of the log, with a PCR file to replay to.
    const built = buildImaLog(numberedFiles(9000), { provider, listBank: 'sha256' });
    const pcrs = formatEvmctlPcrFile(built.pcrs.get('sha256') ?? new Map());
    // Every replay pause is past its slice, and the reference is read in ~900 pushes, each
    // followed by a turn of the event loop: left to take turns, the replay would end first.
    let t = 0;
    const { session, events, call } = sessionHarness({ hashProvider: async () => provider, now: () => (t += 1000), pushSize: 1024 });
    const file = (bytes: Uint8Array | string) => new Blob([typeof bytes === 'string' ? bytes : new Uint8Array(bytes)]);
    await call('open', { inputs: [{ id: 'log', name: 'failing', file: file(built.binary) }, { id: 'pcrs', name: 'pcrs.txt', file: file(pcrs) }] });
    const analysed = await call('analyze', { pastes: [] });
    expect(analysed.ok && analysed.result.report.pcrChecks?.length).toBeGreaterThan(0);
    const replay = session.handle({ type: 'getReplayDetails', id: 100, params: { allReadings: true } } as WorkerRequest);
    const compare = session.handle({ type: 'compareWith', id: 101, params: { file: file(built.binary), name: 'reference' } } as WorkerRequest);
    await Promise.all([replay, compare]);
    const answers = events.filter((e) => e.type === 'result' && (e.id === 100 || e.id === 101)).map((e) => e.id);
    expect(answers).toEqual([101, 100]);
  });
});
