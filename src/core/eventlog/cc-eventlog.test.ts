import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeRaw } from '../analysis/analyze';
import { createWasmHashProvider, type HashProvider } from '../hash/hash-provider';
import { readSharedData, sharedDataPath } from '../testing/shared-data';
import { isCcEventLog } from './cc-eventlog';
import { parseFirmwareLog, sniffFirmwareLog } from './event-log';

let provider: HashProvider;
beforeAll(async () => {
  provider = await createWasmHashProvider();
});

/** Every crypto-agile firmware log in ../shared/data, by path relative to it. */
function cryptoAgileLogs(): string[] {
  const root = sharedDataPath();
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? walk(join(dir, f)) : [join(dir, f)]));
  return walk(root)
    .map((p) => p.slice(root.length + 1))
    .filter((p) => {
      const bytes = readSharedData(...p.split('/'));
      return sniffFirmwareLog(bytes.subarray(0, 65536)) && parseFirmwareLog(bytes).format === 'crypto-agile';
    });
}

describe('confidential-computing (TDX) event logs', () => {
  it('are told from TPM logs: go-eventlog\'s CCEL logs are, every TPM log in the shared data is not', () => {
    const logs = cryptoAgileLogs();
    const cc = logs.filter((p) => isCcEventLog(parseFirmwareLog(readSharedData(...p.split('/')))));
    expect(cc.sort()).toEqual(
      [
        'realdata/go-eventlog/CCEL_unpadded.data.bin',
        'realdata/go-eventlog/cos-113-intel-tdx-dupe-separator-unpadded.bin',
        'realdata/go-eventlog/cos-113-intel-tdx-dupe-separator.bin',
        'realdata/go-eventlog/cos-113-intel-tdx.bin',
        'realdata/go-eventlog/event_log.bin',
      ].sort(),
    );
    expect(logs.length - cc.length).toBeGreaterThan(30);
  });

  it('a TPM log whose header was moved to index 1 is still a TPM log, and still checked', async () => {
    const bytes = readSharedData('swtpm', 'binary_bios_measurements').slice();
    bytes[0] = 1;
    expect(isCcEventLog(parseFirmwareLog(bytes))).toBe(false);
    const { report } = await analyzeRaw(
      [
        { name: 'bios.bin', bytes },
        { name: 'pcrs.yaml', bytes: readSharedData('swtpm', 'pcr0-9.yaml') },
      ],
      {},
      provider,
    );
    expect(report.firmware?.ccRegisters).toBeUndefined();
    expect(report.firmware?.checks?.length).toBe(20);
  });

  it('replay to the RTMRs go-eventlog asserts, and no TPM PCR is compared with them', async () => {
    const { report } = await analyzeRaw(
      [
        { name: 'tdx.bin', bytes: readSharedData('realdata', 'go-eventlog', 'cos-113-intel-tdx-dupe-separator-unpadded.bin') },
        { name: 'pcrs.yaml', bytes: readSharedData('swtpm', 'pcr0-9.yaml') },
      ],
      {},
      provider,
    );
    // go-eventlog ccel/cceventlog_test.go, COS113TDXUnpadded (Go string literals as hex).
    expect(report.firmware?.ccRegisters).toEqual({
      'RTMR[0]': 'a4de2df23e9611299123ba4359c42a5e578b0f8488bf1bba8ef5606d9ea5d81c97c064b482a5eac537d166bd0f0f752d',
      'RTMR[1]': '0ee9366c928a77092f55e9e114c7394181fd264699155f0df77d23577618d5f650568a17d379355a07bd846e552f4e20',
      'RTMR[2]': '4969684dc87381fc3b3134176c8d8806eaf0a901859f5f70cfae8d17714b46c10a8de219048c9fc09f11f381a6fbe7c1',
    });
    expect(report.firmware?.replay).toEqual({});
    expect(report.firmware?.bootAggregates).toEqual({});
    expect(report.firmware?.checks).toBeUndefined();
    expect(report.findings.some((f) => f.code === 'firmware-pcr-mismatch')).toBe(false);
    expect(report.findings.find((f) => f.message.includes('confidential-computing'))?.message).toContain('the supplied TPM PCR values');
    // Nothing compared the supplied values: a check that could not be made fails the run.
    expect(report.findings.find((f) => f.code === 'check-incomplete')?.message).toContain('a TDX event log replays measurement registers, not TPM PCRs');
  });
});
