/**
 * Supplied PCR values against the firmware log (check-firmware.ts): every value the log
 * governs is compared (PCRs 0–7, at their reset value when no event extends them, and every
 * PCR it extends), and the rest is said, never dropped. Truth: the values go-attestation's
 * own test asserts for its logs (sb_cert_eventlog.expected-pcrs.txt) and swtpm's pcrread.
 */
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createHashProvider, type HashProvider } from '../hash/hash-provider';
import type { Report } from '../report/report';
import { readSharedData, readSharedText } from '../testing/shared-data';
import { buildQuoteAttest } from '../testing/build-quote';
import { encodeText, fromHex } from '../util/bytes';
import { analyzeRaw } from './analyze';
import type { RawInput } from './analysis-types';
import { knownPcrValue } from './hypotheses';
import { loadInputs } from './load-inputs';
import { describeQuote } from './quote-details';

let provider: HashProvider;
beforeAll(async () => {
  provider = await createHashProvider();
});

const goAttestation = (name: string): RawInput => ({ name, bytes: readSharedData('realdata', 'go-attestation', name) });

async function run(inputs: RawInput[]): Promise<Report> {
  return (await analyzeRaw(inputs, {}, provider)).report;
}

/** The asserted values, with the lines `edit` rewrites. */
function expectedPcrs(edit: (line: string) => string = (l) => l): RawInput {
  const text = readSharedText('realdata', 'go-attestation', 'sb_cert_eventlog.expected-pcrs.txt');
  return { name: 'expected-pcrs.txt', bytes: encodeText(text.split('\n').map(edit).join('\n')) };
}

describe('supplied PCR values the firmware log governs', () => {
  it('go-attestation sb_cert: PCRs 0–7 of both supplied banks are compared, the unextended ones at zero', async () => {
    const report = await run([goAttestation('sb_cert_eventlog'), expectedPcrs()]);
    const checks = report.firmware?.checks ?? [];
    // The log extends PCRs 0, 4, 5 and 7; PCRs 1–3 and 6 hold their reset value (asserted zeros).
    expect(checks.map((c) => `${c.bank}:${c.pcr}`)).toEqual(['sha1', 'sha256'].flatMap((bank) => [0, 1, 2, 3, 4, 5, 6, 7].map((p) => `${bank}:${p}`)));
    expect(checks.every((c) => c.status === 'match')).toBe(true);
    expect(report.findings.filter((f) => f.severity !== 'info')).toEqual([]);
    // 48 values were given: the 32 of PCRs 8–23 are said, not dropped.
    expect(report.findings.find((f) => f.message.startsWith('Not compared'))?.message).toBe(
      'Not compared with sb_cert_eventlog: the supplied sha1 PCRs 8–23, sha256 PCRs 8–23; nothing given extends them (the firmware log governs PCRs 0–7 and the PCRs its events extend).',
    );
  });

  it('a supplied PCR 1 the log never extends, set to 11…1: a mismatch against its reset value', async () => {
    const ones = expectedPcrs((l) => (l.startsWith('sha1 PCR-01:') ? `sha1 PCR-01: ${'1'.repeat(40)}` : l));
    const report = await run([goAttestation('sb_cert_eventlog'), ones]);
    expect(report.firmware?.checks?.find((c) => c.bank === 'sha1' && c.pcr === 1)).toMatchObject({ status: 'mismatch', replayed: '0'.repeat(40) });
    const mismatch = report.findings.filter((f) => f.code === 'firmware-pcr-mismatch');
    expect(mismatch).toHaveLength(1);
    expect(mismatch[0]).toMatchObject({ severity: 'error' });
    expect(mismatch[0].message).toMatch(/^sha1 PCR 1: the firmware log does not replay to the supplied value, which no event in the log extends \(its reset value\)/);
  });

  it('a full pcrread (4 banks, PCRs 0–23) beside a sha1+sha256 log: the banks it lacks are said, and it passes', async () => {
    const swtpm = (name: string): RawInput => ({ name, bytes: readSharedData('swtpm', name) });
    const report = await run([swtpm('binary_bios_measurements'), swtpm('pcrread_all.yaml')]);
    // The log extends PCRs 0–9 in both banks (swtpm/README.md).
    expect(report.firmware?.checks).toHaveLength(20);
    expect(report.findings.filter((f) => f.severity !== 'info')).toEqual([]);
    const notes = report.findings.filter((f) => f.code === 'firmware-note').map((f) => f.message);
    for (const bank of ['sha384', 'sha512']) {
      expect(notes).toContain(`The supplied ${bank} values of PCRs 0–23 are not compared with binary_bios_measurements: it records no ${bank} bank (it has sha1, sha256).`);
    }
  });

  it('a firmware log given as base64 text is replayed as the binary it spells (tpm2-tss H-CRTM log)', async () => {
    const tss = (name: string): RawInput => ({ name, bytes: readSharedData('realdata', 'tpm2-tss', name) });
    const report = await run([tss('binary_measurements_hcrtm.b64'), tss('binary_measurements_hcrtm.bin.expected-pcrs.txt')]);
    expect(report.inputs.map((i) => i.kind)).toEqual(['tcg-eventlog', 'pcr-values']);
    expect(report.firmware?.checks?.map((c) => [c.bank, c.pcr, c.status])).toEqual([['sha1', 0, 'match']]);
  });
});

describe('a quote over PCRs the firmware log speaks for', () => {
  /** sha256 PCRs 0–7 as go-attestation asserts them (the log extends 0, 4, 5, 7 only). */
  const asserted = (): Map<number, string> => {
    const text = readSharedText('realdata', 'go-attestation', 'sb_cert_eventlog.expected-pcrs.txt');
    return new Map([...text.matchAll(/^sha256 PCR-0([0-7]): ([0-9a-f]{64})$/gm)].map((m) => [Number(m[1]), m[2]]));
  };
  /** A quote of sha256 PCRs 0–7 whose pcrDigest node:crypto computes over `values`. */
  const quoteOver = (values: Map<number, string>): RawInput => {
    const h = createHash('sha256');
    for (let p = 0; p <= 7; p++) h.update(fromHex(values.get(p) ?? '') ?? new Uint8Array());
    const attest = buildQuoteAttest({ selection: [{ bank: 'sha256', pcrs: [0, 1, 2, 3, 4, 5, 6, 7] }], pcrDigest: new Uint8Array(h.digest()) });
    return { name: 'quote.msg', bytes: attest };
  };

  it('PCRs 0–7 no event extends count at their reset value: the quote of the asserted values matches', async () => {
    const values = asserted();
    expect([1, 2, 3, 6].map((p) => values.get(p))).toEqual(Array(4).fill('0'.repeat(64)));
    const report = await run([goAttestation('sb_cert_eventlog'), quoteOver(values)]);
    expect(report.quote).toMatchObject({ digestMatches: true });
    expect(report.quote?.computedDigest).toBe(report.quote?.pcrDigest);
    // The replay panel's quote fields say where each value came from: the firmware log, never "missing".
    const loaded = await loadInputs([goAttestation('sb_cert_eventlog'), quoteOver(values)], provider);
    const details = await describeQuote(loaded, knownPcrValue(loaded, provider));
    expect(details?.digestInputs.map((d) => d.source)).toEqual(Array(8).fill('firmware'));
  });

  it('a quote of another PCR 6 (one no event extends) is a digest mismatch, not an unknown value', async () => {
    const values = asserted();
    values.set(6, '11'.repeat(32));
    const report = await run([goAttestation('sb_cert_eventlog'), quoteOver(values)]);
    expect(report.quote).toMatchObject({ digestMatches: false });
    expect(report.findings.filter((f) => f.code === 'quote-digest-mismatch')).toHaveLength(1);
  });
});

describe('a firmware log cut short', () => {
  it('tpm2-tools specid-vendordata.bin (it stops at bytes that are no event): no PCR is taken at its reset value, so no boot_aggregate is invented', async () => {
    const firmware: RawInput = { name: 'specid-vendordata.bin', bytes: readSharedData('realdata', 'tpm2-tools', 'specid-vendordata.bin') };
    const list: RawInput = { name: 'binary_runtime_measurements', bytes: readSharedData('swtpm', 'binary_runtime_measurements') };
    const report = await run([firmware, list]);
    expect(report.log?.errors ?? []).toEqual([]);
    expect(Object.keys(report.firmware?.bootAggregates ?? {})).toEqual([]);
    expect(report.findings.map((f) => f.code)).not.toContain('boot-aggregate-mismatch');
    expect(report.findings.map((f) => f.code)).toContain('check-incomplete');
  });

  it('go-attestation sb_cert cut inside its last event: PCRs it had not extended yet are not compared at their reset value', async () => {
    const whole = readSharedData('realdata', 'go-attestation', 'sb_cert_eventlog');
    const report = await run([{ name: 'sb_cert_cut', bytes: whole.subarray(0, whole.length - 7) }, expectedPcrs()]);
    expect(report.findings.map((f) => f.code)).toContain('parse-error');
    const unextended = (report.firmware?.checks ?? []).filter((c) => [1, 2, 3, 6].includes(c.pcr));
    expect(unextended).toEqual([]);
    // Said, not dropped, with the reason.
    expect(report.findings.find((f) => f.message.startsWith('Not compared'))?.message).toContain('sha1 PCRs 1–3, 6, 8–23, sha256 PCRs 1–3, 6, 8–23; the log was cut short');
  });
});
