// Every IMA list in shared/data (realdata/PROVENANCE.md, swtpm/README.md) against the values
// documented there, plus the parser's façade behaviour. Expected values come from the data's
// provenance (source projects' tests, independent replays, the ASCII twin of each list), never
// from this parser's output.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createWasmHashProvider } from '../hash/hash-provider';
import type { HashProvider } from '../hash/hash-provider';
import { ChunkedByteSource } from '../model/byte-source';
import type { ImaLog } from '../model/ima-log';
import { EntryFlag, templateDataOffset, templateDataSize } from '../model/ima-log';
import { assertLogIntegrity } from '../testing/assert-log-integrity';
import { hasSharedData, readSharedData, readSharedText, sharedDataPath } from '../testing/shared-data';
import { summarizeEntry, summarizeLog } from '../testing/summarize-log';
import { bytesEqual, fromHex, toHex } from '../util/bytes';
import { ImaLogParser, parseImaLog } from './parse-ima-log';
import { readEntryName, readRecordedDigest, verifyTemplateHashes } from './template-digests';

let provider: HashProvider;
beforeAll(async () => {
  provider = await createWasmHashProvider();
});

interface Expected {
  readonly file: readonly string[];
  readonly format: 'binary' | 'ascii';
  readonly digestSize: number;
  readonly entries: number;
  readonly violations?: number;
  readonly templates: Record<string, number>;
  readonly errors?: number;
  /** Recorded template digests by entry index (hex prefixes allowed). */
  readonly digests?: Record<number, string>;
  readonly names?: Record<number, string>;
}

const REAL_LISTS: readonly Expected[] = [
  // PROVENANCE: 922 ima-ng entries, all template hashes recompute; same log as the ASCII twin.
  { file: ['realdata', 'embrave-2023-06-26', 'binary_runtime_measurements'], format: 'binary', digestSize: 20, entries: 922, templates: { 'ima-ng': 922 }, names: { 0: 'boot_aggregate' } },
  { file: ['realdata', 'embrave-2023-06-26', 'ascii_runtime_measurements'], format: 'ascii', digestSize: 20, entries: 922, templates: { 'ima-ng': 922 }, names: { 0: 'boot_aggregate' } },
  // 4289 entries, 6 violations, per-bank sha256 list.
  { file: ['realdata', 'ima-verify', '2025-03-01', 'binary_runtime_measurements_sha256'], format: 'binary', digestSize: 32, entries: 4289, violations: 6, templates: { 'ima-ng': 4289 } },
  { file: ['realdata', 'ima-verify', '2025-03-01', 'ascii_runtime_measurements_sha256'], format: 'ascii', digestSize: 32, entries: 4289, violations: 6, templates: { 'ima-ng': 4289 } },
  { file: ['realdata', 'ima-verify', '2025-03-08', 'binary_runtime_measurements_sha1'], format: 'binary', digestSize: 20, entries: 3506, templates: { 'ima-ng': 3506 } },
  { file: ['realdata', 'ima-verify', '2025-03-08', 'binary_runtime_measurements_sha256'], format: 'binary', digestSize: 32, entries: 3524, templates: { 'ima-ng': 3524 } },
  { file: ['realdata', 'ima-verify', '2025-02-27-root', 'boot_aggregate'], format: 'ascii', digestSize: 20, entries: 1, templates: { 'ima-sig': 1 }, names: { 0: 'boot_aggregate' } },
  { file: ['realdata', 'ima-verify', '2025-02-27-testfiles', 'boot_aggregate_vm'], format: 'ascii', digestSize: 20, entries: 1, templates: { 'ima-ng': 1 }, names: { 0: 'boot_aggregate' } },
  // ibmtss: 362 ima-sig entries in each per-bank list.
  { file: ['realdata', 'ibmtss', 'sha1.log'], format: 'binary', digestSize: 20, entries: 362, templates: { 'ima-sig': 362 } },
  { file: ['realdata', 'ibmtss', 'sha256.log'], format: 'binary', digestSize: 32, entries: 362, templates: { 'ima-sig': 362 } },
  { file: ['realdata', 'ibmtss', 'sha384.log'], format: 'binary', digestSize: 48, entries: 362, templates: { 'ima-sig': 362 } },
  { file: ['realdata', 'ibmtss', 'sha512.log'], format: 'binary', digestSize: 64, entries: 362, templates: { 'ima-sig': 362 } },
  // 17 entries over every template and custom format string, 1 violation (counts per template
  // from an independent python walk of the framing).
  {
    file: ['realdata', 'ibmtss', 'imatest.log'], format: 'binary', digestSize: 20, entries: 17, violations: 1,
    templates: { 'd-ng|sig': 1, 'n-ng|d-ng': 1, 'n-ng|sig|d-ng': 1, 'n-ng|sig': 1, n: 1, sig: 1, ima: 1, 'ima-ng': 1, 'ima-sig': 3, 'ima-modsig': 2, 'ima-sigv2': 1, 'ima-buf': 1, 'evm-sig': 1, 'ima-ngv2': 1 },
  },
  // tpm2-tss test/unit/fapi-ima-eventlog.c asserts these digests and names; the files end in stray bytes.
  {
    file: ['realdata', 'tpm2-tss', 'sml-ima-ng-sha1.bin'], format: 'binary', digestSize: 20, entries: 6, errors: 1, templates: { 'ima-ng': 6 },
    digests: { 0: '1d8d532d463c9f8c205d0df7787669a85f93e260', 1: '972d62ff5b3a74e89952e0980b2099eed49bf8f0', 2: 'c76ee54d77352bee745ce43829247ff1706886df', 3: 'ef885dd41140c5fb993188f60a298c5a9b31d038', 4: 'a8fe19f5a9773edebf7b7df90bf9ce38b071e684', 5: '0801daa94a2c43f41200143b319f19b28b43f745' },
    names: { 0: 'boot_aggregate', 1: '/init', 2: '/usr/bin/sh', 3: '/usr/lib/x86_64-linux-gnu/ld-2.31.so', 4: '/etc/ld.so.cache', 5: '/usr/lib/x86_64-linux-gnu/libc-2.31.so' },
  },
  {
    file: ['realdata', 'tpm2-tss', 'sml-ima-sha1.bin'], format: 'binary', digestSize: 20, entries: 12, errors: 1, templates: { ima: 12 },
    digests: { 0: '719de8e521439498e9b77f6ed41e230b9821111e', 1: 'a3ff2672a129ea092ec2d41b88daafe632a8b65a', 2: '11fdfd51127b2a3853c55136d0c76411f6246892', 3: '7a89e5da2a7299c7b3d76fbbbd4727d13818cc9a', 4: '6d644a6a36001decfbc93ae98734473adc807c98', 5: '70ff9de3f9a80361cca4f13edc027150318116da', 6: '082ab538004eb50f2c8cdcbc8467037b11436ed6', 7: '0cf46ceded0ffc71df00612568f6679208bb43d1', 8: '37d29d0dbcfcc9b90fcd1986e452ab27a017e61a', 9: 'b81750d408faeb879a02f14cd8f42253308686fa', 10: '47a8d6956a06cecf639af074b264bd1338c0942e', 11: '21044c1265a4b298dfd97ead49c355817b1a2493' },
    names: { 0: 'boot_aggregate', 1: '/init', 6: '/conf/arch.conf', 11: '/scripts/init-top/blacklist' },
  },
  {
    file: ['realdata', 'tpm2-tss', 'sml-ima-sig-sha256.bin'], format: 'binary', digestSize: 20, entries: 9, errors: 1, templates: { 'ima-sig': 9 },
    digests: { 0: 'bcb0e518b79de0d7f2cd20b8a29a7092e65db7ef', 1: '539fdb622d9bc29e698e8cb87ad654b318844987', 2: '2675452da05e86c25345bc22d71b53fb1de3aea6', 3: '9b98ed341fd71c6841eadda983f0bd067d7aae61', 4: '4e1485e0515360012ae54a4e7775a09039da4cd6', 5: 'dbfdd0da61d79f6185b053e793c5e56a85c23eee', 6: '4ca22ff0b5a3f5cec29d40b1a53c19b34b5e5d9a', 7: '9f51391fdcb905d92ca5ca433dd1a9945c883164', 8: '6b60a8edd48a777ac2e05fdcad20d2af09e8489c' },
    names: { 0: 'boot_aggregate', 8: '/scripts/functions' },
  },
  // "must be read without error" (fapi-check-ima-log.c): one `ima` violation; two ima-sig, the second a violation.
  { file: ['realdata', 'tpm2-tss', 'sml-ima-sha1-invalidated.bin'], format: 'binary', digestSize: 20, entries: 1, violations: 1, templates: { ima: 1 } },
  { file: ['realdata', 'tpm2-tss', 'sml-ima-sig-sha256-invalidated.bin'], format: 'binary', digestSize: 20, entries: 2, violations: 1, templates: { 'ima-sig': 2 } },
  // Its only entry declares 49 bytes of template data but the file ends one byte early (the
  // n-ng NUL of "boot_aggregate" is missing): a truncated entry, not an entry.
  { file: ['realdata', 'tpm2-tss', 'sml-ima-ng-sha1-invalidated.bin'], format: 'binary', digestSize: 20, entries: 0, errors: 1, templates: {} },
  { file: ['realdata', 'global-trust-authority', 'ima.bin'], format: 'binary', digestSize: 32, entries: 2, templates: { 'ima-ng': 2 }, names: { 0: 'boot_aggregate', 1: '/usr/bin/cat' } },
  { file: ['realdata', 'global-trust-authority', 'ima.log'], format: 'ascii', digestSize: 32, entries: 2, templates: { 'ima-ng': 2 }, names: { 0: 'boot_aggregate', 1: '/usr/bin/cat' } },
  // No TPM at boot: boot_aggregate template hash 1d8d532d… (ima_hash=sha1 zeros).
  { file: ['realdata', 'keylime-archive', 'ascii_runtime_measurements'], format: 'ascii', digestSize: 20, entries: 826, templates: { 'ima-ng': 826 }, digests: { 0: '1d8d532d463c9f8c205d0df7787669a85f93e260' } },
  { file: ['realdata', 'keylime-archive', 'ascii_runtime_measurements_ima'], format: 'ascii', digestSize: 20, entries: 867, violations: 9, templates: { ima: 867 } },
  { file: ['realdata', 'keylime-tests', 'test_ima_verification-MEASUREMENTS.ascii'], format: 'ascii', digestSize: 20, entries: 3, templates: { 'ima-sig': 3 } },
  { file: ['realdata', 'keylime-tests', 'test_ima_verification-SIGNATURES.ascii'], format: 'ascii', digestSize: 20, entries: 2, templates: { 'ima-sig': 2 }, names: { 0: '/usr/bin/dd', 1: '/usr/bin/zmore' } },
  { file: ['realdata', 'keylime-tests', 'test_ima_verification-KEYRINGS.ascii'], format: 'ascii', digestSize: 20, entries: 1, templates: { 'ima-buf': 1 }, names: { 0: '.ima' } },
  { file: ['realdata', 'keylime-tests', 'test_ima_ast-VALID_ENTRIES.ascii'], format: 'ascii', digestSize: 20, entries: 6, templates: { 'ima-sig': 3, 'ima-buf': 1, ima: 1, 'ima-ng': 1 } },
  { file: ['realdata', 'keylime-tests', 'test_ima_dm-entries.ascii'], format: 'ascii', digestSize: 20, entries: 15, templates: { 'ima-buf': 15 }, names: { 0: 'dm_table_load' } },
  { file: ['realdata', 'rust-keylime', 'entry_rs-test-entries.ascii'], format: 'ascii', digestSize: 20, entries: 5, templates: { ima: 1, 'ima-ng': 1, 'ima-sig': 2, 'ima-buf': 1 } },
  { file: ['realdata', 'rust-keylime', 'ima_log.txt'], format: 'ascii', digestSize: 20, entries: 1, templates: { 'ima-ng': 1 } },
  { file: ['realdata', 'ima-evm-utils', 'sample-ascii_runtime_measurements-pcrs-8-9'], format: 'ascii', digestSize: 20, entries: 1, templates: { 'ima-ng': 1 } },
  { file: ['realdata', 'ima-evm-utils', 'test_ascii_runtime_measurements'], format: 'ascii', digestSize: 20, entries: 3, templates: { 'ima-ng': 3 }, names: { 1: '/init', 2: '/bin/sh' } },
  // swtpm: 6 ima-ng entries actually extended into a TPM, one violation (README.md).
  { file: ['swtpm', 'binary_runtime_measurements'], format: 'binary', digestSize: 20, entries: 6, violations: 1, templates: { 'ima-ng': 6 }, names: { 0: 'boot_aggregate', 4: '/var/log/violating.log' } },
  { file: ['swtpm', 'ascii_runtime_measurements'], format: 'ascii', digestSize: 20, entries: 6, violations: 1, templates: { 'ima-ng': 6 }, names: { 0: 'boot_aggregate', 4: '/var/log/violating.log' } },
];

const BANK_OF_SIZE: Record<number, string> = { 20: 'sha1', 32: 'sha256', 48: 'sha384', 64: 'sha512' };

/** Column 2 of an ASCII list, read with a regex: an oracle independent of the parser. */
function asciiDigests(text: string): string[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => /^\s*\d+\s+([0-9a-f]+)\s/.exec(l)?.[1] ?? '');
}

describe.skipIf(!hasSharedData())('real IMA lists (shared/data)', () => {
  for (const x of REAL_LISTS) {
    it(`${x.file.join('/')}: ${x.entries} entries as documented, every template hash verifies`, () => {
      const log = parseImaLog(readSharedData(...x.file));
      assertLogIntegrity(log);
      const s = summarizeLog(log);
      expect(s.format).toBe(x.format);
      expect(s.byteOrder).toBe('little');
      expect(s.digestSize).toBe(x.digestSize);
      expect(s.entries).toBe(x.entries);
      expect(s.templates).toEqual(x.templates);
      expect(log.errors.length).toBe(x.errors ?? 0);
      const hashes = verifyTemplateHashes(log, provider);
      expect(hashes.digestBank).toBe(BANK_OF_SIZE[x.digestSize]);
      expect(hashes.violations.length).toBe(x.violations ?? 0);
      expect(hashes.mismatches).toEqual([]);
      expect(hashes.oppositeByteOrder).toEqual([]);
      expect(hashes.unchecked).toEqual([]);
      expect(hashes.checked).toBe(x.entries - (x.violations ?? 0));
      for (const [i, hex] of Object.entries(x.digests ?? {})) {
        expect(toHex(readRecordedDigest(log, Number(i)))).toBe(hex);
      }
      for (const [i, name] of Object.entries(x.names ?? {})) expect(readEntryName(log, Number(i))).toBe(name);
      for (let i = 0; i < log.entries.length; i++) {
        expect(log.entries.flags[i] & (EntryFlag.UnknownTemplate | EntryFlag.MalformedFields)).toBe(0);
      }
    });
  }

  it('ASCII lists: every recorded digest equals column 2 of the text', () => {
    for (const x of REAL_LISTS.filter((e) => e.format === 'ascii')) {
      const text = readSharedText(...x.file);
      const log = parseImaLog(new TextEncoder().encode(text));
      const column = asciiDigests(text);
      expect(column.length).toBe(log.entries.length);
      column.forEach((hex, i) => expect(toHex(readRecordedDigest(log, i))).toBe(hex));
    }
  });

  it('a binary list and its ASCII twin give the same entries, byte for byte', () => {
    const pairs: readonly [readonly string[], readonly string[]][] = [
      [['realdata', 'embrave-2023-06-26', 'binary_runtime_measurements'], ['realdata', 'embrave-2023-06-26', 'ascii_runtime_measurements']],
      [['realdata', 'ima-verify', '2025-03-01', 'binary_runtime_measurements_sha256'], ['realdata', 'ima-verify', '2025-03-01', 'ascii_runtime_measurements_sha256']],
      [['realdata', 'global-trust-authority', 'ima.bin'], ['realdata', 'global-trust-authority', 'ima.log']],
      [['swtpm', 'binary_runtime_measurements'], ['swtpm', 'ascii_runtime_measurements']],
    ];
    for (const [bin, asc] of pairs) {
      const binary = readSharedData(...bin);
      const a = parseImaLog(readSharedData(...asc));
      const b = parseImaLog(binary);
      // The ASCII lines re-encoded little-endian are exactly the kernel's binary list.
      expect(bytesEqual(a.data, binary)).toBe(true);
      const { errors: _ae, format: _af, sourceSize: _as, dataSize: _ad, ...sa } = summarizeLog(a);
      const { errors: _be, format: _bf, sourceSize: _bs, dataSize: _bd, ...sb } = summarizeLog(b);
      expect(sa).toEqual(sb);
      expect(a.entries.entryOffset).toEqual(b.entries.entryOffset);
      expect(a.entries.nameOffset).toEqual(b.entries.nameOffset);
      expect(a.entries.fileDigestOffset).toEqual(b.entries.fileDigestOffset);
      expect(a.entries.fileDigestLength).toEqual(b.entries.fileDigestLength);
    }
  });

  it('named boot_aggregate and file digests match the documented values', () => {
    const fileDigest = (log: ImaLog, i: number): string => {
      const o = log.entries.fileDigestOffset[i];
      const alg = log.digestAlgorithms[log.entries.fileDigestAlgorithm[i]];
      return `${alg}:${toHex(log.data.subarray(o, o + log.entries.fileDigestLength[i]))}`;
    };
    const first = (file: string[]): string => fileDigest(parseImaLog(readSharedData(...file)), 0);
    expect(first(['realdata', 'embrave-2023-06-26', 'binary_runtime_measurements'])).toMatch(/^sha256:7b6436b0/);
    expect(first(['realdata', 'ima-evm-utils', 'sample-ascii_runtime_measurements-pcrs-8-9'])).toBe(
      'sha256:83d19723ef3b3c05bb8ae70d86b3886c158f2408f1b71ed265886a7b79eb700e',
    );
    expect(first(['realdata', 'ima-evm-utils', 'test_ascii_runtime_measurements'])).toBe(
      'sha256:f1b4c7c9b27e94569f4c2b64051c452bc609c3cb891dd7fae06b758f8bc83d14',
    );
    expect(first(['realdata', 'ima-verify', '2025-03-01', 'binary_runtime_measurements_sha256'])).toMatch(/^sha256:fad464ba/);
    expect(first(['swtpm', 'binary_runtime_measurements'])).toBe(
      'sha256:cca5873abd80e35f4440167d5f81899296289a6b97fe15a98be56f6514c095c2',
    );
    const keyring = parseImaLog(readSharedData('realdata', 'keylime-tests', 'test_ima_verification-KEYRINGS.ascii'));
    expect(fileDigest(keyring, 0)).toBe('sha256:a7d52aaa18c23d2d9bb2abb4308c0eeee67387a42259f4a6b1a42257065f3d5a');
    const violations = parseImaLog(readSharedData('realdata', 'ima-verify', '2025-03-01', 'binary_runtime_measurements_sha256'));
    const hashes = verifyTemplateHashes(violations, provider);
    for (const i of hashes.violations) expect(readEntryName(violations, i)).toBe('/root/.local/share/nautilus/tags/meta.db');
  });

  it('swtpm: recorded digests are the sha1 values extended into the TPM (ima_extends.json)', () => {
    const extends_ = JSON.parse(readFileSync(sharedDataPath('swtpm', 'ima_extends.json'), 'utf8')) as [number, Record<string, string>][];
    const log = parseImaLog(readSharedData('swtpm', 'binary_runtime_measurements'));
    extends_.forEach(([pcr, banks], i) => {
      expect(log.entries.pcr[i]).toBe(pcr);
      // The violation (entry 4) extends ff…ff; the list records zeros.
      const expected = /^f+$/.test(banks.sha1) ? '00'.repeat(20) : banks.sha1;
      expect(toHex(readRecordedDigest(log, i))).toBe(expected);
    });
  });

  it('refuses the non-standard embrave-2023-06-07 list (binary and ASCII) with one parse error', () => {
    const binary = parseImaLog(readSharedData('realdata', 'embrave-2023-06-07', 'binary_runtime_measurements'));
    expect(binary.entries.length).toBe(0);
    expect(binary.errors.length).toBe(1);
    expect(binary.errors[0].offset).toBe(0);
    expect(binary.errors[0].message).toMatch(/digest length \(32\).*patched kernel.*refused/);
    const ascii = parseImaLog(readSharedData('realdata', 'embrave-2023-06-07', 'ascii_runtime_measurements'));
    expect(ascii.entries.length).toBe(0);
    expect(ascii.errors.length).toBe(1);
    expect(ascii.errors[0].message).toMatch(/lines 1–819 .*"sha256:"/);
  });

  it('tpm2-tss stray trailing bytes: one truncation error at the tail, all entries kept', () => {
    const bytes = readSharedData('realdata', 'tpm2-tss', 'sml-ima-sig-sha256.bin');
    const log = parseImaLog(bytes);
    const end = log.entries.entryOffset[8] + log.entries.entrySize[8];
    expect(bytes.length - end).toBe(6);
    expect(log.errors).toEqual([{ offset: end, message: expect.stringMatching(/^truncated entry at byte 987/) }]);
  });

  it('files that are not IMA lists give no entries and a parse error at byte 0', () => {
    for (const file of [
      ['realdata', 'keylime', 'binary_bios_measurements'],
      ['swtpm', 'binary_bios_measurements'],
      ['swtpm', 'q1_rsassa_sha256_10.msg'],
      ['realdata', 'keylime', 'mb_log.b64'],
      ['swtpm', 'pcr0-9.yaml'],
    ]) {
      const log = parseImaLog(readSharedData(...file));
      assertLogIntegrity(log);
      expect(log.entries.length).toBe(0);
      expect(log.errors.length).toBe(1);
      expect(log.errors[0].offset).toBe(0);
    }
  });
});

describe('ImaLogParser façade', () => {
  it('an empty input is a parse error, not a crash', () => {
    const log = new ImaLogParser().finish();
    expect(log.entries.length).toBe(0);
    expect(log.errors).toEqual([{ offset: 0, message: expect.stringMatching(/empty/) }]);
  });

  it('counts entries and bytes while streaming', () => {
    const bytes = fromHex(A1_ENTRY);
    if (bytes === undefined) throw new Error('bad hex');
    const twice = new Uint8Array([...bytes, ...bytes]);
    const p = new ImaLogParser({ format: 'binary' });
    p.push(twice.subarray(0, 150));
    expect(p.bytesConsumed).toBe(150);
    expect(p.entryCount).toBe(1);
    p.push(twice.subarray(150));
    expect(p.finish().entries.length).toBe(2);
    expect(p.entryCount).toBe(2);
  });

  it('makes no room past its byte limit, whatever size the caller expects', () => {
    const bytes = fromHex(A1_ENTRY);
    if (bytes === undefined) throw new Error('bad hex');
    // A 5 GiB file: room for all of it could not even be asked for (over the typed-array limit).
    const p = new ImaLogParser({ format: 'binary', sizeHint: 5 * 2 ** 30, maxBytes: 4096 });
    p.push(bytes);
    const log = p.finish();
    expect(log.entries.length).toBe(1);
    expect(log.data.buffer.byteLength).toBeLessThanOrEqual(4096);
  });

  it('stops at its byte limit (4 GiB, for 32-bit offsets) and says how much was left', () => {
    const bytes = fromHex(A1_ENTRY);
    if (bytes === undefined) throw new Error('bad hex');
    const thrice = new Uint8Array([...bytes, ...bytes, ...bytes]);
    const limit = bytes.length + 10;
    const p = new ImaLogParser({ format: 'binary', maxBytes: limit });
    for (let o = 0; o < thrice.length; o += 64) p.push(thrice.subarray(o, o + 64));
    expect(p.bytesConsumed).toBe(thrice.length);
    const log = p.finish();
    expect(log.entries.length).toBe(1);
    expect(log.sourceSize).toBe(limit);
    expect(log.errors.map((e) => e.offset)).toEqual([limit, bytes.length]);
    expect(log.errors[0]).toEqual({
      offset: limit,
      message: `the list goes on for ${thrice.length - limit} more bytes: only its first ${limit} bytes are read (the limit is 4 GiB)`,
    });
  });

  it('honours forced options (format, digest size, byte order)', () => {
    const bytes = fromHex(A1_ENTRY);
    if (bytes === undefined) throw new Error('bad hex');
    expect(parseImaLog(bytes, { digestSize: 20, byteOrder: 'little', format: 'binary' }).entries.length).toBe(1);
    // Told the wrong digest size or byte order, the parser finds no entry instead of guessing.
    expect(parseImaLog(bytes, { digestSize: 32 }).entries.length).toBe(0);
    expect(parseImaLog(bytes, { byteOrder: 'big' }).entries.length).toBe(0);
    expect(parseImaLog(bytes, { format: 'ascii' }).entries.length).toBe(0);
  });

  it.skipIf(!hasSharedData())('a snapshot while streaming is the finished log cut at the entries read so far', () => {
    const file = readSharedData('realdata', 'embrave-2023-06-26', 'binary_runtime_measurements');
    for (const readBack of [false, true]) {
      const p = new ImaLogParser({
        sizeHint: file.length,
        ...(readBack ? { readBack: new ChunkedByteSource(file.length, (start, end) => file.slice(start, end), { chunkSize: 4096 }) } : {}),
      });
      const snapshots: ImaLog[] = [];
      for (let o = 0; o < file.length; o += 7001) {
        p.push(file.subarray(o, o + 7001));
        const snapshot = p.snapshot();
        if (snapshot !== undefined) snapshots.push(snapshot);
      }
      const log = p.finish();
      expect(snapshots.length).toBeGreaterThan(5);
      expect(snapshots[0].entries.length).toBeLessThan(log.entries.length);
      for (const snapshot of snapshots) {
        const n = snapshot.entries.length;
        for (const [key, column] of Object.entries(snapshot.entries)) {
          if (typeof column !== 'number') expect([key, Array.from(column)]).toEqual([key, Array.from(log.entries[key as keyof typeof log.entries] as ArrayLike<number>).slice(0, n)]);
        }
        // Read after the whole list went in: later pushes did not disturb what it shows.
        expect(Array.from({ length: n }, (_, i) => summarizeEntry(snapshot, i))).toEqual(Array.from({ length: n }, (_, i) => summarizeEntry(log, i)));
        expect(snapshot.templates).toEqual(log.templates);
        expect(snapshot.digestSize).toBe(log.digestSize);
      }
    }
    // An ASCII list gives none (a line found cut off at the end would be taken back).
    const ascii = new ImaLogParser();
    ascii.push(readSharedData('realdata', 'embrave-2023-06-26', 'ascii_runtime_measurements'));
    expect(ascii.snapshot()).toBeUndefined();
  });

  it('a wrong sizeHint costs nothing but a copy', () => {
    const bytes = fromHex(A1_ENTRY);
    if (bytes === undefined) throw new Error('bad hex');
    for (const sizeHint of [0, 1, 50, 10_000]) {
      const log = parseImaLog(bytes, { sizeHint });
      expect(log.data).toEqual(bytes);
      expect(log.entries.length).toBe(1);
    }
  });
});

/** ima-format.md Appendix A.1: the complete 101-byte binary entry. */
const A1_ENTRY =
  '0a000000 5cb4d0d3e46b1d58253a04f4a734a4e9226e3910 06000000 696d612d6e67 3f000000 ' +
  '28000000 7368613235363a00 a948904f2f0f479b8f8197694b30184b0d2ed1c1cd2a1ec0fb85d299a192a447 ' +
  '0f000000 2f7573722f62696e2f68656c6c6f00';

describe('Appendix A vectors (binary)', () => {
  it('A.1: the ima-ng entry parses into its fields', () => {
    const bytes = fromHex(A1_ENTRY);
    if (bytes === undefined) throw new Error('bad hex');
    expect(bytes.length).toBe(101);
    const log = parseImaLog(bytes);
    assertLogIntegrity(log);
    expect(log.errors).toEqual([]);
    expect(summarizeLog(log).first).toEqual({
      pcr: 10,
      template: 'ima-ng',
      digest: '5cb4d0d3e46b1d58253a04f4a734a4e9226e3910',
      name: '/usr/bin/hello',
    });
    const e = log.entries;
    expect(templateDataOffset(log, 0)).toBe(38);
    expect(templateDataSize(log, 0)).toBe(63);
    expect(toHex(log.data.subarray(e.fileDigestOffset[0], e.fileDigestOffset[0] + e.fileDigestLength[0]))).toBe(
      'a948904f2f0f479b8f8197694b30184b0d2ed1c1cd2a1ec0fb85d299a192a447',
    );
    expect(log.digestAlgorithms[e.fileDigestAlgorithm[0]]).toBe('sha256');
  });

  it('A.1: the 113-byte entry of binary_runtime_measurements_sha256 has a 32-byte column', () => {
    const sha1Entry = fromHex(A1_ENTRY);
    const digest = fromHex('307f540853298f44042608ad8f674a064f09936535402c032efa8f056ef82d96');
    if (sha1Entry === undefined || digest === undefined) throw new Error('bad hex');
    const entry = new Uint8Array([...sha1Entry.subarray(0, 4), ...digest, ...sha1Entry.subarray(24)]);
    expect(entry.length).toBe(113);
    const log = parseImaLog(entry);
    expect(log.digestSize).toBe(32);
    expect(log.entries.length).toBe(1);
    expect(verifyTemplateHashes(log, provider).checked).toBe(1);
    expect(log.entries.flags[0] & EntryFlag.HashVerified).toBe(EntryFlag.HashVerified);
  });

  it('A.2: the 69-byte legacy `ima` entry (no data length, raw d, name without NUL)', () => {
    const bytes = fromHex(
      '0a000000 6366806542a9103c2ebc99e7b62a8c8e994c3839 03000000 696d61 ' +
        '22596363b3de40b06f981fb85d82312e8c0ed511 0e000000 2f7573722f62696e2f68656c6c6f',
    );
    if (bytes === undefined) throw new Error('bad hex');
    expect(bytes.length).toBe(69);
    const log = parseImaLog(bytes);
    assertLogIntegrity(log);
    expect(log.errors).toEqual([]);
    expect(readEntryName(log, 0)).toBe('/usr/bin/hello');
    const e = log.entries;
    expect(toHex(log.data.subarray(e.fileDigestOffset[0], e.fileDigestOffset[0] + 20))).toBe(
      '22596363b3de40b06f981fb85d82312e8c0ed511',
    );
    expect(log.digestAlgorithms[e.fileDigestAlgorithm[0]]).toBe('sha1');
    expect(verifyTemplateHashes(log, provider).checked).toBe(1);
    expect(e.flags[0]).toBe(EntryFlag.HashVerified);
  });
});
