/**
 * Oracles: offsets counted by hand from the layout of ima-format.md §2; the real ibmtss
 * composite list (every built-in template, custom templates, evm-sig) whose field values were
 * read independently with a few lines of python; Python's `stat.filemode` for imode text.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { memoryByteSource } from '../../model/byte-source';
import { templateDataOffset, type ImaLog } from '../../model/ima-log';
import { readSharedData } from '../../testing/shared-data';
import { bytesEqual, concatBytes, decodeText, encodeText, fromHex } from '../../util/bytes';
import { NO_VERDICTS } from '../../query/entry-verdicts';
import { readRowPage } from '../../query/row-page';
import { parseImaLog } from '../parse-ima-log';
import { decodeEntry, type DecodedEntry, type DecodedField } from './decode-entry';
import {
  buildHandLog,
  nulName,
  prefixedDigest,
  text,
  uint,
  type HandEntry,
} from '../../testing/hand-built-log';

const hex = (h: string): Uint8Array => fromHex(h) ?? new Uint8Array();
const sha256Of0 = hex('66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925');

function field(entry: DecodedEntry, id: string): DecodedField {
  const f = entry.fields.find((x) => x.id === id);
  if (f === undefined) throw new Error(`no ${id} field`);
  return f;
}

describe('decodeEntry on hand-built entries', () => {
  it('ima-ng: digest, name and their offsets in log.data', () => {
    const log = buildHandLog([
      { template: 'ima-ng', fields: [prefixedDigest('sha256', sha256Of0), nulName('/usr/bin/true')] },
    ]);
    // pcr 4 + digest 20 + nameLen 4 + "ima-ng" 6 = 34: L at 34, first field length at 38.
    expect(decodeEntry(log, 0)).toEqual({
      index: 0,
      pcr: 10,
      template: 'ima-ng',
      templateDigest: 'aa'.repeat(20),
      fields: [
        {
          kind: 'digest',
          id: 'd-ng',
          lengthOffset: 38,
          offset: 42,
          length: 40,
          algorithm: 'sha256',
          digest: '66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925',
        },
        { kind: 'name', id: 'n-ng', lengthOffset: 82, offset: 86, length: 14, text: '/usr/bin/true' },
      ],
      problems: [],
    });
  });

  it('a name that is not UTF-8 shows its other bytes as \\xNN, as the CLI prints it, in the field and in the table row', () => {
    const name = concatBytes([encodeText('/tmp/invalid'), hex('fffe'), encodeText('utf8é'), new Uint8Array([0])]);
    const log = buildHandLog([{ template: 'ima-ng', fields: [prefixedDigest('sha256', sha256Of0), name] }]);
    const shown = '/tmp/invalid\\xff\\xfeutf8é';
    expect(field(decodeEntry(log, 0), 'n-ng')).toMatchObject({ kind: 'name', text: shown });
    const parsed = parseImaLog(log.bytes.bytes);
    expect(readRowPage(parsed, undefined, { start: 0, end: 1 }, { verdicts: NO_VERDICTS }).name).toEqual([shown]);
  });

  it('legacy ima: raw 20-byte d, then u32 strlen and the name without NUL', () => {
    const log = buildHandLog([
      { template: 'ima', pcr: 11, fields: [new Uint8Array(20).fill(1), text('boot_aggregate')] },
    ]);
    // pcr 4 + digest 20 + nameLen 4 + "ima" 3 = 31: d at 31, name length at 51.
    const entry = decodeEntry(log, 0);
    expect(entry.pcr).toBe(11);
    expect(entry.fields).toEqual([
      { kind: 'digest', id: 'd', offset: 31, length: 20, algorithm: 'sha1', digest: '01'.repeat(20) },
      { kind: 'name', id: 'n', lengthOffset: 51, offset: 55, length: 14, text: 'boot_aggregate' },
    ]);
    expect(entry.problems).toEqual([]);
  });

  it('d-ngv2 verity digests, empty sig and a second entry after the first', () => {
    const log = buildHandLog(
      [
        { template: 'ima-ng', fields: [prefixedDigest('sha1', new Uint8Array(20)), nulName('boot_aggregate')] },
        {
          template: 'ima-sigv2',
          fields: [prefixedDigest('verity:sha512', new Uint8Array(64).fill(7)), nulName('/a b'), new Uint8Array()],
        },
      ],
      { digestSize: 32 },
    );
    const entry = decodeEntry(log, 1);
    expect(entry.templateDigest).toBe('aa'.repeat(32));
    expect(entry.fields[0]).toMatchObject({ algorithm: 'sha512', digestType: 'verity', length: 14 + 1 + 64 });
    expect(entry.fields[1]).toMatchObject({ text: '/a b' });
    // "/a b\0" is 5 bytes, then the empty sig's length word.
    const sigLength = entry.fields[1].offset + 5;
    expect(entry.fields[2]).toEqual({
      kind: 'signature',
      id: 'sig',
      lengthOffset: sigLength,
      offset: sigLength + 4,
      length: 0,
      hex: '',
    });
    expect(entry.problems).toEqual([]);
  });

  it('big-endian evm-sig: integers, xattr lengths and imode in the list byte order', () => {
    const be = (v: number, w: 2 | 4): Uint8Array => uint(v, w, 'big');
    const ima = hex(`0404${'11'.repeat(32)}`);
    const label = encodeText('system_u:object_r:bin_t:s0\0');
    const log = buildHandLog(
      [
        {
          template: 'evm-sig',
          fields: [
            prefixedDigest('sha256', new Uint8Array(32).fill(0x11)),
            nulName('/usr/bin/su'),
            hex('05 02 04 01020304 0002 abcd'),
            encodeText('security.ima|security.selinux\0'),
            new Uint8Array([...be(ima.length, 4), ...be(label.length, 4)]),
            new Uint8Array([...ima, ...label]),
            be(1000, 4),
            be(1000, 4),
            be(0o104755, 2),
          ],
        },
      ],
      { byteOrder: 'big' },
    );
    const entry = decodeEntry(log, 0);
    expect(entry.problems).toEqual([]);
    expect(field(entry, 'evmsig')).toMatchObject({
      signature: { typeName: 'EVM_XATTR_PORTABLE_DIGSIG', keyId: '01020304', signatureLength: 2 },
    });
    expect(field(entry, 'xattrnames')).toMatchObject({ names: ['security.ima', 'security.selinux'] });
    expect(field(entry, 'xattrlengths')).toMatchObject({ lengths: [34, 27] });
    const values = field(entry, 'xattrvalues');
    expect(values.kind === 'xattrvalues' && values.values).toEqual([
      {
        name: 'security.ima',
        offset: values.offset,
        length: 34,
        hex: `0404${'11'.repeat(32)}`,
        header: {
          type: 4,
          typeName: 'IMA_XATTR_DIGEST_NG',
          hashAlgorithm: 'sha256',
          digest: '11'.repeat(32),
          problems: [],
        },
      },
      {
        name: 'security.selinux',
        offset: values.offset + 34,
        length: 27,
        hex: expect.any(String),
        text: 'system_u:object_r:bin_t:s0',
      },
    ]);
    expect(field(entry, 'iuid')).toMatchObject({ kind: 'integer', value: 1000 });
    expect(field(entry, 'imode')).toMatchObject({ value: 0o104755, text: filemode(0o104755) });
  });

  it('custom template with 1- and 8-byte integers and an unknown field id', () => {
    const log = buildHandLog([
      {
        template: 'iuid|igid|imode|foo',
        fields: [new Uint8Array([7]), uint(2 ** 40 + 5, 8, 'little'), hex('ed41'), hex('cafe')],
      },
    ]);
    const entry = decodeEntry(log, 0);
    const values = entry.fields.map((f) => (f.kind === 'integer' ? f.value : f.kind));
    expect(values).toEqual([7, 2 ** 40 + 5, 0o40755, 'raw']);
    expect(field(entry, 'imode')).toMatchObject({ text: filemode(0o40755) });
    expect(field(entry, 'foo')).toMatchObject({ kind: 'raw', hex: 'cafe' });
    expect(entry.problems).toEqual([]);
  });

  it('ima-buf: kexec, keyring and unknown events', () => {
    const kexec = 'kexec_segment_size=12288;ima_binary_runtime_size=9876;ima_runtime_measurements_count=42;';
    const log = buildHandLog([
      { template: 'ima-buf', fields: [prefixedDigest('sha256', sha256Of0), nulName('kexec_load'), encodeText(kexec)] },
      { template: 'ima-buf', fields: [prefixedDigest('sha256', sha256Of0), nulName('.ima'), hex('3082ffff00')] },
    ]);
    const first = decodeEntry(log, 0);
    expect(field(first, 'buf')).toMatchObject({ payload: { kind: 'kexec', count: 42, binarySize: 9876 } });
    expect(first.problems).toEqual([]);
    const second = decodeEntry(log, 1);
    expect(field(second, 'buf')).toMatchObject({ payload: { kind: 'malformed', expected: 'certificate' } });
    expect(second.problems).toHaveLength(1);
    expect(second.problems[0]).toMatch(/^buf at offset \d+: expected certificate data for \.ima: /);
  });
});

describe('decodeEntry on damaged entries (never throws)', () => {
  const good: HandEntry = {
    template: 'ima-sig',
    fields: [prefixedDigest('sha256', sha256Of0), nulName('/x'), new Uint8Array()],
  };

  it('index out of range', () => {
    const log = buildHandLog([good]);
    for (const i of [-1, 1, 0.5, NaN]) {
      expect(decodeEntry(log, i)).toMatchObject({ fields: [], problems: [expect.stringMatching(/^no entry/)] });
    }
  });

  it('a field length that overruns, stray bytes, too many and too few fields', () => {
    const overrun = withTemplateData(buildHandLog([good]), (d, start) => d.set(uint(999, 4, 'little'), start));
    const a = decodeEntry(overrun, 0);
    expect(a.fields).toEqual([]);
    expect(a.problems[0]).toMatch(/field 1 at offset \d+ claims 999 bytes/);
    expect(a.problems[1]).toMatch(/names 3 fields but the data holds 0/);

    const two = decodeEntry(buildHandLog([{ ...good, fields: good.fields.slice(0, 2) }]), 0);
    expect(two.problems).toEqual(['template ima-sig names 3 fields but the data holds 2']);
    const four = decodeEntry(buildHandLog([{ ...good, fields: [...good.fields, hex('01')] }]), 0);
    expect(four.fields[3]).toMatchObject({ kind: 'raw', id: 'unknown', hex: '01' });
    expect(four.problems).toEqual(['more fields than the 3 that template ima-sig names']);

    const stray = shrinkTemplateData(buildHandLog([good]), -2);
    expect(decodeEntry(stray, 0).problems.some((p) => /2 stray bytes/.test(p))).toBe(true);
  });

  it('template data past the end of the list, and a digest cut short', () => {
    const log = shrinkTemplateData(buildHandLog([good]), 100);
    expect(decodeEntry(log, 0).problems[0]).toMatch(/runs past the end/);
    const data = log.data.subarray(0, 10);
    const cut = { ...log, data, bytes: memoryByteSource(data) };
    const entry = decodeEntry(cut, 0);
    expect(entry.templateDigest).toBe('');
    expect(entry.problems[0]).toMatch(/cut short/);
  });

  it('bad field encodings', () => {
    const log = buildHandLog([
      { template: 'ima-ng', fields: [sha256Of0, encodeText('/no-nul')] },
      {
        template: 'ima-sig',
        fields: [prefixedDigest('sha256', sha256Of0), nulName('/x'), hex('05 02 04 00000000 0000')],
      },
      { template: 'ima-ngv2', fields: [prefixedDigest('sha256', sha256Of0), nulName('/x')] },
      { template: 'iuid|d', fields: [hex('010203'), new Uint8Array(7)] },
      {
        template: 'evm-sig',
        fields: [
          new Uint8Array(),
          nulName('/x'),
          new Uint8Array(),
          encodeText('security.ima\0'),
          new Uint8Array(5),
          hex('00'),
        ],
      },
    ]);
    expect(decodeEntry(log, 0).problems).toEqual([
      "d-ng at offset 42: no '<algo>:' prefix before a NUL",
      'n-ng at offset 78: name does not end with a NUL',
    ]);
    expect(decodeEntry(log, 1).problems).toEqual([
      expect.stringMatching(/^sig at offset \d+: holds xattr type 5; the kernel records only 3 or 6 here$/),
    ]);
    expect(decodeEntry(log, 2).problems).toEqual([
      expect.stringMatching(/expected "ima:<algo>:" or "verity:<algo>:", found "sha256:"/),
    ]);
    const custom = decodeEntry(log, 3);
    expect(custom.fields.map((f) => f.kind)).toEqual(['raw', 'digest']);
    expect(custom.problems).toEqual([
      expect.stringMatching(/iuid at offset \d+: 3 bytes is not an integer width/),
      expect.stringMatching(/d at offset \d+: 7 bytes is neither a SHA-1 nor an MD5 digest/),
    ]);
    const evm = decodeEntry(log, 4);
    expect(evm.problems).toEqual([
      expect.stringMatching(/d-ng at offset \d+: empty digest field/),
      expect.stringMatching(/xattrlengths at offset \d+: 5 bytes is not a whole number of u32/),
      expect.stringMatching(/xattrvalues at offset \d+: lengths add up to 0 but the field holds 1 bytes/),
      'template evm-sig names 9 fields but the data holds 6',
    ]);
  });

  it('unknown template name: every field shown raw', () => {
    const entry = decodeEntry(buildHandLog([{ template: 'mystery', fields: [hex('aa'), hex('bbcc')] }]), 0);
    expect(entry.fields.map((f) => [f.kind, f.id])).toEqual([['raw', 'unknown'], ['raw', 'unknown']]);
    expect(entry.problems).toEqual([]);
  });
});

describe('decodeEntry on the real ibmtss composite list', () => {
  const bytes = readSharedData('realdata', 'ibmtss', 'imatest.log');
  const log = walkBinaryList(bytes);

  it('re-encodes to the same bytes, and every entry decodes without problems', () => {
    expect(log.entries.length).toBe(17);
    expect(bytesEqual(log.data, bytes)).toBe(true);
    for (let i = 0; i < log.entries.length; i++) expect(decodeEntry(log, i).problems).toEqual([]);
  });

  it('evm-sig entry 14 (field offsets from an independent python walk of the file)', () => {
    const e = decodeEntry(log, 14);
    expect(e.fields.map((f) => [f.id, f.lengthOffset, f.length])).toEqual([
      ['d-ng', 3031, 40],
      ['n-ng', 3075, 34],
      ['evmsig', 3113, 137],
      ['xattrnames', 3254, 30],
      ['xattrlengths', 3288, 8],
      ['xattrvalues', 3300, 71],
      ['iuid', 3375, 4],
      ['igid', 3383, 4],
      ['imode', 3391, 2],
    ]);
    const digest = '672650050835777850b66645283ddbcc17305ba14d599e1b186d9d656eb9a85e';
    expect(field(e, 'd-ng')).toMatchObject({ algorithm: 'sha256', digest });
    expect(field(e, 'n-ng')).toMatchObject({ text: '/tmp/lower/lower/foo-evmsig-4.txt' });
    expect(field(e, 'evmsig')).toMatchObject({
      signature: { type: 5, version: 2, hashAlgorithm: 'sha256', keyId: '78511c2a', signatureLength: 128 },
    });
    const values = field(e, 'xattrvalues');
    expect(values.kind === 'xattrvalues' && values.values).toMatchObject([
      { name: 'security.selinux', offset: 3304, length: 37, text: 'unconfined_u:object_r:unlabeled_t:s0' },
      { name: 'security.ima', offset: 3341, length: 34, header: { type: 4, hashAlgorithm: 'sha256', digest } },
    ]);
    expect(field(e, 'imode')).toMatchObject({ offset: 3395, value: 0x81a4, text: filemode(0x81a4) });
  });

  it('legacy, custom, sigv2, modsig, ima-sig and ima-buf entries', () => {
    expect(decodeEntry(log, 6).fields).toMatchObject([
      { id: 'd', offset: 447, digest: '00'.repeat(20) },
      { id: 'n', lengthOffset: 467, text: 'boot_aggregate' },
    ]);
    expect(decodeEntry(log, 4)).toMatchObject({
      template: 'n',
      fields: [{ id: 'n', lengthOffset: 358, text: 'boot_aggregate' }],
    });
    expect(decodeEntry(log, 2).fields.map((f) => f.id)).toEqual(['n-ng', 'sig', 'd-ng']);
    expect(field(decodeEntry(log, 12), 'd-ngv2')).toMatchObject({
      digestType: 'ima',
      algorithm: 'sha256',
      digest: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    });
    const modsig = decodeEntry(log, 16);
    expect(field(modsig, 'd-modsig')).toMatchObject({
      lengthOffset: 3634,
      digest: '61a156435dbcf37b02314416584cbdc1c91594bb98764ca9e2e8db51f7f40607',
    });
    expect(field(modsig, 'modsig')).toMatchObject({ lengthOffset: 3678, length: 397 });
    expect(field(decodeEntry(log, 9), 'd-modsig')).toMatchObject({ length: 0, algorithm: '', digest: '' });
    expect(field(decodeEntry(log, 10), 'sig')).toMatchObject({
      signature: { type: 3, version: 2, hashAlgorithm: 'sha256', keyId: '6e6c1046', signatureLength: 256 },
    });
    expect(field(decodeEntry(log, 13), 'buf')).toMatchObject({
      length: 1324,
      payload: { kind: 'certificate', keyring: '.builtin_trusted_keys', publicKeyAlgorithm: 'rsaEncryption' },
    });
  });
});

/** `python3 -c 'import stat; print(stat.filemode(mode))'`. */
function filemode(mode: number): string {
  const script = `import stat; print(stat.filemode(${mode}))`;
  return execFileSync('python3', ['-c', script], { encoding: 'utf8' }).trim();
}

function withTemplateData(log: ImaLog, edit: (data: Uint8Array, start: number) => void): ImaLog {
  const data = log.data.slice();
  edit(data, templateDataOffset(log, 0));
  return { ...log, data, bytes: memoryByteSource(data) };
}

/** The first entry's template data region made `delta` bytes longer (its entry, that is). */
function shrinkTemplateData(log: ImaLog, delta: number): ImaLog {
  const entrySize = log.entries.entrySize.slice();
  entrySize[0] += delta;
  return { ...log, entries: { ...log.entries, entrySize } };
}

/**
 * Splits a little-endian, SHA-1-column binary list into hand entries (a test-only walk of
 * ima-format.md §2, independent of the real parser) and rebuilds the ImaLog from them.
 */
function walkBinaryList(bytes: Uint8Array): ImaLog {
  const u32 = (p: number): number =>
    bytes[p] | (bytes[p + 1] << 8) | (bytes[p + 2] << 16) | (bytes[p + 3] << 24);
  const entries: HandEntry[] = [];
  let o = 0;
  while (o < bytes.length) {
    const nameLength = u32(o + 24);
    const template = decodeText(bytes.subarray(o + 28, o + 28 + nameLength));
    const base = { pcr: u32(o), templateDigest: bytes.slice(o + 4, o + 24), template };
    let p = o + 28 + nameLength;
    if (template === 'ima') {
      const n = u32(p + 20);
      entries.push({ ...base, fields: [bytes.slice(p, p + 20), bytes.slice(p + 24, p + 24 + n)] });
      o = p + 24 + n;
      continue;
    }
    const end = p + 4 + u32(p);
    p += 4;
    const fields: Uint8Array[] = [];
    while (p < end) {
      fields.push(bytes.slice(p + 4, p + 4 + u32(p)));
      p += 4 + u32(p);
    }
    entries.push({ ...base, fields });
    o = end;
  }
  return buildHandLog(entries);
}
