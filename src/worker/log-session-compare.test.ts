/**
 * The worker holding two lists: the open (failing) log and a reference read by compareWith.
 * The document must be the core's comparison of the same two files, and every row must carry
 * the class the core gave its entry, until another open drops the reference.
 */
import { describe, expect, it } from 'vitest';
import { hasSharedData, readSharedData } from '../core/testing/shared-data';
import { DEFAULT_QUERY } from '../core/query/filter-entries';
import { parseImaLog } from '../core/ima/parse-ima-log';
import { compareLogs } from '../core/compare/compare-logs';
import { compareDocument } from '../core/compare/compare-json';
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
