import { beforeAll, describe, expect, it } from 'vitest';
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
    expect(exportEvmctlPcrs(evmctlPcrValues(report, 'sha256'))).toBe(`PCR-10: ${report.replay?.sha256?.['10']}\n`);
  });

  describe.runIf(hasEvmctl())('evmctl ima_measurement accepts the files for the list they were replayed from', () => {
    it('swtpm: the list replays PCR 10, its firmware log PCRs 0–9', async () => {
      const list = sharedDataPath('swtpm', 'binary_runtime_measurements');
      const raw = ['binary_runtime_measurements', 'binary_bios_measurements'].map((name) => ({ name, bytes: readSharedData('swtpm', name) }));
      const report = (await analyzeRaw(raw, { banks: ['sha1', 'sha256'] }, provider)).report;
      const banks: HashAlgorithm[] = ['sha1', 'sha256'];
      const values = banks.map((bank) => evmctlPcrValues(report, bank));
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
