/**
 * A Keylime agent response carries the IMA list and the measured-boot log beside its quote:
 * both are read as inputs of their own (they were read and never used before), however long
 * the response; a list that starts after entry 0 is said unused, with why.
 */
import { describe, expect, it } from 'vitest';
import { createHashProvider, type HashProvider } from '../hash/hash-provider';
import { analyzeRaw } from '../analysis/analyze';
import { exitStatusOf } from '../analysis/verdict';
import { readSharedText } from '../testing/shared-data';
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
