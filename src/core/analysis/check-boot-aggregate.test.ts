/**
 * boot_aggregate through the whole analysis (analyzeRaw), against values the data's own
 * projects assert (realdata/PROVENANCE.md, swtpm/README.md). Oracles for anything derived:
 * node:crypto over PCR values parsed here from the YAML dumps, never our replay's output.
 */
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createWasmHashProvider, type HashProvider } from '../hash/hash-provider';
import { parseFirmwareLog } from '../eventlog/event-log';
import type { Finding, Report } from '../report/report';
import { buildImaLog, type BuildEntry } from '../testing/build-ima-log';
import { kexecSoftReboot } from '../testing/ima-scenarios';
import { readSharedData, readSharedText } from '../testing/shared-data';
import { encodeText } from '../util/bytes';
import { analyzeRaw } from './analyze';
import { exitStatusOf } from './verdict';
import type { RawInput } from './analysis-types';

let provider: HashProvider;
beforeAll(async () => {
  provider = await createWasmHashProvider();
});

const evmUtils = (name: string): RawInput => ({ name, bytes: readSharedData('realdata', 'ima-evm-utils', name) });
const swtpm = (name: string): RawInput => ({ name, bytes: readSharedData('swtpm', name) });

async function run(inputs: RawInput[]): Promise<Report> {
  return (await analyzeRaw(inputs, {}, provider)).report;
}

function only(report: Report, code: Finding['code']): Finding[] {
  return report.findings.filter((f) => f.code === code);
}

/** sha256 PCRs 0–9 of swtpm/pcr0-9.yaml (tpm2_pcrread of the TPM the logs were extended into). */
function swtpmSha256Pcrs(): Buffer[] {
  const yaml = readSharedText('swtpm', 'pcr0-9.yaml');
  const section = yaml.slice(yaml.indexOf('sha256:'));
  return [...section.matchAll(/^\s+(\d+) : 0x([0-9A-F]+)$/gm)].map((m) => Buffer.from(m[2], 'hex'));
}

function sha256(...parts: Uint8Array[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
}

function bootEntry(hex: string): BuildEntry {
  return { path: 'boot_aggregate', fileDigest: { algorithm: 'sha256', hex } };
}

function files(n: number, prefix: string): BuildEntry[] {
  return Array.from({ length: n }, (_, i) => ({ path: `${prefix}${i}` }));
}

function pcrJson(pcrs: readonly Uint8Array[]): RawInput {
  const values = Object.fromEntries(pcrs.map((v, i) => [String(i), Buffer.from(v).toString('hex')]));
  return { name: 'pcrs.json', bytes: encodeText(JSON.stringify({ sha256: values })) };
}

describe('ima-evm-utils pairs (tests/boot_aggregate.test and PROVENANCE)', () => {
  it('sample-…-pcrs-8-9: the list boot_aggregate is SHA-256 over the firmware replay of PCRs 0–9', async () => {
    const report = await run([
      evmUtils('sample-binary_bios_measurements-pcrs-8-9'),
      evmUtils('sample-ascii_runtime_measurements-pcrs-8-9'),
    ]);
    expect(report.log?.boots[0].digest).toBe('sha256:83d19723ef3b3c05bb8ae70d86b3886c158f2408f1b71ed265886a7b79eb700e');
    expect(report.firmware?.bootAggregates.sha256).toBe('83d19723ef3b3c05bb8ae70d86b3886c158f2408f1b71ed265886a7b79eb700e');
    const [match] = only(report, 'boot-aggregate-match');
    expect(match.message).toBe('boot_aggregate at entry 0 equals sha256 over PCRs 0–9 of the firmware log replay.');
    expect(only(report, 'boot-aggregate-mismatch')).toEqual([]);
  });

  it('test_…: a kernel before 5.8 aggregated PCRs 0–7, and the finding says so', async () => {
    const report = await run([evmUtils('test_binary_bios_measurements'), evmUtils('test_ascii_runtime_measurements')]);
    expect(report.log?.boots[0].digest).toBe('sha256:f1b4c7c9b27e94569f4c2b64051c452bc609c3cb891dd7fae06b758f8bc83d14');
    const [match] = only(report, 'boot-aggregate-match');
    expect(match.message).toContain('equals sha256 over PCRs 0–7 of the firmware log replay (the PCRs 0–7 variant of kernels before 5.8).');
    expect(only(report, 'boot-aggregate-mismatch')).toEqual([]);
  });

  it('another boot application in the firmware log: the mismatch names the expected candidate and the events', async () => {
    const bios = evmUtils('sample-binary_bios_measurements-pcrs-8-9');
    const bytes = bios.bytes.slice();
    const log = parseFirmwareLog(bytes);
    const target = log.events.find((e) => e.pcr === 4 && e.typeName === 'EV_EFI_BOOT_SERVICES_APPLICATION');
    const digest = target?.digests.find((d) => d.bank === 'sha256')?.digest;
    if (target === undefined || digest === undefined) throw new Error('no sha256 boot application event on PCR 4');
    digest[0] ^= 0xff; // a view into `bytes`: the file now carries another measurement
    const report = await run([{ name: 'bios', bytes }, evmUtils('sample-ascii_runtime_measurements-pcrs-8-9')]);
    const [mismatch] = only(report, 'boot-aggregate-mismatch');
    expect(mismatch.entries).toEqual([0]);
    const expected = report.firmware?.bootAggregates.sha256 ?? '';
    expect(expected).not.toBe('83d19723ef3b3c05bb8ae70d86b3886c158f2408f1b71ed265886a7b79eb700e');
    expect(mismatch.message).toContain(`but sha256 over PCRs 0–9 of the firmware log replay is ${expected}`);
    expect(mismatch.message).toContain('Firmware events behind sha256 PCRs 0–9: PCR 0: EV_S_CRTM_VERSION #1, ');
    expect(mismatch.message).toMatch(new RegExp(`PCR 4: [^;]*EV_EFI_BOOT_SERVICES_APPLICATION [^;]*#${target.index}\\b`));
    // The 114 GRUB events are folded per PCR, not listed one by one.
    expect(mismatch.message).toMatch(/PCR 8: EV_IPL ×101: #45–#46, /);
    expect(mismatch.message.length).toBeLessThan(3000);
    // An application's digest is its Authenticode hash, not of the event data: only the
    // boot_aggregate reveals the change.
    expect(only(report, 'firmware-event-digest')).toEqual([]);
  });

  it('a supplied PCR that differs from the firmware log: the mismatch points at that PCR and its events', async () => {
    const report0 = await run([swtpm('binary_bios_measurements'), swtpm('binary_runtime_measurements')]);
    expect(only(report0, 'boot-aggregate-match')).toHaveLength(1);
    const pcrs = swtpmSha256Pcrs();
    expect(sha256(...pcrs)).toBe('cca5873abd80e35f4440167d5f81899296289a6b97fe15a98be56f6514c095c2');
    pcrs[7] = Buffer.from(sha256(pcrs[7]), 'hex');
    const report = await run([swtpm('binary_bios_measurements'), swtpm('binary_runtime_measurements'), pcrJson(pcrs)]);
    const [mismatch] = only(report, 'boot-aggregate-mismatch');
    expect(mismatch.message).toContain(`but sha256 over PCRs 0–9 of the supplied PCR values is ${sha256(...pcrs)}`);
    expect(mismatch.message).toContain(
      'It equals sha256 over PCRs 0–9 of the firmware log replay, and the supplied values differ from the firmware log in PCR 7',
    );
    const events = parseFirmwareLog(readSharedData('swtpm', 'binary_bios_measurements')).events.filter((e) => e.pcr === 7);
    expect(events.map((e) => e.typeName)).toContain('EV_SEPARATOR');
    expect(mismatch.message).toContain(`Firmware events extending PCR 7 in sha256: PCR 7: ${events[0].typeName} #${events[0].index}, EV_SEPARATOR #`);
    expect(mismatch.message).not.toContain('PCR 4:');
  });
});

describe('a boot_aggregate the supplied sources cannot check is said, never passed over', () => {
  const imaVerify = (...path: string[]): RawInput => ({ name: path.join('/'), bytes: readSharedData('realdata', 'ima-verify', ...path) });

  it('a sha1 list beside a firmware log that records sha256 only: check-incomplete naming the entry and what to give', async () => {
    const report = await run([imaVerify('2025-03-08', 'binary_runtime_measurements_sha1'), imaVerify('2025-03-01', 'binary_bios_measurements')]);
    const boot = report.log?.boots[0];
    expect(boot?.digest).toMatch(/^sha1:/);
    expect(only(report, 'boot-aggregate-match')).toEqual([]);
    expect(only(report, 'boot-aggregate-mismatch')).toEqual([]);
    const [f] = only(report, 'check-incomplete');
    expect(f).toMatchObject({ severity: 'error', entries: [0] });
    expect(f.message).toBe(
      `boot_aggregate at entry 0 (${boot?.digest ?? ''}) could not be checked: it is a sha1 digest over sha1 PCRs 0–7, but the firmware log has PCRs 0–7 in sha256 only. Supply the sha1 PCRs 0–7 (tpm2_pcrread sha1:0,1,2,3,4,5,6,7) or a firmware log that records the sha1 bank.`,
    );
    // The sha256 list of the firmware log's own boot is checked, and matches (PROVENANCE).
    const same = await run([imaVerify('2025-03-01', 'binary_runtime_measurements_sha256'), imaVerify('2025-03-01', 'binary_bios_measurements')]);
    expect(only(same, 'check-incomplete')).toEqual([]);
    expect(only(same, 'boot-aggregate-match')).toHaveLength(1);
  });

  it('supplied PCRs 0–7 of another bank only were not given to check it: a warning saying what to supply, as a PCR 10 listing alone says nothing', async () => {
    const sha1Pcrs = readSharedText('swtpm', 'pcr0-9.yaml').split('sha256:')[0];
    const sha1Only: RawInput = { name: 'pcr0-9-sha1.yaml', bytes: encodeText(sha1Pcrs) };
    const log = swtpm('binary_runtime_measurements'); // its boot_aggregate is sha256
    const withSha1 = await run([log, sha1Only]);
    expect(only(withSha1, 'check-incomplete')).toEqual([]);
    expect(only(withSha1, 'boot-aggregate-unchecked').map((f) => [f.severity, f.message])).toEqual([
      ['warning', expect.stringContaining('the supplied PCR values have PCRs 0–7 in sha1 only. Supply the sha256 PCRs 0–9 (tpm2_pcrread sha256:0,1,2,3,4,5,6,7,8,9)')],
    ]);
    const pcr10 = await run([log, swtpm('pcrread_sha256_10.yaml')]);
    expect(only(pcr10, 'check-incomplete')).toEqual([]);
  });

  it("evmctl's sha1 PCR file beside the list: exit 0, as 'evmctl ima_measurement --ignore-violations --pcrs sha1,evmctl_pcrs_sha1.txt' (swtpm/README), the boot_aggregate said unchecked", async () => {
    const report = await run([swtpm('binary_runtime_measurements'), swtpm('evmctl_pcrs_sha1.txt')]);
    expect(report.pcrChecks?.find((c) => c.bank === 'sha1' && c.pcr === 10)?.status).toBe('match');
    expect(only(report, 'boot-aggregate-unchecked')).toHaveLength(1);
    expect(exitStatusOf(report)).toBe(0);
  });

  it('supplied PCRs 0–7 without 8–9 and no firmware log: a check not made, not another boot (sample-…-pcrs-8-9)', async () => {
    // sha256 PCRs 0–7 as tpm2_pcrread prints them for a quote of 0–7: the firmware replay's
    // (its PCRs 0–9 give the list's 83d19723…, PROVENANCE), PCRs 8–9 left out.
    const firmware = parseFirmwareLog(readSharedData('realdata', 'ima-evm-utils', 'sample-binary_bios_measurements-pcrs-8-9'));
    const replayed = firmware.events.filter((e) => e.pcr <= 7 && e.type !== 3).reduce<Buffer[]>(
      (pcrs, e) => {
        const d = e.digests.find((x) => x.bank === 'sha256');
        if (d !== undefined) pcrs[e.pcr] = createHash('sha256').update(pcrs[e.pcr]).update(d.digest).digest();
        return pcrs;
      },
      Array.from({ length: 8 }, () => Buffer.alloc(32)),
    );
    const listing = replayed.map((v, i) => `sha256 PCR-0${i}: ${v.toString('hex')}\n`).join('');
    const list = evmUtils('sample-ascii_runtime_measurements-pcrs-8-9');
    const report = await run([list, { name: 'pcrs0-7.txt', bytes: encodeText(listing) }]);
    expect(only(report, 'boot-aggregate-mismatch')).toEqual([]);
    expect(only(report, 'check-incomplete').map((f) => f.message)).toEqual([
      'boot_aggregate at entry 0 (sha256:83d19723ef3b3c05bb8ae70d86b3886c158f2408f1b71ed265886a7b79eb700e) could not be checked: it is a sha256 digest over sha256 PCRs 0–9, but the supplied PCR values lack PCRs 8–9 of that bank, and with them counted as zero it does not match. Supply the sha256 PCRs 8–9 (tpm2_pcrread sha256:8,9) or the firmware log (binary_bios_measurements).',
    ]);
    // With the firmware log beside them, PCRs 8–9 are known and the entry matches.
    const withLog = await run([list, { name: 'pcrs0-7.txt', bytes: encodeText(listing) }, evmUtils('sample-binary_bios_measurements-pcrs-8-9')]);
    expect(only(withLog, 'check-incomplete')).toEqual([]);
    expect(only(withLog, 'boot-aggregate-match')).toHaveLength(1);
  });
});

describe('a boot_aggregate after kexec', () => {
  const cold = 'cca5873abd80e35f4440167d5f81899296289a6b97fe15a98be56f6514c095c2';

  function kexecList(second: string): RawInput {
    const entries = kexecSoftReboot({
      firstBoot: [bootEntry(cold), ...files(3, '/a')],
      afterLoad: files(2, '/b'),
      secondBoot: [bootEntry(second), ...files(2, '/c')],
    });
    return { name: 'list', bytes: buildImaLog(entries, { provider }).binary };
  }

  it('equal to the first: both match the firmware log, PCRs 0–9 unchanged as expected', async () => {
    const report = await run([swtpm('binary_bios_measurements'), kexecList(cold)]);
    const matches = only(report, 'boot-aggregate-match');
    expect(matches).toHaveLength(2);
    expect(matches[1].message).toContain('It equals the first boot_aggregate (entry 0): PCRs 0–9 did not change across the kexec');
  });

  it('different from the first, PCRs of its time supplied: each boot matches the PCRs of its own time', async () => {
    const pcrs = swtpmSha256Pcrs();
    pcrs[8] = Buffer.from(sha256(pcrs[8], encodeText('extended after boot')), 'hex');
    const later = sha256(...pcrs);
    const report = await run([swtpm('binary_bios_measurements'), kexecList(later), pcrJson(pcrs)]);
    const matches = only(report, 'boot-aggregate-match');
    expect(matches.map((m) => m.entries)).toEqual([[0], [report.log?.boots[1].index]]);
    expect(matches[0].message).toContain('of the firmware log replay.');
    expect(matches[1].message).toContain('of the supplied PCR values.');
    expect(matches[1].message).toContain('It differs from the first boot_aggregate (entry 0): PCRs 0–9 normally do not change across kexec');
    expect(only(report, 'boot-aggregate-mismatch')).toEqual([]);
  });

  it('different from the first, only the firmware log: a mismatch that says the later PCRs are unknown', async () => {
    const report = await run([swtpm('binary_bios_measurements'), kexecList(sha256(encodeText('another boot')))]);
    expect(only(report, 'boot-aggregate-match')).toHaveLength(1);
    const [mismatch] = only(report, 'boot-aggregate-mismatch');
    expect(mismatch.entries).toEqual([report.log?.boots[1].index]);
    expect(mismatch.message).toContain('It differs from the first boot_aggregate (entry 0)');
    expect(mismatch.message).toContain('supply the PCR values read now');
  });
});

describe('quote PCRs 0–7 from the firmware log when no values are supplied', () => {
  const q3 = ['q3_ecdsa_multibank.msg', 'q3_ecdsa_multibank.sig', 'ak_ecc.pub'];

  it('q3 (sha1:10 + sha256:0–10) with the firmware log and PCR 10 only: the digest is reproduced', async () => {
    const report = await run([...q3.map(swtpm), swtpm('binary_bios_measurements'), swtpm('pcrread_sha1_sha256_10.yaml')]);
    expect(report.quote).toMatchObject({
      signature: 'valid',
      digestMatches: true,
      computedDigest: 'ce68cd49782a7d34dbf08ec6ea5d2daaba760b4f2ee5dfca7c7ff89b01cdd6aa',
    });
  });

  it('q3 with the firmware log alone: only PCR 10 is missing', async () => {
    const report = await run([...q3.map(swtpm), swtpm('binary_bios_measurements')]);
    expect(report.quote?.signature).toBe('valid');
    expect(report.quote?.digestMatches).toBeUndefined();
    // A digest that cannot be recomputed is a check not made: an error that names what is missing.
    const incomplete = report.findings.find((f) => f.code === 'check-incomplete' && f.message.startsWith('The quote selects'));
    expect(incomplete?.severity).toBe('error');
    expect(incomplete?.message).toContain('(sha1:10, sha256:10)');
  });
});
