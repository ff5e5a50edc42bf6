/**
 * The policy dry run end to end: Keylime's vectors through the analysis the CLI runs (the
 * files classified by content, as given on the command line), a few real CLI processes, and
 * `policy create` round trips checked against Keylime's JSON schema with ajv.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { analyzeRaw } from '../core/analysis/analyze';
import { loadInputs } from '../core/analysis/load-inputs';
import type { RawInput } from '../core/analysis/analysis-types';
import { exitStatusOf } from '../core/analysis/verdict';
import { FINDING_HELP } from '../core/analysis/finding-help';
import { formatHumanReport } from './format-human';
import { createNobleHashProvider } from '../core/hash/hash-provider';
import { pae } from '../core/policy/dsse';
import { RUNTIME_POLICY_SCHEMA } from '../core/policy/policy-schema';
import type { Report } from '../core/report/report';
import { readSharedData, sharedDataPath } from '../core/testing/shared-data';
import { readKeylimeCases } from '../core/testing/keylime-vectors';

const K = (...p: string[]) => sharedDataPath('policy', 'keylime', ...p);
const cases = readKeylimeCases();
const provider = createNobleHashProvider();

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return cliWith({}, ...args);
}

function cliWith(env: Record<string, string>, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/imascope.ts', ...args], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Keylime's events as the report carries them: the policy's failures, or (no policy) the findings' entries. */
function failuresOf(report: Report): Array<[string, string]> {
  return (report.policy?.failures ?? []).map((f) => [f.keylimeEvent, f.message]);
}

/** Keylime's empty tenant keyring as a file (README: "an empty keyring"). */
const EMPTY_KEYRING = '{"pubkeys": [], "keyids": []}';

describe('Keylime vectors through the analysis (--keylime-compat)', () => {
  // Every vector: "no keyring" (keys null) is no key file, an empty keyring (keys []) the
  // empty keyring file, which no signature verifies with.
  it.each(cases.map((c) => [`${c.log} + ${c.policy ?? '-'} + ${c.keys === null ? '-' : `[${c.keys.join(',')}]`}`, c] as const))('%s', async (_, c) => {
    const raw = [
      { name: c.log, bytes: readSharedData('policy', 'keylime', 'logs', c.log) },
      ...(c.policy === null ? [] : [{ name: c.policy, bytes: readSharedData('policy', 'keylime', 'policies', c.policy) }]),
      ...(c.keys ?? []).map((k) => ({ name: k, bytes: readSharedData('policy', 'keylime', 'keys', k) })),
      ...(c.keys?.length === 0 ? [{ name: 'empty-keyring.json', bytes: new TextEncoder().encode(EMPTY_KEYRING) }] : []),
    ];
    const { report } = await analyzeRaw(raw, { keylimeCompat: true }, provider);
    const expected = c.events.map(([id, ctx]) => [id, ctx.message]);
    if (c.policy !== null) {
      expect(report.policy?.keylimePass).toBe(c.keylime_pass);
      expect(failuresOf(report)).toEqual(expected);
      expect(report.findings.some((f) => f.code === 'policy-pass')).toBe(c.keylime_pass);
    } else {
      // Keylime's invalid_signature: signature-invalid where a key names it and it does not
      // verify, policy-signature-unverified where no key has its keyid (CONTRACT §5.4),
      // policy-unsigned-entry where the entry has no signature.
      const keylimeSignatureCodes: readonly string[] = ['signature-invalid', 'policy-signature-unverified', 'policy-unsigned-entry'];
      const failing = report.findings.filter((f) => keylimeSignatureCodes.includes(f.code)).flatMap((f) => f.entries ?? []);
      expect(failing.length).toBe(expected.length);
    }
    // Keylime's failures are errors; nothing else in these cases is.
    expect(report.findings.some((f) => f.severity === 'error')).toBe(!c.keylime_pass);
  });
});

describe('imascope analyze with a policy (CLI process)', () => {
  it("expresses Keylime's empty keyring: with no policy, every signed entry fails as Keylime's does (exit 1); with no keyring it is not checked (exit 0)", () => {
    const keyring = join(mkdtempSync(join(tmpdir(), 'imascope-keyring-')), 'empty-keyring.json');
    writeFileSync(keyring, EMPTY_KEYRING);
    const vector = cases.find((c) => c.log === 'signatures.ascii' && c.policy === null && c.keys?.length === 0);
    expect(vector).toMatchObject({ keylime_pass: false });
    const r = cli('analyze', '--json', '--keylime-compat', K('logs', 'signatures.ascii'), keyring);
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.inputs.map((i) => i.kind)).toEqual(['ima-ascii', 'ima-keyring']);
    // Keylime: ima.validator.ima-sig.invalid_signature for /usr/bin/dd and /usr/bin/zmore, whose
    // keyids no key has: not signature-invalid, which says a named key refused the signature.
    expect(report.findings.map((f) => f.code)).not.toContain('signature-invalid');
    const failing = report.findings.filter((f) => f.code === 'policy-signature-unverified');
    expect(failing.flatMap((f) => f.entries ?? [])).toEqual([0, 1]);
    expect(failing.map((f) => f.message).join(' ')).toMatch(/\/usr\/bin\/dd.*\/usr\/bin\/zmore/);
    expect(cli('analyze', '--keylime-compat', K('logs', 'signatures.ascii')).status).toBe(0);
  });

  it('exits 1 with the failing entries and what to add, and 0 once the keys are given', () => {
    const fail = cli('analyze', '--json', '--keylime-compat', K('logs', 'signatures.ascii'), K('policies', 'policy-empty.json'));
    expect(fail.status).toBe(1);
    const report = JSON.parse(fail.stdout) as Report;
    expect(report.inputs.map((i) => i.kind)).toEqual(['ima-ascii', 'runtime-policy']);
    expect(report.policy).toMatchObject({ format: 'keylime-v1', keylimePass: false, failed: 2, mode: 'keylime-compat' });
    const missing = report.findings.find((f) => f.code === 'policy-not-in-allowlist');
    expect(missing?.message).toContain('"/usr/bin/dd" (entry 0): add d33d5d13792292e202dbf69a6f1b07bc8a02f01424db8489ba7bb7d43c0290ef to digests');
    const pass = cli('analyze', K('logs', 'signatures.ascii'), K('policies', 'policy-empty.json'), K('keys', 'rsa2048pub.pem'), K('keys', 'secp256k1.pem'));
    expect(pass.status).toBe(0);
    expect(pass.stdout).toContain("Keylime's verdict: PASS");
  });

  it('exits 2 naming the file and the place of a bad policy', () => {
    const dir = mkdtempSync(join(tmpdir(), 'imascope-policy-'));
    const bad = join(dir, 'policy.json');
    writeFileSync(bad, '{"digests": {"/usr/bin/dd": "d33d"}, "excludes": []}');
    const r = cli('analyze', K('logs', 'signatures.ascii'), bad);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('policy.json: cannot be read as runtime-policy: /digests/~1usr~1bin~1dd: must be a list of strings');
    // Like every unreadable input, the rest of the case is still judged and reported.
    expect(r.stdout).toContain('FAIL');
  });

  it('says the same of a policy read on its thread while a binary list is streamed (policy-thread.ts)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'imascope-policy-'));
    const list = sharedDataPath('swtpm', 'binary_runtime_measurements');
    const policies: Array<[string, string]> = [
      ['{"digests": {"/usr/bin/dd": "d33d"}, "excludes": []}', 'policy.json: cannot be read as runtime-policy: /digests/~1usr~1bin~1dd: must be a list of strings'],
      ['{"digests": {"/usr/bin/dd": ["d33d"]}, "excludes": [}', 'policy.json: cannot be read as runtime-policy: line 1, column 53: the policy is not valid JSON'],
      ['{"digests": {"/usr/bin/dd": ["D33D"]}, "excludes": []}', ''],
    ];
    for (const [text, error] of policies) {
      const policy = join(dir, 'policy.json');
      writeFileSync(policy, text);
      for (const json of [[], ['--json']]) {
        const model = cli('analyze', ...json, list, policy);
        const threaded = cliWith({ IMASCOPE_STREAM_MIN_BYTES: '0', IMASCOPE_POLICY_THREAD_MIN_BYTES: '0' }, 'analyze', ...json, list, policy);
        expect(threaded, text).toEqual(model);
        expect(model.status).toBe(error === '' ? 1 : 2);
        expect(model.stderr).toContain(error);
      }
    }
  });
});

describe('imascope policy create', () => {
  const ajv = new Ajv({ strict: false });
  const schemaValid = ajv.compile(RUNTIME_POLICY_SCHEMA);

  it('writes a schema-valid policy that passes its own list and fails a changed one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'imascope-create-'));
    const excludes = join(dir, 'excludes.txt');
    writeFileSync(excludes, '# tmp files\n/tmp/\n');
    const r = cli('policy', 'create', '--exclude', excludes, K('logs', 'measurements.ascii'), K('logs', 'keyrings-ima-buf.ascii'));
    expect(r.status).toBe(0);
    const policy = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(schemaValid(policy)).toBe(true);
    expect(policy).toMatchObject({ excludes: ['/tmp/'], ima: { log_hash_alg: 'sha1' } });
    expect((policy.keyrings as Record<string, string[]>)['.ima']).toEqual(['a7d52aaa18c23d2d9bb2abb4308c0eeee67387a42259f4a6b1a42257065f3d5a']);
    const file = join(dir, 'policy.json');
    writeFileSync(file, r.stdout);

    const good = cli('analyze', '--keylime-compat', K('logs', 'measurements.ascii'), file);
    expect(good.status).toBe(0);
    // The same list with one module's digest changed (and its template hash made to match).
    const changed = changedList(readFileSync(K('logs', 'measurements.ascii'), 'utf8'));
    const changedFile = join(dir, 'changed.ascii');
    writeFileSync(changedFile, changed);
    const bad = cli('analyze', '--json', '--keylime-compat', changedFile, file);
    expect(bad.status).toBe(1);
    const report = JSON.parse(bad.stdout) as Report;
    expect(report.policy?.failures).toEqual([
      expect.objectContaining({ index: 1, reason: 'digest-not-in-policy', keylimeEvent: 'ima.validation.ima-ng.runtime_policy_hash' }),
    ]);
  });

  it('answers --help with its own usage, and never echoes an exclude file\'s raw bytes', () => {
    for (const args of [['policy', '--help'], ['policy', 'create', '-h']]) {
      const r = cli(...args);
      expect([r.status, r.stdout.split('\n')[0]]).toEqual([0, 'usage: imascope policy create [--exclude FILE]... LOG... > policy.json']);
    }
    const dir = mkdtempSync(join(tmpdir(), 'imascope-create-'));
    const escapes = join(dir, 'escapes.txt');
    writeFileSync(escapes, 'a(\x1b[31mred\x07\n');
    const bad = cli('policy', 'create', '--exclude', escapes, K('logs', 'measurements.ascii'));
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('exclude 1 "a(⟨U+001B⟩[31mred⟨U+0007⟩" is not a valid Python regular expression');
    const binary = join(dir, 'binary.txt');
    writeFileSync(binary, Uint8Array.of(0x2f, 0xff, 0xfe, 0x1b, 0x5b, 0x0a));
    const refused = cli('policy', 'create', '--exclude', binary, K('logs', 'measurements.ascii'));
    expect([refused.status, refused.stderr]).toEqual([2, `imascope: ${binary}: not an exclude list: its bytes are not UTF-8 text\n`]);
  });
});

/** Line 2's file digest flipped, with its sha1 template hash recomputed by Python's hashlib. */
function changedList(text: string): string {
  const lines = text.trimEnd().split('\n');
  const parts = lines[1].split(' ');
  const [alg, hex] = parts[3].split(':');
  parts[3] = `${alg}:${(hex[0] === '0' ? '1' : '0') + hex.slice(1)}`;
  const py = `import hashlib,struct,sys
alg,hexd,path=sys.argv[1],sys.argv[2],sys.argv[3]
d=bytes.fromhex(hexd); a=alg.encode()
data=struct.pack('<I',len(a)+2+len(d))+a+b':\\0'+d+struct.pack('<I',len(path)+1)+path.encode()+b'\\0'+struct.pack('<I',0)
print(hashlib.sha1(data).hexdigest())`;
  const [newAlg, newHex] = parts[3].split(':');
  parts[1] = spawnSync('python3', ['-c', py, newAlg, newHex, parts[4]], { encoding: 'utf8' }).stdout.trim();
  lines[1] = parts.join(' ');
  return `${lines.join('\n')}\n`;
}

describe('policy inputs that cannot do their check fail, never pass', () => {
  const file = (name: string, ...p: string[]) => ({ name, bytes: readSharedData('policy', 'keylime', ...p) });
  const log = () => file('signatures.ascii', 'logs', 'signatures.ascii');
  const codes = (report: Report) => report.findings.filter((f) => f.severity === 'error').map((f) => f.code);

  it('an exclude list without its policy is a check not made (error), not a note', async () => {
    const excludes = { name: 'excludes.txt', bytes: new TextEncoder().encode('^/usr/bin/\n'), kind: 'exclude-list' as const };
    const { report } = await analyzeRaw([log(), file('tenant-keyring.json', 'keys', 'tenant-keyring.json'), excludes], {}, provider);
    expect(codes(report)).toContain('check-incomplete');
  });

  it('a keyring with no usable key is refused (it had fallen back to the policy\'s own keys)', async () => {
    // Valid as a keyring, but its one key is not a key: Keylime skips it, leaving none.
    const empty = { name: 'keyring.json', bytes: new TextEncoder().encode('{"pubkeys": ["AAAA"], "keyids": [0]}'), kind: 'ima-keyring' as const };
    const { report } = await analyzeRaw([log(), empty], {}, provider);
    expect(report.findings.find((f) => f.code === 'input-unreadable')?.message).toContain('keyring.json');
  });

  it('a signed policy with an EC key that does not verify its envelope is invalid, not unchecked', async () => {
    const { report } = await analyzeRaw(
      [file('measurements.ascii', 'logs', 'measurements.ascii'), file('signed.json', 'policies', 'runtime-policy-test-signed.json'), file('k1.pem', 'keys', 'secp256k1pub.pem')],
      {},
      provider,
    );
    expect(report.policy?.envelope).toBe('invalid');
    expect(codes(report)).toContain('policy-envelope-invalid');
  });

  /** Keylime's policy `name` in a DSSE envelope signed with a fresh P-256 key, and that key's PEM. */
  function signedPolicy(name: string): { signed: RawInput; pem: string } {
    const payload = readSharedData('policy', 'keylime', 'policies', name);
    const type = 'application/vnd.keylime+json';
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const sig = sign('sha256', pae(type, payload), privateKey);
    const envelope = { payload: Buffer.from(payload).toString('base64'), payloadType: type, signatures: [{ keyid: 'signer', sig: sig.toString('base64') }] };
    return { signed: { name: 'signed.json', bytes: new TextEncoder().encode(JSON.stringify(envelope)) }, pem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
  }

  it("a signed policy's envelope key signs the policy only: the policy's verification-keys still verify the files", async () => {
    const { signed, pem } = signedPolicy('policy-with-verification-keys.json');
    const key = { name: 'dsse.pub', bytes: new TextEncoder().encode(pem) };
    const unsigned = await analyzeRaw([log(), file('policy.json', 'policies', 'policy-with-verification-keys.json')], {}, provider);
    expect(exitStatusOf(unsigned.report)).toBe(0);
    const { report } = await analyzeRaw([log(), signed, key], {}, provider);
    expect(report.policy?.envelope).toBe('valid');
    expect(report.policy).toMatchObject({ failed: 0, keylimePass: true });
    expect(report.policy?.passed).toBe(unsigned.report.policy?.passed);
    expect(report.findings.map((f) => f.code)).not.toContain('input-ima-key');
    expect(report.findings.find((f) => f.message.startsWith('dsse.pub: '))).toMatchObject({ code: 'policy-note', severity: 'info' });
    expect(report.findings.find((f) => f.message.startsWith('dsse.pub: '))?.message).toBe(
      "dsse.pub: verifies the DSSE envelope of the runtime policy; kept as the policy's signing key, not as an IMA verification key.",
    );
    expect(exitStatusOf(report)).toBe(0);
  });

  it('the envelope key is set apart where keys are sorted (loadInputs): never an IMA key, not even before the dry run', async () => {
    const { signed, pem } = signedPolicy('policy-with-verification-keys.json');
    // The key made above signed the envelope: by construction it verifies it and nothing else.
    const loaded = await loadInputs([log(), signed, { name: 'dsse.pub', bytes: new TextEncoder().encode(pem) }], provider);
    expect(loaded.imaKeys).toEqual([]);
    expect(loaded.policyInputs.keys).toEqual([]);
    expect(loaded.policyInputs.envelope?.status).toBe('valid');
    expect(loaded.policyInputs.notes).toEqual(["dsse.pub: verifies the DSSE envelope of the runtime policy; kept as the policy's signing key, not as an IMA verification key."]);
  });

  it('a key file holding the envelope key and IMA keys: only the envelope key is set aside', async () => {
    const { signed, pem } = signedPolicy('policy-empty.json');
    const keyText = (k: string) => new TextDecoder().decode(readSharedData('policy', 'keylime', 'keys', k));
    const bundle = { name: 'bundle.pem', bytes: new TextEncoder().encode(pem + keyText('rsa2048pub.pem') + keyText('secp256k1pub.pem')) };
    const separate = await analyzeRaw([log(), signed, { name: 'dsse.pub', bytes: new TextEncoder().encode(pem) }, file('rsa.pem', 'keys', 'rsa2048pub.pem'), file('k1.pem', 'keys', 'secp256k1pub.pem')], {}, provider);
    const { report } = await analyzeRaw([log(), signed, bundle], {}, provider);
    expect(report.policy?.envelope).toBe('valid');
    const unsourced = (r: Report) => ({ ...r.signatures, keys: r.signatures?.keys.map(({ source: _, ...k }) => k) });
    expect(unsourced(report)).toEqual(unsourced(separate.report));
    expect(report.signatures?.valid).toBe(2);
    expect(report.policy?.failed).toBe(separate.report.policy?.failed);
    expect(exitStatusOf(report)).toBe(exitStatusOf(separate.report));
    expect(report.findings.some((f) => f.message.includes("bundle.pem: its key that verifies the policy's DSSE envelope is kept as the policy's signing key; its other 2 key(s) verify IMA signatures"))).toBe(true);
  });

  it('a signed policy with no key to check it fails closed, naming the signer (review D3)', async () => {
    const { report } = await analyzeRaw([file('keyrings-ima-buf.ascii', 'logs', 'keyrings-ima-buf.ascii'), file('signed.json', 'policies', 'runtime-policy-test-signed.json')], {}, provider);
    expect(report.policy?.envelope).toBe('unchecked');
    // Keylime's own evaluation of the content is unchanged: the entry passes the policy.
    expect(report.policy).toMatchObject({ passed: 1, failed: 0 });
    const incomplete = report.findings.find((f) => f.code === 'check-incomplete');
    expect(incomplete?.severity).toBe('error');
    expect(incomplete?.message).toContain('8114198dd64f6b1e07bd392274824d7adca5af8bfdc2fd2cf93a18db8f589e05');
    expect(exitStatusOf(report)).toBe(1);
  });

  it('a template-hash failure with keys but no policy does not cite a policy (review D7)', async () => {
    // An ima-sig entry whose 5-byte signature field Keylime drops, so its template hash differs.
    const line = '10 ff70980a028dafba573b68991ffc74c16e0cacf3 ima-sig sha256:31b01737850048e60b5f4e4d71447998f96426e6999a2472695e86a4234f59fc /garbagesig 030204dead\n';
    const ascii = { name: 'garbage.ascii', bytes: new TextEncoder().encode(line) };
    const { report } = await analyzeRaw([ascii, file('rsa2048pub.pem', 'keys', 'rsa2048pub.pem')], {}, provider);
    const failed = report.findings.find((f) => f.code === 'policy-template-hash');
    expect(failed?.entries).toEqual([0]);
    expect(failed?.message).toContain("Keylime's default when no runtime policy is given");
    expect(failed?.message).not.toContain("the policy's");
  });

  it('an ima-sig entry with no signature is an unsigned entry, not a signature Keylime cannot verify (new-user review)', async () => {
    // combined.ascii: entries 0-2 carry no signature, entry 4 is signed by a key not given.
    const { report } = await analyzeRaw([file('combined.ascii', 'logs', 'combined.ascii'), file('rsa2048pub.pem', 'keys', 'rsa2048pub.pem')], {}, provider);
    expect(report.signatures).toMatchObject({ unsigned: 3, unknownKey: 1 });
    const byCode = (code: string) => report.findings.filter((f) => f.code === code);
    expect(byCode('policy-unsigned-entry').map((f) => f.entries)).toEqual([[0, 1, 2]]);
    expect(byCode('policy-unsigned-entry')[0].message).not.toMatch(/signed entry to verify/);
    expect(byCode('policy-signature-unverified').map((f) => f.entries)).toEqual([[4]]);
    expect(byCode('policy-signature-unverified')[0].message).not.toContain('not signed');
    expect(FINDING_HELP['policy-unsigned-entry'].title).not.toMatch(/^Signed|verif/i);
    expect(FINDING_HELP['policy-signature-unverified'].help).not.toMatch(/the entry is unsigned/);
    // Unsigned only: the headline (app and CLI) names what the entries are.
    const unsignedOnly = await analyzeRaw([file('measurements.ascii', 'logs', 'measurements.ascii'), file('rsa2048pub.pem', 'keys', 'rsa2048pub.pem')], {}, provider);
    expect(unsignedOnly.report.findings.map((f) => f.code)).not.toContain('policy-signature-unverified');
    expect(formatHumanReport(unsignedOnly.report).split('\n')[0]).toMatch(/^VERDICT: FAIL — Unsigned entry Keylime fails: /);
  });

  it('policy create refuses a list whose template hashes do not verify', () => {
    const dir = mkdtempSync(join(tmpdir(), 'imascope-tampered-'));
    const text = readFileSync(K('logs', 'measurements.ascii'), 'utf8');
    // Change one file digest but keep the recorded template hash: a tampered entry.
    const lines = text.split('\n');
    const at = lines.findIndex((l) => /sha256:[0-9a-f]{64}/.test(l));
    lines[at] = lines[at].replace(/sha256:([0-9a-f])/, (_m, c: string) => `sha256:${c === '0' ? '1' : '0'}`);
    const tampered = join(dir, 'tampered.ascii');
    writeFileSync(tampered, lines.join('\n'));
    const r = cli('policy', 'create', tampered);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('template digest that is not the hash of the template data');
    expect(r.stdout).toBe('');
  });
});
