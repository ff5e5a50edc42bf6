/**
 * What makes a case in the worker: per-bank lists of one log dropped together or one after
 * the other (the real ibmtss lists, whose PCR 10 the vTPM reported), and a different log
 * dropped onto an open case, which starts a new one.
 */
import { describe, expect, it } from 'vitest';
import { createWasmHashProvider } from '../core/hash/hash-provider';
import { hasSharedData, readSharedData } from '../core/testing/shared-data';
import { numberedFiles, perBankPair, platformBootEntry } from '../core/testing/ima-scenarios';
import { DEFAULT_QUERY } from '../core/query/filter-entries';
import { toHex } from '../core/util/bytes';
import { LogSession, type PostEvent } from './log-session';
import type { InputFile, RequestMap, RequestType, WorkerEvent, WorkerRequest } from './protocol';

function file(id: string, name: string, bytes: Uint8Array | string, drop: number): InputFile {
  return { id, name, drop, file: new Blob([typeof bytes === 'string' ? bytes : new Uint8Array(bytes)]) };
}

function session() {
  const events: WorkerEvent[] = [];
  const post: PostEvent = (event) => events.push(event);
  const s = new LogSession(post, { progressIntervalMs: 0 });
  let nextId = 1;
  return async function call<K extends RequestType>(type: K, params: RequestMap[K]['params']): Promise<RequestMap[K]['result']> {
    const id = nextId++;
    await s.handle({ type, id, params } as WorkerRequest);
    const last = events.filter((e) => e.id === id).at(-1);
    if (last?.type === 'result') return last.result as RequestMap[K]['result'];
    throw new Error(last?.type === 'error' ? last.message : `request ${id} did not answer`);
  };
}

const ibm = (bank: string, drop: number) => file(bank, `${bank}.log`, readSharedData('realdata', 'ibmtss', `${bank}.log`), drop);
const ibmPcrs = (drop: number) => file('pcrs', 'imakvtpcr10.txt', readSharedData('realdata', 'ibmtss', 'imakvtpcr10.txt'), drop);

describe.skipIf(!hasSharedData())('per-bank lists in one case', () => {
  it('dropped together: the table shows one, the other is its companion and replays its bank', async () => {
    const call = session();
    const opened = await call('open', { inputs: [ibm('sha1', 1), ibm('sha256', 1), ibmPcrs(1)] });
    expect(opened.log?.name).toBe('sha1.log');
    expect(opened.inputs.map((i) => [i.name, i.companionOf, i.digestBank, i.supersededBy])).toEqual([
      ['sha1.log', undefined, 'sha1', undefined],
      ['sha256.log', 'sha1.log', 'sha256', undefined],
      ['imakvtpcr10.txt', undefined, undefined, undefined],
    ]);
    const { report } = await call('analyze', { pastes: [] });
    expect(report.inputs.map((i) => [i.name, i.digestBank])).toEqual([
      ['sha1.log', 'sha1'],
      ['sha256.log', 'sha256'],
      ['imakvtpcr10.txt', undefined],
    ]);
    expect(report.pcrChecks?.map((c) => [c.bank, c.status, c.matchedEntries])).toEqual([
      ['sha1', 'match', 362],
      ['sha256', 'match', 362],
      ['sha384', 'match', 362],
      ['sha512', 'match', 362],
    ]);
    expect(report.findings.filter((f) => f.severity !== 'info')).toEqual([]);
  });

  it('the other bank dropped later joins the open case; the replay panel reads it too', async () => {
    const call = session();
    await call('open', { inputs: [ibm('sha256', 1), ibmPcrs(2)] });
    const joined = await call('open', { inputs: [ibm('sha256', 1), ibmPcrs(2), ibm('sha1', 3)] });
    expect(joined.newCaseFrom).toBeUndefined();
    expect(joined.inputs.find((i) => i.name === 'sha1.log')?.companionOf).toBe('sha256.log');
    expect(joined.inputs.every((i) => i.supersededBy === undefined)).toBe(true);
    const { report } = await call('analyze', { pastes: [] });
    expect(report.pcrChecks?.every((c) => c.status === 'match')).toBe(true);
    const details = await call('getReplayDetails', { allReadings: true });
    expect(details.hypotheses).toBeDefined();
  });
});

describe('an edited per-bank list dropped with its twin', () => {
  it('is read, not discarded: the edit is a finding and its bank replays from it', async () => {
    const provider = await createWasmHashProvider();
    const pair = perBankPair(provider, [platformBootEntry(provider), ...numberedFiles(5)], {
      index: 2,
      path: '/usr/bin/not-what-ran',
      recomputeDigest: true,
    });
    const pcr = (bank: 'sha1' | 'sha256') => toHex(pair.sha1.pcrs.get(bank)?.get(10) ?? new Uint8Array());
    const call = session();
    await call('open', {
      inputs: [
        file('a', 'binary_runtime_measurements_sha1', pair.sha1.binary, 1),
        file('b', 'binary_runtime_measurements_sha256', pair.sha256List, 1),
        file('p', 'pcrs.txt', `sha1:\n  10 : 0x${pcr('sha1')}\nsha256:\n  10 : 0x${pcr('sha256')}\n`, 1),
      ],
    });
    const { report } = await call('analyze', { pastes: [] });
    expect(report.findings.find((f) => f.code === 'bank-lists-differ')).toMatchObject({ severity: 'error', entries: [2] });
    expect(report.pcrChecks?.map((c) => [c.bank, c.status])).toEqual([
      ['sha1', 'match'],
      ['sha256', 'mismatch'],
    ]);
  });
});

describe.skipIf(!hasSharedData())('a new case', () => {
  it('a different log dropped onto an open case leaves every input of the old case behind', async () => {
    const call = session();
    await call('open', { inputs: [ibm('sha1', 1), ibmPcrs(2)] });
    const swtpm = file('s', 'binary_runtime_measurements', readSharedData('swtpm', 'binary_runtime_measurements'), 3);
    const next = await call('open', { inputs: [ibm('sha1', 1), ibmPcrs(2), swtpm] });
    expect(next.newCaseFrom).toBe(3);
    expect(next.log?.name).toBe('binary_runtime_measurements');
    expect(next.inputs.map((i) => i.supersededBy)).toEqual(['binary_runtime_measurements', 'binary_runtime_measurements', undefined]);
    // Even before the page lets go of them, nothing of the old case is analysed.
    const { report } = await call('analyze', { pastes: [] });
    expect(report.inputs.map((i) => i.name)).toEqual(['binary_runtime_measurements']);
    expect(report.pcrChecks ?? []).toEqual([]);
  });
});

describe.skipIf(!hasSharedData())('two unrelated lists of one bank dropped together', () => {
  it('the shorter is kept in the case, marked not used, and the analysis says so, as the CLI does', async () => {
    const call = session();
    const swtpm = file('s', 'binary_runtime_measurements', readSharedData('swtpm', 'binary_runtime_measurements'), 1);
    const opened = await call('open', { inputs: [swtpm, ibm('sha1', 1)] });
    expect(opened.newCaseFrom).toBeUndefined();
    expect(opened.log?.name).toBe('sha1.log');
    expect(opened.inputs.map((i) => [i.name, i.supersededBy, i.unusedBeside])).toEqual([
      ['binary_runtime_measurements', undefined, 'sha1.log'],
      ['sha1.log', undefined, undefined],
    ]);
    const { report } = await call('analyze', { pastes: [] });
    expect(report.inputs.map((i) => i.name).sort()).toEqual(['binary_runtime_measurements', 'sha1.log']);
    expect(report.findings.find((f) => f.code === 'input-unused')).toEqual({
      code: 'input-unused',
      severity: 'warning',
      // Two lists of different machines: their first entries (boot_aggregate) already differ.
      message: 'binary_runtime_measurements: a second IMA list of the same bank; only sha1.log is analysed; it records different measurements: entry #0 differs (6 entries against 362)',
    });
  });

  it('with the PCR values of the list not shown: the list whose replay reproduces them is shown and analysed, as the CLI chooses', async () => {
    // swtpm/README: its 6-entry list's replay gives pcrread_all.yaml; the table first shows the longer sha1.log.
    const call = session();
    const swtpm = file('s', 'binary_runtime_measurements', readSharedData('swtpm', 'binary_runtime_measurements'), 1);
    const pcrs = file('p', 'pcrread_all.yaml', readSharedData('swtpm', 'pcrread_all.yaml'), 1);
    const opened = await call('open', { inputs: [swtpm, ibm('sha1', 1), pcrs] });
    expect(opened.log?.name).toBe('sha1.log');
    const analysed = await call('analyze', { pastes: [] });
    expect(analysed.report.findings.map((f) => f.code)).not.toContain('lists-disagree');
    expect(analysed.report.pcrChecks?.every((c) => c.status === 'match')).toBe(true);
    expect(analysed.report.log?.entries).toBe(6);
    // Its flags were set by its own verification (one violation entry in swtpm's list).
    expect(analysed.statusCounts).toEqual({ verified: 5, violation: 1 });
    // The table now shows the list analysed; the other is the list set aside.
    expect(analysed.shown?.log?.name).toBe('binary_runtime_measurements');
    expect(analysed.shown?.inputs.map((i) => [i.name, i.unusedBeside])).toEqual([
      ['binary_runtime_measurements', undefined],
      ['sha1.log', 'binary_runtime_measurements'],
      ['pcrread_all.yaml', undefined],
    ]);
    expect(analysed.report.findings.find((f) => f.code === 'input-unused')).toMatchObject({
      severity: 'warning',
      message: expect.stringContaining('sha1.log: a second IMA list of the same bank; only binary_runtime_measurements is analysed, whose replay reproduces the supplied PCR values; its own replay does not'),
    });
    const rows = await call('getRows', { range: { start: 0, end: 10 }, query: DEFAULT_QUERY });
    expect(rows.totalRows).toBe(6);
    // Analysed again (a paste changed), the case stays as the evidence chose it.
    const again = await call('analyze', { pastes: [] });
    expect(again.shown).toBeUndefined();
    expect(again.report).toEqual(analysed.report);
    const details = await call('getReplayDetails', { allReadings: false });
    expect(details.hypotheses).toBeDefined();
    // Opened again (a file added to the case), the table keeps showing it.
    const reopened = await call('open', { inputs: [swtpm, ibm('sha1', 1), pcrs] });
    expect(reopened.log?.name).toBe('binary_runtime_measurements');
    expect((await call('analyze', { pastes: [] })).shown).toBeUndefined();
  });
});
