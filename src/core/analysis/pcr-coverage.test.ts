// A log that extends PCR 10 and PCR 11: each PCR's match and matched-entries count refer to
// the entries that extend that PCR. PCR values come from the project's builder (its own
// simulated TPM), never from the replay under test.
import { beforeAll, describe, expect, it } from 'vitest';
import { createWasmHashProvider, type HashProvider } from '../hash/hash-provider';
import { buildImaLog, formatEvmctlPcrFile, type BuildEntry, type PcrBanks } from '../testing/build-ima-log';
import { encodeText } from '../util/bytes';
import { analyzeRaw } from './analyze';

let provider: HashProvider;
beforeAll(async () => {
  provider = await createWasmHashProvider();
});

// 201 entries: every third of the first 197 extends PCR 11 (the last at #195), then #197–#200
// extend PCR 10 only.
const ENTRIES: BuildEntry[] = Array.from({ length: 201 }, (_, i) => ({ path: `/f${i}`, pcr: i < 197 && i % 3 === 0 ? 11 : 10 }));

async function check(pcrs: PcrBanks) {
  const built = buildImaLog(ENTRIES, { provider });
  const values = encodeText(formatEvmctlPcrFile(pcrs.get('sha256') ?? new Map()));
  const report = (await analyzeRaw([{ name: 'list', bytes: built.binary }, { name: 'pcrs', bytes: values }], { banks: ['sha256'] }, provider)).report;
  return report;
}

describe('PCRs extended by part of the log', () => {
  it('PCRs read after the whole log: both match, 201 of 201', async () => {
    const report = await check(buildImaLog(ENTRIES, { provider }).pcrs);
    expect(report.pcrChecks?.map((c) => [c.pcr, c.status, c.matchedEntries])).toEqual([
      [10, 'match', 201],
      [11, 'match', 201],
    ]);
    expect(report.findings.filter((f) => f.code === 'log-ahead-of-pcrs')).toEqual([]);
  });

  it('PCRs read after #198: PCR 11 is whole, PCR 10 a prefix usable up to #198', async () => {
    const report = await check(buildImaLog(ENTRIES, { provider }).pcrsAfter(199));
    expect(report.pcrChecks?.map((c) => [c.pcr, c.status, c.matchedEntries])).toEqual([
      [10, 'prefix', 199],
      [11, 'match', 201],
    ]);
    const ahead = report.findings.filter((f) => f.code === 'log-ahead-of-pcrs');
    expect(ahead.map((f) => f.message)).toEqual([expect.stringContaining('sha256 PCR 10 equals the replay of the first 199 of 201 entries: entry #199 extends PCR 10 again')]);
  });

  it('PCRs read after #150: each prefix ends where its own PCR is next extended', async () => {
    // After 151 entries (#0–#150); the next PCR 11 entry is #153, the next PCR 10 entry #151.
    const report = await check(buildImaLog(ENTRIES, { provider }).pcrsAfter(151));
    expect(report.pcrChecks?.map((c) => [c.pcr, c.status, c.matchedEntries])).toEqual([
      [10, 'prefix', 151],
      [11, 'prefix', 153],
    ]);
    const messages = report.findings.filter((f) => f.code === 'log-ahead-of-pcrs').map((f) => f.message);
    expect(messages).toEqual([
      expect.stringContaining('let the verifier stop before entry #151'),
      expect.stringContaining('let the verifier stop before entry #153'),
    ]);
  });
});
