/**
 * Per-bank lists of one log given together: the real ibmtss and ima-verify pairs (their PCR
 * values recorded by the TPM, PROVENANCE.md), and pairs built by the project's builder with
 * one entry edited in one list only.
 */
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createWasmHashProvider, type HashProvider } from '../hash/hash-provider';
import { readSharedData } from '../testing/shared-data';
import { buildImaLog, type BuildEntry, type BuiltLog } from '../testing/build-ima-log';
import { numberedFiles, perBankPair, platformBootEntry } from '../testing/ima-scenarios';
import { toHex } from '../util/bytes';
import type { Report } from '../report/report';
import type { RawInput } from './analysis-types';
import { analyzeRaw } from './analyze';
import { parseImaLog } from '../ima/parse-ima-log';
import { isBankListOf } from './bank-lists';

let provider: HashProvider;
beforeAll(async () => {
  provider = await createWasmHashProvider();
});

const real = (p: string): RawInput => ({ name: p, bytes: readSharedData('realdata', ...p.split('/')) });

async function analyzeInputs(raw: RawInput[]): Promise<Report> {
  return (await analyzeRaw(raw, {}, provider)).report;
}

function checksOf(report: Report): Array<[string, number, string, number | undefined]> {
  return (report.pcrChecks ?? []).map((c) => [c.bank, c.pcr, c.status, c.matchedEntries]);
}

describe('real per-bank lists of one log', () => {
  it('ibmtss: all four per-bank lists read together reproduce imakvtpcr10.txt in every bank', async () => {
    const lists = ['sha1', 'sha256', 'sha384', 'sha512'].map((b) => real(`ibmtss/${b}.log`));
    const report = await analyzeInputs([...lists, real('ibmtss/imakvtpcr10.txt')]);
    expect(checksOf(report)).toEqual([
      ['sha1', 10, 'match', 362],
      ['sha256', 10, 'match', 362],
      ['sha384', 10, 'match', 362],
      ['sha512', 10, 'match', 362],
    ]);
    expect(report.inputs.filter((i) => i.kind === 'ima-binary').map((i) => i.digestBank)).toEqual(['sha1', 'sha256', 'sha384', 'sha512']);
    expect(report.findings.filter((f) => f.severity !== 'info')).toEqual([]);
    // Nothing given is silently left out.
    expect(report.findings.filter((f) => f.code === 'input-unused')).toEqual([]);
  });

  it('ima-verify 2025-03-08: the sha1 and sha256 lists are of two boots (other file-digest algorithm): an error, and no bank replays from the wrong list', async () => {
    const sha1 = real('ima-verify/2025-03-08/binary_runtime_measurements_sha1');
    const sha256 = real('ima-verify/2025-03-08/binary_runtime_measurements_sha256');
    for (const order of [
      [sha1, sha256],
      [sha256, sha1],
    ]) {
      const report = await analyzeInputs([...order, real('ima-verify/2025-03-08/pcrs_sha256')]);
      // The longer list is the one shown, and replays both banks to the TPM's values.
      expect(report.log?.entries).toBe(3524);
      expect(checksOf(report)).toEqual([
        ['sha1', 10, 'match', 3524],
        ['sha256', 10, 'match', 3524],
      ]);
      const differ = report.findings.filter((f) => f.code === 'bank-lists-differ');
      expect(differ).toEqual([expect.objectContaining({ severity: 'error' })]);
      expect(differ[0].entries?.slice(0, 3)).toEqual([0, 1, 2]);
      expect(differ[0].message).toContain('not lists of the same boot');
      expect(differ[0].message).toContain('binary_runtime_measurements_sha256 has 3,524 entries, ima-verify/2025-03-08/binary_runtime_measurements_sha1 3,506 entries');
    }
  });

  it('lists of two different boots are not taken for bank lists of one log', () => {
    const a = parseImaLog(real('ima-verify/2025-03-01/binary_runtime_measurements_sha256').bytes);
    const b = parseImaLog(real('ima-verify/2025-03-08/binary_runtime_measurements_sha1').bytes);
    const c = parseImaLog(real('ima-verify/2025-03-08/binary_runtime_measurements_sha256').bytes);
    const ibm1 = parseImaLog(real('ibmtss/sha1.log').bytes);
    const ibm256 = parseImaLog(real('ibmtss/sha256.log').bytes);
    expect(isBankListOf(a, b)).toBe(false);
    expect(isBankListOf(c, b)).toBe(false);
    expect(isBankListOf(ibm256, ibm1)).toBe(true);
    expect(isBankListOf(ibm1, ibm1)).toBe(false);
  });
});

describe('a per-bank list edited after measurement', () => {
  const EDITED = 3;
  let entries: BuildEntry[];
  let sha1: BuiltLog;

  beforeAll(() => {
    entries = [platformBootEntry(provider), ...numberedFiles(6)];
    sha1 = buildImaLog(entries, { provider, listBank: 'sha1' });
  });

  /** The sha256 list with entry EDITED's template data replaced by another file's. */
  function editedSha256List(recomputeDigest: boolean): Uint8Array {
    return perBankPair(provider, entries, { index: EDITED, path: '/usr/bin/not-what-ran', recomputeDigest }).sha256List;
  }

  function pcrListing(bank: 'sha1' | 'sha256'): RawInput {
    const value = sha1.pcrs.get(bank)?.get(10);
    if (value === undefined) throw new Error('no PCR 10');
    return { name: `pcr-${bank}.txt`, bytes: new TextEncoder().encode(`${bank}:\n  10 : 0x${toHex(value)}\n`) };
  }

  it('the edit with the kernel digest kept: a template-hash mismatch in that list and a difference between the lists', async () => {
    const report = await analyzeInputs([
      { name: 'binary_runtime_measurements_sha1', bytes: sha1.binary },
      { name: 'binary_runtime_measurements_sha256', bytes: editedSha256List(false) },
      pcrListing('sha1'),
      pcrListing('sha256'),
    ]);
    const differ = report.findings.find((f) => f.code === 'bank-lists-differ');
    expect(differ).toMatchObject({ severity: 'error', entries: [EDITED] });
    const mismatch = report.findings.filter((f) => f.code === 'template-hash-mismatch');
    expect(mismatch).toEqual([expect.objectContaining({ entries: [EDITED] })]);
    expect(mismatch[0].message).toContain('binary_runtime_measurements_sha256');
    expect(mismatch[0].message).toContain('1 entry has');
    // The TPM got the recorded digests: both banks still replay to its values.
    expect(checksOf(report)).toEqual([
      ['sha1', 10, 'match', 7],
      ['sha256', 10, 'match', 7],
    ]);
  });

  it('the edit with the digest recomputed: the sha256 bank, replayed from its own list, no longer matches', async () => {
    const report = await analyzeInputs([
      { name: 'binary_runtime_measurements_sha1', bytes: sha1.binary },
      { name: 'binary_runtime_measurements_sha256', bytes: editedSha256List(true) },
      pcrListing('sha1'),
      pcrListing('sha256'),
    ]);
    expect(report.findings.find((f) => f.code === 'bank-lists-differ')).toMatchObject({ entries: [EDITED] });
    expect(report.findings.filter((f) => f.code === 'template-hash-mismatch')).toEqual([]);
    expect(checksOf(report)).toEqual([
      ['sha1', 10, 'match', 7],
      ['sha256', 10, 'mismatch', undefined],
    ]);
    // Independent truth: sha256 PCR 10 extended with the edited list's recorded digests.
    const list = parseImaLog(editedSha256List(true));
    let pcr: Buffer = Buffer.alloc(32);
    for (let i = 0; i < list.entries.length; i++) {
      const at = list.entries.entryOffset[i] + 4;
      pcr = createHash('sha256').update(pcr).update(list.data.subarray(at, at + 32)).digest();
    }
    expect(report.replay?.sha256?.['10']).toBe(pcr.toString('hex'));
  });

  it('a sha1 list read before more entries were measured: a warning, and its bank replayed past its end from the other list', async () => {
    const more = buildImaLog([...entries, ...numberedFiles(2, '/usr/sbin/late')], { provider, listBank: 'sha256' });
    const pcrs = (bank: 'sha1' | 'sha256'): RawInput => ({
      name: `after-9-${bank}.txt`,
      bytes: new TextEncoder().encode(`${bank}:\n  10 : 0x${toHex(more.pcrs.get(bank)?.get(10) ?? new Uint8Array())}\n`),
    });
    const report = await analyzeInputs([
      { name: 'binary_runtime_measurements_sha1', bytes: sha1.binary },
      { name: 'binary_runtime_measurements_sha256', bytes: more.binary },
      pcrs('sha1'),
      pcrs('sha256'),
    ]);
    expect(report.log?.entries).toBe(9);
    expect(checksOf(report)).toEqual([
      ['sha1', 10, 'match', 9],
      ['sha256', 10, 'match', 9],
    ]);
    const apart = report.findings.filter((f) => f.code === 'bank-lists-read-apart');
    expect(apart).toEqual([expect.objectContaining({ severity: 'warning', entries: [7] })]);
    expect(apart[0].message).toContain('first 7 entries');
    expect(apart[0].message).toContain('#7–8');
    expect(report.findings.filter((f) => f.severity === 'error')).toEqual([]);
  });

  it('the sha1 list alone shows nothing wrong: the pair is what reveals the edit', async () => {
    const report = await analyzeInputs([{ name: 'binary_runtime_measurements_sha1', bytes: sha1.binary }, pcrListing('sha256')]);
    expect(report.findings.filter((f) => f.severity === 'error')).toEqual([]);
  });
});
