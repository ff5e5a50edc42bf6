/**
 * Signed lists made by the project's builder with keys made here (openssl), judged by the
 * policy dry run and by `evmctl ima_measurement --verify-sig` (Debian ima-evm-utils), which
 * must agree entry by entry: valid, a tampered digest, an unknown key, an unsigned entry, and
 * a key that only the log's `.ima` keyring entry carries.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import { createNobleHashProvider } from '../hash/hash-provider';
import { parseImaLog } from '../ima/parse-ima-log';
import { verifyTemplateHashes } from '../ima/template-digests';
import { buildImaLog } from '../testing/build-ima-log';
import { hasEvmctl } from '../testing/evmctl';
import { makeSigningKey, signImaDigest } from '../testing/ima-signing';
import { encodeText, toHex } from '../util/bytes';
import { addPolicyInput, emptyPolicyInputs } from '../policy/policy-inputs';
import { runPolicyDryRun } from '../policy/policy-dry-run';

const provider = createNobleHashProvider();
const dir = mkdtempSync(join(tmpdir(), 'imascope-signed-'));
const rsa = makeSigningKey(dir, 'rsa', 'rsa-signer');
const ec = makeSigningKey(dir, 'ec', 'ec-signer');
const stranger = makeSigningKey(dir, 'rsa', 'not-given');
const measured = makeSigningKey(dir, 'ec', 'in-ima-keyring');
const digestOf = (s: string) => sha256(encodeText(s));
const measuredCert = new Uint8Array(readFileSync(measured.certDerPath));

const built = buildImaLog(
  [
    { template: 'ima-sig', path: '/usr/bin/rsa-signed', fileDigest: { content: 'a' }, sig: signImaDigest(rsa, digestOf('a')) },
    { template: 'ima-sig', path: '/usr/bin/ec-signed', fileDigest: { content: 'b' }, sig: signImaDigest(ec, digestOf('b')) },
    { template: 'ima-sig', path: '/usr/bin/tampered', fileDigest: { content: 'c, changed' }, sig: signImaDigest(rsa, digestOf('c')) },
    { template: 'ima-sig', path: '/usr/bin/unknown-key', fileDigest: { content: 'd' }, sig: signImaDigest(stranger, digestOf('d')) },
    { template: 'ima-sig', path: '/usr/bin/unsigned', fileDigest: { content: 'e' } },
    { template: 'ima-buf', path: '.ima', buf: measuredCert },
    { template: 'ima-sig', path: '/usr/bin/keyring-signed', fileDigest: { content: 'f' }, sig: signImaDigest(measured, digestOf('f')) },
  ],
  { provider },
);
const listPath = join(dir, 'list.bin');
writeFileSync(listPath, built.binary);

/** evmctl's verdict per path: OK, bad signature, unknown keyid; unsigned entries say nothing. */
function evmctlVerdicts(keys: readonly string[]): Map<string, string> {
  const r = spawnSync('evmctl', ['-v', 'ima_measurement', '--verify-sig', '--key', keys.join(','), listPath], { encoding: 'utf8' });
  const out = new Map<string, string>();
  for (const m of `${r.stdout}${r.stderr}`.matchAll(/^(\S+): verification (is OK|failed: .*)$/gm)) {
    out.set(m[1], m[2] === 'is OK' ? 'valid' : m[2].includes('unknown keyid') ? 'unknown-key' : 'invalid');
  }
  return out;
}

function dryRun(keyFiles: readonly string[], policy?: object) {
  const log = parseImaLog(built.binary, { format: 'binary' });
  verifyTemplateHashes(log, provider);
  let inputs = emptyPolicyInputs();
  for (const f of keyFiles) inputs = addPolicyInput(inputs, f, new Uint8Array(readFileSync(f)), 'ima-key');
  if (policy !== undefined) inputs = addPolicyInput(inputs, 'policy.json', encodeText(JSON.stringify(policy)), 'runtime-policy');
  return { log, run: runPolicyDryRun(log, inputs, {}, provider) };
}

describe.runIf(hasEvmctl())('signed lists from the builder, checked against evmctl', () => {
  it('gives evmctl verdict for every signed entry (keys given as certificates)', () => {
    // evmctl learns nothing from the log, so it is given the keyring entry's certificate too.
    const oracle = evmctlVerdicts([rsa.certDerPath, ec.certDerPath, measured.certDerPath]);
    expect([...oracle.values()]).toEqual(['valid', 'valid', 'invalid', 'unknown-key', 'valid']);
    const { log, run } = dryRun([rsa.certPemPath, ec.certDerPath]);
    const ours = new Map([...run.signatureChecks].filter(([, c]) => c.status !== 'unsigned').map(([i, c]) => [pathOf(log, i), c.status]));
    expect(ours).toEqual(oracle);
    expect(run.signatureChecks.get(4)?.status).toBe('unsigned');
    // The key that verified the last entry came from the log's .ima keyring entry.
    expect(run.signatureChecks.get(6)?.key?.source).toBe('entry 5 (.ima)');
    expect(run.signatures).toMatchObject({ valid: 3, invalid: 1, unknownKey: 1, unsigned: 1 });
    expect(run.signatures?.failures.find((f) => f.status === 'unknown-key')?.keyid).toBe(toHex(stranger.keyId));
  });

  it('agrees with evmctl when a key is missing', () => {
    const oracle = evmctlVerdicts([rsa.certDerPath]);
    const { log, run } = dryRun([rsa.certDerPath]);
    for (const [i, c] of run.signatureChecks) {
      const p = pathOf(log, i);
      if (p !== '/usr/bin/keyring-signed' && c.status !== 'unsigned') expect([p, c.status]).toEqual([p, oracle.get(p)]);
    }
    const unknown = run.findings.filter((f) => f.code === 'signature-unknown-key').map((f) => f.message);
    expect(unknown.join('\n')).toContain(`The key with keyid ${toHex(ec.keyId)} is not in the keyring: give its certificate`);
  });

  it("Keylime learns the .ima key only when the policy's keyrings list its digest", () => {
    const certDigest = toHex(sha256(measuredCert));
    const base = { meta: { version: 1, generator: 0 }, release: 0, excludes: [], 'ima-buf': {}, 'verification-keys': '', ima: { ignored_keyrings: [], log_hash_alg: 'sha1', dm_policy: null } };
    // Only the signatures vouch for the files: the policy lists no digests but unsigned's.
    const digests = { '/usr/bin/unsigned': [toHex(digestOf('e'))] };
    const withKeyring = dryRun([rsa.certDerPath, ec.certDerPath], { ...base, digests, keyrings: { '.ima': [certDigest] } });
    expect(withKeyring.run.keylime.learned.map((l) => [l.index, l.keyring])).toEqual([[5, '.ima']]);
    expect(withKeyring.run.policy?.failures.map((f) => [f.index, f.reason])).toEqual([
      [2, 'not-in-policy'],
      [3, 'not-in-policy'],
    ]);
    const without = dryRun([rsa.certDerPath, ec.certDerPath], { ...base, digests, keyrings: {} });
    expect(without.run.keylime.learned).toEqual([]);
    expect(without.run.policy?.failures.map((f) => [f.index, f.reason])).toEqual([
      [2, 'not-in-policy'],
      [3, 'not-in-policy'],
      [5, 'key-not-in-policy'],
      [6, 'not-in-policy'],
    ]);
  });
});

describe('a forged .ima entry: the digest of the listed certificate, the buffer of another', () => {
  // Keylime (ima.py _validate_ima_buf) judges the recorded digest and learns the key in the
  // buffer without hashing it; the kernel never writes such an entry.
  const listed = toHex(sha256(measuredCert));
  const forged = buildImaLog(
    [
      { template: 'ima-buf', path: '.ima', buf: new Uint8Array(readFileSync(stranger.certDerPath)), fileDigest: { algorithm: 'sha256', hex: listed } },
      { template: 'ima-sig', path: '/usr/bin/evil', fileDigest: { content: 'evil' }, sig: signImaDigest(stranger, digestOf('evil')) },
    ],
    { provider },
  );
  const policy = {
    meta: { version: 1, generator: 0 }, release: 0, digests: {}, excludes: [], keyrings: { '.ima': [listed] }, 'ima-buf': {}, 'verification-keys': '',
    ima: { ignored_keyrings: [], log_hash_alg: 'sha1', dm_policy: null },
  };
  const judge = (keylimeCompat: boolean) => {
    const log = parseImaLog(forged.binary, { format: 'binary' });
    verifyTemplateHashes(log, provider);
    const inputs = addPolicyInput(emptyPolicyInputs(), 'policy.json', encodeText(JSON.stringify(policy)), 'runtime-policy');
    return runPolicyDryRun(log, inputs, { keylimeCompat }, provider);
  };

  it('Keylime (compat) learns the buffer key and passes; the message says the policy does not list that key', () => {
    const run = judge(true);
    expect(run.keylime.learned.map((l) => l.index)).toEqual([0]);
    expect(run.keylime.pass).toBe(true);
    const learned = run.findings.find((f) => f.code === 'policy-key-learned')?.message ?? '';
    expect(learned).toContain("the policy's keyrings list the entry's recorded digest; but the buffer does not hash to that digest, so this key is not the one the policy lists");
    expect(learned).not.toContain("the policy's keyrings list its digest");
  });

  it('the extended checks never trust the key, and the Keylime verdict stays as it is', () => {
    const run = judge(false);
    expect(run.keylime.pass).toBe(true);
    expect(run.signatureChecks.get(1)?.status).toBe('unknown-key');
    expect(run.findings.map((f) => f.code)).toContain('signature-unknown-key');
  });
});

function pathOf(log: ReturnType<typeof parseImaLog>, i: number): string {
  const o = log.entries.nameOffset[i];
  return new TextDecoder().decode(log.data.subarray(o, o + log.entries.nameLength[i]));
}
