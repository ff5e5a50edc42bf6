/**
 * Inputs inside an input join the case in the app as in the CLI: a Keylime agent response
 * (swtpm/keylime_agent_quote_response.json, README: its quote, pcrblob, the 6-entry IMA list
 * and the 18-event firmware log of the same boot) dropped alone shows its IMA list in the
 * table and its firmware log in the firmware table, and the analysis is the CLI's, each part
 * read once.
 */
import { describe, expect, it } from 'vitest';
import { analyzeRaw } from '../core/analysis/analyze';
import { createWasmHashProvider } from '../core/hash/hash-provider';
import { DEFAULT_QUERY } from '../core/query/filter-entries';
import { hasSharedData, readSharedData } from '../core/testing/shared-data';
import type { RequestMap, RequestType } from './protocol';
import { sessionHarness } from './session-harness';

/** The result of each request (a failed request fails the test). */
function session() {
  const { call } = sessionHarness();
  return async function result<K extends RequestType>(type: K, params: RequestMap[K]['params']): Promise<RequestMap[K]['result']> {
    const outcome = await call(type, params);
    if (!outcome.ok) throw new Error(outcome.message);
    return outcome.result;
  };
}

const NAME = 'keylime_agent_quote_response.json';

describe.skipIf(!hasSharedData())('a Keylime agent response dropped alone', () => {
  it('shows its IMA list and firmware log, and is analysed as the CLI analyses it', async () => {
    const bytes = readSharedData('swtpm', NAME);
    const call = session();
    const opened = await call('open', { inputs: [{ id: 'r', name: NAME, drop: 1, file: new Blob([bytes.slice()]) }] });
    expect(opened.log?.name).toBe(`${NAME} › ima_measurement_list`);
    expect(opened.log?.entryCount).toBe(6);
    const rows = await call('getRows', { range: { start: 0, end: 10 }, query: DEFAULT_QUERY });
    expect(rows.totalRows).toBe(6);
    expect(rows.name[0]).toBe('boot_aggregate');
    const firmware = await call('getFirmwareEvents', { range: { start: 0, end: 100 } });
    expect(firmware.totalRows).toBe(18);

    const { report } = await call('analyze', { pastes: [] });
    const cli = (await analyzeRaw([{ name: NAME, bytes }], {}, await createWasmHashProvider())).report;
    // Each part once (no "second IMA list" or second firmware log), as in the CLI.
    expect([...report.inputs].map((i) => i.name).sort()).toEqual([NAME, `${NAME} › ima_measurement_list`, `${NAME} › mb_measurement_list`]);
    expect(report.findings.filter((f) => f.code === 'input-unused')).toEqual([]);
    expect(report.findings.map((f) => f.code).sort()).toEqual(cli.findings.map((f) => f.code).sort());
    expect(report.pcrChecks).toEqual(cli.pcrChecks);
    expect(report.quote).toEqual(cli.quote);
    expect(report.firmware).toEqual(cli.firmware);
  });

  it('a second response of the same name and sizes is read anew, not taken from the first one\'s parse', async () => {
    const text = new TextDecoder().decode(readSharedData('swtpm', NAME));
    const doc = JSON.parse(text) as { results: { ima_measurement_list: string } };
    const list = doc.results.ima_measurement_list;
    expect(list).toContain('/usr/bin/bash');
    const other = JSON.stringify({ ...doc, results: { ...doc.results, ima_measurement_list: list.replace('/usr/bin/bash', '/usr/bin/dash') } });
    const call = session();
    await call('open', { inputs: [{ id: 'a', name: NAME, drop: 1, file: new Blob([JSON.stringify(doc)]) }] });
    await call('open', { inputs: [{ id: 'b', name: NAME, drop: 2, file: new Blob([other]) }] });
    const rows = await call('getRows', { range: { start: 0, end: 10 }, query: DEFAULT_QUERY });
    expect(rows.name).toContain('/usr/bin/dash');
    expect(rows.name).not.toContain('/usr/bin/bash');
  });
});
