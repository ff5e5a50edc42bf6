/**
 * Every case of Keylime's own vectors (../shared/data/policy/keylime/expected-keylime-eval.json:
 * Keylime's process_measurement_list run on them) must come out the same here: the verdict
 * and every event, id and context, in order.
 */
import { describe, expect, it } from 'vitest';
import { createNobleHashProvider } from '../hash/hash-provider';
import { parseImaLog } from '../ima/parse-ima-log';
import { verifyTemplateHashes } from '../ima/template-digests';
import { parseImaKeys } from '../ima-signature/ima-key';
import { readSharedData } from '../testing/shared-data';
import { readKeylimeCases, type KeylimeCase as Case } from '../testing/keylime-vectors';
import { Decision, evaluateKeylime } from './keylime-eval';
import { parseRuntimePolicy } from './runtime-policy';
import type { FiledKey } from './tenant-keyring';

const DIR = ['policy', 'keylime'];
const cases = readKeylimeCases();
const provider = createNobleHashProvider();

function keysOf(files: readonly string[]): FiledKey[] {
  return files.flatMap((f) => {
    const r = parseImaKeys(readSharedData(...DIR, 'keys', f));
    if (!r.ok) throw new Error(r.error.message);
    return r.keys.map((key) => ({ key, keyId: key.keyId, source: f }));
  });
}

function run(c: Case) {
  const log = parseImaLog(readSharedData(...DIR, 'logs', c.log), { format: 'ascii' });
  verifyTemplateHashes(log, provider);
  const policy = c.policy === null ? undefined : parseRuntimePolicy(readSharedData(...DIR, 'policies', c.policy)).policy;
  return evaluateKeylime(log, { policy, ...(c.keys !== null && { tenantKeys: keysOf(c.keys) }) }, provider);
}

describe("Keylime's vectors give Keylime's outcome", () => {
  it.each(cases.map((c, k) => [`${k}: ${c.log} + ${c.policy ?? 'no policy'} + ${c.keys === null ? 'no keyring' : `[${c.keys.join(', ')}]`}`, c] as const))('%s', (_, c) => {
    const result = run(c);
    expect(result.pass).toBe(c.keylime_pass);
    expect([...result.events].map((e) => [e.id, typeof e.context === 'string' ? { message: e.context } : e.context])).toEqual(c.events);
    // The report's messages, made for all events at once, are Keylime's too.
    expect(result.events.messages()).toEqual(c.events.map(([, ctx]) => ctx.message));
    if (c.learned_keyrings !== undefined) {
      const learned = Object.entries(c.learned_keyrings).filter(([name]) => name !== 'tenant_keyring');
      expect(result.learned.map((l) => [l.keyring, `0x${l.keyId.toString(16).padStart(8, '0')}`])).toEqual(learned.flatMap(([name, ids]) => ids.map((id) => [name, id])));
    }
  });

  it('settles why each entry passed', () => {
    const withSigs = run({ log: 'signatures.ascii', policy: 'policy-wrong.json', keys: ['rsa2048pub.pem', 'secp256k1.pem'], keylime_pass: true, events: [] });
    expect([...withSigs.decisions]).toEqual([Decision.SignatureValid, Decision.SignatureValid]);
    const excluded = run({ log: 'measurements.ascii', policy: 'policy-wrong-with-excludes.json', keys: null, keylime_pass: true, events: [] });
    expect([...excluded.decisions]).toEqual([Decision.Excluded, Decision.Excluded, Decision.Excluded]);
    expect(excluded.excludes.matching('/usr/bin/dd')).toEqual(['/usr/bin/dd']);
  });
});

describe('ima-buf key entries Keylime refuses or cannot use', () => {
  it('fails an Ed25519 certificate measured into a keyring with ima.invalid_key', async () => {
    const { execFileSync } = await import('node:child_process');
    const { mkdtempSync, readFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { buildImaLog } = await import('../testing/build-ima-log');
    const dir = mkdtempSync(join(tmpdir(), 'imascope-ed25519-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ed25519', '-nodes', '-keyout', join(dir, 'k'), '-out', join(dir, 'c.der'), '-outform', 'der', '-subj', '/CN=ed', '-days', '2'], { stdio: 'ignore' });
    const built = buildImaLog([{ template: 'ima-buf', path: '.ima', buf: new Uint8Array(readFileSync(join(dir, 'c.der'))) }], { provider });
    const log = parseImaLog(new TextEncoder().encode(built.ascii), { format: 'ascii' });
    verifyTemplateHashes(log, provider);
    const policy = parseRuntimePolicy(readSharedData(...DIR, 'policies', 'policy-empty.json')).policy;
    const result = evaluateKeylime(log, { policy, tenantKeys: [] }, provider);
    expect([...result.events].map((e) => [e.id, e.context])).toEqual([['ima.invalid_key', 'key from .ima does not have a supported key: Unsupported key type Ed25519PublicKey']]);
  });
});
