/**
 * The strongest real test vectors (realdata/PROVENANCE.md, "log + independently recorded PCR
 * values"): lists captured on real machines with the PCRs read from their TPMs at the time.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createWasmHashProvider, type HashProvider } from '../hash/hash-provider';
import type { HashAlgorithm } from '../hash/hash-algorithm';
import { readSharedData } from '../testing/shared-data';
import type { Report } from '../report/report';
import { analyzeRaw } from './analyze';

let provider: HashProvider;
beforeAll(async () => {
  provider = await createWasmHashProvider();
});

async function analyzeFiles(paths: string[], banks?: HashAlgorithm[]): Promise<Report> {
  const raw = paths.map((p) => ({ name: p, bytes: readSharedData('realdata', ...p.split('/')) }));
  return (await analyzeRaw(raw, { banks }, provider)).report;
}

describe('real lists against the PCRs their TPMs reported', () => {
  for (const bank of ['sha1', 'sha256', 'sha384', 'sha512'] as const) {
    it(`ibmtss ${bank}.log (per-bank list, 362 ima-sig entries) reproduces imakvtpcr10.txt`, async () => {
      const report = await analyzeFiles([`ibmtss/${bank}.log`, 'ibmtss/imakvtpcr10.txt'], [bank]);
      expect(report.inputs[0].digestBank).toBe(bank);
      expect(report.pcrChecks).toContainEqual(expect.objectContaining({ bank, pcr: 10, status: 'match', matchedEntries: 362 }));
      // The file's other banks are checked too (--bank never drops supplied values): the
      // template data holds every bank's digest input, so each bank reproduces its value.
      expect(report.pcrChecks?.map((c) => `${c.bank}:${c.status}`)).toEqual(['sha1:match', 'sha256:match', 'sha384:match', 'sha512:match']);
    });
  }

  it('ima-verify 2025-03-01: sha256 list, firmware log and pcrs agree, boot_aggregate included', async () => {
    const report = await analyzeFiles([
      'ima-verify/2025-03-01/binary_runtime_measurements_sha256',
      'ima-verify/2025-03-01/pcrs',
      'ima-verify/2025-03-01/binary_bios_measurements',
    ]);
    expect(report.log?.entries).toBe(4289);
    expect(report.log?.violations.length).toBe(6);
    expect(report.pcrChecks).toEqual([expect.objectContaining({ bank: 'sha256', pcr: 10, status: 'match', matchedEntries: 4289 })]);
    const codes = report.findings.map((f) => f.code);
    expect(codes).toEqual(expect.arrayContaining(['boot-aggregate-match', 'firmware-pcr-match']));
    expect(report.findings.filter((f) => f.severity === 'error')).toEqual([]);
  });

  it('ima-verify 2025-03-01: the ASCII twin gives the same replay', async () => {
    const report = await analyzeFiles(['ima-verify/2025-03-01/ascii_runtime_measurements_sha256', 'ima-verify/2025-03-01/pcrs']);
    expect(report.pcrChecks?.[0]).toMatchObject({ status: 'match', matchedEntries: 4289 });
  });

  it('ima-verify 2025-03-08: one per-bank list reproduces both banks of PCR 10', async () => {
    for (const [list, pcrs, n] of [
      ['binary_runtime_measurements_sha1', 'pcrs_sha1', 3506],
      ['binary_runtime_measurements_sha256', 'pcrs_sha256', 3524],
    ] as const) {
      const report = await analyzeFiles([`ima-verify/2025-03-08/${list}`, `ima-verify/2025-03-08/${pcrs}`]);
      expect(report.pcrChecks?.map((c) => [c.bank, c.status, c.matchedEntries])).toEqual([
        ['sha1', 'match', n],
        ['sha256', 'match', n],
      ]);
    }
  });

  it('a list against the PCRs of another boot of the same VM: boot_aggregate agrees, PCR 10 does not', async () => {
    // The two 2025-03-08 lists differ from their first entry on: two boots, same firmware.
    const report = await analyzeFiles(['ima-verify/2025-03-08/binary_runtime_measurements_sha1', 'ima-verify/2025-03-08/pcrs_sha256']);
    expect(report.pcrChecks?.map((c) => c.status)).toEqual(['mismatch', 'mismatch']);
    const codes = report.findings.map((f) => f.code);
    expect(codes).toContain('boot-aggregate-match');
    expect(codes).toContain('pcr-mismatch');
  });
});
