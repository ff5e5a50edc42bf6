import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { sharedDataPath } from '../core/testing/shared-data';
import { REPORT_SCHEMA, type Report } from '../core/report/report';
import { createWasmHashProvider } from '../core/hash/hash-provider';
import { buildImaLog } from '../core/testing/build-ima-log';
import { numberedFiles } from '../core/testing/ima-scenarios';
import { emptyPolicyDocument } from '../core/policy/create-policy';

/** Runs the CLI as users do (a separate Node process), from source through tsx. */
function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return cliWith({}, ...args);
}

function cliWith(env: Record<string, string>, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/imascope.ts', ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const swtpm = (name: string): string => sharedDataPath('swtpm', name);

/**
 * A report far larger than a pipe's buffer (64 KiB): 3,000 entries that an empty policy fails,
 * each a failure in the report. Its files, in a new folder.
 */
async function largeReportCase(): Promise<{ dir: string; list: string; policy: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'imascope-pipe-'));
  const list = join(dir, 'list.bin');
  const policy = join(dir, 'empty-policy.json');
  writeFileSync(list, buildImaLog(numberedFiles(3000), { provider: await createWasmHashProvider() }).binary);
  writeFileSync(policy, JSON.stringify(emptyPolicyDocument()));
  return { dir, list, policy };
}

describe('imascope analyze', () => {
  // Read whole, the report is written from this thread; streamed, the bank thread writes it (bank-thread.ts stdoutWriter).
  const WRITERS = [
    ['the list read whole', ''],
    ['the list streamed', 'IMASCOPE_STREAM_MIN_BYTES=0 '],
  ] as const;

  it.each(WRITERS)('stops quietly when the reader closes the pipe early (analyze --json | head -c 100), %s', async (_, env) => {
    // The CLI is still writing when head goes away.
    const { list, policy } = await largeReportCase();
    const command = `${env}'${process.execPath}' --import tsx src/cli/imascope.ts analyze --json '${list}' '${policy}' | head -c 100`;
    const r = spawnSync('bash', ['-c', `set -o pipefail; ${command}`], { encoding: 'utf8', timeout: 60_000 });
    expect(r.stdout).toHaveLength(100);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(141);
  });

  it.each(WRITERS)('a stdout that takes no more (> /dev/full) is an output error: exit 2, the cause on stderr, not a bug (3), %s', (_, env) => {
    const analyze = `${env}'${process.execPath}' --import tsx src/cli/imascope.ts analyze`;
    for (const json of ['--json', '']) {
      const r = spawnSync('bash', ['-c', `${analyze} ${json} '${swtpm('binary_runtime_measurements')}' > /dev/full`], { encoding: 'utf8', timeout: 60_000 });
      expect(r.stderr).toBe('imascope: cannot write to stdout: ENOSPC: no space left on device, write\n');
      expect(r.status).toBe(2);
    }
  });

  it('a closed stderr (2>&1 | true) keeps the exit status: an empty input is still 2, not 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'imascope-stderr-'));
    const empty = join(dir, 'empty.bin');
    writeFileSync(empty, new Uint8Array(0));
    const command = `'${process.execPath}' --import tsx src/cli/imascope.ts analyze '${empty}' 2>&1 | true`;
    expect(spawnSync('bash', ['-c', `set -o pipefail; ${command}`], { timeout: 60_000 }).status).toBe(2);
  });

  it('the human summary calls an ASCII list ASCII (no byte order), counts in words, and names what the quote signature lacks', () => {
    const ascii = cli('analyze', sharedDataPath('policy', 'keylime', 'logs', 'measurements.ascii'));
    expect(ascii.stdout).toContain('Log: 3 entries (ima-sig 3), ASCII, 1 boot, 0 violations,');
    const keylime = (name: string): string => sharedDataPath('realdata', 'keylime', name);
    const quote = cli('analyze', keylime('quote.out'), keylime('quotepcr.out'), keylime('quotesig.out'));
    expect(quote.stdout).toContain('signature not checked (no attestation key was given)');
  });

  it.each(WRITERS)('writes a report larger than the pipe whole to a reader that is slow to start (the pipe fills: EAGAIN, wait, go on), %s', async (_, env) => {
    const { dir, list, policy } = await largeReportCase();
    const toFile = join(dir, 'report.json');
    const analyze = `${env}'${process.execPath}' --import tsx src/cli/imascope.ts analyze --json '${list}' '${policy}'`;
    expect(spawnSync('bash', ['-c', `${analyze} > '${toFile}'`], { timeout: 60_000 }).status).toBe(1);
    const slow = spawnSync('bash', ['-c', `set -o pipefail; ${analyze} | (sleep 2; cat)`], { encoding: 'utf8', timeout: 60_000, maxBuffer: 1 << 26 });
    expect(slow.status).toBe(1);
    const written = readFileSync(toFile, 'utf8');
    expect(written.length).toBeGreaterThan(8 * 65536);
    expect(slow.stdout).toBe(written);
    expect((JSON.parse(slow.stdout) as Report).policy?.failures).toHaveLength(3000);
  });

  it('says the same whether the list is streamed or read whole, in either input order, damaged or not', { timeout: 300_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'imascope-cli-'));
    const list = readFileSync(swtpm('binary_runtime_measurements'));
    const cut = join(dir, 'cut.bin');
    writeFileSync(cut, list.subarray(0, list.length - 5));
    const cases = [
      ['--json', swtpm('binary_runtime_measurements'), swtpm('pcrread_all.yaml')],
      ['--json', swtpm('evmctl_pcrs_sha256.txt'), '--bank', 'sha256', swtpm('binary_runtime_measurements')],
      ['--json', swtpm('binary_runtime_measurements'), swtpm('evmctl_pcrs_sha256_tampered.txt')],
      ['--json', cut, swtpm('pcrread_all.yaml')],
      [swtpm('binary_runtime_measurements'), swtpm('pcrread_all.yaml')],
    ];
    // A list given as a pipe is read once, whole: it cannot be read again after its head.
    const command = `cat '${swtpm('binary_runtime_measurements')}' | '${process.execPath}' --import tsx src/cli/imascope.ts analyze --json /dev/stdin '${swtpm('pcrread_all.yaml')}'`;
    const piped = spawnSync('sh', ['-c', command], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, IMASCOPE_STREAM_MIN_BYTES: '0' } });
    expect(piped.status).toBe(0);
    expect((JSON.parse(piped.stdout) as Report).log?.entries).toBeGreaterThan(0);
    for (const args of cases) {
      const whole = cli('analyze', ...args);
      const streamed = cliWith({ IMASCOPE_STREAM_MIN_BYTES: '0' }, 'analyze', ...args);
      expect(streamed.status, args.join(' ')).toBe(whole.status);
      expect(streamed.stdout, args.join(' ')).toBe(whole.stdout);
    }
  });

  it('exits 0 with the verdict first when every check agrees', () => {
    const r = cli('analyze', swtpm('binary_runtime_measurements'), swtpm('pcrread_all.yaml'));
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^VERDICT: PASS/);
    expect(r.stdout).toContain('sha256 PCR 10: match after 6 entries');
  });

  it('--json prints exactly one report document and exits 1 on a failed check', () => {
    const r = cli('analyze', '--json', '--bank', 'sha256', swtpm('binary_runtime_measurements'), swtpm('evmctl_pcrs_sha256_tampered.txt'));
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.schema).toBe(REPORT_SCHEMA);
    expect(report.inputs.map((i) => i.kind)).toEqual(['ima-binary', 'pcr-values']);
    expect(report.inputs[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(report.pcrChecks?.[0]).toMatchObject({ bank: 'sha256', pcr: 10, status: 'mismatch' });
    expect(report.findings[0]).toMatchObject({ code: 'pcr-mismatch', severity: 'error' });
  });

  it('classifies by content, not by name, and --kind overrides', () => {
    const dir = mkdtempSync(join(tmpdir(), 'imascope-cli-'));
    const misnamed = join(dir, 'quote.bin');
    writeFileSync(misnamed, spawnSync('cat', [swtpm('binary_runtime_measurements')]).stdout);
    const r = cli('analyze', '--json', misnamed);
    expect((JSON.parse(r.stdout) as Report).inputs[0].kind).toBe('ima-binary');
    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'just some notes\n');
    expect(cli('analyze', text).status).toBe(2);
    // An override the file does not fit is an input error (exit 2), not a pass with a warning.
    const forced = cli('analyze', '--json', '--kind', `${text}=pcr-values`, swtpm('binary_runtime_measurements'), text);
    expect(forced.status).toBe(2);
    expect(forced.stderr).toContain('notes.txt: cannot be read as pcr-values');
    expect((JSON.parse(forced.stdout) as Report).findings[0]).toMatchObject({ code: 'input-unreadable', severity: 'error' });
  });

  it('names two files of one name by as much of their paths as tells them apart, and one file given twice by its place', () => {
    const day = (d: string, f: string): string => sharedDataPath('realdata', 'ima-verify', d, f);
    const r = cli('analyze', '--json', day('2025-03-01', 'binary_runtime_measurements_sha256'), day('2025-03-08', 'binary_runtime_measurements_sha256'), day('2025-03-08', 'pcrs_sha256'), day('2025-03-08', 'pcrs_sha256'));
    const report = JSON.parse(r.stdout) as Report;
    expect(report.inputs.map((i) => i.name)).toEqual(['2025-03-01/binary_runtime_measurements_sha256', '2025-03-08/binary_runtime_measurements_sha256', 'pcrs_sha256', 'pcrs_sha256 (2)']);
    expect(report.findings.find((f) => f.code === 'input-unused')?.message).toMatch(/^2025-03-01\/binary_runtime_measurements_sha256: .* only 2025-03-08\/binary_runtime_measurements_sha256 is analysed/);
  });

  it('--kind names a file however its path is spelled; one naming no input is a usage error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'imascope-cli-'));
    const file = join(dir, 'ascii_runtime_measurements');
    writeFileSync(file, readFileSync(swtpm('ascii_runtime_measurements')));
    const spelled = relative(process.cwd(), file);
    // The override of `a/b` applies to `./a/b`: a text list is no firmware log (exit 2).
    const forced = cli('analyze', '--json', '--kind', `${spelled}=tcg-eventlog`, `./${spelled}`);
    expect(forced.status).toBe(2);
    expect(forced.stderr).toContain('ascii_runtime_measurements: cannot be read as tcg-eventlog');
    const nope = cli('analyze', '--kind', 'nope=ima-ascii', file);
    expect(nope.status).toBe(2);
    expect(nope.stderr).toContain(`--kind ${join(process.cwd(), 'nope')}: not among the input files`);
  });

  it('a quote with neither signature nor AK: exit 0, but a warning in the human summary and in --json (quote-unsigned)', () => {
    // The PCR values the quote attests, without the log (whose violation would lead the verdict).
    const args = [swtpm('pcrread_sha256_10.yaml'), swtpm('q1_rsassa_sha256_10.msg')];
    const human = cli('analyze', ...args);
    expect(human.status).toBe(0);
    expect(human.stdout.split('\n')[0]).toMatch(/^VERDICT: PASS with warnings — Quote not signed: q1_rsassa_sha256_10\.msg: /);
    expect(human.stdout).toMatch(/^ {2}WARN quote-unsigned: q1_rsassa_sha256_10\.msg: /m);
    const json = cli('analyze', '--json', ...args);
    expect(json.status).toBe(0);
    const report = JSON.parse(json.stdout) as Report;
    expect(report.quote).toMatchObject({ signature: 'unchecked', digestMatches: true });
    expect(report.findings.filter((f) => f.code === 'quote-unsigned').map((f) => f.severity)).toEqual(['warning']);
  });

  it('a malformed IMA signature with no key: a warning and the signatures counts, streamed or not (exit 0)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'imascope-sig-'));
    const list = join(dir, 'list.bin');
    // sig_size says 256 bytes but 4 follow (a v2 header: type 3, version 2, sha256, keyid).
    const bad = new Uint8Array([0x03, 0x02, 0x04, 0xf3, 0x45, 0x2d, 0x23, 0x01, 0x00, 1, 2, 3, 4]);
    const entries = [...numberedFiles(3).map((e) => ({ ...e, template: 'ima-sig' })), { template: 'ima-sig', path: '/usr/bin/bad', sig: bad }];
    writeFileSync(list, buildImaLog(entries, { provider: await createWasmHashProvider() }).binary);
    const whole = cli('analyze', '--json', list);
    const streamed = cliWith({ IMASCOPE_STREAM_MIN_BYTES: '0' }, 'analyze', '--json', list);
    expect(whole.status).toBe(0);
    expect(streamed.status).toBe(0);
    const report = JSON.parse(whole.stdout) as Report;
    expect(report.signatures).toMatchObject({ malformed: 1, unsigned: 3, unchecked: 0, failures: [{ index: 3, status: 'malformed' }] });
    expect(JSON.parse(streamed.stdout)).toEqual(report);
    const human = cli('analyze', list);
    expect(human.stdout).toContain('Signatures: 0 valid, 0 invalid, 0 unknown key, 0 unsupported, 1 malformed, 3 unsigned, 0 not checked (no key given); keys: none');
    expect(human.stdout).toMatch(/^ {2}WARN signature-malformed: 1 IMA signature is malformed, so no key can verify it: "\/usr\/bin\/bad" \(entry 3\): sig_size says 256 bytes but 4 follow\./m);
  });

  it("reads a tpm2 '-F values' file with the quote's selection, and refuses it without a quote", () => {
    const values = swtpm('q2_rsassa_plain.pcrs.values');
    const r = cli('analyze', '--json', swtpm('binary_runtime_measurements'), swtpm('q2_rsassa_plain.msg'), values);
    expect(r.status).toBe(0);
    expect((JSON.parse(r.stdout) as Report).pcrChecks?.[0]).toMatchObject({ bank: 'sha256', pcr: 10, status: 'match' });
    const alone = cli('analyze', swtpm('binary_runtime_measurements'), values);
    expect(alone.status).toBe(2);
    expect(alone.stderr).toContain('not recognised (32 bytes)');
    const forced = cli('analyze', '--kind', `${values}=pcr-values`, swtpm('binary_runtime_measurements'), values);
    expect(forced.status).toBe(2);
    expect(forced.stderr).toContain('it needs the PCR selection it was read with: give the quote it belongs to');
  });

  it('with --json, stdout carries one report whatever stops the run (CONTRACT §2), with the exit status of what did', { timeout: 300_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'imascope-cli-'));
    const notes = join(dir, 'notes.txt');
    writeFileSync(notes, 'just some notes\n');
    const list = swtpm('binary_runtime_measurements');
    const cases: Array<{ args: string[]; status: number; code: string; message: string }> = [
      { args: [notes], status: 2, code: 'input-unreadable', message: 'notes.txt: cannot be read: not recognised as any accepted input' },
      { args: [list, swtpm('q2_rsassa_plain.pcrs.values')], status: 2, code: 'input-unreadable', message: 'give the quote it belongs to' },
      { args: [join(dir, 'missing.bin')], status: 2, code: 'input-unreadable', message: `cannot read ${join(dir, 'missing.bin')}: ENOENT` },
      { args: ['--bogus', list], status: 2, code: 'usage-error', message: "unknown option '--bogus'" },
      { args: ['--nonce', 'zz', list], status: 2, code: 'usage-error', message: "--nonce 'zz' is not a nonce" },
      { args: ['--html', join(dir, 'no', 'such', 'dir.html'), list], status: 2, code: 'output-unwritable', message: 'cannot write' },
    ];
    for (const c of cases) {
      const r = cli('analyze', '--json', ...c.args);
      expect(r.status, c.args.join(' ')).toBe(c.status);
      const report = JSON.parse(r.stdout) as Report;
      expect(report.schema).toBe(REPORT_SCHEMA);
      expect(report.findings[0]).toMatchObject({ code: c.code, severity: 'error' });
      expect(report.findings[0].message).toContain(c.message);
    }
    // The list given beside the unrecognised file is still analysed and reported.
    const beside = JSON.parse(cli('analyze', '--json', list, notes).stdout) as Report;
    expect(beside.inputs.map((i) => i.name)).toEqual(['binary_runtime_measurements']);
    expect(beside.replay?.sha256?.['10']).toBe('f8a50c287e1d4b39b95d449242783b20d01c5114c2528014749c19d95fdc9bdc');
    // Without --json stdout stays empty: stderr says it.
    const human = cli('analyze', notes);
    expect(human).toMatchObject({ status: 2, stdout: '' });
    expect(human.stderr).toContain('notes.txt: not recognised');
  });

  it('exits 2 on usage errors and unreadable files', () => {
    expect(cli().status).toBe(2);
    expect(cli('analyze').status).toBe(2);
    expect(cli('analyze', '--bank', 'md5', swtpm('binary_runtime_measurements')).status).toBe(2);
    expect(cli('analyze', '/nonexistent/file').status).toBe(2);
    expect(cli('frobnicate', 'x').status).toBe(2);
  });

  it('checks the nonce given with --nonce', () => {
    const args = [swtpm('binary_runtime_measurements'), swtpm('q1_rsassa_sha256_10.msg'), swtpm('q1_rsassa_sha256_10.sig'), swtpm('ak_rsa.pem')];
    expect(cli('analyze', '--nonce', '0123456789abcdef0123456789abcdef', ...args).status).toBe(0);
    const bad = cli('analyze', '--json', '--nonce', 'deadbeef', ...args);
    expect(bad.status).toBe(1);
    expect((JSON.parse(bad.stdout) as Report).findings[0].code).toBe('quote-nonce-mismatch');
    // A nonce that no writing of a nonce fits is a usage error, not a mismatch.
    const typo = cli('analyze', '--nonce', 'zz', ...args);
    expect(typo.status).toBe(2);
    expect(typo.stderr).toContain("--nonce 'zz' is not a nonce");
    // Keylime's 20-character text nonce is read as it is sent.
    expect(cli('analyze', '--nonce', 'abcdefghij0123456789', swtpm('keylime_quote_string.txt'), swtpm('keylime_aik_tpm.b64'), swtpm('binary_bios_measurements')).status).toBe(0);
  });

  it('a quote whose signature verifies with a key that is no AK (restricted or fixedTPM cleared) fails: exit 1, the signature still valid', () => {
    const dir = mkdtempSync(join(tmpdir(), 'imascope-not-ak-'));
    const args = ['--nonce', '0123456789abcdef0123456789abcdef', swtpm('binary_runtime_measurements'), swtpm('q1_rsassa_sha256_10.msg'), swtpm('q1_rsassa_sha256_10.sig')];
    const keys = ['00040072', '00040070'].map((attributes) => {
      // TPM2B_PUBLIC: u16 size ‖ u16 type ‖ u16 nameAlg ‖ u32 objectAttributes at offset 6.
      const ak = readFileSync(swtpm('ak_rsa.pub'));
      expect(ak.subarray(6, 10).toString('hex')).toBe('00050072');
      ak.write(attributes, 6, 'hex');
      const key = join(dir, `ak-${attributes}.pub`);
      writeFileSync(key, ak);
      const json = cli('analyze', '--json', ...args, key);
      expect(json.status).toBe(1);
      const report = JSON.parse(json.stdout) as Report;
      expect(report.quote?.signature).toBe('valid');
      expect(report.findings[0]).toMatchObject({ code: 'quote-key-not-ak', severity: 'error' });
      expect(report.findings[0].message).toContain(`its objectAttributes 0x${attributes} (`);
      return key;
    });
    const human = cli('analyze', ...args, keys[0]);
    expect(human.status).toBe(1);
    expect(human.stdout.split('\n')[0]).toMatch(/^VERDICT: FAIL — Quote signed by a key that is not an attestation key: /);
    expect(human.stdout).toMatch(/^Quote: FAILED — signature valid, but the key is NOT AN ATTESTATION KEY, nonce matches/m);
    expect(cli('analyze', ...args, swtpm('ak_rsa.pub')).status).toBe(0);
  });
});

// --permalink and --html (issue 7).
import { decodePermalink } from '../core/share/permalink';

describe('imascope on a terminal', () => {
  it('never writes an escape sequence or a bidi override taken from the inputs: each is its mark, in analyze, compare and policy create', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'imascope-terminal-'));
    const hostile = ['/tmp/\u001b[31mRED\u001b[0m', '/tmp/\u001b]0;pwned\u0007', '/tmp/evil\u202eos.fdp', '/tmp/c1\u009b2J', '/tmp/x\nVERDICT: PASS'];
    const list = join(dir, 'list.bin');
    const policy = join(dir, 'empty-policy.json');
    writeFileSync(list, buildImaLog(hostile.map((path) => ({ path })), { provider: await createWasmHashProvider() }).binary);
    writeFileSync(policy, JSON.stringify(emptyPolicyDocument()));
    const unrecognised = join(dir, 'x\u001b[2Jy.txt');
    writeFileSync(unrecognised, 'nothing imascope reads');
    // C0 but tab and newline, DEL, C1, bidi marks, embeddings, overrides and isolates.
    // eslint-disable-next-line no-control-regex -- finding control characters is the point
    const raw = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;
    const runs = [cli('analyze', list, policy), cli('compare', policy, list), cli('analyze', list, unrecognised)];
    for (const r of runs) {
      expect(r.stdout + r.stderr).not.toMatch(raw);
      expect(r.status).not.toBe(3);
    }
    // policy create's stdout is the policy (data, exact); what it says is on stderr.
    const created = cli('policy', 'create', unrecognised);
    expect(created.stderr).toContain('⟨U+001B⟩[2Jy.txt');
    expect(created.stderr).not.toMatch(raw);
    expect(runs[0].stdout).toContain('⟨U+001B⟩[31mRED');
    expect(runs[1].stdout).toContain('⟨U+202E⟩');
    expect(runs[2].stderr).toContain('x⟨U+001B⟩[2Jy.txt');
    // A line break in a name starts no line of its own.
    for (const r of runs) expect(`${r.stdout}${r.stderr}`.split('\n').filter((l) => l.startsWith('VERDICT: PASS'))).toEqual([]);
    expect(runs[0].stdout).toContain('/tmp/x⟨U+000A⟩VERDICT:');
    // --json is data: exact, the escapes JSON's own.
    expect(cli('analyze', '--json', list, policy).stdout).toContain('\\u001b[31mRED');
  });
});

describe('imascope analyze --permalink / --html', () => {
  it('--json read as the value of --html is not the JSON switch: an unreadable input is said as text', () => {
    const r = cli('analyze', '--html', '--json', '/nonexistent/binary_runtime_measurements');
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('cannot read /nonexistent/binary_runtime_measurements');
  });

  const tampered = [swtpm('binary_runtime_measurements'), swtpm('evmctl_pcrs_sha256_tampered.txt')];

  it('--permalink prints BASE_URL#r=1.… to stderr; the link opens to the --json report', async () => {
    const json = cli('analyze', '--json', ...tampered);
    const human = cli('analyze', '--permalink', 'https://imascope.example/app/#stale', ...tampered);
    expect(human.status).toBe(1);
    expect(human.stdout).toBe(cli('analyze', ...tampered).stdout);
    const url = human.stderr.trim();
    expect(url).toMatch(/^https:\/\/imascope\.example\/app\/#r=1\.[A-Za-z0-9_-]+$/);
    const decoded = await decodePermalink(url);
    if (!decoded.ok) throw new Error(decoded.error);
    expect(decoded.payload.report).toStrictEqual(JSON.parse(json.stdout));
  });

  it('--json keeps stdout exactly the report; the permalink goes to stderr', () => {
    const plain = cli('analyze', '--json', ...tampered);
    const linked = cli('analyze', '--json', '--permalink', 'http://localhost:4173/', ...tampered);
    expect(linked.status).toBe(plain.status);
    expect(linked.stdout).toBe(plain.stdout);
    expect(linked.stderr).toMatch(/^http:\/\/localhost:4173\/#r=1\.[A-Za-z0-9_-]+\n$/);
  });

  it('--html writes the self-contained report, linking the permalink when given', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'imascope-cli-')), 'report.html');
    const r = cli('analyze', '--html', file, '--permalink', 'https://imascope.example/', ...tampered);
    expect(r.status).toBe(1);
    const html = readFileSync(file, 'utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<strong>FAIL</strong>');
    expect(html).toContain('pcr-mismatch');
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain(`<a href="${r.stderr.trim()}"`);
  });

  it('exits 2 when a value is missing or the HTML cannot be written', () => {
    expect(cli('analyze', swtpm('binary_runtime_measurements'), '--permalink').status).toBe(2);
    expect(cli('analyze', swtpm('binary_runtime_measurements'), '--html').status).toBe(2);
    const unwritable = cli('analyze', '--html', '/nonexistent/dir/report.html', swtpm('binary_runtime_measurements'));
    expect(unwritable.status).toBe(2);
    expect(unwritable.stdout).toBe('');
    expect(unwritable.stderr).toMatch(/cannot write \/nonexistent\/dir\/report\.html/);
  });

  it('--html never overwrites an input or another file of measurement data: exit 2, the file untouched', () => {
    const dir = mkdtempSync(join(tmpdir(), 'imascope-cli-'));
    const list = join(dir, 'binary_runtime_measurements');
    const pcrs = join(dir, 'evmctl_pcrs_sha256.txt');
    copyFileSync(swtpm('binary_runtime_measurements'), list);
    copyFileSync(swtpm('evmctl_pcrs_sha256.txt'), pcrs);
    const original = readFileSync(swtpm('binary_runtime_measurements'));
    // --html taken for a switch: the list becomes its value, and is also given as an input.
    const asInput = cli('analyze', '--html', list, pcrs, list);
    expect(asInput.status).toBe(2);
    expect(asInput.stderr).toMatch(/--html .*binary_runtime_measurements: that is also an input file; not overwritten/);
    // Its value only (the list not among the inputs): still measurement data, still refused.
    const asValue = cli('analyze', '--json', '--html', list, pcrs);
    expect(asValue.status).toBe(2);
    const report = JSON.parse(asValue.stdout) as Report;
    expect(report.findings.map((f) => [f.code, f.severity])).toEqual([['usage-error', 'error']]);
    expect(report.findings[0].message).toMatch(/reads as ima-binary \(measurement data\); not overwritten/);
    expect(Buffer.compare(readFileSync(list), original)).toBe(0);
  });
});
