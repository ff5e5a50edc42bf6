/**
 * A quote that selects none of the PCRs the log extends attests none of its entries
 * (osresearch/safeboot's tests/quote-t490.tgz: a real quote of sha256:0–2,4 beside an IMA
 * list said "pcrDigest reproduced by all 1 entries" and "The log replays to the quote").
 * Quotes are built here (build-quote.ts) over a supplied PCR 14 beside a real 3-entry list.
 */
import { describe, expect, it } from 'vitest';
import { createHashProvider, type HashProvider } from '../hash/hash-provider';
import type { HashAlgorithm } from '../hash/hash-algorithm';
import { buildQuoteAttest, quoteDigest, signQuotes } from '../testing/build-quote';
import { readSharedData } from '../testing/shared-data';
import { fromHex } from '../util/bytes';
import type { RawInput } from './analysis-types';
import { analyzeRaw } from './analyze';
import { exitStatusOf, verdictLine, verdictOf } from './verdict';

const LOG: RawInput = {
  name: 'test_ascii_runtime_measurements',
  bytes: readSharedData('realdata', 'ima-evm-utils', 'test_ascii_runtime_measurements'),
  kind: 'ima-ascii',
};
const PCR14 = '3d458cfe55cc03ea1f443f1562beec8df51c75e14a9fcf9a7234a13f198e7969';
const PCRS: RawInput = { name: 'pcrs.txt', bytes: new TextEncoder().encode(`sha256 PCR-14: ${PCR14}\n`), kind: 'pcr-values' };

let provider: HashProvider | undefined;
/** A signed quote of sha256 PCR 14 at `value`, with its signature and AK. */
async function quoteOfPcr14(value: string): Promise<RawInput[]> {
  provider ??= await createHashProvider();
  const hasher = provider.get('sha256');
  if (hasher === undefined) throw new Error('no sha256');
  const selection = [{ bank: 'sha256' as HashAlgorithm, pcrs: [14] }];
  const pcrDigest = quoteDigest(selection, () => fromHex(value) ?? new Uint8Array(32), hasher);
  const [signed] = await signQuotes([buildQuoteAttest({ selection, pcrDigest })]);
  return [
    { name: 'quote.out', kind: 'tpm-quote', bytes: signed.attest },
    { name: 'quote.sig', kind: 'tpm-signature', bytes: signed.signature },
    { name: 'ak.pem', kind: 'ak-public', bytes: new TextEncoder().encode(signed.akPem) },
  ];
}

async function run(inputs: readonly RawInput[]) {
  provider ??= await createHashProvider();
  return (await analyzeRaw(inputs, {}, provider)).report;
}

describe('a quote of PCRs the log does not extend', () => {
  it('is reproduced by the supplied values and attests no entry: no matchedEntries, no "replays to the quote"', async () => {
    const report = await run([LOG, PCRS, ...(await quoteOfPcr14(PCR14))]);
    expect(report.quote).toMatchObject({ digestMatches: true, signature: 'valid' });
    expect(report.quote?.matchedEntries).toBeUndefined();
    expect(report.pcrChecks ?? []).toEqual([]);
    const match = report.findings.find((f) => f.code === 'quote-match');
    expect(match?.message).toContain("selects none of the PCRs the log extends (10): it attests none of the log's 3 entries");
    expect(match?.entries).toBeUndefined();
    // Sound for what it selects, but no entry of the log is attested: a warning leads the verdict.
    expect(report.findings.find((f) => f.code === 'quote-misses-log')).toMatchObject({ severity: 'warning' });
    const verdict = verdictOf(report);
    expect(verdict.headline).toBe('The quote does not attest the log');
    expect(verdictLine(verdict)).toContain('The quote selects none of the PCRs the log extends (10)');
    expect(exitStatusOf(report)).toBe(0);
  });

  it('a mismatch says the log cannot explain it, never a prefix', async () => {
    const report = await run([LOG, PCRS, ...(await quoteOfPcr14('00'.repeat(32)))]);
    expect(report.quote).toMatchObject({ digestMatches: false });
    const mismatch = report.findings.find((f) => f.code === 'quote-digest-mismatch');
    expect(mismatch?.message).toContain('The quote selects no PCR that the log extends, so the log cannot explain its digest.');
    expect(exitStatusOf(report)).toBe(1);
  });

  it('without a log it is the quote that agrees', async () => {
    const report = await run([PCRS, ...(await quoteOfPcr14(PCR14))]);
    // No log: the quote agrees with the supplied values, and no measurement was checked.
    expect(verdictOf(report)).toMatchObject({
      headline: 'The quote agrees',
      detail: "The supplied PCR values reproduce the quote's pcrDigest. No IMA measurement list was given: add it to check what the PCRs measured.",
    });
    expect(report.findings.find((f) => f.code === 'quote-match')?.message).toBe("The quote's pcrDigest is reproduced. It equals the digest of the supplied PCRs.");
  });
});
