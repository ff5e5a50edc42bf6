/**
 * A Keylime agent response carries the IMA list and the measured-boot log beside its quote:
 * both are read as inputs of their own (they were read and never used before), however long
 * the response; a list that starts after entry 0 is said unused, with why.
 */
import { describe, expect, it } from 'vitest';
import { createHashProvider, type HashProvider } from '../hash/hash-provider';
import { analyzeRaw } from '../analysis/analyze';
import { exitStatusOf } from '../analysis/verdict';
import { readSharedData, readSharedText } from '../testing/shared-data';
import { splitPaste } from './split-paste';
import { encodeText } from '../util/bytes';

const RESPONSE = 'keylime_agent_quote_response.json';

let provider: HashProvider | undefined;
async function analyzeResponse(edit: (results: Record<string, unknown>) => void) {
  provider ??= await createHashProvider();
  const doc = JSON.parse(readSharedText('swtpm', RESPONSE)) as { results: Record<string, unknown> };
  edit(doc.results);
  return (await analyzeRaw([{ name: RESPONSE, bytes: encodeText(JSON.stringify(doc)) }], {}, provider)).report;
}

describe('a Keylime agent response', () => {
  it('its ima_measurement_list and mb_measurement_list are analysed as lists given beside the quote', async () => {
    const report = await analyzeResponse(() => undefined);
    expect(report.inputs.map((i) => [i.name, i.kind])).toEqual([
      [RESPONSE, 'tpm-quote'],
      [`${RESPONSE} › ima_measurement_list`, 'ima-ascii'],
      [`${RESPONSE} › mb_measurement_list`, 'tcg-eventlog'],
    ]);
    // swtpm/README.md: 6 entries, 18 firmware events; the pcrblob's PCR 10 is the replay's.
    expect(report.log?.entries).toBe(6);
    expect(report.firmware?.events).toBe(18);
    expect(report.pcrChecks).toMatchObject([{ bank: 'sha256', pcr: 10, status: 'match', matchedEntries: 6 }]);
    expect(report.quote).toMatchObject({ digestMatches: true, matchedEntries: 6 });
  });

  it('is read whole past 1 MiB (its pcrblob and lists were lost)', async () => {
    const report = await analyzeResponse((r) => {
      r.padding = 'x'.repeat(1 << 21);
    });
    expect(report.log?.entries).toBe(6);
    expect(report.quote).toMatchObject({ digestMatches: true, matchedEntries: 6 });
  });

  it('a list that starts after entry 0 (incremental attestation) is said unused, with why', async () => {
    const report = await analyzeResponse((r) => {
      r.ima_measurement_list_entry = 4;
    });
    expect(report.log).toBeUndefined();
    expect(report.findings.find((f) => f.code === 'input-unused')).toMatchObject({
      severity: 'warning',
      message: expect.stringMatching(/^keylime_agent_quote_response\.json › ima_measurement_list: it starts at entry 4 \(Keylime's incremental attestation\)/),
    });
  });

  it('an entry number that is not one leaves the start unknown: the list is said unused', async () => {
    const report = await analyzeResponse((r) => {
      r.ima_measurement_list_entry = '3';
    });
    expect(report.log).toBeUndefined();
    expect(report.findings.find((f) => f.code === 'input-unused')?.message).toMatch(/ima_measurement_list: ima_measurement_list_entry is "3", not an entry number/);
  });

  it('a firmware log that cannot be decoded is an input error (exit 2), as the same file would be', async () => {
    const report = await analyzeResponse((r) => {
      r.mb_measurement_list = '!!!notbase64!!!';
    });
    expect(report.findings[0]).toMatchObject({ code: 'input-unreadable', severity: 'error', message: expect.stringContaining(`${RESPONSE} › mb_measurement_list`) });
    expect(exitStatusOf(report)).toBe(2);
    // The rest of the response is still analysed.
    expect(report.log?.entries).toBe(6);
  });
});

describe("tpm2_quote's stdout, given or pasted", () => {
  const DATA = (name: string) => ({ name, bytes: readSharedData('swtpm', name) });
  const NONCE = '0123456789abcdef0123456789abcdef';
  async function analyzePaste(text: string) {
    provider ??= await createHashProvider();
    // As the app's worker sends a paste's parts: each as an input of its kind.
    const raws = splitPaste(text).flatMap((p) => (p.kind === 'nonce' || p.kind === 'unknown' ? [] : [{ name: `paste, line ${p.lineStart + 1}`, bytes: encodeText(p.text), kind: p.kind }]));
    return (await analyzeRaw([DATA('binary_runtime_measurements'), DATA('ak_ecc.pub'), ...raws], { nonce: NONCE }, provider)).report;
  }

  it('pasted whole: quote, signature, PCR values and calcDigest all read and checked (exit 0)', async () => {
    const report = await analyzePaste(readSharedText('swtpm', 'q3_ecdsa_multibank.stdout.yaml'));
    expect(exitStatusOf(report)).toBe(0);
    expect(report.quote).toMatchObject({ signature: 'valid', digestMatches: true, nonceMatches: true });
    expect(report.pcrChecks?.map((c) => [c.bank, c.pcr, c.status])).toEqual([['sha1', 10, 'match'], ['sha256', 10, 'match']]);
  });

  it('a calcDigest that is not the digest of the values printed: refused (exit 2) and its values unused, pasted or given', async () => {
    const edited = readSharedText('swtpm', 'q3_ecdsa_multibank.stdout.yaml').replace('    3 : 0x3D', '    3 : 0x3E');
    const given = async () => {
      provider ??= await createHashProvider();
      return (await analyzeRaw([DATA('binary_runtime_measurements'), DATA('ak_ecc.pub'), { name: 'stdout.yaml', bytes: encodeText(edited) }], { nonce: NONCE }, provider)).report;
    };
    for (const [name, report] of [['paste, line 1', await analyzePaste(edited)], ['stdout.yaml', await given()]] as const) {
      expect(exitStatusOf(report), name).toBe(2);
      expect(report.findings[0]).toMatchObject({ code: 'input-unreadable', severity: 'error' });
      expect(report.findings[0].message).toMatch(new RegExp(`^${name}: cannot be read as tpm-quote: its calcDigest ce68cd49\\w+ is not the digest of the 12 PCR values its 'pcrs:' block prints`));
      // The quote itself is still checked; the printed values are not used.
      expect(report.quote?.signature, name).toBe('valid');
      expect(report.pcrChecks ?? [], name).toEqual([]);
    }
  });
});
