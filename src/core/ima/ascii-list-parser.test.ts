// The ASCII list parser: Appendix A lines, every template's kernel rendering (written by the
// project's independent list writer, src/core/testing/build-ima-log.ts) re-encoded to the
// exact binary bytes, whitespace quirks, bad lines.
import { beforeAll, describe, expect, it } from 'vitest';
import { createWasmHashProvider } from '../hash/hash-provider';
import type { HashProvider } from '../hash/hash-provider';
import { EntryFlag } from '../model/ima-log';
import { assertLogIntegrity } from '../testing/assert-log-integrity';
import { buildImaLog } from '../testing/build-ima-log';
import type { BuildEntry } from '../testing/build-ima-log';
import { summarizeLog } from '../testing/summarize-log';
import { bytesEqual, encodeText, fromHex, toHex } from '../util/bytes';
import { sniffAsciiList } from './ascii-list-parser';
import { parseImaLog } from './parse-ima-log';
import { readEntryName, readRecordedDigest, verifyTemplateHashes } from './template-digests';

let provider: HashProvider;
beforeAll(async () => {
  provider = await createWasmHashProvider();
});

const parseText = (text: string) => parseImaLog(encodeText(text));
const hex = (h: string): Uint8Array => fromHex(h) ?? new Uint8Array(0);

describe('Appendix A lines', () => {
  it('A.1 and A.4 (keylime test vectors): parsed, re-encoded, template hashes verify', () => {
    const text = [
      '10 5cb4d0d3e46b1d58253a04f4a734a4e9226e3910 ima-ng sha256:a948904f2f0f479b8f8197694b30184b0d2ed1c1cd2a1ec0fb85d299a192a447 /usr/bin/hello',
      '10 0adefe762c149c7cec19da62f0da1297fcfbffff ima-ng sha256:0000000000000000000000000000000000000000000000000000000000000000 boot_aggregate',
      '10 cff3da2ff339a1f07bb0dbcbc0381e794ed09555 ima-ng sha256:3e5e8ad9d8b4dd191413aba6166c7a975c3eab903d1fad77ecfa2d5810d6585c /usr/bin/kmod',
      '',
    ].join('\n');
    const log = parseText(text);
    assertLogIntegrity(log);
    expect(log.errors).toEqual([]);
    expect(log.entries.length).toBe(3);
    // The first line re-encodes to the 101-byte entry printed in A.1.
    const a1 = hex(
      '0a000000 5cb4d0d3e46b1d58253a04f4a734a4e9226e3910 06000000 696d612d6e67 3f000000 28000000 7368613235363a00 ' +
        'a948904f2f0f479b8f8197694b30184b0d2ed1c1cd2a1ec0fb85d299a192a447 0f000000 2f7573722f62696e2f68656c6c6f00',
    );
    expect(toHex(log.data.subarray(0, log.entries.entrySize[0]))).toBe(toHex(a1));
    const hashes = verifyTemplateHashes(log, provider);
    expect([hashes.checked, hashes.mismatches, hashes.violations]).toEqual([3, [], []]);
    expect(Array.from(log.entries.sourceOffset)).toEqual([0, text.indexOf('\n10 0ade') + 1, text.indexOf('\n10 cff3') + 1]);
  });

  it('A.2: the legacy `ima` line re-encodes to the 69-byte entry', () => {
    const log = parseText('10 6366806542a9103c2ebc99e7b62a8c8e994c3839 ima 22596363b3de40b06f981fb85d82312e8c0ed511 /usr/bin/hello\n');
    const a2 = hex(
      '0a000000 6366806542a9103c2ebc99e7b62a8c8e994c3839 03000000 696d61 22596363b3de40b06f981fb85d82312e8c0ed511 0e000000 2f7573722f62696e2f68656c6c6f',
    );
    expect(toHex(log.data)).toBe(toHex(a2));
    expect(verifyTemplateHashes(log, provider).checked).toBe(1);
    expect(log.entries.flags[0]).toBe(EntryFlag.HashVerified);
  });
});

const SIG = hex('030204f3452d230100' + '0102030405060708');
const ENTRIES: readonly BuildEntry[] = [
  { template: 'ima-ng', path: 'boot_aggregate', fileDigest: { algorithm: 'sha256', hex: '00'.repeat(32) } },
  { template: 'ima-ng', path: '/usr/bin/bash', pcr: 9 },
  { template: 'ima', path: '/usr/bin/kmod' },
  { template: 'ima', path: '/tmp/sh-thd-1', violation: true },
  { template: 'ima-ngv2', path: '/usr/bin/ls', fileDigest: { algorithm: 'verity:sha256', hex: 'ab'.repeat(32) } },
  { template: 'ima-sig', path: '/usr/bin/dd', sig: SIG },
  { template: 'ima-sig', path: '/usr/bin/unsigned' },
  { template: 'ima-sigv2', path: '/usr/bin/sigv2', sig: SIG },
  { template: 'ima-buf', path: 'kernel_version', buf: '6.17.0-rc3' },
  { template: 'ima-buf', path: 'empty_buffer', buf: '' },
  { template: 'ima-modsig', path: '/lib/modules/x.ko', extraFields: { 'd-modsig': hex('7368613235363a00' + '11'.repeat(32)), modsig: hex('3082010a') } },
  { template: 'ima-modsig', path: '/lib/modules/y.ko' },
  {
    template: 'evm-sig',
    path: '/etc/passwd',
    extraFields: {
      evmsig: hex('0502'),
      xattrnames: encodeText('security.selinux|security.ima\0'),
      xattrlengths: hex('0400000002000000'),
      xattrvalues: hex('7379735f0302'),
      iuid: hex('e8030000'),
      igid: hex('64000000'),
      imode: hex('a481'),
    },
  },
  { template: 'd-ng|n-ng|iuid|igid|imode', path: '/etc/shadow', extraFields: { iuid: hex('00000000'), igid: hex('2a000000'), imode: hex('a081') } },
  { template: 'd|n', path: '/custom/d-n' },
  { template: 'n-ng|sig', path: '/only/name' },
  { template: 'ima-ng', path: '<img src=x onerror=alert(1)>', pcr: 0 },
];

describe('every template as the kernel prints it', () => {
  for (const listBank of ['sha1', 'sha256', 'sha384', 'sha512'] as const) {
    it(`${listBank} list: ASCII lines re-encode to the binary list byte for byte`, () => {
      const built = buildImaLog(ENTRIES, { provider, listBank, banks: ['sha1', 'sha256'] });
      const log = parseText(built.ascii);
      assertLogIntegrity(log);
      expect(log.errors).toEqual([]);
      expect(log.entries.length).toBe(ENTRIES.length);
      expect(bytesEqual(log.data, built.binary)).toBe(true);
      const bin = parseImaLog(built.binary);
      const { format: _a, sourceSize: _b, dataSize: _c, ...fromAscii } = summarizeLog(log);
      const { format: _d, sourceSize: _e, dataSize: _f, ...fromBinary } = summarizeLog(bin);
      expect(fromAscii).toEqual(fromBinary);
      const hashes = verifyTemplateHashes(log, provider);
      expect(hashes.digestBank).toBe(listBank);
      expect(hashes.mismatches).toEqual([]);
      expect(hashes.violations).toEqual([3]);
      expect(hashes.checked).toBe(ENTRIES.length - 1);
      // The kernel turned the spaces into `_`; the rest is plain text.
      expect(readEntryName(log, ENTRIES.length - 1)).toBe('<img_src=x_onerror=alert(1)>');
    });
  }

  it('PCRs below 10 keep their leading space and still parse', () => {
    const built = buildImaLog(ENTRIES.slice(0, 2), { provider });
    expect(built.ascii.split('\n')[1]).toMatch(/^ 9 [0-9a-f]{40} ima-ng /);
    expect(Array.from(parseText(built.ascii).entries.pcr)).toEqual([10, 9]);
  });

  it('an unsigned ima-sig line keeps its trailing space; losing it changes nothing', () => {
    const built = buildImaLog([ENTRIES[6]], { provider });
    expect(built.ascii).toMatch(/\/usr\/bin\/unsigned \n$/);
    const stripped = parseText(built.ascii.replace(/ \n/g, '\n'));
    expect(stripped.errors).toEqual([]);
    expect(bytesEqual(stripped.data, built.binary)).toBe(true);
  });

  it('runs of spaces, tabs and CRLF line ends are tolerated', () => {
    // Not the ima-modsig entry with an empty `sig` before its d-modsig: an empty field in the
    // middle of a line cannot be placed once its spaces have collapsed.
    const built = buildImaLog(ENTRIES.filter((_, i) => i !== 10), { provider });
    const mangled = built.ascii
      .split('\n')
      .map((line, i) => (i % 2 === 0 ? line.replace(/ /g, '  ') : line.replace(/ /g, '\t')))
      .join('\r\n');
    const log = parseText(mangled);
    expect(log.errors).toEqual([]);
    expect(bytesEqual(log.data, built.binary)).toBe(true);
  });
});

describe('bad lines', () => {
  const good = (name: string): string => buildImaLog([{ path: name }], { provider }).ascii;

  it('a run of bad lines is one error at its first byte; good lines around it are kept', () => {
    const lines = [good('/a'), 'garbage here\n', '10 zz ima-ng x\n', good('/b'), '\n', '99 ' + 'a'.repeat(40) + ' ima-ng sha1:00 /x\n', good('/c')];
    const text = lines.join('');
    const log = parseText(text);
    assertLogIntegrity(log);
    expect(Array.from({ length: log.entries.length }, (_, i) => readEntryName(log, i))).toEqual(['/a', '/b', '/c']);
    const badStart = lines[0].length;
    const secondBad = lines.slice(0, 5).join('').length;
    expect(log.errors).toEqual([
      { offset: badStart, message: expect.stringMatching(/^lines 2–3 \(bytes \d+–\d+\) are not IMA entries, skipped; line 2: expected a decimal PCR index/) },
      { offset: secondBad, message: expect.stringMatching(/^line 6 \(byte \d+\): PCR index 99 is out of range/) },
    ]);
  });

  it('digest widths must agree within a list', () => {
    const sha1 = good('/a');
    const sha256 = buildImaLog([{ path: '/b' }], { provider, listBank: 'sha256' }).ascii;
    const log = parseText(sha1 + sha256);
    expect(log.entries.length).toBe(1);
    expect(log.errors[0].message).toMatch(/64 hex digits, expected 40 like the other lines/);
  });

  it('wrong field renderings and field counts are reported', () => {
    const d = 'a'.repeat(40);
    const bad = [
      `10 ${d} ima-ng sha256-no-colon-${d} /x`,
      `10 ${d} ima-ng sha256:abc /x`,
      `10 ${d} ima-ng sha256:${d} /x extra`,
      `10 ${d} d-ng|n-ng|iuid sha256:${d} /x notanumber`,
      `10 ${d} ima ${d.slice(2)} /x`,
    ];
    // A good line after each bad one, so that each is its own error.
    const log = parseText(bad.map((line) => `${line}\n${good('/ok')}`).join(''));
    expect(log.entries.length).toBe(bad.length);
    expect(log.errors.map((e) => e.message.replace(/^line \d+ \(byte \d+\): /, ''))).toEqual([
      'field 1 (d-ng) of template "ima-ng": expected "<algo>:<hex digest>"; line skipped',
      'field 1 (d-ng) of template "ima-ng": expected "<algo>:<hex digest>"; line skipped',
      'expected 2 fields after template "ima-ng", found 3; read with spaces in the name, it does not reproduce its recorded template digest; line skipped',
      'field 3 (iuid) of template "d-ng|n-ng|iuid": expected an unsigned decimal below 2^32; line skipped',
      'expected the 40-hex-digit (sha1) or 32-hex-digit (md5) file digest of the "ima" template; line skipped',
    ]);
  });

  it('an unknown template is kept and flagged; its hash is unchecked (its fields are guessed)', () => {
    const log = parseText(`10 ${'ab'.repeat(20)} my-template foo 00ff\n`);
    expect(log.errors).toEqual([]);
    expect(log.entries.flags[0] & EntryFlag.UnknownTemplate).toBe(EntryFlag.UnknownTemplate);
    const hashes = verifyTemplateHashes(log, provider);
    expect(hashes.unchecked).toEqual([0]);
    expect(log.entries.flags[0] & EntryFlag.HashUnchecked).toBe(EntryFlag.HashUnchecked);
  });

  it('text with only blank lines is an error', () => {
    const blank = encodeText('\n  \n\t\n');
    expect(parseImaLog(blank, { format: 'ascii' }).errors).toEqual([{ offset: 0, message: expect.stringMatching(/only blank lines/) }]);
    // Unforced, whitespace is not taken for text (it may be a cut binary list): still one error.
    expect(parseImaLog(blank).errors.length).toBe(1);
  });

  it('recorded digests are exactly column 2', () => {
    const log = parseText(good('/a'));
    expect(toHex(readRecordedDigest(log, 0))).toBe(good('/a').split(' ')[1]);
  });
});

describe('sniffAsciiList', () => {
  it('reads the bank size from the first line', () => {
    expect(sniffAsciiList(encodeText(` 9 ${'a'.repeat(40)} ima-ng sha1:00 x`))).toBe(20);
    expect(sniffAsciiList(encodeText(`10 ${'a'.repeat(96)} ima-sig sha1:00 x`))).toBe(48);
    expect(sniffAsciiList(encodeText(`10 sha256:${'a'.repeat(64)} ima-dep-cgn x`))).toBe(32);
    expect(sniffAsciiList(encodeText(`10 ${'a'.repeat(30)} ima-ng`))).toBeUndefined();
    expect(sniffAsciiList(encodeText(`64 ${'a'.repeat(40)} ima-ng`))).toBeUndefined();
    expect(sniffAsciiList(encodeText('sha256:\n  10 : 0x00'))).toBeUndefined();
  });
});
