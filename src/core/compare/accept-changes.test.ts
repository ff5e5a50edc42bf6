/**
 * acceptChanges: the written policy is read back with the policy reader and the failing list
 * compared with it again; every accepted path must then be `same`, and the digests written
 * are the builder's own (its template fields), not our parser's.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createHashProvider, createWasmHashProvider, type HashProvider } from '../hash/hash-provider';
import { parseImaLog } from '../ima/parse-ima-log';
import { createPolicy } from '../policy/create-policy';
import { parseRuntimePolicy } from '../policy/runtime-policy';
import { validatePolicySchema } from '../policy/policy-schema';
import { buildImaLog, type BuildEntry } from '../testing/build-ima-log';
import { platformBootEntry } from '../testing/ima-scenarios';
import { readSharedData } from '../testing/shared-data';
import { encodeText, toHex } from '../util/bytes';
import { verifyTemplateHashes } from '../ima/template-digests';
import type { ImaLog } from '../model/ima-log';
import { acceptChanges, type AcceptedChanges } from './accept-changes';
import { compareLogs } from './compare-logs';
import { comparePolicy } from './compare-policy';

let provider: HashProvider;
beforeAll(async () => {
  provider = await createWasmHashProvider();
});
const file = (path: string, content = path): BuildEntry => ({ path, fileDigest: { content } });
const sha256 = (text: string): string => toHex(provider.get('sha256')?.digest(encodeText(text)) ?? new Uint8Array());
const modules = (release: string, tag: string): BuildEntry[] => Array.from({ length: 12 }, (_, i) => file(`/usr/lib/modules/${release}/kernel/m${i}.ko`, `${tag}${i}`));
const written = (policy: Record<string, unknown>) => parseRuntimePolicy(encodeText(JSON.stringify(policy)));

/** A built list, parsed and its template digests verified (acceptChanges requires it). */
function verified(entries: BuildEntry[]): ImaLog {
  const log = parseImaLog(buildImaLog(entries, { provider }).binary);
  expect(verifyTemplateHashes(log, provider).mismatches).toEqual([]);
  return log;
}

function accepted(update: AcceptedChanges): Extract<AcceptedChanges, { ok: true }> {
  if (!update.ok) throw new Error('refused' in update ? update.refused : `unverified entries ${update.unverified.join(', ')}`);
  return update;
}

describe('acceptChanges', () => {
  it('leaves out, with its reason, a path policy create would leave out (a name that is not UTF-8)', () => {
    const reference = verified([platformBootEntry(provider), file('/usr/bin/a')]);
    const raw = new Uint8Array([...encodeText('/tmp/'), 0xff, 0xfe, ...encodeText('-bad')]);
    const failing = verified([platformBootEntry(provider), file('/usr/bin/a'), file('/usr/bin/b'), { path: '/tmp/x', nameBytes: raw, fileDigest: { content: 'x' } }]);
    const result = compareLogs(reference, failing);
    const update = accepted(acceptChanges(result.groups, failing, result.entryClass.failing, provider));
    expect(update.accepted).toBe(1);
    expect(Object.keys(update.policy.digests as object)).toEqual(['/usr/bin/b']);
    expect(update.skipped.join('\n')).toContain("(entry 3): its name is not UTF-8");
  });

  it('against a list: the update holds the accepted groups only, with the failing digests', () => {
    const tools = Array.from({ length: 5 }, (_, i) => file(`/usr/bin/t${i}`));
    const reference = verified([platformBootEntry(provider), ...modules('6.8.0-48', 'a'), ...tools]);
    const failing = verified([platformBootEntry(provider), ...modules('6.8.0-49', 'b'), ...tools, file('/usr/sbin/sshd', 'v2'), { template: 'ima-buf', path: 'kernel_version', buf: '6.8.0-49' }]);
    const result = compareLogs(reference, failing);
    const kernel = result.groups.filter((g) => g.key === '/usr/lib/modules/6.8.0-49');
    expect(kernel).toHaveLength(1);
    const update = accepted(acceptChanges(kernel, failing, result.entryClass.failing, provider));
    expect(update.accepted).toBe(12);
    expect(validatePolicySchema(update.policy)).toEqual([]);
    const digests = update.policy.digests as Record<string, string[]>;
    expect(Object.keys(digests).sort()).toEqual(Array.from({ length: 12 }, (_, i) => `/usr/lib/modules/6.8.0-49/kernel/m${i}.ko`).sort());
    for (let i = 0; i < 12; i++) expect(digests[`/usr/lib/modules/6.8.0-49/kernel/m${i}.ko`]).toEqual([sha256(`b${i}`)]);
    // Read back: the accepted group is the same, everything else new.
    const again = comparePolicy(written(update.policy), failing);
    expect(again.counts).toMatchObject({ same: 12, changed: 0, gone: 0 });
    expect(again.groups.find((g) => g.key === '/usr/lib/modules/6.8.0-49')).toBeUndefined();
    // A buffer goes to ima-buf, not digests.
    const all = accepted(acceptChanges(result.groups, failing, result.entryClass.failing, provider));
    expect(Object.keys(all.policy['ima-buf'] as object)).toEqual(['kernel_version']);
    expect(all.policy.digests).not.toHaveProperty('kernel_version');
  });

  it('against a policy: the update is the policy plus the accepted digests, and then nothing changed', () => {
    const failing = verified([platformBootEntry(provider), file('/usr/bin/a'), file('/usr/bin/b', 'b2'), file('/usr/bin/c')]);
    const base = written({ meta: { version: 1 }, digests: { '/usr/bin/a': [sha256('/usr/bin/a')], '/usr/bin/b': [sha256('/usr/bin/b')], '/usr/bin/gone': [sha256('x')] }, excludes: ['/tmp/.*'] });
    const before = comparePolicy(base, failing);
    expect(before.counts).toMatchObject({ changed: 1, new: 2, gone: 1 }); // b, then c and boot_aggregate
    const update = accepted(acceptChanges(before.groups, failing, before.entryClass.failing, provider, { base: base.policy }));
    expect(validatePolicySchema(update.policy)).toEqual([]);
    const digests = update.policy.digests as Record<string, string[]>;
    expect(digests['/usr/bin/b']).toEqual([sha256('/usr/bin/b'), sha256('b2')]);
    expect(digests['/usr/bin/gone']).toEqual([sha256('x')]);
    expect(update.policy.excludes).toEqual(['/tmp/.*']);
    const after = comparePolicy(written(update.policy), failing);
    expect(after.counts).toMatchObject({ changed: 0, new: 0, gone: 1, same: 4 });
  });

  it('refuses an ima-buf entry whose buffer is not the hash of its digest (the template hash covers the forged pair)', () => {
    const reference = verified([platformBootEntry(provider), file('/usr/bin/a')]);
    const forged: BuildEntry = { template: 'ima-buf', path: 'kernel_version', buf: '6.6.6-evil', fileDigest: { algorithm: 'sha256', hex: sha256('6.8.0-good') } };
    const failing = verified([platformBootEntry(provider), file('/usr/bin/a'), file('/usr/bin/b'), forged]);
    const result = compareLogs(reference, failing);
    expect(acceptChanges(result.groups, failing, result.entryClass.failing, provider)).toEqual({
      ok: false,
      refused: expect.stringContaining('ima-buf entry #3 of the accepted paths records a digest that is not known to be the hash of its buffer'),
    });
    // Its digest is not accepted when its path is not.
    const others = result.groups.map((g) => ({ ...g, paths: g.paths.filter((p) => p.path !== 'kernel_version') }));
    expect(Object.keys(accepted(acceptChanges(others, failing, result.entryClass.failing, provider)).policy['ima-buf'] as object)).toEqual([]);
  });

  it('refuses an SM3 list as policy create does, instead of writing log_hash_alg sha1', async () => {
    const sm3 = parseImaLog(readSharedData('policy', 'keylime', 'create-runtime-policy', 'ima-log-sm3_256'), { format: 'ascii' });
    const platform = await createHashProvider();
    verifyTemplateHashes(sm3, platform);
    expect(sm3.digestBank).toBe('sm3');
    const result = comparePolicy(written({ meta: { version: 1 }, digests: {} }), sm3);
    const created = createPolicy([sm3], platform);
    if (!('refused' in created)) throw new Error('policy create wrote a policy for an SM3 list');
    expect(acceptChanges(result.groups, sm3, result.entryClass.failing, platform)).toEqual({ ok: false, refused: created.refused });
  });

  it('refuses entries whose template digest did not verify, or was never checked', () => {
    const built = buildImaLog([file('/usr/bin/a'), file('/usr/bin/b')], { provider });
    const bytes = built.binary.slice();
    // The last byte of the list is the end of /usr/bin/b's name: its template digest no longer covers it.
    bytes[bytes.length - 1] ^= 1;
    const failing = parseImaLog(bytes);
    const result = comparePolicy(written({ meta: { version: 1 }, digests: {} }), failing);
    expect(acceptChanges(result.groups, failing, result.entryClass.failing, provider)).toEqual({ ok: false, unverified: [0, 1] }); // not checked yet
    verifyTemplateHashes(failing, provider);
    expect(acceptChanges(result.groups, failing, result.entryClass.failing, provider)).toEqual({ ok: false, unverified: [1] });
    const onlyA = result.groups.map((g) => ({ ...g, paths: g.paths.filter((p) => p.path === '/usr/bin/a') }));
    expect(acceptChanges(onlyA, failing, result.entryClass.failing, provider).ok).toBe(true);
  });
});
