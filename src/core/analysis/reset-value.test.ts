/**
 * A PCR at its reset value attests no entry (outside review D1): when the log extends that
 * PCR, a supplied value or a quote that only the empty prefix reproduces is a mismatch, said
 * as a reset value (a TPM reset, another boot, another machine), never a prefix match.
 */
import { describe, expect, it } from 'vitest';
import { createHashProvider, type HashProvider } from '../hash/hash-provider';
import type { HashAlgorithm } from '../hash/hash-algorithm';
import { buildQuoteAttest, quoteDigest } from '../testing/build-quote';
import { readSharedData } from '../testing/shared-data';
import { fromHex } from '../util/bytes';
import type { RawInput } from './analysis-types';
import { analyzeRaw } from './analyze';
import { exitStatusOf } from './verdict';

const LOG: RawInput = { name: 'binary_runtime_measurements', bytes: readSharedData('swtpm', 'binary_runtime_measurements'), kind: 'ima-binary' };
/** The swtpm README's PCR 10 after the list's 6 entries. */
const PCR10 = { sha1: '70e4548301b30fa740f08df3bdca03534ec2de9e', sha256: 'f8a50c287e1d4b39b95d449242783b20d01c5114c2528014749c19d95fdc9bdc' };
const text = (name: string, s: string): RawInput => ({ name, bytes: new TextEncoder().encode(s), kind: 'pcr-values' });

let provider: HashProvider | undefined;
async function analyze(inputs: readonly RawInput[]) {
  provider ??= await createHashProvider();
  const { report } = await analyzeRaw(inputs, {}, provider);
  return { report, status: exitStatusOf(report) };
}

describe('a PCR at its reset value', () => {
  for (const [bank, size] of [['sha1', 20], ['sha256', 32]] as const) {
    it(`${bank} PCR 10 of zeros against a log that extends PCR 10 is a mismatch that says reset value`, async () => {
      const { report, status } = await analyze([LOG, text('z.txt', `PCR-10: ${'00'.repeat(size)}\n`)]);
      expect(report.pcrChecks).toMatchObject([{ bank, pcr: 10, status: 'mismatch' }]);
      expect(report.pcrChecks?.[0].matchedEntries).toBeUndefined();
      expect(report.findings.map((f) => f.code)).not.toContain('log-ahead-of-pcrs');
      const mismatch = report.findings.find((f) => f.code === 'pcr-mismatch');
      expect(mismatch?.severity).toBe('error');
      expect(mismatch?.message).toContain('reset value');
      expect(status).toBe(1);
    });
  }

  it('the good value still matches, and zeros for a PCR the log does not extend are no check', async () => {
    const { report, status } = await analyze([LOG, text('ok.txt', `PCR-10: ${PCR10.sha256}\nPCR-11: ${'00'.repeat(32)}\n`)]);
    expect(report.pcrChecks).toMatchObject([{ bank: 'sha256', pcr: 10, status: 'match', matchedEntries: 6 }]);
    expect(status).toBe(0);
  });

  it('a quote of PCR 10 at its reset value is a quote-digest-mismatch that says reset value', async () => {
    provider ??= await createHashProvider();
    const hasher = provider.get('sha256');
    if (hasher === undefined) throw new Error('no sha256');
    const selection = [{ bank: 'sha256' as HashAlgorithm, pcrs: [10] }];
    const quoteOf = (pcr10: Uint8Array): RawInput => ({
      name: 'q.msg',
      kind: 'tpm-quote',
      bytes: buildQuoteAttest({ selection, pcrDigest: quoteDigest(selection, () => pcr10, hasher) }),
    });
    const reset = await analyze([LOG, quoteOf(new Uint8Array(32))]);
    expect(reset.report.quote?.digestMatches).toBe(false);
    expect(reset.report.quote?.matchedEntries).toBeUndefined();
    const mismatch = reset.report.findings.find((f) => f.code === 'quote-digest-mismatch');
    expect(mismatch?.message).toContain('reset value');
    expect(reset.status).toBe(1);
    // The same quote of the real PCR 10 covers the whole log.
    const good = await analyze([LOG, quoteOf(fromHex(PCR10.sha256) ?? new Uint8Array())]);
    expect(good.report.quote).toMatchObject({ digestMatches: true, matchedEntries: 6 });
    expect(good.report.findings.find((f) => f.code === 'quote-digest-mismatch')).toBeUndefined();
  });
});

describe('the quote-digest-mismatch message (outside review D5)', () => {
  it('says no prefix reproduces the quote, never that the digest equals one', async () => {
    const tampered: RawInput = { name: 'tampered_q1.msg', bytes: readSharedData('swtpm', 'tampered_q1.msg'), kind: 'tpm-quote' };
    const { report, status } = await analyze([tampered, LOG]);
    const mismatch = report.findings.find((f) => f.code === 'quote-digest-mismatch');
    expect(mismatch?.message).toMatch(/^No prefix of the log reproduces the quote's pcrDigest/);
    expect(mismatch?.message).not.toMatch(/equals|  /);
    expect(status).toBe(1);
  });
});
