import { beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { createWasmHashProvider } from '../hash/hash-provider';
import { analyzeRaw } from '../analysis/analyze';
import type { RawInput } from '../analysis/analysis-types';
import type { Report, ReportInput } from '../report/report';
import { readSharedData } from '../testing/shared-data';
import { decodePermalink, encodePermalink } from './permalink';
import { fingerprintsMatch } from './fingerprints';

const swtpm = (name: string, as = name): RawInput => ({ name: as, bytes: readSharedData('swtpm', name) });

let report: Report;
beforeAll(async () => {
  const provider = await createWasmHashProvider();
  report = (await analyzeRaw([swtpm('binary_runtime_measurements'), swtpm('pcrread_all.yaml')], {}, provider)).report;
});

/** The fingerprint of a file dropped later, computed independently (node:crypto). */
function dropped(input: RawInput, kind: ReportInput['kind']): ReportInput {
  return { name: input.name, kind, size: input.bytes.length, sha256: createHash('sha256').update(input.bytes).digest('hex') };
}

describe('fingerprintsMatch', () => {
  it('confirms the files a permalink was made from, even renamed, after the round trip', async () => {
    const link = await encodePermalink({ v: 1, report }, { redactPaths: true });
    const decoded = await decodePermalink(link.fragment);
    if (!decoded.ok) throw new Error(decoded.error);
    const files = [dropped(swtpm('pcrread_all.yaml', 'pcrs.yaml'), 'pcr-values'), dropped(swtpm('binary_runtime_measurements', 'list.bin'), 'ima-binary')];
    const result = fingerprintsMatch(decoded.payload.report, files);
    expect(result.allMatch).toBe(true);
    expect(result.matched.map((m) => [m.expected.kind, m.actual.name])).toEqual([
      ['ima-binary', 'list.bin'],
      ['pcr-values', 'pcrs.yaml'],
    ]);
    expect([result.differ, result.missing, result.extra]).toEqual([[], [], []]);
  });

  it('says which file differs, which is missing and which is extra', () => {
    const files = [
      dropped(swtpm('evmctl_pcrs_sha256.txt', 'pcrread_all.yaml'), 'pcr-values'),
      dropped(swtpm('ak_rsa.pem'), 'ak-public'),
    ];
    const result = fingerprintsMatch(report, files);
    expect(result.allMatch).toBe(false);
    expect(result.matched).toEqual([]);
    expect(result.differ.map((d) => [d.expected.name, d.actual.name])).toEqual([['pcrread_all.yaml', 'pcrread_all.yaml']]);
    expect(result.missing.map((m) => m.kind)).toEqual(['ima-binary']);
    expect(result.extra.map((e) => e.name)).toEqual(['ak_rsa.pem']);
  });

  it('pairs a changed file by name first when several of a kind were given', () => {
    const a: ReportInput = { name: 'a.txt', kind: 'pcr-values', size: 1, sha256: '1'.repeat(64) };
    const b: ReportInput = { name: 'b.txt', kind: 'pcr-values', size: 1, sha256: '2'.repeat(64) };
    const linked: Report = { schema: 'imascope.report/1', inputs: [a, b], findings: [] };
    const result = fingerprintsMatch(linked, [{ ...b, sha256: '3'.repeat(64) }, { ...a, size: 2 }]);
    expect(result.differ.map((d) => [d.expected.name, d.actual.name])).toEqual([
      ['a.txt', 'a.txt'],
      ['b.txt', 'b.txt'],
    ]);
  });
});
