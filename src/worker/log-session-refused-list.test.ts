/**
 * A list no entry of which can be read (embrave's patched kernel, realdata/PROVENANCE.md: "an
 * upstream parser must reject or flag it") is classified in the app as in the CLI: an input
 * that cannot be read as its kind (input-unreadable, exit 2), not a list with bytes that are
 * not entries (parse-error, exit 1).
 */
import { describe, expect, it } from 'vitest';
import { analyzeRaw } from '../core/analysis/analyze';
import { exitStatusOf } from '../core/analysis/verdict';
import { createWasmHashProvider } from '../core/hash/hash-provider';
import { hasSharedData, readSharedData } from '../core/testing/shared-data';
import { sessionHarness } from './session-harness';

describe.skipIf(!hasSharedData())('a list of a patched kernel (embrave 2023-06-07)', () => {
  it.each(['binary_runtime_measurements', 'ascii_runtime_measurements'])('%s: input-unreadable in the app, as in the CLI', async (name) => {
    const bytes = readSharedData('realdata', 'embrave-2023-06-07', name);
    const { call } = sessionHarness();
    const opened = await call('open', { inputs: [{ id: 'l', name, drop: 1, file: new Blob([bytes.slice()]) }] });
    expect(opened.ok).toBe(true);
    const analysed = await call('analyze', { pastes: [] });
    if (!analysed.ok) throw new Error(analysed.message);
    const app = analysed.result.report;
    const cli = (await analyzeRaw([{ name, bytes }], {}, await createWasmHashProvider())).report;
    expect(cli.findings.map((f) => f.code)).toEqual(['input-unreadable']);
    expect(app.findings).toEqual(cli.findings);
    expect(app.log).toBeUndefined();
    expect(exitStatusOf(app)).toBe(2);
  });
});
