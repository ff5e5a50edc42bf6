/**
 * The worker keeps each filter expression compiled per open; an analysis replaces the verdict
 * columns the expression reads, so the same text must then select by the new verdicts. The
 * policy failures of Keylime's combined vector are boot_aggregate, two modules and zmore.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_QUERY } from '../core/query/filter-entries';
import { CONTRACT_SIGNATURE_NAMES, PolicyCode, SignatureCode } from '../core/query/entry-verdicts';
import { hasSharedData, readSharedData } from '../core/testing/shared-data';
import { sessionHarness } from './session-harness';

const keylime = (sub: string, name: string) => new Blob([new Uint8Array(readSharedData('policy', 'keylime', sub, name))]);
const FAILURES = { ...DEFAULT_QUERY, search: 'policy == fail' };

describe.skipIf(!hasSharedData())('filter expressions in the worker', () => {
  it('select by the verdicts of the latest analysis, in the table and the timeline', async () => {
    const { call } = sessionHarness();
    const opened = await call('open', {
      inputs: [
        { id: 'log', name: 'combined.ascii', file: keylime('logs', 'combined.ascii') },
        { id: 'policy', name: 'policy-empty.json', file: keylime('policies', 'policy-empty.json') },
        { id: 'key', name: 'rsa2048pub.pem', file: keylime('keys', 'rsa2048pub.pem') },
      ],
    });
    if (!opened.ok) throw new Error(opened.message);
    const before = await call('getRows', { range: { start: 0, end: 100 }, query: FAILURES });
    expect(before.ok && before.result.totalRows).toBe(0);

    const analysed = await call('analyze', { pastes: [] });
    if (!analysed.ok) throw new Error(analysed.message);
    const all = await call('getRows', { range: { start: 0, end: 1000 }, query: DEFAULT_QUERY });
    if (!all.ok) throw new Error(all.message);
    const failing = [...all.result.index].filter((_, k) => all.result.policy[k] === PolicyCode.fail);
    expect(failing.length).toBe(4);
    expect(analysed.result.report.policy?.failed).toBe(4);

    const after = await call('getRows', { range: { start: 0, end: 100 }, query: FAILURES });
    if (!after.ok) throw new Error(after.message);
    expect([...after.result.index]).toEqual(failing);

    const timeline = await call('getTimeline', { window: { start: 0, end: 1000, bucketCount: 1 }, filter: FAILURES });
    if (!timeline.ok) throw new Error(timeline.message);
    const b = timeline.result;
    expect(b.totals[b.series.indexOf('policy-fail')]).toBe(4);
    expect(b.counts[b.series.indexOf('policy-fail')]).toBe(4);
    expect([...(b.matchCounts ?? [])]).toEqual([4]);
  });

  it('reports a syntax error with the page of rows, and matches nothing', async () => {
    const { call } = sessionHarness();
    await call('open', { inputs: [{ id: 'log', name: 'combined.ascii', file: keylime('logs', 'combined.ascii') }] });
    const rows = await call('getRows', { range: { start: 0, end: 10 }, query: { ...DEFAULT_QUERY, search: 'pcr ==' } });
    if (!rows.ok) throw new Error(rows.message);
    expect(rows.result.totalRows).toBe(0);
    expect(rows.result.searchError).toMatch(/^column \d+: /);
  });
});

describe.skipIf(!hasSharedData())('a malformed signature with no key or policy', () => {
  it("is the row's signature verdict (malformed, `invalid` in §5.5's words), selected by sig == invalid; the other rows stay none", async () => {
    const { call } = sessionHarness();
    // Keylime's BAD_SIGNATURES vector: one ima-sig entry whose sig_size (0x4800) is not what follows.
    const opened = await call('open', { inputs: [{ id: 'log', name: 'bad-signatures.ascii', file: keylime('logs', 'bad-signatures.ascii') }] });
    if (!opened.ok) throw new Error(opened.message);
    const analysed = await call('analyze', { pastes: [] });
    if (!analysed.ok) throw new Error(analysed.message);
    expect(analysed.result.report.signatures?.malformed).toBe(1);
    const rows = await call('getRows', { range: { start: 0, end: 10 }, query: DEFAULT_QUERY });
    if (!rows.ok) throw new Error(rows.message);
    expect([...rows.result.signature]).toEqual([SignatureCode.malformed]);
    expect(CONTRACT_SIGNATURE_NAMES[rows.result.signature[0]]).toBe('invalid');
    const selected = await call('getRows', { range: { start: 0, end: 10 }, query: { ...DEFAULT_QUERY, search: 'sig == invalid' } });
    expect(selected.ok && [...selected.result.index]).toEqual([0]);

    // The swtpm list signs nothing: no column, every row none.
    const plain = await call('open', { inputs: [{ id: 'log', name: 'binary_runtime_measurements', file: new Blob([new Uint8Array(readSharedData('swtpm', 'binary_runtime_measurements'))]) }] });
    if (!plain.ok) throw new Error(plain.message);
    await call('analyze', { pastes: [] });
    const none = await call('getRows', { range: { start: 0, end: 10 }, query: DEFAULT_QUERY });
    expect(none.ok && [...none.result.signature].every((c) => c === SignatureCode.none)).toBe(true);
  });
});
