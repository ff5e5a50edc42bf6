// File names with spaces in ASCII lists (kernels before 3.13 and list-rewriting tools keep
// them; openEuler kunpengsecl ships `… ima 1ceaf73d… /tmp/#17634599 (deleted)`). Lists come
// from the project's builder; python3 hashlib confirms, from the text alone, that the template
// hash covers the name with its spaces.
import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { createWasmHashProvider, type HashProvider } from '../hash/hash-provider';
import { EntryFlag } from '../model/ima-log';
import { analyzeRaw } from '../analysis/analyze';
import { assertLogIntegrity } from '../testing/assert-log-integrity';
import { buildImaLog, formatEvmctlPcrFile, type BuildEntry, type BuilderOptions } from '../testing/build-ima-log';
import { bytesEqual, encodeText } from '../util/bytes';
import { parseImaLog } from './parse-ima-log';
import { readEntryName, verifyTemplateHashes } from './template-digests';

let provider: HashProvider;
beforeAll(async () => {
  provider = await createWasmHashProvider();
});

/**
 * python3's reading of each line: the name is the rest of the line after the fields before it
 * (and before the `after` trailing fields), and the template hash is recomputed over it.
 */
function pythonConfirms(ascii: string, after: number): boolean[] {
  const script = String.raw`
import hashlib, struct, sys
after = int(sys.argv[1])
for line in sys.stdin.buffer.read().split(b'\n'):
    if not line: continue
    pcr, th, tmpl, rest = line.split(b' ', 3)
    algo = {40: 'sha1', 64: 'sha256', 96: 'sha384', 128: 'sha512'}[len(th)]
    if tmpl == b'ima':
        d, name = rest.split(b' ', 1)
        data = bytes.fromhex(d.decode()) + name.ljust(256, b'\0')
    else:
        dng, tail = rest.split(b' ', 1)
        parts = tail.rsplit(b' ', after) if after else [tail]
        prefix, digest = dng.split(b':')
        fields = [prefix + b':\0' + bytes.fromhex(digest.decode()), parts[0] + b'\0'] + [bytes.fromhex(p.decode()) for p in parts[1:]]
        data = b''.join(struct.pack('<I', len(f)) + f for f in fields)
    print(hashlib.new(algo, data).hexdigest() == th.decode())
`;
  const out = execFileSync('python3', ['-c', script, String(after)], { input: ascii, encoding: 'utf8' });
  return out.trim().split('\n').map((l) => l === 'True');
}

const KUNPENG_NAME = '/tmp/#17634599 (deleted)';

function build(entries: readonly BuildEntry[], options: Partial<BuilderOptions> = {}) {
  return buildImaLog(entries, { provider, ...options });
}

describe('names with spaces in ASCII lists', () => {
  it('the kunpengsecl `ima` line: the name takes the rest of the line, confirmed by the template hash', () => {
    const built = build([
      { template: 'ima', path: '/usr/bin/a', fileDigest: { content: 'a' } },
      { template: 'ima', path: KUNPENG_NAME, keepSpaces: true, fileDigest: { content: 'x' } },
      { template: 'ima', path: '/a  b ', keepSpaces: true, fileDigest: { content: 'y' } },
    ]);
    expect(built.ascii.split('\n')[1]).toMatch(/^10 [0-9a-f]{40} ima [0-9a-f]{40} \/tmp\/#17634599 \(deleted\)$/);
    expect(pythonConfirms(built.ascii, 0)).toEqual([true, true, true]);
    const log = parseImaLog(encodeText(built.ascii));
    assertLogIntegrity(log);
    expect(log.errors).toEqual([]);
    expect([0, 1, 2].map((i) => readEntryName(log, i))).toEqual(['/usr/bin/a', KUNPENG_NAME, '/a  b ']);
    expect(bytesEqual(log.data, built.binary)).toBe(true);
    expect(verifyTemplateHashes(log, provider).mismatches).toEqual([]);
  });

  for (const bank of ['sha1', 'sha256'] as const) {
    it(`ima-ng and ima-sig lines (${bank} list): every reading is tried, the template hash decides`, () => {
      const sig = Uint8Array.of(0x03, 0x02, 0x04, 0xde, 0xad);
      const entries: BuildEntry[] = [
        { path: '/opt/my file', keepSpaces: true },
        { template: 'ima-sig', path: '/opt/signed file', keepSpaces: true, sig },
        // A last name part that is hex: it could be the signature, but it is not.
        { template: 'ima-sig', path: '/opt/unsigned dead', keepSpaces: true },
        { template: 'ima-sig', path: '/opt/x 0302 dead', keepSpaces: true, sig },
        { template: 'ima-ng', path: ' lead and  double', keepSpaces: true },
      ];
      const built = build(entries, { listBank: bank });
      const lines = built.ascii.split('\n');
      expect(lines[2]).toMatch(/ \/opt\/unsigned dead $/);
      expect(pythonConfirms([lines[0], lines[4]].join('\n'), 0)).toEqual([true, true]);
      expect(pythonConfirms([lines[1], lines[2], lines[3]].join('\n'), 1)).toEqual([true, true, true]);
      // A lost trailing space is tolerated too, except where the name ends in hex (entry 2):
      // that line then splits into exactly the template's fields, read as written without
      // hashing (hashing every signed line while parsing costs too much); the template-hash
      // check flags it.
      const stripped = lines.map((l, i) => (i === 2 ? l : l.replace(/ $/, ''))).join('\n');
      for (const text of [built.ascii, stripped]) {
        const log = parseImaLog(encodeText(text));
        expect(log.errors).toEqual([]);
        expect(entries.map((_, i) => readEntryName(log, i))).toEqual(entries.map((e) => e.path));
        expect(bytesEqual(log.data, built.binary)).toBe(true);
        const hashes = verifyTemplateHashes(log, provider);
        expect(hashes.mismatches).toEqual([]);
        expect(hashes.checked).toBe(entries.length);
      }
    });
  }

  it('a line no reading confirms is a parse error that says so; the lines around it are kept', () => {
    const built = build([{ path: '/a' }, { path: '/my file', keepSpaces: true, corruptTemplateDigest: true }, { path: '/b' }]);
    const log = parseImaLog(encodeText(built.ascii));
    expect(log.entries.length).toBe(2);
    expect(log.errors).toEqual([
      {
        offset: built.ascii.indexOf('\n') + 1,
        message:
          'line 2 (byte ' +
          (built.ascii.indexOf('\n') + 1) +
          '): expected 2 fields after template "ima-ng", found 3; read with spaces in the name, it does not reproduce its recorded template digest; line skipped',
      },
    ]);
    const legacy = build([{ template: 'ima', path: 'x y', keepSpaces: true, corruptTemplateDigest: true }]);
    expect(parseImaLog(encodeText(legacy.ascii)).errors[0].message).toMatch(
      /found 3; read with spaces in the name, it does not reproduce its recorded template digest/,
    );
  });

  it('a violation (zero digest) confirms no name with spaces', () => {
    const built = build([{ path: '/my file', keepSpaces: true, violation: true }]);
    const log = parseImaLog(encodeText(built.ascii));
    expect(log.entries.length).toBe(0);
    expect(log.errors[0].message).toMatch(/does not reproduce its recorded template digest/);
  });

  it('whitespace runs in a line without spaced names still read as written', () => {
    const built = build([{ template: 'ima-sig', path: '/usr/bin/x', sig: Uint8Array.of(1, 2) }]);
    const log = parseImaLog(encodeText(built.ascii.replace(/ /g, '  ')));
    expect(log.errors).toEqual([]);
    expect(bytesEqual(log.data, built.binary)).toBe(true);
  });
});

describe('finding name-with-spaces', () => {
  it('is an info for templates of kernels since 3.13, in binary and ASCII lists; not for `ima`', async () => {
    const built = build([
      { template: 'ima', path: KUNPENG_NAME, keepSpaces: true },
      { path: '/opt/my file', keepSpaces: true },
      { template: 'ima-sig', path: '/opt/other file', keepSpaces: true },
      { path: '/plain' },
    ]);
    const pcrs = { name: 'pcrs', bytes: encodeText(formatEvmctlPcrFile(built.pcrs.get('sha1') ?? new Map())) };
    for (const bytes of [built.binary, encodeText(built.ascii)]) {
      const report = (await analyzeRaw([{ name: 'list', bytes }, pcrs], { banks: ['sha1'] }, provider)).report;
      expect(report.pcrChecks).toEqual([expect.objectContaining({ pcr: 10, status: 'match', matchedEntries: 4 })]);
      const found = report.findings.filter((f) => f.code === 'name-with-spaces');
      expect(found).toEqual([expect.objectContaining({ severity: 'info', entries: [1, 2] })]);
      expect(report.findings.filter((f) => f.severity === 'error')).toEqual([]);
    }
    const legacyOnly = build([{ template: 'ima', path: KUNPENG_NAME, keepSpaces: true }]);
    const report = (await analyzeRaw([{ name: 'list', bytes: encodeText(legacyOnly.ascii) }], {}, provider)).report;
    expect(report.findings.map((f) => f.code)).not.toContain('name-with-spaces');
    expect(report.log?.errors).toEqual([]);
  });

  it('entries with spaced names are flagged nowhere else', () => {
    const built = build([{ path: '/opt/my file', keepSpaces: true }]);
    const log = parseImaLog(encodeText(built.ascii));
    expect(log.entries.flags[0] & ~EntryFlag.HashVerified).toBe(0);
  });
});
