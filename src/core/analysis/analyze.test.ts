import { beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWasmHashProvider, type HashProvider } from '../hash/hash-provider';
import type { HashAlgorithm } from '../hash/hash-algorithm';
import { encodeText, toHex } from '../util/bytes';
import { parseImaLog } from '../ima/parse-ima-log';
import { verifyTemplateHashes } from '../ima/template-digests';
import { extendValuesColumn, runningValuesKey } from '../replay/extend-values';
import { computeRunningValues } from '../replay/replay-chains';
import type { FindingCode, Report } from '../report/report';
import { readSharedData, readSharedText } from '../testing/shared-data';
import { buildImaLog, formatEvmctlPcrFile, type BuildEntry, type BuiltLog, type PcrBanks } from '../testing/build-ima-log';
import { kexecSoftReboot, platformBootEntry } from '../testing/ima-scenarios';
import { hasEvmctl, runEvmctlImaMeasurement } from '../testing/evmctl';
import { buildQuoteAttest, quoteDigest, signQuote } from '../testing/build-quote';
import { judgesEntries } from '../policy/policy-dry-run';
import { PolicyCode } from '../query/entry-verdicts';
import { analyzeRaw } from './analyze';
import type { AnalyzeOptions, RawInput } from './analysis-types';

let provider: HashProvider;
beforeAll(async () => {
  provider = await createWasmHashProvider();
});

const swtpm = (name: string): RawInput => ({ name, bytes: readSharedData('swtpm', name) });

function codes(report: Report): FindingCode[] {
  return report.findings.map((f) => f.code);
}

function pcrFiles(pcrs: PcrBanks, banks: readonly HashAlgorithm[] = ['sha1', 'sha256']): RawInput[] {
  return banks.map((bank) => ({ name: `pcrs-${bank}.txt`, bytes: encodeText(formatEvmctlPcrFile(pcrs.get(bank) ?? new Map())) }));
}

async function run(inputs: RawInput[], options: AnalyzeOptions = {}): Promise<Report> {
  return (await analyzeRaw(inputs, options, provider)).report;
}

function files(n: number, prefix = '/usr/bin/tool'): BuildEntry[] {
  return Array.from({ length: n }, (_, i) => ({ path: `${prefix}${i}`, fileDigest: { content: `content ${prefix} ${i}` } }));
}

const boot = (): BuildEntry => platformBootEntry(provider);

describe('swtpm artefacts (a real software TPM extended with the log)', () => {
  it('replays PCR 10 in all four banks to pcrread_all.yaml and checks boot_aggregate against PCRs 0–9', async () => {
    const report = await run([swtpm('binary_runtime_measurements'), swtpm('pcrread_all.yaml')]);
    expect(report.pcrChecks?.map((c) => [c.bank, c.pcr, c.status, c.matchedEntries])).toEqual([
      ['sha1', 10, 'match', 6],
      ['sha256', 10, 'match', 6],
      ['sha384', 10, 'match', 6],
      ['sha512', 10, 'match', 6],
    ]);
    // Values from swtpm/README.md.
    expect(report.replay?.sha256?.['10']).toBe('f8a50c287e1d4b39b95d449242783b20d01c5114c2528014749c19d95fdc9bdc');
    expect(report.replay?.sha1?.['10']).toBe('70e4548301b30fa740f08df3bdca03534ec2de9e');
    expect(report.log?.boots).toEqual([
      { index: 0, digest: 'sha256:cca5873abd80e35f4440167d5f81899296289a6b97fe15a98be56f6514c095c2' },
    ]);
    expect(codes(report)).toContain('boot-aggregate-match');
    expect(codes(report)).not.toContain('boot-aggregate-mismatch');
    expect(report.log?.violations).toEqual([4]);
    expect(report.findings[0].code).toBe('violation');
  });

  it('the ASCII list gives the same replay as the binary one', async () => {
    const ascii = await run([swtpm('ascii_runtime_measurements'), swtpm('evmctl_pcrs_sha256.txt')], { banks: ['sha256'] });
    expect(ascii.inputs[0].kind).toBe('ima-ascii');
    expect(ascii.pcrChecks?.[0]).toMatchObject({ bank: 'sha256', pcr: 10, status: 'match', matchedEntries: 6 });
  });

  it('a tampered PCR file is a mismatch that no interpretation explains', async () => {
    const report = await run([swtpm('binary_runtime_measurements'), swtpm('evmctl_pcrs_sha256_tampered.txt')], { banks: ['sha256'] });
    expect(report.pcrChecks?.[0].status).toBe('mismatch');
    expect(codes(report)).toContain('pcr-mismatch');
    expect(report.findings[0].severity).toBe('error');
  });

  it('a boot_aggregate in d-ngv2 gives its digest as algorithm:hex, without the digest type (review e)', async () => {
    const report = await run([{ name: 'imatest.log', bytes: readSharedData('realdata', 'ibmtss', 'imatest.log') }]);
    const boot = report.log?.boots.find((b) => b.index === 15);
    expect(boot?.digest).toBe('sha256:9bb37c1bb81ebad4b74b3df82cf5c738773e1017a2a1998fa7f4467568edf839');
  });

  it('a file digest whose length is not its algorithm\'s is a warning with its entry (review a)', async () => {
    const lines = [
      '10 39bdccffc866c5216ec00fdac390663dd3fd9673 ima-ng sha256:1111111111111111111111111111111111111111 /short',
      `10 ${'0'.repeat(40)} ima-ng sha256:${'11'.repeat(32)} /right-length`,
    ];
    const report = await run([{ name: 'forged.ascii', bytes: encodeText(`${lines.join('\n')}\n`) }]);
    const f = report.findings.find((x) => x.code === 'digest-size-mismatch');
    expect(f).toMatchObject({ severity: 'warning', entries: [0] });
  });

  it('--bank never drops supplied values of another bank: they are checked too (review D2)', async () => {
    const tampered = await run([swtpm('binary_runtime_measurements'), swtpm('evmctl_pcrs_sha256_tampered.txt')], { banks: ['sha384'] });
    expect(tampered.pcrChecks).toMatchObject([{ bank: 'sha256', pcr: 10, status: 'mismatch' }]);
    expect(codes(tampered)).toContain('pcr-mismatch');
    const good = await run([swtpm('binary_runtime_measurements'), swtpm('evmctl_pcrs_sha256.txt')], { banks: ['sha384'] });
    expect(good.pcrChecks).toMatchObject([{ bank: 'sha256', pcr: 10, status: 'match', matchedEntries: 6 }]);
    // The replay reported is still the bank asked for.
    expect(Object.keys(good.replay ?? {})).toEqual(['sha384']);
  });

  it('verifies q1 (RSASSA) with its key, nonce and PCR 10 replay', async () => {
    const report = await run(
      [swtpm('binary_runtime_measurements'), swtpm('q1_rsassa_sha256_10.msg'), swtpm('q1_rsassa_sha256_10.sig'), swtpm('ak_rsa.pem')],
      { nonce: '0123456789abcdef0123456789abcdef' },
    );
    expect(report.quote).toMatchObject({
      signature: 'valid',
      nonceMatches: true,
      digestMatches: true,
      matchedEntries: 6,
      pcrDigest: 'b8557e0b19802e611b1625feee66b5ecca906f52b0d095a952178162e8e79352',
      selection: { sha256: [10] },
    });
    expect(report.findings.filter((f) => f.severity === 'error')).toEqual([]);
  });

  it('q3 (ECDSA, sha1:10 + sha256:0–10) takes PCRs 0–9 from the firmware log replay', async () => {
    const report = await run([
      swtpm('binary_runtime_measurements'),
      swtpm('q3_ecdsa_multibank.msg'),
      swtpm('q3_ecdsa_multibank.sig'),
      swtpm('ak_ecc.pub'),
      swtpm('binary_bios_measurements'),
    ]);
    expect(report.quote).toMatchObject({ signature: 'valid', digestMatches: true, matchedEntries: 6 });
    expect(report.quote?.computedDigest).toBe('ce68cd49782a7d34dbf08ec6ea5d2daaba760b4f2ee5dfca7c7ff89b01cdd6aa');
    expect(report.firmware?.bootAggregates.sha256).toBe('cca5873abd80e35f4440167d5f81899296289a6b97fe15a98be56f6514c095c2');
    expect(codes(report)).not.toContain('boot-aggregate-mismatch');
  });

  it('a tampered quote fails its signature and its digest; a wrong nonce is named', async () => {
    const report = await run(
      [swtpm('binary_runtime_measurements'), swtpm('tampered_q1.msg'), swtpm('q1_rsassa_sha256_10.sig'), swtpm('ak_rsa.pem')],
      { nonce: 'ffff' },
    );
    expect(codes(report)).toEqual(expect.arrayContaining(['quote-signature-invalid', 'quote-digest-mismatch', 'quote-nonce-mismatch']));
  });

  it('a signature checked with a key that verifies no quote does not call that key an attestation key', async () => {
    const report = await run([swtpm('binary_runtime_measurements'), swtpm('q1_rsassa_sha256_10.msg'), swtpm('q1_rsassa_sha256_10.sig'), swtpm('ak_ecc.pem')]);
    expect(report.inputs.find((i) => i.name === 'ak_ecc.pem')?.kind).toBe('ima-key');
    expect(report.findings.find((f) => f.code === 'quote-signature-invalid')?.message).toBe(
      'The quote signature does not verify with ak_ecc.pem, a key that verifies none of the supplied quotes (no attestation key was given): an RSA signature cannot come from this ECC AK',
    );
    // A TPM public area is an AK whatever it verifies: still called one.
    const pub = await run([swtpm('q1_rsassa_sha256_10.msg'), swtpm('q1_rsassa_sha256_10.sig'), swtpm('ak_ecc.pub')]);
    expect(pub.findings.find((f) => f.code === 'quote-signature-invalid')?.message).toMatch(/^The quote signature does not verify with the supplied attestation key: /);
  });

  it('a key beside a log with no signed entry judges no entry: no pass for its violation, no checks to show', async () => {
    const analysis = await analyzeRaw([swtpm('binary_runtime_measurements'), swtpm('ak_rsa.pem')], {}, provider);
    expect(analysis.report.inputs.find((i) => i.name === 'ak_rsa.pem')?.kind).toBe('ima-key');
    expect(analysis.report.policy).toBeUndefined();
    expect(judgesEntries(analysis.report)).toBe(false);
    // Entry 4 is the violation: nothing checked it.
    expect([...(analysis.policyRun?.policyColumn ?? [])]).toEqual([0, 1, 2, 3, 4, 5].map(() => PolicyCode.none));
  });

  it('the Keylime quote string verifies with the Keylime AK and its ASCII nonce', async () => {
    const report = await run(
      [swtpm('binary_runtime_measurements'), swtpm('keylime_quote_string.txt'), swtpm('keylime_aik_tpm.b64'), swtpm('binary_bios_measurements')],
      { nonce: 'abcdefghij0123456789' },
    );
    expect(report.quote).toMatchObject({ signature: 'valid', nonceMatches: true, digestMatches: true });
  });
});

/**
 * A TPM2B_PUBLIC of the swtpm with its objectAttributes replaced, flipped here by offset and not
 * by our parser: u16 size ‖ u16 type ‖ u16 nameAlg ‖ u32 objectAttributes (offset 6).
 */
function withAttributes(name: string, attributes: number): Uint8Array {
  const pub = readSharedData('swtpm', name).slice();
  expect(toHex(pub.subarray(6, 10))).toBe('00050072');
  new DataView(pub.buffer, pub.byteOffset).setUint32(6, attributes);
  return pub;
}

describe('a quote verified with a key that is not an attestation key (adversarial review)', () => {
  const q1 = [swtpm('binary_runtime_measurements'), swtpm('q1_rsassa_sha256_10.msg'), swtpm('q1_rsassa_sha256_10.sig')];
  const q3 = [swtpm('binary_runtime_measurements'), swtpm('q3_ecdsa_multibank.msg'), swtpm('q3_ecdsa_multibank.sig'), swtpm('binary_bios_measurements')];
  const nonce = '0123456789abcdef0123456789abcdef';

  it.each([
    ['ak_rsa.pub', q1, 0x00040072, 'restricted (it signs any digest'],
    ['ak_rsa.pub', q1, 0x00040070, 'fixedTPM (it is exportable'],
    ['ak_rsa.pub', q1, 0x00010072, 'sign (it is not a signing key)'],
    ['ak_rsa.pub', q1, 0x00020072, 'sign (it is a decryption key'],
    ['ak_rsa.pub', q1, 0x00050052, 'sensitiveDataOrigin (its private key was given to the TPM'],
    ['ak_ecc.pub', q3, 0x00040072, 'restricted (it signs any digest'],
    ['ak_ecc.pub', q3, 0x00040070, 'fixedTPM (it is exportable'],
  ])('%s with attributes %s: the signature is valid, the quote fails', async (name, inputs, attributes, lacking) => {
    const report = await run([...inputs, { name: 'ak.pub', bytes: withAttributes(name, attributes) }], { nonce });
    // The maths holds; the check fails, and with it the verdict.
    expect(report.quote).toMatchObject({ signature: 'valid', nonceMatches: true, digestMatches: true });
    const errors = report.findings.filter((f) => f.severity === 'error');
    expect(errors.map((f) => f.code)).toEqual(['quote-key-not-ak']);
    expect(errors[0].message).toContain(lacking);
    expect(errors[0].message).toContain('tpm2_createak');
    expect(report.quotes?.[0]).toMatchObject({ akInput: 'ak.pub', signature: 'valid', akNotAttestationKey: expect.stringContaining(lacking) as unknown });
  });

  it('the same key as a bare TPMT_PUBLIC and as tpm2_readpublic YAML', async () => {
    const tpmt = await run([...q1, { name: 'ak.tpmt', bytes: withAttributes('ak_rsa.pub', 0x00040072).subarray(2) }], { nonce });
    expect(tpmt.findings.filter((f) => f.severity === 'error').map((f) => f.code)).toEqual(['quote-key-not-ak']);
    const yaml = readSharedText('swtpm', 'ak_rsa.readpublic.yaml');
    expect(yaml).toContain('  raw: 0x50072\n');
    const edited = await run([...q1, { name: 'ak.yaml', bytes: encodeText(yaml.replace('  raw: 0x50072\n', '  raw: 0x40072\n')) }], { nonce });
    expect(edited.quote?.signature).toBe('valid');
    expect(edited.findings.filter((f) => f.severity === 'error').map((f) => f.code)).toEqual(['quote-key-not-ak']);
  });

  it('the unmodified keys, and the key as PEM (no TPM attributes to judge), pass', async () => {
    for (const inputs of [
      [...q1, swtpm('ak_rsa.pub')],
      [...q1, swtpm('ak_rsa.readpublic.yaml')],
      [...q1, swtpm('ak_rsa.pem')],
      [...q3, swtpm('ak_ecc.pub')],
    ]) {
      const report = await run(inputs, { nonce });
      expect(report.quote?.signature).toBe('valid');
      expect(report.findings.filter((f) => f.severity === 'error')).toEqual([]);
      expect(report.quotes?.[0].akNotAttestationKey).toBeUndefined();
    }
  });

  it('a PEM of the same key given before its TPM public area does not hide what the public area says', async () => {
    const notAk = { name: 'ak.pub', bytes: withAttributes('ak_rsa.pub', 0x00040072) };
    for (const keys of [
      [swtpm('ak_rsa.pem'), notAk],
      [notAk, swtpm('ak_rsa.pem')],
    ]) {
      const report = await run([...q1, ...keys], { nonce });
      expect(report.quote?.signature).toBe('valid');
      expect(report.findings.filter((f) => f.severity === 'error').map((f) => f.code)).toEqual(['quote-key-not-ak']);
    }
  });

  it('a signature that does not verify is reported invalid, not also blamed on the key', async () => {
    const report = await run([swtpm('binary_runtime_measurements'), swtpm('tampered_q1.msg'), swtpm('q1_rsassa_sha256_10.sig'), { name: 'ak.pub', bytes: withAttributes('ak_rsa.pub', 0x00040072) }]);
    expect(codes(report)).toContain('quote-signature-invalid');
    expect(codes(report)).not.toContain('quote-key-not-ak');
  });
});

describe('generated logs: what each interpretation and failure looks like', () => {
  it('PCRs read before the last entries: log-ahead-of-pcrs at the exact entry', async () => {
    const built = buildImaLog([boot(), ...files(49)], { provider });
    const report = await run([{ name: 'log', bytes: built.binary }, ...pcrFiles(built.pcrsAfter(31))]);
    for (const c of report.pcrChecks ?? []) expect(c).toMatchObject({ status: 'prefix', matchedEntries: 31 });
    const f = report.findings.find((x) => x.code === 'log-ahead-of-pcrs');
    expect(f?.entries).toEqual([30]);
    expect(f?.message).toContain('the first 31 of 50 entries');
  });

  it('a damaged length word in the first entry: the stretch skipped is said, the entries after it are read', async () => {
    const built = buildImaLog([boot(), ...files(5)], { provider });
    const bytes = built.binary.slice();
    // ima-ng, sha1 list: PCR (4) + digest (20) + name length (4) + "ima-ng" (6), then the data length.
    const at = 4 + 20 + 4 + 6;
    expect(new DataView(bytes.buffer).getUint32(at, true)).toBeLessThan(1000);
    new DataView(bytes.buffer).setUint32(at, 1 << 20, true);
    const report = await run([{ name: 'log', bytes }, ...pcrFiles(built.pcrs)]);
    expect(report.log?.entries).toBe(5);
    expect(report.log?.errors[0]).toMatchObject({ offset: 0, message: expect.stringMatching(/^truncated entry at byte 0: .*\(the list was cut, or a length field is damaged\); skipped bytes 0–\d+/) });
    const mismatch = report.findings.find((f) => f.code === 'pcr-mismatch');
    expect(mismatch?.message).toContain('1 stretch of the list could not be read as entries (the first at byte 0): the entries it held are missing from the replay');
    expect(mismatch?.message).toContain('The log has no readable boot_aggregate: its first bytes could not be read as an entry.');
    expect(mismatch?.message).not.toContain('entries after it are lost');
  });

  it('a 5.1–5.7 kernel (padded SHA-1 in the sha256 bank) is recognised', async () => {
    const built = buildImaLog([boot(), ...files(10), { path: '/tmp/x', violation: true }], { provider, extend: 'padded-sha1' });
    const report = await run([{ name: 'log', bytes: built.binary }, ...pcrFiles(built.pcrs)]);
    const sha256 = report.pcrChecks?.find((c) => c.bank === 'sha256');
    expect(sha256).toMatchObject({ status: 'match', hypothesis: { extend: 'padded-sha1', violations: 'ff' } });
    expect(codes(report)).toContain('padded-sha1-extend');
  });

  it('a clean 6.16 kexec soft reboot: markers present, PCRs match', async () => {
    const built = buildImaLog(kexecSoftReboot({ firstBoot: [boot(), ...files(5)], afterLoad: files(3, '/x'), secondBoot: [boot(), ...files(4, '/y')] }), { provider });
    const report = await run([{ name: 'log', bytes: built.binary }, ...pcrFiles(built.pcrs)]);
    expect(codes(report)).toContain('kexec-soft-reboot');
    expect(codes(report)).not.toContain('kexec-window-lost');
    expect(report.log?.kexec.map((k) => k.event)).toEqual(['kexec_load', 'kexec_execute']);
    const execute = report.log?.kexec[1];
    expect(execute?.count).toBe(execute?.index); // the kernel counts the entries before the record
    expect(report.pcrChecks?.every((c) => c.status === 'match')).toBe(true);
  });

  it('kexec_load without kexec_execute: entries lost, the PCR cannot be reproduced', async () => {
    const built = buildImaLog(
      kexecSoftReboot({ firstBoot: [boot(), ...files(5)], afterLoad: files(3, '/x'), secondBoot: [boot(), ...files(4, '/y')] }, { lose: true }),
      { provider },
    );
    const report = await run([{ name: 'log', bytes: built.binary }, ...pcrFiles(built.pcrs)]);
    expect(codes(report)).toEqual(expect.arrayContaining(['kexec-window-lost', 'pcr-mismatch', 'kexec-soft-reboot']));
    // The verdict names the cause, not the symptom.
    expect(report.findings[0].code).toBe('kexec-window-lost');
    const lost = report.findings.find((f) => f.code === 'kexec-window-lost');
    expect(lost?.entries?.[0]).toBe(6); // the kexec_load record
  });

  it('both kexec record spellings are read', async () => {
    for (const keySpelling of ['6.16', 'legacy'] as const) {
      const built = buildImaLog(kexecSoftReboot({ firstBoot: [boot(), ...files(2)], secondBoot: [boot()] }, { keySpelling }), { provider });
      const report = await run([{ name: 'log', bytes: built.binary }]);
      expect(report.log?.kexec[0].binarySize).toBeGreaterThan(24);
    }
  });

  it('a pre-6.16 soft reboot without markers is flagged as a possible loss', async () => {
    const built = buildImaLog(kexecSoftReboot({ firstBoot: [boot(), ...files(3)], secondBoot: [boot()] }, { markers: false }), { provider });
    const report = await run([{ name: 'log', bytes: built.binary }]);
    expect(codes(report)).toContain('kexec-window-lost');
  });

  it('a big-endian list replays with big-endian template hashes', async () => {
    const built = buildImaLog([boot(), ...files(8)], { provider, byteOrder: 'big' });
    const report = await run([{ name: 'log', bytes: built.binary }, ...pcrFiles(built.pcrs)]);
    expect(report.inputs[0].byteOrder).toBe('big');
    expect(codes(report)).toContain('byte-order-big');
    expect(report.pcrChecks?.map((c) => c.status)).toEqual(['match', 'match']);
  });

  it('entries hashed in the opposite order are found and replayed in that order', async () => {
    const entries = [boot(), ...files(3), { path: '/converted', hashByteOrder: 'big' as const }, ...files(2, '/z')];
    const built = buildImaLog(entries, { provider });
    const report = await run([{ name: 'log', bytes: built.binary }, ...pcrFiles(built.pcrs)]);
    expect(report.log?.byteOrder).toBe('mixed');
    expect(report.findings.find((f) => f.code === 'byte-order-mixed')?.entries).toEqual([4]);
    expect(report.pcrChecks?.map((c) => c.status)).toEqual(['match', 'match']);
  });

  it("a big-endian kernel's ASCII list is big-endian, as its binary twin is, not mixed", async () => {
    const built = buildImaLog([boot(), ...files(8)], { provider, byteOrder: 'big' });
    for (const bytes of [encodeText(built.ascii), built.binary]) {
      const report = await run([{ name: 'log', bytes }, ...pcrFiles(built.pcrs)]);
      expect(report.log?.byteOrder).toBe('big');
      expect(codes(report)).toContain('byte-order-big');
      expect(codes(report)).not.toContain('byte-order-mixed');
      expect(codes(report)).not.toContain('byte-order-contradicted');
      expect(report.pcrChecks?.map((c) => c.status)).toEqual(['match', 'match']);
      // The reading is named by the order it hashed in (an ASCII list parses as little-endian).
      expect(report.pcrChecks?.map((c) => c.hypothesis?.byteOrder)).toEqual(['big', 'big']);
    }
  });

  it('a PCR reproduced only in the byte order the template hashes contradict is an error, as evmctl rejects it', async () => {
    const entries = [boot(), ...files(8)];
    const little = buildImaLog(entries, { provider });
    const big = buildImaLog(entries, { provider, byteOrder: 'big' });
    // Each list with the other's PCRs: the LE list's hashes verify LE, the BE ASCII list's BE.
    for (const [bytes, pcrs] of [[little.binary, big.pcrs], [encodeText(big.ascii), little.pcrs]] as const) {
      const report = await run([{ name: 'log', bytes }, ...pcrFiles(pcrs)]);
      expect(report.pcrChecks?.map((c) => c.status)).toEqual(['match', 'match']);
      // Each value is reproduced by hashing in the order of the other list's kernel, and named so.
      const hashed = bytes === little.binary ? 'big' : 'little';
      expect(report.pcrChecks?.map((c) => c.hypothesis?.byteOrder)).toEqual([hashed, hashed]);
      expect(report.findings.filter((f) => f.code === 'byte-order-contradicted').map((f) => f.severity)).toEqual(['error', 'error']);
    }
    if (hasEvmctl()) {
      const dir = mkdtempSync(join(tmpdir(), 'imascope-order-'));
      writeFileSync(join(dir, 'le.bin'), little.binary);
      writeFileSync(join(dir, 'be.txt'), formatEvmctlPcrFile(big.pcrs.get('sha256') ?? new Map()));
      expect(runEvmctlImaMeasurement(join(dir, 'le.bin'), [{ bank: 'sha256', path: join(dir, 'be.txt') }]).ok).toBe(false);
      writeFileSync(join(dir, 'le.txt'), formatEvmctlPcrFile(little.pcrs.get('sha256') ?? new Map()));
      expect(runEvmctlImaMeasurement(join(dir, 'le.bin'), [{ bank: 'sha256', path: join(dir, 'le.txt') }]).ok).toBe(true);
    }
  });

  it('a corrupted template digest is a template-hash-mismatch at that entry', async () => {
    const built = buildImaLog([boot(), ...files(3), { path: '/bad', corruptTemplateDigest: true }], { provider });
    const report = await run([{ name: 'log', bytes: built.binary }]);
    expect(report.log?.templateHash.mismatches).toEqual([4]);
    expect(report.findings[0].code).toBe('template-hash-mismatch');
  });
});

describe('evmctl as the oracle', () => {
  const canRun = hasEvmctl();
  const dir = mkdtempSync(join(tmpdir(), 'imascope-evmctl-'));

  async function compare(name: string, built: BuiltLog, pcrs: PcrBanks): Promise<void> {
    const list = join(dir, `${name}.bin`);
    writeFileSync(list, built.binary);
    const inputs: RawInput[] = [{ name: 'list', bytes: built.binary }];
    const evmFiles = (['sha1', 'sha256'] as const).map((bank) => {
      const path = join(dir, `${name}-${bank}.txt`);
      const text = formatEvmctlPcrFile(pcrs.get(bank) ?? new Map());
      writeFileSync(path, text);
      inputs.push({ name: `${bank}.txt`, bytes: encodeText(text) });
      return { bank, path };
    });
    const evm = runEvmctlImaMeasurement(list, evmFiles);
    const report = await run(inputs);
    const ours = report.pcrChecks ?? [];
    expect(ours.length).toBeGreaterThan(0);
    const allAgree = ours.every((c) => c.status !== 'mismatch');
    expect(allAgree, `${name}: imascope ${JSON.stringify(ours.map((c) => c.status))}, evmctl ${evm.stdout}`).toBe(evm.ok);
    // evmctl names the entry after which a bank's PCR first matched; we count on to the next
    // entry that extends that PCR again (the whole log when none does).
    const listed = built.entries.filter((e) => e.listed);
    for (const s of evm.succeeded) {
      const c = ours.find((x) => x.bank === s.bank && x.pcr === s.pcr);
      const next = listed.findIndex((e, i) => i >= s.entry && e.pcr === s.pcr);
      expect(c?.matchedEntries, `${name} ${s.bank} PCR ${s.pcr}`).toBe(next < 0 ? listed.length : next);
    }
  }

  const cases: Array<[string, () => BuildEntry[]]> = [
    ['ima-ng', () => [boot(), ...files(20)]],
    ['ima template', () => [{ template: 'ima', path: 'boot_aggregate', fileDigest: { algorithm: 'sha1', hex: '00'.repeat(20) } }, ...files(5).map((e) => ({ ...e, template: 'ima', fileDigest: { content: e.path, algorithm: 'sha1' } }))]],
    ['ima-sig and ima-buf', () => [boot(), { template: 'ima-sig', path: '/bin/signed', sig: new Uint8Array([3, 2, 4, 1, 2, 3, 4, 0, 2, 0xaa, 0xbb]) }, { template: 'ima-buf', path: 'kernel_version', buf: '6.16.0' }, ...files(3)]],
    ['violations', () => [boot(), ...files(3), { path: '/var/log/x', violation: true }, ...files(2, '/q'), { path: '/var/log/y', violation: true }]],
    ['PCRs 10 and 11', () => [boot(), ...files(3), ...files(3, '/etc/p').map((e) => ({ ...e, pcr: 11 }))]],
  ];
  for (const [name, entries] of cases) {
    it.skipIf(!canRun)(`agrees with evmctl on ${name}`, async () => {
      const built = buildImaLog(entries(), { provider });
      await compare(name.replace(/\W+/g, '-'), built, built.pcrs);
    });
  }
  it.skipIf(!canRun)('agrees with evmctl on a prefix (log read after the PCRs) and on a tampered PCR', async () => {
    const built = buildImaLog([boot(), ...files(30)], { provider });
    await compare('prefix', built, built.pcrsAfter(17));
    const tampered = built.pcrs;
    const v = tampered.get('sha256')?.get(10);
    if (v !== undefined) v[0] ^= 1;
    await compare('tampered', built, tampered);
  });
  it.skipIf(!canRun)('agrees with evmctl on a padded-SHA-1 kernel', async () => {
    const built = buildImaLog([boot(), ...files(12)], { provider, extend: 'padded-sha1' });
    await compare('padded', built, built.pcrs);
  });
});

describe('firmware event log beside the list', () => {
  it('reproduces the supplied PCRs 0–9 and the boot_aggregate (swtpm)', async () => {
    const report = await run([swtpm('binary_runtime_measurements'), swtpm('binary_bios_measurements'), swtpm('pcr0-9.yaml')]);
    expect(report.firmware?.checks?.length).toBe(20);
    expect(report.firmware?.checks?.every((c) => c.status === 'match')).toBe(true);
    expect(codes(report)).toEqual(expect.arrayContaining(['firmware-pcr-match', 'boot-aggregate-match']));
  });

  it('a changed PCR 7 is a firmware mismatch and breaks the boot_aggregate', async () => {
    const yaml = new TextDecoder().decode(readSharedData('swtpm', 'pcr0-9.yaml'));
    const tampered = yaml.replace(/(\n\s+7\s*:\s*0x)([0-9A-Fa-f])/g, (_, a: string, d: string) => a + (d === '0' ? '1' : '0'));
    expect(tampered).not.toBe(yaml);
    const report = await run([swtpm('binary_runtime_measurements'), swtpm('binary_bios_measurements'), { name: 'pcrs.yaml', bytes: encodeText(tampered) }]);
    expect(report.firmware?.checks?.filter((c) => c.status === 'mismatch').map((c) => c.pcr)).toEqual([7, 7]);
    expect(codes(report)).toEqual(expect.arrayContaining(['firmware-pcr-mismatch', 'boot-aggregate-mismatch']));
  });

  it('go-attestation ebs_event_missing: PCR 5 is explained by unlogged ExitBootServices events', async () => {
    const report = await run([
      { name: 'ebs', bytes: readSharedData('realdata', 'go-attestation', 'ebs_event_missing_eventlog') },
      { name: 'pcrs', bytes: readSharedData('realdata', 'go-attestation', 'ebs_event_missing_eventlog.expected-pcrs.txt') },
    ]);
    const check = report.firmware?.checks?.find((c) => c.pcr === 5);
    expect(check).toMatchObject({ status: 'mismatch', explainedBy: 'ebs-invocation-success' });
    expect(report.findings.find((f) => f.code === 'firmware-pcr-mismatch')?.severity).toBe('warning');
  });

  it('reads tpm2_eventlog output as the firmware log: the list\'s boot_aggregate and the TPM\'s PCRs 0–9 match (swtpm)', async () => {
    const report = await run([swtpm('binary_runtime_measurements'), swtpm('binary_bios_measurements.tpm2_eventlog.yaml'), swtpm('pcr0-9.yaml')]);
    expect(report.inputs.map((i) => i.kind)).toContain('tcg-eventlog');
    expect(report.firmware?.checks?.length).toBe(20);
    expect(report.firmware?.checks?.every((c) => c.status === 'match')).toBe(true);
    expect(codes(report)).toEqual(expect.arrayContaining(['firmware-pcr-match', 'boot-aggregate-match']));
  });

  it('PCR values pasted from tpm2-tools 5.4\'s tpm2_eventlog (pcrs:) are said to be that tool\'s replay, not the TPM\'s: a failed check', async () => {
    const yaml = new TextDecoder().decode(readSharedData('swtpm', 'binary_bios_measurements.tpm2_eventlog.yaml'));
    const printed = yaml.slice(yaml.indexOf('pcrs:'));
    const report = await run([swtpm('binary_bios_measurements'), { name: 'pcrs.yaml', bytes: encodeText(printed) }]);
    const mismatches = report.firmware?.checks?.filter((c) => c.status === 'mismatch');
    expect(mismatches?.map((c) => [c.bank, c.pcr, c.explainedBy])).toEqual([
      ['sha1', 0, 'tpm2-eventlog-no-action-extended'],
      ['sha256', 0, 'tpm2-eventlog-no-action-extended'],
    ]);
    expect(report.findings.filter((f) => f.code === 'firmware-pcr-mismatch').map((f) => f.severity)).toEqual(['error', 'error']);
    expect(report.findings.find((f) => f.code === 'firmware-pcr-mismatch')?.message).toContain('not values read from the TPM, so they check nothing');
  });
});

describe('quotes over generated logs', () => {
  const selection = [{ bank: 'sha256' as const, pcrs: [10] }];

  async function quoteOver(pcrs: PcrBanks, nonce = new Uint8Array([1, 2, 3, 4])): Promise<RawInput[]> {
    const digest = quoteDigest(selection, (bank, pcr) => pcrs.get(bank)?.get(pcr) ?? new Uint8Array(32), provider.get('sha256')!);
    const signed = await signQuote(buildQuoteAttest({ selection, pcrDigest: digest, extraData: nonce }));
    return [
      { name: 'quote.msg', bytes: signed.attest },
      { name: 'quote.sig', bytes: signed.signature },
      { name: 'ak.pem', bytes: encodeText(signed.akPem) },
    ];
  }

  it('finds where a quote taken mid-log meets the replay, and verifies our own signature', async () => {
    const built = buildImaLog([boot(), ...files(200)], { provider });
    const report = await run([{ name: 'log', bytes: built.binary }, ...(await quoteOver(built.pcrsAfter(151)))], { nonce: '01020304' });
    expect(report.quote).toMatchObject({ signature: 'valid', nonceMatches: true, digestMatches: true, matchedEntries: 151 });
    const f = report.findings.find((x) => x.code === 'quote-match');
    expect(f?.message).toContain('The quote covers entries 1–151 of 201; 50 were measured after it.');
    expect(f?.entries).toEqual([150]);
  });

  it('a quote over entries the list lost: the supplied PCRs reproduce it, so the log is to blame', async () => {
    const built = buildImaLog(
      kexecSoftReboot({ firstBoot: [boot(), ...files(5)], afterLoad: files(3, '/x'), secondBoot: [boot(), ...files(4, '/y')] }, { lose: true }),
      { provider },
    );
    const report = await run([{ name: 'log', bytes: built.binary }, ...(await quoteOver(built.pcrs)), ...pcrFiles(built.pcrs, ['sha256'])]);
    expect(report.quote?.digestMatches).toBe(false);
    const f = report.findings.find((x) => x.code === 'quote-digest-mismatch');
    expect(f?.message).toContain('The supplied PCR values reproduce the quote');
    expect(codes(report)).toContain('kexec-window-lost');
  });

  it('a quote whose signature was made over other bytes is invalid', async () => {
    const built = buildImaLog([boot(), ...files(3)], { provider });
    const inputs = await quoteOver(built.pcrs);
    const attest = inputs[0].bytes.slice();
    attest[attest.length - 1] ^= 1;
    const report = await run([{ name: 'log', bytes: built.binary }, { name: 'q', bytes: attest }, inputs[1], inputs[2]]);
    expect(codes(report)).toEqual(expect.arrayContaining(['quote-signature-invalid', 'quote-digest-mismatch']));
  });
});

describe('a quote alone gives the PCR check of what it attests (CONTRACT §3: values or a quote cover)', () => {
  /** sha256 PCR 10 after the first `n` swtpm entries, from the values extended (ima_extends.json), by node:crypto. */
  function pcr10After(n: number): Buffer {
    const extends_ = JSON.parse(new TextDecoder().decode(readSharedData('swtpm', 'ima_extends.json'))) as Array<[number, { sha256: string }]>;
    let pcr = Buffer.alloc(32);
    for (const [, d] of extends_.slice(0, n)) pcr = createHash('sha256').update(pcr).update(Buffer.from(d.sha256, 'hex')).digest();
    return pcr;
  }

  it('the swtpm q1 quote over the whole log: a match whose value is the README\'s PCR 10', async () => {
    const report = await run([swtpm('binary_runtime_measurements'), swtpm('q1_rsassa_sha256_10.msg')]);
    expect(report.pcrChecks).toEqual([
      {
        bank: 'sha256',
        pcr: 10,
        expected: 'f8a50c287e1d4b39b95d449242783b20d01c5114c2528014749c19d95fdc9bdc',
        replayed: 'f8a50c287e1d4b39b95d449242783b20d01c5114c2528014749c19d95fdc9bdc',
        status: 'match',
        matchedEntries: 6,
        hypothesis: { extend: 'per-bank', violations: 'ff', byteOrder: 'little' },
        fromQuote: 'q1_rsassa_sha256_10.msg',
      },
    ]);
  });

  it('a quote made after 5 of the 6 entries: a prefix check with the value at that prefix; a quote no prefix reproduces gives none', async () => {
    const prefix = pcr10After(5);
    const digest = createHash('sha256').update(prefix).digest();
    const quote = { name: 'q-after-5.msg', bytes: buildQuoteAttest({ selection: [{ bank: 'sha256', pcrs: [10] }], pcrDigest: new Uint8Array(digest) }) };
    const report = await run([swtpm('binary_runtime_measurements'), quote]);
    expect(report.pcrChecks).toMatchObject([{ bank: 'sha256', pcr: 10, status: 'prefix', matchedEntries: 5, expected: prefix.toString('hex'), fromQuote: 'q-after-5.msg' }]);
    const none = { name: 'q-none.msg', bytes: buildQuoteAttest({ selection: [{ bank: 'sha256', pcrs: [10] }], pcrDigest: new Uint8Array(32).fill(7) }) };
    expect((await run([swtpm('binary_runtime_measurements'), none])).pcrChecks).toBeUndefined();
    // Supplied values keep their own check; the quote adds none beside it.
    const both = await run([swtpm('binary_runtime_measurements'), swtpm('q1_rsassa_sha256_10.msg'), swtpm('evmctl_pcrs_sha256.txt')]);
    expect(both.pcrChecks?.map((c) => c.fromQuote)).toEqual([undefined]);
  });
});

describe('the values a quote attests at a prefix are the log\'s values after that prefix (QuoteProbeResult.attested)', () => {
  const selection = [
    { bank: 'sha1' as const, pcrs: [10, 11] },
    { bank: 'sha256' as const, pcrs: [10, 11] },
  ];
  /** 9 entries over PCRs 10 and 11, a violation among them. */
  const entries: BuildEntry[] = files(9).map((e, i) => ({ ...e, pcr: i % 3 === 2 ? 11 : 10, ...(i === 4 ? { violation: true } : {}) }));

  /** The running-value columns the CLI's threads hand to analyze, for both extend readings. */
  function runningColumns(binary: Uint8Array): Map<string, Uint8Array> {
    const log = parseImaLog(binary);
    verifyTemplateHashes(log, provider); // flags the violation, extended as 0xFF
    const columns = new Map<string, Uint8Array>();
    for (const extend of ['per-bank', 'padded-sha1'] as const) {
      const hypothesis = { extend, violations: 'ff' as const, byteOrder: 'little' as const };
      for (const { bank } of selection) {
        const values = extendValuesColumn(log, provider, bank, hypothesis);
        const hasher = provider.get(bank);
        if (values === undefined || hasher === undefined) throw new Error(`no ${bank}`);
        const running = new Uint8Array(log.entries.length * hasher.size);
        computeRunningValues(log.entries.pcr, hasher, values, running);
        columns.set(runningValuesKey(bank, hypothesis), running);
      }
    }
    return columns;
  }

  it.each([['per-bank'], ['padded-sha1']] as const)('%s extends: after every prefix, with and without precomputed running values', async (extend) => {
    const built = buildImaLog(entries, { provider, extend });
    const precomputed = { extendColumns: runningColumns(built.binary) };
    const sha256 = provider.get('sha256');
    if (sha256 === undefined) throw new Error('no sha256');
    // From 1: a quote of the PCRs' reset values attests no entry (reset-value.test.ts).
    for (let m = 1; m <= entries.length; m++) {
      const after = built.pcrsAfter(m);
      const value = (bank: HashAlgorithm, pcr: number): Uint8Array => after.get(bank)?.get(pcr) ?? new Uint8Array(bank === 'sha1' ? 20 : 32);
      const quote = { name: `q-after-${m}.msg`, bytes: buildQuoteAttest({ selection, pcrDigest: quoteDigest(selection, value, sha256) }) };
      for (const options of [{}, { precomputed: () => precomputed }]) {
        const report = await run([{ name: 'log', bytes: built.binary }, quote], options);
        const attested = (report.pcrChecks ?? []).filter((c) => c.fromQuote !== undefined);
        expect(attested.map((c) => [c.bank, c.pcr, c.expected])).toEqual(selection.flatMap((s) => s.pcrs.map((p) => [s.bank, p, toHex(value(s.bank, p))])));
        expect(attested.every((c) => (c.matchedEntries ?? -1) >= m)).toBe(true);
      }
    }
  });
});
