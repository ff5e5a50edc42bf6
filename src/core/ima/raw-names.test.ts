// Names the kernel prints raw in ASCII lists: only spaces become `_`, so a name can hold a tab,
// end in a CR, or span lines. Each list comes from the project's builder as a binary twin and
// an ASCII list; the ASCII one must read to the same bytes (same entries, same template hashes,
// same replay), in an LF file and copied to CRLF. python3 hashlib confirms, from the ASCII text
// alone, that each digest column covers the raw name.
import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeRaw } from '../analysis/analyze';
import { createWasmHashProvider, type HashProvider } from '../hash/hash-provider';
import { assertLogIntegrity } from '../testing/assert-log-integrity';
import { buildImaLog, formatEvmctlPcrFile, type BuildEntry, type BuilderOptions } from '../testing/build-ima-log';
import { bytesEqual, encodeText, toHex } from '../util/bytes';
import { parseImaLog } from './parse-ima-log';
import { readEntryName, verifyTemplateHashes } from './template-digests';

let provider: HashProvider;
beforeAll(async () => {
  provider = await createWasmHashProvider();
});

const build = (entries: readonly BuildEntry[], options: Partial<BuilderOptions> = {}) =>
  buildImaLog(entries, { provider, ...options });

const SIG = Uint8Array.of(0x03, 0x02, 0x04, 0xde, 0xad);

/** Every kind of raw name, after an ordinary first entry (like a kernel's boot_aggregate). */
const ENTRIES: BuildEntry[] = [
  { path: '/usr/bin/init' },
  { path: '/tmp/a\tb' },
  { path: '/tmp/a\r' },
  { path: '/tmp/a\nb' },
  { path: '/x\n\ny\n' },
  { template: 'ima-sig', path: '/opt/s\tig\nned', sig: SIG },
  { template: 'ima-sig', path: '/opt/unsigned\n' },
  { template: 'ima', path: 'legacy\ttab\nnewline' },
  { path: '\t' },
  { path: '\r' },
  { path: '\n' },
  { path: '\r\n' },
  { path: '\t\n\r\v\f' },
  { path: '/tmp/last' },
];

/**
 * python3's check of the ASCII text: each entry's line is its head, then exactly its raw name
 * (and `sig`), then a newline; the hash of the template data rebuilt from that is column 2.
 */
function pythonConfirms(ascii: string, entries: readonly BuildEntry[]): boolean[] {
  const script = String.raw`
import hashlib, json, re, struct, sys
text = sys.stdin.buffer.read()
p = 0
for tmpl, name, sig in json.loads(sys.argv[1]):
    name, sig = bytes.fromhex(name), bytes.fromhex(sig)
    m = re.compile(rb'( ?\d+) ([0-9a-f]+) (\S+) (\S+) ').match(text, p)
    th, d = m.group(2), m.group(4)
    p = m.end()
    assert text[p:p + len(name)] == name
    p += len(name)
    if tmpl == 'ima-sig':
        assert text[p:p + 1 + 2 * len(sig)] == b' ' + sig.hex().encode()
        p += 1 + 2 * len(sig)
    assert text[p:p + 1] == b'\n'
    p += 1
    algo = {40: 'sha1', 64: 'sha256'}[len(th)]
    if tmpl == 'ima':
        data = bytes.fromhex(d.decode()) + name.ljust(256, b'\0')
    else:
        prefix, digest = d.split(b':')
        fields = [prefix + b':\0' + bytes.fromhex(digest.decode()), name + b'\0'] + ([sig] if tmpl == 'ima-sig' else [])
        data = b''.join(struct.pack('<I', len(f)) + f for f in fields)
    print(hashlib.new(algo, data).hexdigest() == th.decode())
`;
  const spec = entries.map((e) => [e.template ?? 'ima-ng', toHex(encodeText(e.path)), toHex(e.sig ?? new Uint8Array(0))]);
  const out = execFileSync('python3', ['-c', script, JSON.stringify(spec)], { input: ascii, encoding: 'utf8' });
  return out.trim().split('\n').map((l) => l === 'True');
}

/** The ASCII text reads to the binary twin: no error, same bytes, every template hash checked. */
function expectTwin(text: string, binary: Uint8Array, entries: readonly BuildEntry[]): void {
  const log = parseImaLog(encodeText(text));
  assertLogIntegrity(log);
  expect(log.errors).toEqual([]);
  expect(entries.map((_, i) => readEntryName(log, i))).toEqual(entries.map((e) => e.path));
  expect(bytesEqual(log.data, binary)).toBe(true);
  const hashes = verifyTemplateHashes(log, provider);
  expect(hashes.mismatches).toEqual([]);
  expect(hashes.checked).toBe(entries.length);
}

const crlf = (text: string): string => text.replace(/\n/g, '\r\n');

describe('raw names in ASCII lists', () => {
  for (const bank of ['sha1', 'sha256'] as const) {
    it(`tab, CR, newlines and names of only such bytes (${bank} list): read as the binary twin, LF and CRLF`, () => {
      const built = build(ENTRIES, { listBank: bank });
      expect(built.ascii).toContain(' /tmp/a\tb\n');
      expect(built.ascii).toContain(' /tmp/a\r\n');
      expect(built.ascii).toContain(' /tmp/a\nb\n');
      expect(pythonConfirms(built.ascii, ENTRIES)).toEqual(ENTRIES.map(() => true));
      expectTwin(built.ascii, built.binary, ENTRIES);
      expectTwin(crlf(built.ascii), built.binary, ENTRIES);
    });
  }

  it('a name ending in CR on the first line of an LF list, and in a CRLF list', () => {
    const entries: BuildEntry[] = [{ path: '/tmp/a\r' }, { path: '/tmp/b' }, { path: '\r' }];
    const built = build(entries);
    expectTwin(built.ascii, built.binary, entries);
    expectTwin(crlf(built.ascii), built.binary, entries);
  });

  it('the ASCII list replays like its binary twin: PCR match, no error finding', async () => {
    const built = build(ENTRIES);
    const pcrs = { name: 'pcrs', bytes: encodeText(formatEvmctlPcrFile(built.pcrs.get('sha1') ?? new Map())) };
    for (const bytes of [built.binary, encodeText(built.ascii), encodeText(crlf(built.ascii))]) {
      const report = (await analyzeRaw([{ name: 'list', bytes }, pcrs], { banks: ['sha1'] }, provider)).report;
      expect(report.pcrChecks).toEqual([
        expect.objectContaining({ pcr: 10, status: 'match', matchedEntries: ENTRIES.length }),
      ]);
      expect(report.findings.filter((f) => f.severity === 'error')).toEqual([]);
      expect(report.log?.errors).toEqual([]);
    }
  });

  it('a tab typed where the kernel put a space (or nothing): the reading the template hash confirms', () => {
    const entries: BuildEntry[] = [{ path: '/a' }, { template: 'ima-sig', path: '/b', sig: SIG }, { path: '/c' }];
    const built = build(entries);
    const lines = built.ascii.split('\n');
    const edited = [lines[0].replace(/ \/a$/, ' /a\t'), lines[1].replace(/ 030204dead$/, '\t030204dead'), lines[2]];
    expectTwin(edited.join('\n'), built.binary, entries);
  });

  it('a violation with a tab in its name is read as the kernel printed it (nothing to confirm)', () => {
    const entries: BuildEntry[] = [{ path: '/a\tb', violation: true }];
    const built = build(entries);
    const log = parseImaLog(encodeText(built.ascii));
    expect(log.errors).toEqual([]);
    expect(readEntryName(log, 0)).toBe('/a\tb');
    expect(bytesEqual(log.data, built.binary)).toBe(true);
  });

  it('a name holds at most 16 newlines (each line tried re-hashes the group: runs of blank lines stay linear)', () => {
    const at = (n: number): BuildEntry[] => [{ path: `/n${'\n'.repeat(n)}x` }, { path: '/after' }];
    const read = build(at(16));
    expectTwin(read.ascii, read.binary, at(16));
    // Seventeen newlines: not joined, the continuation lines are parse errors (said, not lost).
    const cut = build(at(17));
    const log = parseImaLog(encodeText(cut.ascii));
    expect(log.errors.length).toBeGreaterThan(0);
    expect(log.entries.length).toBe(2);
    // Thousands of blank lines after an entry: read, nothing lost.
    const blank = build([{ path: '/a' }, { path: '/b' }]);
    const lines = blank.ascii.split('\n');
    const padded = parseImaLog(encodeText(`${lines[0]}\n${'\n'.repeat(4000)}${lines[1]}\n`));
    expect(padded.errors).toEqual([]);
    expect(bytesEqual(padded.data, blank.binary)).toBe(true);
  });

  it('a line after an entry that no join confirms stays a parse error; the entry is kept', () => {
    const built = build([{ path: '/a' }, { path: '/b' }]);
    const lines = built.ascii.split('\n');
    const text = `${lines[0]}\ngarbage\n${lines[1]}\n`;
    const log = parseImaLog(encodeText(text));
    expect(log.entries.length).toBe(2);
    expect(log.errors).toEqual([
      { offset: lines[0].length + 1, message: `line 2 (byte ${lines[0].length + 1}): expected a decimal PCR index at the start of the line; line skipped` },
    ]);
  });
});
