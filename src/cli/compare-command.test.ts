/**
 * `imascope compare` run as users run it. The real pair (two boots of one VM) is checked
 * against an independent reading of both binary lists by a short python3 script: it walks
 * the ima-ng framing itself and classifies paths by the definition in compare-logs.ts.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { RUNTIME_POLICY_SCHEMA } from '../core/policy/policy-schema';
import { sharedDataPath } from '../core/testing/shared-data';
import type { CompareDocument } from '../core/compare/compare-json';

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return cliWith({}, ...args);
}

function cliWith(env: Readonly<Record<string, string>>, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/imascope.ts', ...args], { encoding: 'utf8', timeout: 60_000, maxBuffer: 64 << 20, env: { ...process.env, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every failing list parsed in a worker thread (list-thread.ts), however small. */
const IN_THREAD = { IMASCOPE_COMPARE_THREAD_MIN_BYTES: '0' };
/** Every failing list parsed on the main thread. */
const ON_MAIN = { IMASCOPE_COMPARE_THREAD_MIN_BYTES: String(2 ** 52) };

const vm = (...parts: string[]): string => sharedDataPath('realdata', 'ima-verify', ...parts);
const MARCH_1 = vm('2025-03-01', 'binary_runtime_measurements_sha256');
const MARCH_8 = vm('2025-03-08', 'binary_runtime_measurements_sha256');

/** Path classes of two little-endian ima-ng sha256 lists, read without imascope. */
const ORACLE = `
import struct, sys, collections, json
def read(p):
    d = open(p, 'rb').read(); o = 0; out = collections.defaultdict(set)
    while o < len(d):
        o += 4; td = d[o:o+32]; o += 32
        nl, = struct.unpack_from('<I', d, o); o += 4 + nl
        L, = struct.unpack_from('<I', d, o); o += 4; data = d[o:o+L]; o += L
        fl, = struct.unpack_from('<I', data, 0); dig = data[4:4+fl]
        nl2, = struct.unpack_from('<I', data, 4+fl); name = data[8+fl:8+fl+nl2].rstrip(b'\\0')
        if name == b'boot_aggregate' or td == bytes(32): continue
        out[name].add(dig)
    return out
r = read(sys.argv[1]); f = read(sys.argv[2]); c = collections.Counter()
for p, ds in f.items():
    c['new' if p not in r else 'same' if ds <= r[p] else 'changed'] += 1
c['gone'] = sum(1 for p in r if p not in f)
print(json.dumps(c))
`;

describe('imascope compare', () => {
  it('two boots of one VM: counts agree with an independent reading, exit 1', () => {
    const r = cli('compare', '--json', MARCH_1, MARCH_8);
    expect(r.status).toBe(1);
    const doc = JSON.parse(r.stdout) as CompareDocument;
    const oracle = spawnSync('python3', ['-c', ORACLE, MARCH_1, MARCH_8], { encoding: 'utf8' });
    const expected = JSON.parse(oracle.stdout) as Record<string, number>;
    expect({ changed: doc.changed, new: doc.new, gone: doc.gone, same: doc.same }).toEqual({
      changed: expected.changed ?? 0,
      new: expected.new ?? 0,
      gone: expected.gone ?? 0,
      same: expected.same ?? 0,
    });
    expect(doc.reference.boots[0].digest).toBe(doc.failing.boots[0].digest);
    expect(doc.divergence?.index).toBe(6);
  });

  it('reads as a diagnosis: verdict line first, then kernels and boots', () => {
    const r = cli('compare', MARCH_1, MARCH_8);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^CHANGED — 28 changed, 71 new, 781 gone, 3417 same \(paths\)\. Biggest: 2 changed, 8 new, 12 gone under \/var\/lib\/NetworkManager/);
    expect(r.stdout).toMatch(/^boot_aggregate: sha256:fad464ba.* on both sides$/m);
    expect(r.stdout).toContain('First divergence at entry 6');
  });

  it("with the failing side's PCRs, says whether its replay reaches the divergence", () => {
    const r = cli('compare', '--json', MARCH_1, MARCH_8, vm('2025-03-08', 'pcrs_sha256'));
    const doc = JSON.parse(r.stdout) as CompareDocument;
    expect(doc.failing.checks).toContainEqual({ source: 'pcr', bank: 'sha256', pcr: 10, status: 'match', matchedEntries: 3524, coversDivergence: true });
  });

  it('a list against itself (binary and ASCII renderings) exits 0', () => {
    const r = cli('compare', vm('2025-03-01', 'ascii_runtime_measurements_sha256'), MARCH_1);
    expect(r.stdout.split('\n')[0]).toMatch(/^NO CHANGES/);
    expect(r.status).toBe(0);
  });

  it('exits 2 naming a reference that cannot be read or is not a list', () => {
    const missing = cli('compare', '/nonexistent/reference.log', MARCH_8);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('/nonexistent/reference.log');
    const pcrs = cli('compare', vm('2025-03-01', 'pcrs'), MARCH_8);
    expect(pcrs.status).toBe(2);
    expect(pcrs.stderr).toMatch(/pcrs: the reference must be an IMA measurement list, not pcr-values/);
    expect(cli('compare', MARCH_1).status).toBe(2);
  });

  it('with --json, a run that compares nothing still prints one JSON document saying why', () => {
    const cases: Array<[string[], string, RegExp]> = [
      [['/nonexistent/reference.log', MARCH_8], 'input-unreadable', /\/nonexistent\/reference\.log/],
      [[vm('2025-03-01', 'pcrs'), MARCH_8], 'input-unreadable', /the reference must be an IMA measurement list/],
      [[MARCH_1], 'usage-error', /needs a REFERENCE and a FAILING list/],
      [['--bogus', MARCH_1, MARCH_8], 'usage-error', /unknown option '--bogus'/],
    ];
    for (const [args, code, message] of cases) {
      // --json last: an option error found before it is still reported as JSON.
      const r = cli('compare', ...args, '--json');
      expect(r.status, args.join(' ')).toBe(2);
      const doc = JSON.parse(r.stdout) as { schema: string; error: { code: string; message: string }; changed?: number };
      expect(doc.schema).toBe('imascope.compare/1');
      expect(doc.error.code).toBe(code);
      expect(doc.error.message).toMatch(message);
      expect(doc.changed).toBeUndefined();
      expect(r.stderr).toMatch(message);
      // The usage is our own text: written line by line, not marked as a name's line breaks are.
      if (code === 'usage-error') expect(r.stderr).toMatch(/\nusage: imascope compare /);
      expect(r.stderr).not.toContain('⟨U+000A⟩');
    }
  });

  it('--json read as the value of another option is not the JSON switch', () => {
    // `--accept --json`: a group named "--json"; without --write-policy that is a usage error, said as text.
    const r = cli('compare', '--accept', '--json', MARCH_1, MARCH_8);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/--accept chooses the groups --write-policy writes/);
  });

  it('a failing list parsed in a worker thread gives the same output, byte for byte', () => {
    const cases = [
      ['--json', MARCH_1, MARCH_8],
      [MARCH_8, vm('2025-03-01', 'ascii_runtime_measurements_sha256')],
      [sharedDataPath('policy', 'keylime', 'policies', 'policy-wrong.json'), MARCH_8],
    ];
    for (const args of cases) {
      const threaded = cliWith(IN_THREAD, 'compare', ...args);
      const main = cliWith(ON_MAIN, 'compare', ...args);
      expect(threaded.status).toBe(1);
      expect(threaded).toEqual(main);
    }
  });

  it('with the failing list in a worker thread, errors come in the same order', () => {
    // The reference cannot be read: said first, whatever the thread does with the failing list.
    const missing = cliWith(IN_THREAD, 'compare', '/nonexistent/reference.log', MARCH_8);
    expect(missing).toEqual(cliWith(ON_MAIN, 'compare', '/nonexistent/reference.log', MARCH_8));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('cannot read /nonexistent/reference.log');
    // The failing list is no list: the thread leaves it to the main thread, which refuses it.
    const pcrs = cliWith(IN_THREAD, 'compare', MARCH_8, vm('2025-03-01', 'pcrs'));
    expect(pcrs).toEqual(cliWith(ON_MAIN, 'compare', MARCH_8, vm('2025-03-01', 'pcrs')));
    expect(pcrs.stderr).toMatch(/the failing must be an IMA measurement list, not pcr-values/);
  });

  const keylime = (...parts: string[]): string => sharedDataPath('policy', 'keylime', ...parts);

  it('a Keylime policy as the reference: its digests are the known-good set, no divergence', () => {
    const r = cli('compare', '--json', keylime('policies', 'policy-wrong.json'), keylime('logs', 'combined.ascii'));
    expect(r.status).toBe(1);
    const doc = JSON.parse(r.stdout) as CompareDocument;
    // policy-wrong lists dd and zmore with other digests, nothing else (Keylime: 2 runtime_policy_hash, 3 not_in_allowlist).
    expect({ changed: doc.changed, new: doc.new, gone: doc.gone, same: doc.same }).toEqual({ changed: 2, new: 3, gone: 0, same: 0 });
    expect(doc.reference).toMatchObject({ name: 'policy-wrong.json', kind: 'policy', policy: { format: 'keylime-v1' } });
    expect(doc.divergence).toBeUndefined();
    const flat = cli('compare', keylime('create-runtime-policy', 'allowlist-sha256'), keylime('create-runtime-policy', 'ima-log-sha256'));
    expect(flat.stdout).toMatch(/runtime policy \(allowlist\), 1 accepted digest for 1 path,/);
  });

  it('--write-policy: a schema-valid policy that accepts the changes, and with it nothing changed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'imascope-compare-'));
    const out = join(dir, 'update.json');
    const r = cli('compare', '--write-policy', out, keylime('policies', 'policy-wrong.json'), keylime('logs', 'combined.ascii'));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('5 accepted paths added to the reference policy');
    const policy = JSON.parse(readFileSync(out, 'utf8')) as { digests: Record<string, string[]> };
    const validate = new Ajv({ strict: false }).compile(RUNTIME_POLICY_SCHEMA);
    expect(validate(policy), JSON.stringify(validate.errors)).toBe(true);
    // The digests the list measured (its text), beside the policy's old ones.
    const line = readFileSync(keylime('logs', 'combined.ascii'), 'utf8').split('\n').find((l) => l.includes(' /usr/bin/dd'));
    expect(policy.digests['/usr/bin/dd']).toContain(line?.split(/\s+/)[3].split(':')[1]);
    expect(policy.digests['/usr/bin/dd']).toContain('bad05d13792292e202dbf69a6f1b07bc8a02f01424db8489ba7bb7d43c0290ef');
    const again = cli('compare', out, keylime('logs', 'combined.ascii'));
    expect(again.stdout.split('\n')[0]).toMatch(/^NO CHANGES/);
    expect(again.status).toBe(0);
    // One group only; a group that does not exist is refused, and nothing is written.
    const outOne = join(dir, 'update-usr-bin.json');
    const one = cli('compare', '--json', '--write-policy', outOne, '--accept', '/usr/bin', keylime('policies', 'policy-wrong.json'), keylime('logs', 'combined.ascii'));
    expect(one.stderr).toContain('2 accepted paths');
    expect(Object.keys((JSON.parse(readFileSync(outOne, 'utf8')) as { digests: object }).digests).sort()).toEqual(['/usr/bin/dd', '/usr/bin/zmore']);
    writeFileSync(out, 'untouched');
    const unknown = cli('compare', '--write-policy', out, '--accept', '/nowhere', keylime('policies', 'policy-wrong.json'), keylime('logs', 'combined.ascii'));
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('--accept /nowhere: no such group');
    expect(readFileSync(out, 'utf8')).toBe('untouched');
  });

  it('a policy listing more paths than the list measured: no changes, exit 0', () => {
    const dir = mkdtempSync(join(tmpdir(), 'imascope-compare-'));
    const created = cli('policy', 'create', keylime('logs', 'combined.ascii'));
    expect(created.status).toBe(0);
    const policy = JSON.parse(created.stdout) as { digests: Record<string, string[]> };
    policy.digests['/usr/bin/never-measured'] = ['0'.repeat(64)];
    const file = join(dir, 'wider.json');
    writeFileSync(file, JSON.stringify(policy));
    const r = cli('compare', file, keylime('logs', 'combined.ascii'));
    expect(r.stdout.split('\n')[0]).toMatch(/^NO CHANGES — all \d+ measured paths have digests the policy accepts \(1 of its paths was not measured\)$/);
    expect(r.status).toBe(0);
    const doc = JSON.parse(cli('compare', '--json', file, keylime('logs', 'combined.ascii')).stdout) as CompareDocument;
    expect({ gone: doc.gone, changed: doc.changed, new: doc.new }).toEqual({ gone: 1, changed: 0, new: 0 });
  });

  it('--write-policy never overwrites an input or an existing policy / list: exit 2, nothing written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'imascope-compare-'));
    const reference = join(dir, 'ref.bin');
    const failing = join(dir, 'fail.bin');
    copyFileSync(MARCH_1, reference);
    copyFileSync(MARCH_8, failing);
    const original = readFileSync(MARCH_1);
    const r = cli('compare', '--write-policy', reference, reference, failing);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--write-policy .*ref\.bin: that is also an input file; not overwritten/);
    expect(Buffer.compare(readFileSync(reference), original)).toBe(0);
    // An existing policy (an earlier update) is measurement data too: said in the one JSON document.
    const earlier = join(dir, 'update.json');
    copyFileSync(keylime('policies', 'policy-wrong.json'), earlier);
    const again = cli('compare', '--json', '--write-policy', earlier, reference, failing);
    expect(again.status).toBe(2);
    expect(JSON.parse(again.stdout)).toMatchObject({ error: { code: 'usage-error', message: expect.stringMatching(/reads as runtime-policy/) as unknown } });
    expect(readFileSync(earlier, 'utf8')).toBe(readFileSync(keylime('policies', 'policy-wrong.json'), 'utf8'));
  });

  it('--write-policy refuses a failing list whose accepted entries do not verify', () => {
    const dir = mkdtempSync(join(tmpdir(), 'imascope-compare-'));
    const tampered = join(dir, 'tampered.ascii');
    // The dd line's file digest altered: its template digest no longer covers it.
    const text = readFileSync(keylime('logs', 'combined.ascii'), 'utf8').replace(/sha256:d33d5d13/, 'sha256:d33d5d14');
    writeFileSync(tampered, text);
    const r = cli('compare', '--write-policy', join(dir, 'p.json'), keylime('policies', 'policy-wrong.json'), tampered);
    // The list's own check fails (exit 1), and that alone stops the policy.
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/no policy written: the failing list's own checks failed \(template-hash-mismatch\)/);
    expect(existsSync(join(dir, 'p.json'))).toBe(false);
  });

  it('exits 2 naming a reference policy that cannot be read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'imascope-compare-'));
    const bad = join(dir, 'bad-policy.json');
    writeFileSync(bad, '{"digests": {"/usr/bin/a": "not a list"}}');
    const r = cli('compare', bad, keylime('logs', 'combined.ascii'));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('bad-policy.json: the reference policy cannot be read: /digests/~1usr~1bin~1a');
  });
});

// The failing side's checks (adversarial review D2, D14): every file given with the failing
// list is checked as `analyze` checks it, and a failed check is exit 1 whatever the lists'
// differences; each list's own template hashes are checked. The expected verdicts come from
// the tools that made the data: evmctl and tpm2_checkquote's transcripts beside the files.
describe('imascope compare: the checks of each side', () => {
  const swtpm = (name: string): string => sharedDataPath('swtpm', name);
  const keylime = (...parts: string[]): string => sharedDataPath('policy', 'keylime', ...parts);
  const LIST = swtpm('binary_runtime_measurements');
  /** The exit status a transcript of evmctl or tpm2_checkquote ends with. */
  const toolStatus = (name: string): number => Number(/rc=(\d+)\s*$/.exec(readFileSync(swtpm(name), 'utf8'))?.[1]);
  const json = (r: { stdout: string }): CompareDocument => JSON.parse(r.stdout) as CompareDocument;
  const codes = (findings: CompareDocument['failing']['findings']): string[] => (findings ?? []).filter((f) => f.severity === 'error').map((f) => f.code);
  const counts = (d: CompareDocument): number[] => [d.changed, d.new, d.gone, d.same];

  it('PCR values the failing list does not reproduce: exit 1, said first, counts as without them', () => {
    expect(toolStatus('evmctl_fail_pcr.txt')).toBe(1);
    expect(toolStatus('evmctl_ok.txt')).toBe(0);
    const bare = json(cli('compare', '--json', LIST, LIST));
    const tampered = cli('compare', '--json', LIST, LIST, swtpm('evmctl_pcrs_sha256_tampered.txt'));
    expect(tampered.status).toBe(1);
    const doc = json(tampered);
    expect(counts(doc)).toEqual(counts(bare));
    expect(codes(doc.failing.findings)).toEqual(['pcr-mismatch']);
    const text = cli('compare', LIST, LIST, swtpm('evmctl_pcrs_sha256_tampered.txt'));
    expect(text.status).toBe(1);
    expect(text.stdout.split('\n')[0]).toMatch(/^FAIL — the failing list binary_runtime_measurements: .*sha256 PCR 10/);
    const good = cli('compare', LIST, LIST, swtpm('evmctl_pcrs_sha1.txt'), swtpm('evmctl_pcrs_sha256.txt'));
    expect(good.status).toBe(0);
    expect(good.stdout.split('\n')[0]).toMatch(/^NO CHANGES/);
  });

  it('--write-policy writes nothing when the failing list\'s own checks fail (its PCRs disagree)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'imascope-compare-'));
    const out = join(dir, 'update.json');
    const r = cli('compare', '--write-policy', out, LIST, LIST, swtpm('evmctl_pcrs_sha256_tampered.txt'));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/no policy written: the failing list's own checks failed \(pcr-mismatch\)/);
    expect(existsSync(out)).toBe(false);
    const good = cli('compare', '--write-policy', out, LIST, LIST, swtpm('evmctl_pcrs_sha256.txt'));
    expect(good.status).toBe(0);
    expect(existsSync(out)).toBe(true);
  });

  it("a quote whose signature does not verify with the AK: exit 1 with quote-signature-invalid, as analyze", () => {
    expect(toolStatus('checkquote_fail_msg.txt')).toBe(1);
    expect(toolStatus('checkquote_ok_q1.txt')).toBe(0);
    const tampered = cli('compare', '--json', LIST, LIST, swtpm('tampered_q1.msg'), swtpm('q1_rsassa_sha256_10.sig'), swtpm('ak_rsa.pub'));
    expect(tampered.status).toBe(1);
    expect(codes(json(tampered).failing.findings)).toContain('quote-signature-invalid');
    // A quote that matches the list, with another quote's signature: the signature alone fails.
    const wrongSig = cli('compare', LIST, LIST, swtpm('q1_rsassa_sha256_10.msg'), swtpm('q4_rsapss.sig'), swtpm('ak_rsa.pub'));
    expect(wrongSig.status).toBe(1);
    expect(wrongSig.stdout.split('\n')[0]).toMatch(/^FAIL — .*Quote signature does not verify/);
    const analyzed = cli('analyze', LIST, swtpm('q1_rsassa_sha256_10.msg'), swtpm('q4_rsapss.sig'), swtpm('ak_rsa.pub'));
    expect(analyzed.status).toBe(1);
    const good = cli('compare', '--json', LIST, LIST, swtpm('q1_rsassa_sha256_10.msg'), swtpm('q1_rsassa_sha256_10.sig'), swtpm('ak_rsa.pub'));
    expect(good.status).toBe(0);
    expect(json(good).failing.checks).toContainEqual({ source: 'quote', status: 'match', matchedEntries: 6 });
  });

  it('a template digest that is not the hash of its data, in either list: exit 1, named with its entry', () => {
    const dir = mkdtempSync(join(tmpdir(), 'imascope-compare-'));
    const good = keylime('logs', 'combined.ascii');
    const text = readFileSync(good, 'utf8');
    const tampered = join(dir, 'tampered.ascii');
    // The dd line's file digest altered: its template digest no longer covers it.
    writeFileSync(tampered, text.replace(/sha256:d33d5d13/, 'sha256:d33d5d14'));
    const ddEntry = text.split('\n').findIndex((l) => l.includes('sha256:d33d5d13'));
    // The failing list checked in the parse thread, and on the main thread.
    for (const [env, args, side] of [
      [IN_THREAD, [good, tampered], 'failing'],
      [ON_MAIN, [good, tampered], 'failing'],
      [IN_THREAD, [tampered, good], 'reference'],
    ] as const) {
      const r = cliWith(env, 'compare', '--json', ...args);
      expect(r.status).toBe(1);
      const doc = json(r);
      const mismatch = doc[side].findings?.find((f) => f.code === 'template-hash-mismatch');
      expect(mismatch?.entries).toEqual([ddEntry]);
      expect(codes(doc[side === 'failing' ? 'reference' : 'failing'].findings)).toEqual([]);
    }
    // Untampered, the same lists agree: exit 0.
    expect(cli('compare', good, good).status).toBe(0);
  });

  it('another IMA list after the two is refused (exit 2), never set aside', () => {
    const r = cli('compare', '--json', LIST, LIST, LIST);
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ error: { code: 'usage-error', message: expect.stringMatching(/another IMA measurement list/) as unknown } });
  });

  it('a runtime policy after the two is applied to the failing list, as analyze applies it', () => {
    const list = keylime('logs', 'combined.ascii');
    const empty = cli('compare', '--json', list, list, keylime('policies', 'policy-empty.json'));
    expect(empty.status).toBe(1);
    expect(codes(json(empty).failing.findings)).toEqual(['policy-not-in-allowlist']);
    const dir = mkdtempSync(join(tmpdir(), 'imascope-compare-'));
    const own = join(dir, 'own.json');
    writeFileSync(own, cli('policy', 'create', list).stdout);
    const passing = cli('compare', '--json', list, list, own);
    expect(passing.status).toBe(0);
    expect(json(passing).failing.findings?.map((f) => f.code)).toContain('policy-pass');
  });
});
