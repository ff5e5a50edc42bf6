import { beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWasmHashProvider, type HashProvider } from '../hash/hash-provider';
import type { HashAlgorithm } from '../hash/hash-algorithm';
import { analyzeRaw } from '../analysis/analyze';
import type { PcrBankValues, Report } from '../report/report';
import { parsePcrValues, type PcrValues } from '../tpm/pcrs/pcr-values';
import { hasEvmctl, runEvmctlImaMeasurement } from '../testing/evmctl';
import { readSharedData, readSharedText, sharedDataPath } from '../testing/shared-data';
import { toHex } from '../util/bytes';
import { evmctlGaps, evmctlPcrValues, exportEvmctlPcrs, exportPcrreadYaml } from './pcr-files';

let provider: HashProvider;
const ALL_BUT_10 = [...Array(24).keys()].filter((pcr) => pcr !== 10);
beforeAll(async () => {
  provider = await createWasmHashProvider();
});

async function replayOf(...path: string[]): Promise<Report> {
  const bytes = readSharedData(...path);
  return (await analyzeRaw([{ name: path[path.length - 1], bytes }], { banks: ['sha1', 'sha256'] }, provider)).report;
}

function asBankValues(values: PcrValues): PcrBankValues {
  const out: PcrBankValues = {};
  for (const [bank, pcrs] of values) out[bank] = Object.fromEntries([...pcrs].map(([pcr, v]) => [String(pcr), toHex(v)]));
  return out;
}

function writeTemp(name: string, text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'imascope-pcrs-')), name);
  writeFileSync(path, text);
  return path;
}

describe('exportEvmctlPcrs', () => {
  it('writes the PCRs given, in order, and no zeros for PCRs nobody read', () => {
    expect(exportEvmctlPcrs({ '2': 'AB'.repeat(20), '0': '11'.repeat(20) })).toBe(`PCR-00: ${'11'.repeat(20)}\nPCR-02: ${'ab'.repeat(20)}\n`);
    expect(exportEvmctlPcrs({ '10': 'ab'.repeat(32) })).toBe(`PCR-10: ${'ab'.repeat(32)}\n`);
    expect(exportEvmctlPcrs({})).toBe('');
    expect(evmctlGaps({ '10': 'ab'.repeat(32) })).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(evmctlGaps({ '2': 'ab', '0': 'cd', '1': 'ef' })).toEqual([]);
  });

  it('a log alone knows only PCR 10: the file holds PCR 10 alone', async () => {
    const report = await replayOf('swtpm', 'binary_runtime_measurements');
    expect(exportEvmctlPcrs(evmctlPcrValues(report, 'sha256').values)).toBe(`PCR-10: ${report.replay?.sha256?.['10']}\n`);
  });

  describe.runIf(hasEvmctl())('evmctl ima_measurement accepts the files for the list they were replayed from', () => {
    it('swtpm: the list replays PCR 10, its firmware log PCRs 0–9', async () => {
      const list = sharedDataPath('swtpm', 'binary_runtime_measurements');
      const raw = ['binary_runtime_measurements', 'binary_bios_measurements'].map((name) => ({ name, bytes: readSharedData('swtpm', name) }));
      const report = (await analyzeRaw(raw, { banks: ['sha1', 'sha256'] }, provider)).report;
      const banks: HashAlgorithm[] = ['sha1', 'sha256'];
      const values = banks.map((bank) => evmctlPcrValues(report, bank).values);
      for (const v of values) expect(evmctlGaps(v)).toEqual([]);
      const files = banks.map((bank, k) => ({ bank, path: writeTemp(`${bank}.txt`, exportEvmctlPcrs(values[k])) }));
      const result = runEvmctlImaMeasurement(list, files);
      expect(result.ok, result.stdout).toBe(true);
      expect(result.matched).toBe('per-bank');
      expect(result.succeeded).toEqual(banks.map((bank) => ({ bank, pcr: 10, entry: 6 })));

      // The same files with one digit changed are refused: the check has teeth.
      const sha256 = { ...values[1] };
      sha256['10'] = (sha256['10'][0] === '0' ? '1' : '0') + sha256['10'].slice(1);
      const tampered = runEvmctlImaMeasurement(list, [files[0], { bank: 'sha256', path: writeTemp('sha256.txt', exportEvmctlPcrs(sha256)) }]);
      expect(tampered.ok).toBe(false);
    });

    // The values supplied fill the PCRs the log does not extend (0–9 and 11–23 here): without
    // them the file held PCR 10 alone and evmctl stopped at the missing PCR-00.
    it('ima-verify 2025-03-08 sha1 list with pcrs_sha1: both banks written whole, evmctl matches', async () => {
      const day = ['realdata', 'ima-verify', '2025-03-08'];
      const raw = ['binary_runtime_measurements_sha1', 'pcrs_sha1'].map((name) => ({ name, bytes: readSharedData(...day, name) }));
      const analysis = await analyzeRaw(raw, { banks: ['sha1', 'sha256'] }, provider);
      const banks: HashAlgorithm[] = ['sha1', 'sha256'];
      const files = banks.map((bank) => {
        const pcrs = evmctlPcrValues(analysis.report, bank, analysis.suppliedPcrs);
        expect(pcrs.sources).toEqual({ log: [10], supplied: ALL_BUT_10 });
        return { bank, path: writeTemp(`${bank}.txt`, exportEvmctlPcrs(pcrs.values)) };
      });
      const result = runEvmctlImaMeasurement(sharedDataPath(...day, 'binary_runtime_measurements_sha1'), files);
      expect(result.ok, result.stdout).toBe(true);
      expect(result.matched).toBe('per-bank');
    });
  });

  // evmctl 1.4 reads no list with 32-byte digest columns, so these are checked by value: every
  // PCR is written, 0–9 give the boot_aggregate the list records (PROVENANCE.md).
  it.each([
    { day: '2025-03-08', others: ['pcrs_sha256'], supplied: ALL_BUT_10, firmware: undefined },
    // The supplied PCRs 8 and 9 were left out (the firmware log extends 0–7 only).
    { day: '2025-03-01', others: ['pcrs', 'binary_bios_measurements'], supplied: ALL_BUT_10, firmware: undefined },
    { day: '2025-03-01', others: ['binary_bios_measurements'], supplied: undefined, firmware: [0, 1, 2, 3, 4, 5, 6, 7] },
  ])('ima-verify $day sha256 list with $others', async ({ day, others, supplied, firmware }) => {
    const dir = ['realdata', 'ima-verify', day];
    const raw = ['binary_runtime_measurements_sha256', ...others].map((name) => ({ name, bytes: readSharedData(...dir, name) }));
    const analysis = await analyzeRaw(raw, { banks: ['sha1', 'sha256'] }, provider);
    const pcrs = evmctlPcrValues(analysis.report, 'sha256', analysis.suppliedPcrs);
    expect(pcrs.sources).toEqual({ log: [10], ...(supplied && { supplied }), ...(firmware && { firmware }) });
    expect(evmctlGaps(pcrs.values)).toEqual(supplied !== undefined ? [] : [8, 9]);
    if (supplied === undefined) return;
    const lines = exportEvmctlPcrs(pcrs.values).split('\n');
    expect(lines.slice(0, 24).map((l) => l.slice(0, 8))).toEqual([...Array(24).keys()].map((p) => `PCR-${String(p).padStart(2, '0')}: `));
    const pcr0to9 = Buffer.from(lines.slice(0, 10).map((l) => l.slice(8)).join(''), 'hex');
    expect(analysis.report.log?.boots[0].digest).toBe(`sha256:${createHash('sha256').update(pcr0to9).digest('hex')}`);
  });

  it('a PCR the log does not extend takes the value supplied, else the firmware replay', () => {
    const report = { replay: { sha256: { '10': 'aa' } }, firmware: { events: 1, replay: { sha256: { '0': 'f0', '10': 'fa' } }, bootAggregates: {} } };
    expect(evmctlPcrValues(report, 'sha256', { sha256: { '1': 's1', '10': 's10' } })).toEqual({
      values: { '0': 'f0', '1': 's1', '10': 'aa' },
      sources: { log: [10], supplied: [1], firmware: [0] },
    });
    expect(evmctlPcrValues(report, 'sha1', undefined)).toEqual({ values: {}, sources: {} });
  });
});

describe('exportPcrreadYaml', () => {
  // Real tpm2_pcrread 5.4 output (swtpm/README.md): values re-exported give the same bytes.
  it.each(['pcrread_all.yaml', 'pcr0-9.yaml', 'pcrread_sha256_10.yaml', 'pcrread_sha1_sha256_10.yaml'])(
    'swtpm/%s: parse → export reproduces tpm2_pcrread byte for byte',
    (file) => {
      const text = readSharedText('swtpm', file);
      const parsed = parsePcrValues(text);
      expect(parsed?.format).toBe('tpm2-pcrread-yaml');
      expect(exportPcrreadYaml(asBankValues(parsed?.values ?? new Map()))).toBe(text);
    },
  );

  it('re-reads through parsePcrValues to the replayed values', async () => {
    const report = await replayOf('swtpm', 'binary_runtime_measurements');
    const replay = report.replay ?? {};
    const yaml = exportPcrreadYaml(replay);
    const parsed = parsePcrValues(yaml);
    expect(parsed?.format).toBe('tpm2-pcrread-yaml');
    expect(parsed?.problems).toEqual([]);
    expect(asBankValues(parsed?.values ?? new Map())).toEqual(replay);
  });

  it('names SM3 as tpm2-tools does (sm3_256) and orders banks by TPM algorithm id', () => {
    const yaml = exportPcrreadYaml({ sm3: { '10': 'ab'.repeat(32) }, sha1: { '0': '00'.repeat(20) } });
    expect(yaml).toBe(`  sha1:\n    0 : 0x${'00'.repeat(20)}\n  sm3_256:\n    10: 0x${'AB'.repeat(32)}\n`);
    expect(asBankValues(parsePcrValues(yaml)?.values ?? new Map())).toEqual({ sha1: { '0': '00'.repeat(20) }, sm3: { '10': 'ab'.repeat(32) } });
  });
});
