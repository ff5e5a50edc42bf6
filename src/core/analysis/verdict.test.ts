import { beforeAll, describe, expect, it } from 'vitest';
import { createWasmHashProvider, type HashProvider } from '../hash/hash-provider';
import { readSharedData } from '../testing/shared-data';
import { buildImaLog, formatEvmctlPcrFile } from '../testing/build-ima-log';
import { hypotheticalPlatformPcrs, platformBootEntry } from '../testing/ima-scenarios';
import { encodeText } from '../util/bytes';
import { exportHtmlReport } from '../export/html-report';
import type { RawInput } from './analysis-types';
import { analyzeRaw } from './analyze';
import { FINDING_HELP } from './finding-help';
import { moreProblemsText, verdictLine, verdictOf } from './verdict';

let provider: HashProvider;
beforeAll(async () => {
  provider = await createWasmHashProvider();
});

const swtpm = (name: string): RawInput => ({ name, bytes: readSharedData('swtpm', name) });
const analyze = async (inputs: RawInput[]) => (await analyzeRaw(inputs, {}, provider)).report;

function cleanLog(n: number) {
  const entries = [platformBootEntry(provider), ...Array.from({ length: n }, (_, i) => ({ path: `/usr/bin/t${i}`, fileDigest: { content: `c${i}` } }))];
  return buildImaLog(entries, { provider });
}

describe('verdictOf', () => {
  it('a failed check leads: the tampered PCR 10 of swtpm (README: it does not match) is an error', async () => {
    const report = await analyze([swtpm('binary_runtime_measurements'), swtpm('evmctl_pcrs_sha256_tampered.txt')]);
    const v = verdictOf(report);
    expect(v.tone).toBe('error');
    expect(v.finding?.code).toBe('pcr-mismatch');
    expect(v.headline).toBe(FINDING_HELP['pcr-mismatch'].title);
    // The list's one measurement violation (swtpm/README.md: entry 4) is the further problem.
    expect(report.findings.some((f) => f.code === 'violation')).toBe(true);
    expect(v.moreProblems).toBeGreaterThanOrEqual(1);
    expect(moreProblemsText(v)).toMatch(/^and \d+ more problems? in the findings\.$/);
    expect(verdictLine(v)).toBe(`FAIL — ${FINDING_HELP['pcr-mismatch'].title}: ${v.finding?.message}`);
  });

  it('a warning alone passes with warnings: swtpm agrees with its PCRs but has a violation', async () => {
    const v = verdictOf(await analyze([swtpm('binary_runtime_measurements'), swtpm('pcrread_all.yaml')]));
    expect(v).toMatchObject({ tone: 'warning', headline: FINDING_HELP.violation.title, moreProblems: 0 });
    expect(v.finding?.entries).toEqual([4]);
    expect(verdictLine(v).startsWith('PASS with warnings — ')).toBe(true);
    expect(moreProblemsText(v)).toBeUndefined();
  });

  it('of several quotes, one that attests the log is enough: the others may select other PCRs', async () => {
    const built = cleanLog(3);
    const report = await analyze([{ name: 'log', bytes: built.binary }]);
    const quote = { pcrDigest: '00', selection: { sha256: [0] }, nonce: '', signature: 'valid' as const, clock: { clock: 1, resetCount: 0, restartCount: 0, safe: true }, firmwareVersion: '0', digestMatches: true, nonceMatches: true };
    const misses = { ...quote, input: 'platform.msg' };
    const attests = { ...quote, selection: { sha256: [10] }, matchedEntries: 4, input: 'ima.msg' };
    expect(verdictOf({ ...report, quote: misses, quotes: [misses, attests] })).toMatchObject({ tone: 'ok', headline: 'Attestation replay agrees' });
    expect(verdictOf({ ...report, quote: misses, quotes: [misses] }).detail).toContain('The quote selects none of the PCRs the log extends');
  });

  it('says what agrees when nothing is wrong: the log alone, then the log against its PCR values', async () => {
    const built = cleanLog(3);
    const log: RawInput = { name: 'log', bytes: built.binary };
    const alone = verdictOf(await analyze([log]));
    expect(alone).toMatchObject({ tone: 'ok', headline: 'The log is consistent', moreProblems: 0 });
    expect(alone.detail).toBe('4 entries, every template hash checked. Add a quote or PCR values to check the replay.');
    expect(alone.finding).toBeUndefined();

    // The platform PCRs 0–9 its boot_aggregate was made from, and the PCR 10 the log extends.
    const sha256 = provider.get('sha256');
    if (sha256 === undefined) throw new Error('no sha256');
    const values = new Map(hypotheticalPlatformPcrs(sha256).map((v, i) => [i, v]));
    values.set(10, built.pcrs.get('sha256')?.get(10) ?? new Uint8Array(32));
    const pcrs: RawInput = { name: 'pcrs.txt', bytes: encodeText(formatEvmctlPcrFile(values)) };
    const report = await analyze([log, pcrs]);
    const checked = verdictOf(report);
    expect(checked).toMatchObject({ tone: 'ok', headline: 'Attestation replay agrees', moreProblems: 0 });
    // Only PCR 10 is checked: the log extends no other.
    expect(report.pcrChecks?.map((c) => c.pcr)).toEqual([10]);
    expect(checked.detail).toBe('The log replays to 1 PCR value.');
  });

  it('with no input at all, nothing is wrong and the verdict asks for a list', async () => {
    expect(verdictOf(await analyze([]))).toMatchObject({ tone: 'ok', headline: 'Nothing wrong found', detail: 'Add an IMA measurement list to check it.' });
  });

  it('the HTML report shows the same verdict', async () => {
    const report = await analyze([swtpm('binary_runtime_measurements'), swtpm('evmctl_pcrs_sha256_tampered.txt')]);
    const v = verdictOf(report);
    const html = exportHtmlReport(report);
    expect(html).toContain('<section class="verdict error"><strong>FAIL</strong>');
    expect(html).toContain(`<p>${v.headline}: `);
  });
});
