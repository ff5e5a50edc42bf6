import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readSharedData, readSharedText } from '../../testing/shared-data';
import { toHex } from '../../util/bytes';
import { looksLikePcrValues, parsePcrValues, type PcrValues } from './pcr-values';

const SWTPM = (name: string): Uint8Array => readSharedData('swtpm', name);
const REAL = (...p: string[]): Uint8Array => readSharedData('realdata', ...p);

/** PcrValues as plain `{bank: {pcr: hex}}` for comparisons. */
function plain(values: PcrValues): Record<string, Record<number, string>> {
  const out: Record<string, Record<number, string>> = {};
  for (const [bank, pcrs] of values) {
    out[bank] = {};
    for (const [pcr, v] of pcrs) out[bank][pcr] = toHex(v);
  }
  return out;
}

function parsed(input: Uint8Array | string, selection?: string) {
  const p = parsePcrValues(input, selection === undefined ? undefined : { selection });
  if (p === undefined) throw new Error('not parsed');
  return p;
}

/** An oracle independent of the parser: `[<alg>|N] PCR-NN: hex` lines split by hand. */
function splitDashLines(text: string): Record<string, Record<number, string>> {
  const out: Record<string, Record<number, string>> = {};
  for (const line of text.split('\n')) {
    if (!line.includes('PCR-')) continue;
    const [head, hex] = line.split(/:\s*/);
    const prefix = head.split(' ')[0];
    const value = hex.replace(/ /g, '').trim().toLowerCase();
    const bank = prefix.startsWith('sha') ? prefix : ({ 40: 'sha1', 64: 'sha256', 96: 'sha384', 128: 'sha512' } as Record<number, string>)[value.length];
    (out[bank] ??= {})[Number(head.slice(head.indexOf('PCR-') + 4))] = value;
  }
  return out;
}

const PCR10_SHA256 = 'f8a50c287e1d4b39b95d449242783b20d01c5114c2528014749c19d95fdc9bdc';
const PCR10_SHA1 = '70e4548301b30fa740f08df3bdca03534ec2de9e';

describe('swtpm PCR files (tpm2-tools 5.4, evmctl)', () => {
  const all = parsed(SWTPM('pcrread_all.yaml'));

  it('pcrread_all.yaml: 4 banks × 24 PCRs with the README values', () => {
    expect(all.format).toBe('tpm2-pcrread-yaml');
    expect(all.problems).toEqual([]);
    expect([...all.values.keys()]).toEqual(['sha1', 'sha256', 'sha384', 'sha512']);
    for (const pcrs of all.values.values()) expect([...pcrs.keys()]).toEqual([...Array(24).keys()]);
    const p = plain(all.values);
    expect(p.sha256[10]).toBe(PCR10_SHA256);
    expect(p.sha1[10]).toBe(PCR10_SHA1);
    expect(p.sha1[17]).toBe('ff'.repeat(20)); // DRTM PCRs start at all-ones
  });

  it('evmctl_pcrs_sha1/sha256.txt agree with pcrread_all.yaml', () => {
    const p = plain(all.values);
    for (const bank of ['sha1', 'sha256'] as const) {
      const text = readSharedText('swtpm', `evmctl_pcrs_${bank}.txt`);
      const e = parsed(text);
      expect(e.format).toBe('evmctl-pcrs');
      expect(e.problems).toEqual([]);
      expect(plain(e.values)).toEqual({ [bank]: p[bank] });
      expect(plain(e.values)).toEqual(splitDashLines(text));
    }
  });

  it('the tampered evmctl file differs only in sha256 PCR10', () => {
    const t = plain(parsed(SWTPM('evmctl_pcrs_sha256_tampered.txt')).values).sha256;
    const p = plain(all.values).sha256;
    expect(t[10]).toBe('08a50c287e1d4b39b95d449242783b20d01c5114c2528014749c19d95fdc9bdc');
    expect({ ...t, 10: p[10] }).toEqual(p);
  });

  it('pcr0-9.yaml and pcr0-9.values.bin (sha1:0-9+sha256:0-9) agree with pcrread_all.yaml', () => {
    const p = plain(all.values);
    const sub = (bank: string) => Object.fromEntries(Object.entries(p[bank]).filter(([k]) => Number(k) <= 9));
    const expected = { sha1: sub('sha1'), sha256: sub('sha256') };
    expect(plain(parsed(SWTPM('pcr0-9.yaml')).values)).toEqual(expected);
    const bin = parsed(SWTPM('pcr0-9.values.bin'), 'sha1:0,1,2,3,4,5,6,7,8,9+sha256:0-9');
    expect(bin.format).toBe('tpm2-values');
    expect(plain(bin.values)).toEqual(expected);
  });

  it('pcrread_sha1_sha256_10: yaml = values.bin = serialized.bin', () => {
    const expected = { sha1: { 10: PCR10_SHA1 }, sha256: { 10: PCR10_SHA256 } };
    expect(plain(parsed(SWTPM('pcrread_sha1_sha256_10.yaml')).values)).toEqual(expected);
    const values = parsed(SWTPM('pcrread_sha1_sha256_10.values.bin'), 'sha1:10+sha256:10');
    expect(plain(values.values)).toEqual(expected);
    const ser = parsed(SWTPM('pcrread_sha1_sha256_10.serialized.bin'));
    expect(ser.format).toBe('tpm2-serialized');
    expect(ser.problems).toEqual([]);
    expect(plain(ser.values)).toEqual(expected);
    expect(ser.selection).toEqual([
      { bank: 'sha1', algId: 4, pcrs: [10] },
      { bank: 'sha256', algId: 11, pcrs: [10] },
    ]);
    expect(plain(parsed(SWTPM('pcrread_sha256_10.yaml')).values)).toEqual({ sha256: { 10: PCR10_SHA256 } });
  });

  it('quote PCR files: q1 serialized (668 B), q3/q5 serialized (1200 B, 2 digest blocks), q2 values', () => {
    const p = plain(all.values);
    const sha256to10 = Object.fromEntries(Object.entries(p.sha256).filter(([k]) => Number(k) <= 10));
    expect(plain(parsed(SWTPM('q1_rsassa_sha256_10.pcrs.serialized')).values)).toEqual({ sha256: { 10: PCR10_SHA256 } });
    const q3 = parsed(SWTPM('q3_ecdsa_multibank.pcrs.serialized'));
    expect(q3.problems).toEqual([]);
    expect(plain(q3.values)).toEqual({ sha1: { 10: PCR10_SHA1 }, sha256: sha256to10 });
    expect(plain(parsed(SWTPM('q5_keylime.pcrs.serialized')).values)).toEqual({ sha256: sha256to10 });
    expect(plain(parsed(SWTPM('q2_rsassa_plain.pcrs.values'), 'sha256:10').values)).toEqual({
      sha256: { 10: PCR10_SHA256 },
    });
    expect(plain(parsed(SWTPM('tampered_pcr10.values'), 'sha256:10').values).sha256[10]).toBe(
      'f9a50c287e1d4b39b95d449242783b20d01c5114c2528014749c19d95fdc9bdc',
    );
  });

  it('the pcrs: block of tpm2_quote and tpm2_checkquote output', () => {
    const q3 = parsed(SWTPM('q3_ecdsa_multibank.stdout.yaml'));
    expect(q3.format).toBe('tpm2-quote-stdout');
    expect(q3.problems).toEqual([]);
    expect(plain(q3.values)).toEqual(plain(parsed(SWTPM('q3_ecdsa_multibank.pcrs.serialized')).values));
    const check = parsed(SWTPM('checkquote_ok_q3_ecdsa.txt'));
    expect(plain(check.values)).toEqual(plain(q3.values));
    expect(plain(parsed(SWTPM('checkquote_fail_pcr.txt')).values).sha256[10]).toMatch(/^f9a50c28/);
  });

  it('evmctl -v output: the "TPM PCR-10" lines, not the calculated PCRAgg ones', () => {
    const ok = parsed(SWTPM('evmctl_ok.txt'));
    expect(plain(ok.values)).toEqual({ sha1: { 10: PCR10_SHA1 }, sha256: { 10: PCR10_SHA256 } });
    expect(plain(parsed(SWTPM('evmctl_fail_pcr.txt')).values).sha256[10]).toMatch(/^08a50c28/);
  });

  it('replay_fw.py output (N: hex under bare bank names) equals pcr0-9.yaml', () => {
    expect(plain(parsed(SWTPM('replay_fw_py.txt')).values)).toEqual(plain(parsed(SWTPM('pcr0-9.yaml')).values));
  });

  it('tpm2_eventlog 5.4 pcrs: section (its PCR0 is the known-wrong 0x0a384fe3…)', () => {
    const p = parsed(SWTPM('binary_bios_measurements.tpm2_eventlog.yaml'));
    expect(p.problems).toEqual([]);
    expect(toHex(p.values.get('sha256')?.get(0) ?? new Uint8Array())).toMatch(/^0a384fe3/);
    expect(plain(p.values).sha256[9]).toBe(plain(all.values).sha256[9]);
  });

  it('values files need a selection, and one that fits their size', () => {
    expect(parsePcrValues(SWTPM('q2_rsassa_plain.pcrs.values'))).toBeUndefined();
    expect(parsePcrValues(SWTPM('q2_rsassa_plain.pcrs.values'), { selection: 'sha1:10' })).toBeUndefined();
    const bad = parsePcrValues(SWTPM('pcrread_sha256_10.yaml'), { selection: 'sha256:ten' });
    expect(bad?.problems[0]).toMatch(/not of the form/);
  });
});

describe('realdata PCR dumps in five text forms', () => {
  it('fwupd TPM 1.2 sysfs pcrs: 24 SHA-1 PCRs, spaced upper-case bytes', () => {
    const text = readSharedText('realdata', 'fwupd', 'tpm0-pcrs');
    const p = parsed(text);
    expect(p.format).toBe('tpm12-sysfs-pcrs');
    expect(p.problems).toEqual([]);
    expect(plain(p.values)).toEqual(splitDashLines(text));
    expect(Object.keys(plain(p.values).sha1)).toHaveLength(24);
    expect(plain(p.values).sha1[0]).toBe('3c979920c90099600927d5dab381eb951e7fc868');
    // fu-self-test.c: "PCR 6 is empty" in the empty_pcr variant
    expect(plain(parsed(REAL('fwupd', 'empty_pcr-tpm0-pcrs')).values).sha1[6]).toBe('00'.repeat(20));
  });

  it('fwupd caps file is not a PCR listing', () => {
    expect(parsePcrValues(REAL('fwupd', 'tpm0-caps'))).toBeUndefined();
    expect(looksLikePcrValues(REAL('fwupd', 'tpm0-caps'))).toBe(false);
  });

  it('ibmtss imakvtpcr10.txt: " PCR 10: xx xx …", one line per bank (testevent.sh values)', () => {
    const p = parsed(REAL('ibmtss', 'imakvtpcr10.txt'));
    expect(p.format).toBe('ibmtss-pcrs');
    const v = plain(p.values);
    expect(v.sha1[10]).toBe('9be6bac02bf18d09d17e726c2df00bca4e8831ea');
    expect(v.sha256[10]).toBe('7fac48c81837d6d29046008aef0cdad8c2745cc98c3340cbba9bfdf39b4124b8');
    expect(v.sha384[10]).toMatch(/^e8923687b188/);
    expect(v.sha512[10]).toMatch(/^698dab0f/);
  });

  it('ima-evm-utils tsspcrread "N: hex" with its -halg header', () => {
    const p = parsed(REAL('ima-evm-utils', 'sample-tpm-2.0-pcrs-8-9'));
    expect(p.format).toBe('tss-pcrread');
    expect(p.problems).toEqual([]);
    expect(Object.keys(plain(p.values).sha1)).toHaveLength(24);
    expect(plain(p.values).sha1[10]).toBe('3134641a3e8a1f5f75fa850bb21c3104d6ab863b');
  });

  it('ima-verify tpm2_pcrread YAML dumps (PROVENANCE PCR10 values; an empty sha1 bank)', () => {
    const d0301 = plain(parsed(REAL('ima-verify', '2025-03-01', 'pcrs')).values);
    expect(Object.keys(d0301)).toEqual(['sha256']);
    expect(d0301.sha256[10]).toMatch(/^70aab6cae47523fb/);
    const s1 = plain(parsed(REAL('ima-verify', '2025-03-08', 'pcrs_sha1')).values);
    expect(s1.sha1[10]).toBe('18852fd355074758c0391b4389c17efb08d7bbd3');
    expect(s1.sha256[10]).toBe('59115508c0ffb2c9a80664e16a9436e8f57fa71f3530579025509c5383e5db46');
    const s256 = plain(parsed(REAL('ima-verify', '2025-03-08', 'pcrs_sha256')).values);
    expect(s256.sha256[10]).toBe('0976b416f6389312214cfcd54dce54f074196886497f3ea4688928c1165cf472');
    expect(s256.sha1[10]).toBe('13946f326ac1d26500e98999f15f025aeb258813');
    expect(plain(parsed(REAL('ima-verify', '2025-03-29', 'pcrs_sha1')).values)).toEqual({ sha1: s1.sha1 });
    expect(plain(parsed(REAL('ima-verify', '2025-03-29', 'pcrs_sha256')).values)).toEqual({ sha256: s256.sha256 });
  });

  const expectedFiles = [
    ...['arch-linux-workstation', 'cos-101-amd-sev', 'cos-85-amd-sev', 'cos-93-amd-sev', 'debian-10', 'glinux-alex', 'rhel8-uefi', 'ubuntu-1804-amd-sev', 'ubuntu-2104-no-dbx', 'ubuntu-2104-no-secure-boot'].map(
      (n) => ['go-eventlog', `${n}.bin.expected-pcrs.txt`],
    ),
    ...['arch-linux', 'bootorder', 'gce-ubuntu-2104-log', 'moklisttrusted', 'postcode', 'sd-boot-fedora37', 'uefi-sha1-log', 'uefiaction', 'uefiservices', 'uefivar'].map(
      (n) => ['tpm2-tools', `event-${n}.bin.expected-pcrs.txt`],
    ),
    ...['sb_cert_eventlog', 'option_rom_eventlog', 'ebs_event_missing_eventlog'].map((n) => ['go-attestation', `${n}.expected-pcrs.txt`]),
    ['tpm2-tss', 'binary_measurements_hcrtm.bin.expected-pcrs.txt'],
    ['go-attestation', 'linux_tpm12.Log.PCRs.txt'],
    ['go-attestation', 'windows_gcp_shielded_vm.Log.PCRs.txt'],
  ];
  it.each(expectedFiles)('%s/%s: "<alg>|N PCR-NN: hex" lines', (dir, file) => {
    const text = readSharedText('realdata', dir, file);
    const p = parsed(text);
    expect(p.problems).toEqual([]);
    expect(plain(p.values)).toEqual(splitDashLines(text));
  });

  it('tpm2_eventlog golden YAML pcrs: sections equal the expected-pcrs files', () => {
    for (const n of ['arch-linux', 'bootorder', 'gce-ubuntu-2104-log', 'moklisttrusted', 'postcode', 'sd-boot-fedora37', 'uefi-sha1-log', 'uefiaction', 'uefiservices', 'uefivar']) {
      const yaml = parsed(REAL('tpm2-tools', 'event-pretty', `event-${n}.bin.yaml`));
      const expected = parsed(REAL('tpm2-tools', `event-${n}.bin.expected-pcrs.txt`));
      expect(yaml.problems).toEqual([]);
      expect(plain(yaml.values)).toEqual(plain(expected.values));
    }
  });

  it('go-attestation windows PCRs hash to the quote pcrDigest (sha1 over PCR0-23)', () => {
    const sha1 = parsed(REAL('go-attestation', 'windows_gcp_shielded_vm.Log.PCRs.txt')).values.get('sha1');
    const h = createHash('sha1');
    for (let i = 0; i < 24; i++) h.update(sha1?.get(i) ?? new Uint8Array());
    expect(h.digest('hex')).toBe('a610f27bc687ce906243287d832706036e79f6e1');
  });

  it('go-attestation TPM 1.2 PCRs give the TPM_QUOTE_INFO composite hash', () => {
    const sha1 = parsed(REAL('go-attestation', 'linux_tpm12.Log.PCRs.txt')).values.get('sha1');
    // TPM_PCR_COMPOSITE = u16 3 ‖ ff ff ff ‖ u32 480 ‖ PCR0..23
    const h = createHash('sha1').update(Uint8Array.of(0, 3, 0xff, 0xff, 0xff, 0, 0, 0x01, 0xe0));
    for (let i = 0; i < 24; i++) h.update(sha1?.get(i) ?? new Uint8Array());
    const quoteInfo = REAL('go-attestation', 'linux_tpm12.Quote.bin');
    expect(h.digest('hex')).toBe(toHex(quoteInfo.subarray(8, 28)));
  });

  it('keylime quotepcr.out (serialized): PCR 15, 16, 22', () => {
    const p = parsed(REAL('keylime', 'quotepcr.out'));
    expect(p.format).toBe('tpm2-serialized');
    expect(p.selection?.[0].pcrs).toEqual([15, 16, 22]);
    expect(plain(p.values).sha256[16]).toMatch(/^9dbb2238/);
    expect(plain(p.values).sha256[22]).toBe('ff'.repeat(32));
  });
});

describe('lines that are no PCR value', () => {
  it('a stray line among evmctl values is said with its line and byte, the values still read', () => {
    const lines = readSharedText('swtpm', 'evmctl_pcrs_sha256.txt').split('\n');
    const withJunk = [...lines.slice(0, 5), 'hello world this is junk', ...lines.slice(5)].join('\n');
    const offset = new TextEncoder().encode(lines.slice(0, 5).join('\n')).length + 1;
    const read = parsed(withJunk);
    expect(plain(read.values)).toEqual(plain(parsed(lines.join('\n')).values));
    expect(read.problems).toEqual([`1 line is not a PCR value and was not read: line 6 (byte ${offset}) \`hello world this is junk\``]);
  });

  it('a line among evmctl values that only looks like a YAML key (a flipped byte: "CR-12: 00…") is said too', () => {
    const text = readSharedText('swtpm', 'evmctl_pcrs_sha256.txt').replace('PCR-12:', '\nCR-12:');
    expect(parsed(text).problems).toEqual([expect.stringMatching(/^1 line is not a PCR value and was not read: line 14 \(byte \d+\) `CR-12: 0{64}`$/)]);
  });

  it("tpm2-tools' YAML keys around the values are its structure, not unread lines", () => {
    expect(parsed(readSharedText('swtpm', 'pcrread_all.yaml')).problems).toEqual([]);
  });
});

describe('other forms', () => {
  it('JSON {"sha256": {"10": hex}} (also wrapped in "pcrs", or bank from length)', () => {
    const expected = { sha1: { 10: PCR10_SHA1 }, sha256: { 10: PCR10_SHA256 } };
    const json = JSON.stringify({ sha1: { '10': PCR10_SHA1 }, sha256: { '10': `0x${PCR10_SHA256.toUpperCase()}` } });
    expect(plain(parsed(json).values)).toEqual(expected);
    expect(parsed(json).format).toBe('json');
    expect(plain(parsed(JSON.stringify({ pcrs: { sha1: { 10: PCR10_SHA1 } } })).values)).toEqual({ sha1: expected.sha1 });
    expect(plain(parsed(JSON.stringify({ 10: PCR10_SHA256 })).values)).toEqual({ sha256: expected.sha256 });
    expect(looksLikePcrValues(new TextEncoder().encode(json))).toBe(true);
    // Member order means nothing in JSON: a bank after another member is still claimed.
    const later = JSON.stringify({ tool: 'x', pcrs: { note: 1, sha256: { '10': PCR10_SHA256 } } });
    expect(looksLikePcrValues(new TextEncoder().encode(later))).toBe(true);
    expect(plain(parsed(later).values)).toEqual({ sha256: expected.sha256 });
    expect(looksLikePcrValues(new TextEncoder().encode('{"hash_alg": "sha256", "quote": "r"}'))).toBe(false);
    expect(parsePcrValues('{"results": {"quote": "r"}}')).toBeUndefined();
    expect(parsed(JSON.stringify({ sha256: { x: 'zz' } })).problems).toHaveLength(1);
  });

  it('JSON says what it does not read, as the line forms do (review D4)', () => {
    // A repeated key with another value is said and makes the listing unreadable (JSON.parse
    // would keep the last, silently; keeping either would let the order decide the verdict).
    const dup = parsed(`{"sha256": {"10": "${PCR10_SHA256}", "10": "${'00'.repeat(32)}"}}`);
    expect(dup.problems).toEqual([expect.stringMatching(/^"sha256"\."10": sha256 PCR 10 listed again with a different value 0{64} \(first f8a5/)]);
    expect(dup.unreadable).toEqual(dup.problems);
    // PCR 24 is no TPM PCR: said and left out.
    const beyond = parsed(`{"sha256": {"24": "${PCR10_SHA256}", "10": "${PCR10_SHA256}"}}`);
    expect(plain(beyond.values)).toEqual({ sha256: { 10: PCR10_SHA256 } });
    expect(beyond.problems).toEqual([expect.stringContaining('"sha256"."24": PCR 24 is beyond the 24 PCRs')]);
    expect(parsed(`PCR-24: ${PCR10_SHA256}\nPCR-10: ${PCR10_SHA256}\n`).problems).toEqual([expect.stringContaining('PCR 24 is beyond')]);
    // A member that is no bank (here "__proto__") is said, not dropped.
    const proto = parsed(`{"sha256": {"10": "${PCR10_SHA256}"}, "__proto__": {"10": "00"}, "sha999": {}}`);
    expect(plain(proto.values)).toEqual({ sha256: { 10: PCR10_SHA256 } });
    expect(proto.problems).toEqual([expect.stringMatching(/^"__proto__": neither a bank/), expect.stringMatching(/^"sha999": neither a bank/)]);
  });

  it('a listing whose values are not quite hex is claimed and names the line (review c)', () => {
    const ox = new TextEncoder().encode(`PCR-10: 0x${PCR10_SHA256}\n`);
    expect(looksLikePcrValues(ox)).toBe(true);
    expect(parsed(ox).unreadable).toEqual([expect.stringMatching(/^line 1 \(byte 0\): not a PCR value \(expected `PCR-NN: <hex>` as evmctl reads/)]);
    const short = new TextEncoder().encode(`sha256:\n  10: 0x${PCR10_SHA256.slice(1)}\n`);
    expect(looksLikePcrValues(short)).toBe(true);
    expect(parsed(short).unreadable).toEqual([expect.stringMatching(/^line 2 \(byte 8\): PCR 10: not a hex value of whole bytes/)]);
  });

  it('"N hex" lines, bank from digest length; bank-prefixed evmctl lines', () => {
    const p = parsed(`0 ${'00'.repeat(20)}\n10 ${PCR10_SHA256}\n`);
    expect(p.format).toBe('index-hex-lines');
    expect(plain(p.values)).toEqual({ sha1: { 0: '00'.repeat(20) }, sha256: { 10: PCR10_SHA256 } });
    expect(plain(parsed(`sha256: TPM PCR-10: ${PCR10_SHA256}`).values)).toEqual({ sha256: { 10: PCR10_SHA256 } });
  });

  it('a bare hex line: indexed by a one-PCR selection, else returned as unindexed', () => {
    const upper = `${PCR10_SHA256.toUpperCase()}\n`;
    const withSel = parsed(upper, 'sha256:10');
    expect(plain(withSel.values)).toEqual({ sha256: { 10: PCR10_SHA256 } });
    expect(withSel.unindexed).toBeUndefined();
    const without = parsed(upper);
    expect(without.values.size).toBe(0);
    expect(without.unindexed?.map((u) => [u.bank, toHex(u.value)])).toEqual([['sha256', PCR10_SHA256]]);
    expect(without.problems[0]).toMatch(/without its PCR index/);
    expect(looksLikePcrValues(new TextEncoder().encode(upper))).toBe(true);
  });

  it('bad values are problems with their line, good ones are kept', () => {
    const p = parsed(`  sha256:\n    10: 0x${PCR10_SHA256}\n    11: 0x1234\n    10: 0x${'00'.repeat(32)}\nPCR-12: zz 12 34 56 78 9a\n`);
    expect(plain(p.values)).toEqual({ sha256: { 10: PCR10_SHA256 } });
    expect(p.problems).toEqual([
      'line 3 (byte 85): sha256 PCR 11 has 2 bytes, a sha256 digest has 32',
      `line 4 (byte 100): sha256 PCR 10 listed again with a different value ${'00'.repeat(32)} (first ${PCR10_SHA256}, line 2 (byte 10))`,
      'line 5 (byte 175): not a PCR value (expected `PCR-NN: <hex>` as evmctl reads, or `N: <hex>` / `N: 0x<hex>` as tpm2_pcrread prints): PCR-12: zz 12 34 56 78 9a',
    ]);
    // The values that could not be read, and a PCR given two values, make the listing unreadable (fail closed).
    expect(p.unreadable).toEqual(p.problems);
    // The conflict, with both values and where each was listed (the app shows it beside the replay).
    expect(p.conflicts).toEqual([
      { bank: 'sha256', pcr: 10, readings: [{ value: PCR10_SHA256, source: 'line 2 (byte 10)' }, { value: '00'.repeat(32), source: 'line 4 (byte 100)' }] },
    ]);
  });

  it('a PCR line whose value is not hex at all is unreadable, with its byte offset', () => {
    const text = `sha256:\n  0 : 0x${'00'.repeat(32)}\n  10: 0x${'zz'.repeat(32)}\n`;
    const p = parsed(text);
    expect(p.unreadable).toEqual([`line 3 (byte ${text.indexOf('  10:')}): not a PCR value (expected \`PCR-NN: <hex>\` as evmctl reads, or \`N: <hex>\` / \`N: 0x<hex>\` as tpm2_pcrread prints): 10: 0x${'zz'.repeat(32)}`]);
  });

  it("HIRS expected-PCR lists: one value per line, the 0-based line number is the PCR index", () => {
    const values = [...Array(24).keys()].map((i) => createHash('sha256').update(`pcr${i}`).digest('hex'));
    const p = parsed(`${values.join('\n')}\n`);
    expect(p.format).toBe('hirs-pcr-lines');
    expect(plain(p.values)).toEqual({ sha256: Object.fromEntries(values.map((v, i) => [i, v])) });
    expect(p.unreadable).toEqual([]);
    expect(looksLikePcrValues(new TextEncoder().encode(values.join('\n')))).toBe(true);
    // Mixed lengths are no HIRS list.
    expect(looksLikePcrValues(new TextEncoder().encode(`${values[0]}\n${PCR10_SHA1}\n`))).toBe(true);
    expect(parsePcrValues(`${values[0]}\n${PCR10_SHA1}\n`)?.format).not.toBe('hirs-pcr-lines');
  });

  it('tpm2-tools ≥ 5.8 marshaled file (built here from the q3 values, BE, unpadded)', () => {
    const q3 = parsed(SWTPM('q3_ecdsa_multibank.pcrs.serialized'));
    const sel = [0, 0, 0, 2, 0, 4, 3, 0x00, 0x04, 0x00, 0, 0x0b, 3, 0xff, 0x07, 0x00];
    const digests = [q3.values.get('sha1')?.get(10), ...[...Array(11).keys()].map((i) => q3.values.get('sha256')?.get(i))];
    const block = (ds: (Uint8Array | undefined)[]) => [0, 0, 0, ds.length, ...ds.flatMap((d) => [0, d?.length ?? 0, ...(d ?? [])])];
    const bytes = Uint8Array.from([...sel, 0, 0, 0, 2, ...block(digests.slice(0, 8)), ...block(digests.slice(8))]);
    const m = parsed(bytes);
    expect(m.format).toBe('tpm2-marshaled');
    expect(m.problems).toEqual([]);
    expect(plain(m.values)).toEqual(plain(q3.values));
    expect(looksLikePcrValues(bytes)).toBe(true);
  });
});

describe('looksLikePcrValues', () => {
  const yes = [
    SWTPM('pcrread_all.yaml'),
    SWTPM('evmctl_pcrs_sha1.txt'),
    SWTPM('q1_rsassa_sha256_10.pcrs.serialized'),
    SWTPM('q3_ecdsa_multibank.pcrs.serialized').subarray(0, 200),
    REAL('fwupd', 'tpm0-pcrs'),
    REAL('ibmtss', 'imakvtpcr10.txt'),
    REAL('ima-evm-utils', 'sample-tpm-2.0-pcrs-8-9'),
    REAL('go-attestation', 'linux_tpm12.Log.PCRs.txt'),
    REAL('keylime', 'quotepcr.out'),
  ];
  it.each(yes.map((b, i) => [i, b]))('recognises PCR listing #%i', (_, bytes) => {
    expect(looksLikePcrValues(bytes)).toBe(true);
  });

  const no: [string, Uint8Array][] = [
    ['q1 quote', SWTPM('q1_rsassa_sha256_10.msg')],
    ['values file without selection', SWTPM('q2_rsassa_plain.pcrs.values')],
    ['IMA ascii', SWTPM('ascii_runtime_measurements')],
    ['IMA binary', SWTPM('binary_runtime_measurements')],
    ['firmware log', SWTPM('binary_bios_measurements')],
    ['tpm2_eventlog YAML', SWTPM('binary_bios_measurements.tpm2_eventlog.yaml')],
    ['quote stdout', SWTPM('q1_rsassa_sha256_10.stdout.yaml')],
    ['readpublic', SWTPM('ak_rsa.readpublic.yaml')],
    ['tpm2_print attest', SWTPM('q1_rsassa_sha256_10.msg.tpm2_print.yaml')],
    ['nonce', SWTPM('nonce.hex')],
    ['PEM', SWTPM('ak_rsa.pem')],
    ['empty', new Uint8Array()],
  ];
  it.each(no)('rejects %s', (_, bytes) => {
    expect(looksLikePcrValues(bytes)).toBe(false);
  });
});

