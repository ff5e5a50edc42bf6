/**
 * The store without React: a fresh store per test, actions in, state out (Firefox
 * test/store style). The load lifecycle is one union; actions that do not apply to the
 * current state leave it alone.
 */
import { describe, expect, it } from 'vitest';
import type { AnalysisSummary, LoadSummary } from '../worker/protocol';
import { createInspectorStore } from './inspector-store';
import { selectAnalysis, selectEntryCount } from './selectors';

const SUMMARY: LoadSummary = {
  inputs: [{ id: 'input-1', name: 'log', size: 10, kind: 'ima-binary', detectedKind: 'ima-binary' }],
  log: {
    inputId: 'input-1',
    name: 'log',
    format: 'binary',
    byteOrder: 'little',
    digestSize: 20,
    digestBank: 'sha1',
    entryCount: 42,
    templates: [{ name: 'ima-ng', known: true, count: 42 }],
    pcrs: [{ pcr: 10, count: 42 }],
    errors: [],
    sourceSize: 10,
    parseMillis: 1,
  },
};

const ANALYSIS: AnalysisSummary = {
  report: { schema: 'imascope.report/1', inputs: [], findings: [] },
  pastes: [],
  statusCounts: { verified: 42 },
  analyzeMillis: 3,
};

describe('load lifecycle', () => {
  it('goes idle → loading → ready, with progress only while loading', () => {
    const store = createInspectorStore();
    const s = () => store.getState();
    expect(s().load).toEqual({ kind: 'idle' });
    s().reportProgress({ type: 'progress', id: 1, phase: 'reading', bytesRead: 5, bytesTotal: 10, entryCount: 1 });
    expect(s().load.kind).toBe('idle');
    s().startLoad(['log'], 10, 0);
    s().reportProgress({ type: 'progress', id: 1, phase: 'reading', bytesRead: 5, bytesTotal: 10, entryCount: 3 });
    expect(s().load).toMatchObject({ kind: 'loading', bytesRead: 5, entryCount: 3 });
    s().finishLoad(SUMMARY);
    expect(s().load).toMatchObject({ kind: 'ready', analysis: { kind: 'pending' } });
    expect(selectEntryCount(s())).toBe(42);
    expect(selectAnalysis(s())).toBeUndefined();
  });

  it('keeps the previous analysis visible while a new one runs', () => {
    const store = createInspectorStore();
    const s = () => store.getState();
    s().finishLoad(SUMMARY);
    s().finishAnalysis(ANALYSIS);
    expect(selectAnalysis(s())).toBe(ANALYSIS);
    s().startAnalysis();
    expect(s().load).toMatchObject({ kind: 'ready', analysis: { kind: 'pending', previous: ANALYSIS } });
    expect(selectAnalysis(s())).toBe(ANALYSIS);
    s().failAnalysis('boom');
    expect(selectAnalysis(s())).toBeUndefined();
  });

  it('fails with a message and resets to idle', () => {
    const store = createInspectorStore();
    store.getState().failLoad('not recognised');
    expect(store.getState().load).toEqual({ kind: 'error', message: 'not recognised' });
    store.getState().finishAnalysis(ANALYSIS);
    expect(store.getState().load.kind).toBe('error');
    store.getState().resetLoad();
    expect(store.getState().load).toEqual({ kind: 'idle' });
  });
});

describe('inputs', () => {
  const blob = new Blob(['x']);

  it('adds, re-classifies and removes inputs with stable ids', () => {
    const store = createInspectorStore();
    const s = () => store.getState();
    s().replaceInputs([{ name: 'a', file: blob }]);
    s().addFiles([{ name: 'b', file: blob }]);
    const [a, b] = s().inputs;
    expect([a.name, b.name]).toEqual(['a', 'b']);
    expect(a.id).not.toBe(b.id);
    s().setInputKind(b.id, 'pcr-values');
    expect(s().inputs[1]).toMatchObject({ id: b.id, kind: 'pcr-values' });
    s().setInputKind(b.id, undefined);
    expect('kind' in s().inputs[1]).toBe(false);
    s().removeInput(a.id);
    expect(s().inputs.map((i) => i.name)).toEqual(['b']);
  });

  it('starts afresh on replace: paste and nonce go too', () => {
    const store = createInspectorStore();
    const s = () => store.getState();
    s().setPaste('PCR-10: 00');
    s().setNonce('abcd');
    s().replaceInputs([{ name: 'c', file: blob }]);
    expect([s().paste, s().nonce]).toEqual(['', '']);
  });

  it('numbers drops: files given together share one, a later drop gets the next', () => {
    const store = createInspectorStore();
    const s = () => store.getState();
    s().replaceInputs([
      { name: 'a', file: blob },
      { name: 'b', file: blob },
    ]);
    s().addFiles([{ name: 'c', file: blob }]);
    const [a, b, c] = s().inputs;
    expect(a.drop).toBe(b.drop);
    expect(c.drop).toBeGreaterThan(a.drop);
  });

  it('numbers a name already taken, in one drop or a later one, so no two inputs are named alike', () => {
    const store = createInspectorStore();
    const s = () => store.getState();
    s().replaceInputs([
      { name: 'binary_runtime_measurements', file: blob },
      { name: 'binary_runtime_measurements', file: blob },
    ]);
    s().addFiles([
      { name: 'binary_runtime_measurements', file: blob },
      { name: 'binary_runtime_measurements (2)', file: blob },
      { name: 'pcrs', file: blob },
    ]);
    expect(s().inputs.map((i) => i.name)).toEqual([
      'binary_runtime_measurements',
      'binary_runtime_measurements (2)',
      'binary_runtime_measurements (3)',
      'binary_runtime_measurements (2) (2)',
      'pcrs',
    ]);
  });

  it('leaving a case lets go of its inputs, paste and nonce, and keeps the new case', () => {
    const store = createInspectorStore();
    const s = () => store.getState();
    s().replaceInputs([{ name: 'old-log', file: blob }]);
    s().setPaste('PCR-10: 00');
    s().setNonce('abcd');
    s().addFiles([{ name: 'new-log', file: blob }]);
    s().leaveCase([s().inputs[0].id]);
    expect(s().inputs.map((i) => i.name)).toEqual(['new-log']);
    expect([s().paste, s().nonce]).toEqual(['', '']);
  });
});

describe('selection and view', () => {
  it('selects rows, reveals entries and clears', () => {
    const store = createInspectorStore();
    const s = () => store.getState();
    s().selectRow(4, undefined);
    expect(s().selection).toMatchObject({ row: 4, entryIndex: undefined });
    s().revealEntry(17, 3);
    s().revealEntry(17, 3);
    expect(s().selection).toEqual({ row: 3, entryIndex: 17, revealSerial: 2 });
    s().clearSelection();
    expect(s().selection).toMatchObject({ row: undefined, entryIndex: undefined });
  });

  it('a new sort or filter keeps the selected entry but forgets its row (the worker finds the new one)', () => {
    const store = createInspectorStore();
    const s = () => store.getState();
    s().selectRow(7, 7);
    s().setSort({ column: 'name', descending: true });
    expect(s().selection).toMatchObject({ entryIndex: 7, row: undefined });
    s().selectRow(42, 7);
    s().setSearch('file');
    expect(s().selection).toMatchObject({ entryIndex: 7, row: undefined });
  });

  it('changes the query immutably and clears filters but not the sort', () => {
    const store = createInspectorStore();
    const s = () => store.getState();
    const before = s().query;
    s().setSearch('/usr');
    s().setPcrFilter([10]);
    s().setStatusFilter(['mismatch']);
    s().setSort({ column: 'name', descending: true });
    expect(before.search).toBe('');
    expect(s().query).toMatchObject({ search: '/usr', pcrs: [10], statuses: ['mismatch'] });
    s().clearFilters();
    expect(s().query).toEqual({ ...before, sort: { column: 'name', descending: true } });
  });
});
