/**
 * The replay panel's worker side, driven directly in Node: a mixed paste (quote hex, nonce
 * line, PEM key, a line of nonsense) is split and each part used, and getReplayDetails
 * answers for the last analysis only. Values from swtpm/README.md and verify_quote_py.txt.
 */
import { describe, expect, it } from 'vitest';
import { hasSharedData, readSharedData, readSharedText } from '../core/testing/shared-data';
import { toHex } from '../core/util/bytes';
import { LogSession, type PostEvent } from './log-session';
import type { InputFile, RequestMap, RequestType, WorkerEvent, WorkerRequest } from './protocol';

function harness() {
  const events: WorkerEvent[] = [];
  const post: PostEvent = (event) => events.push(event);
  const session = new LogSession(post, { progressIntervalMs: 0 });
  let nextId = 1;
  async function call<K extends RequestType>(type: K, params: RequestMap[K]['params']): Promise<RequestMap[K]['result']> {
    const id = nextId++;
    await session.handle({ type, id, params } as WorkerRequest);
    const last = events.filter((e) => e.id === id).at(-1);
    if (last?.type === 'result') return last.result as RequestMap[K]['result'];
    throw new Error(last?.type === 'error' ? `${last.code}: ${last.message}` : `request ${id} did not answer`);
  }
  return { call, events };
}

function file(id: string, name: string, bytes: Uint8Array): InputFile {
  return { id, name, file: new Blob([new Uint8Array(bytes)]) };
}

describe.skipIf(!hasSharedData())('getReplayDetails and mixed pastes', () => {
  it('splits a mixed paste, uses its nonce, and says which line was not understood', async () => {
    const { call } = harness();
    await call('open', {
      inputs: [
        file('log', 'binary_runtime_measurements', readSharedData('swtpm', 'binary_runtime_measurements')),
        file('sig', 'q1.sig', readSharedData('swtpm', 'q1_rsassa_sha256_10.sig')),
      ],
    });
    await expect(call('getReplayDetails', {})).rejects.toThrow(/noLog/);
    const text = [
      `quote: ${toHex(readSharedData('swtpm', 'q1_rsassa_sha256_10.msg'))}`,
      'nonce: 0123456789abcdef0123456789abcdef',
      readSharedText('swtpm', 'ak_rsa.pem').trim(),
      'this line is nothing at all',
    ].join('\n');
    const analysis = await call('analyze', { pastes: [{ id: 'paste', name: 'pasted text', text }] });
    expect(analysis.pasteParts?.map((p) => [p.kind, p.lineStart])).toEqual([
      ['tpm-quote', 0],
      ['nonce', 1],
      ['ak-public', 2],
      ['unknown', 11],
    ]);
    expect(analysis.pasteParts?.[3].preview).toBe('this line is nothing at all');
    expect(analysis.pastes[0].kind).toBe('tpm-quote');
    expect(analysis.report.quote).toMatchObject({ signature: 'valid', nonceMatches: true, digestMatches: true, matchedEntries: 6 });

    const details = await call('getReplayDetails', {});
    expect(details.quote).toMatchObject({ clock: '2804', resetCount: 1, signature: { valid: true } });
    expect(details.hypotheses?.entryCount).toBe(6);
    expect(details.hypotheses?.rows[0].quote).toMatchObject({
      matchedEntries: 6,
      final: 'b8557e0b19802e611b1625feee66b5ecca906f52b0d095a952178162e8e79352',
    });
  });

  it('a pasted PCR line that does not parse: shown unreadable, refused by the analysis (red), never a match against 0 values', async () => {
    const { call } = harness();
    await call('open', { inputs: [file('log', 'binary_runtime_measurements', readSharedData('swtpm', 'binary_runtime_measurements'))] });
    const analysis = await call('analyze', { pastes: [{ id: 'paste', name: 'pasted text', text: 'PCR-10: zzzz\nthanks!' }] });
    expect(analysis.pasteParts?.map((p) => [p.kind, p.unreadable ?? false])).toEqual([
      ['pcr-values', true],
      ['unknown', false],
    ]);
    expect(analysis.report.pcrChecks).toBeUndefined();
    expect(analysis.report.findings[0]).toMatchObject({ code: 'input-unreadable', severity: 'error' });
    expect(analysis.report.findings[0].message).toMatch(/^pasted text, line 1: cannot be read as pcr-values: /);
  });

  it('a paste nothing understands fails as an unreadable file does, with its place; whitespace is nothing', async () => {
    const { call } = harness();
    await call('open', { inputs: [file('log', 'binary_runtime_measurements', readSharedData('swtpm', 'binary_runtime_measurements'))] });
    const clean = await call('analyze', { pastes: [] });
    expect(clean.report.findings.map((f) => f.code)).not.toContain('input-unreadable');
    for (const text of ['', '  \n\t\n']) {
      const blank = await call('analyze', { pastes: [{ id: 'paste', name: 'pasted text', text }] });
      expect(blank.report).toEqual(clean.report);
    }
    const prose = await call('analyze', { pastes: [{ id: 'paste', name: 'pasted text', text: '\nhello this is not a quote <b>bold</b>\nsecond line\n' }] });
    expect(prose.pasteParts?.map((p) => [p.kind, p.lineStart, p.lineCount])).toEqual([['unknown', 1, 2]]);
    // The reason the core gives a text file no kind fits (the CLI's input-unreadable).
    expect(prose.report.findings[0]).toEqual({
      code: 'input-unreadable',
      severity: 'error',
      message: 'pasted text, line 2: cannot be read: not recognised as any accepted input (lines 2–3)',
    });
  });

  it('a pasted PCR value that conflicts with a file: the paste is refused, the conflict names both readings, neither is compared', async () => {
    const { call } = harness();
    await call('open', {
      inputs: [
        file('log', 'binary_runtime_measurements', readSharedData('swtpm', 'binary_runtime_measurements')),
        file('pcrs', 'pcrread_sha256_10.yaml', readSharedData('swtpm', 'pcrread_sha256_10.yaml')),
      ],
    });
    const right = await call('analyze', { pastes: [] });
    expect(right.report.pcrChecks?.map((c) => [c.bank, c.pcr, c.status])).toEqual([['sha256', 10, 'match']]);
    const other = 'ab'.repeat(32);
    const analysis = await call('analyze', { pastes: [{ id: 'paste', name: 'pasted text', text: `PCR-10: ${other}\n` }] });
    expect(analysis.pastes[0]).toMatchObject({ kind: 'pcr-values', refused: [expect.stringMatching(/^sha256 PCR 10 is (ab){32} here but [0-9a-f]{64} in pcrread_sha256_10\.yaml: two readings of one PCR disagree/)] });
    expect(analysis.pcrConflicts).toEqual([
      { bank: 'sha256', pcr: 10, readings: [{ value: right.report.pcrChecks?.[0].expected, source: 'pcrread_sha256_10.yaml' }, { value: other, source: 'pasted text' }] },
    ]);
    // The file's value matched before; now neither is compared (the refusal says neither can be).
    expect(analysis.report.pcrChecks).toBeUndefined();
    expect(analysis.report.findings.map((f) => f.code)).not.toContain('pcr-match');
    // Two values in the paste itself: the conflict names its lines.
    const within = await call('analyze', { pastes: [{ id: 'paste', name: 'pasted text', text: `PCR-10: ${other}\nPCR-10: ${'cd'.repeat(32)}\n` }] });
    expect(within.pcrConflicts?.map((c) => c.readings.map((r) => r.source))).toEqual([['pasted text, line 1 (byte 0)', 'pasted text, line 2 (byte 73)']]);
    expect(within.pastes[0].refused).toHaveLength(1);
  });

  it('a paste recognised whole stays one input', async () => {
    const { call } = harness();
    await call('open', { inputs: [file('log', 'binary_runtime_measurements', readSharedData('swtpm', 'binary_runtime_measurements'))] });
    const analysis = await call('analyze', { pastes: [{ id: 'paste', name: 'pasted text', text: readSharedText('swtpm', 'pcrread_all.yaml') }] });
    expect(analysis.pasteParts?.map((p) => p.kind)).toEqual(['pcr-values']);
    expect(analysis.report.pcrChecks?.map((c) => c.status)).toEqual(['match', 'match', 'match', 'match']);
    const details = await call('getReplayDetails', {});
    expect(details.hypotheses?.targets.map((t) => t.bank)).toEqual(['sha1', 'sha256', 'sha384', 'sha512']);
    expect(details.quote).toBeUndefined();
  });
});
