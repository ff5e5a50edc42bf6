/**
 * The one policy writer: measurements from a list, merged into a policy without repeats,
 * keys from logs never touching a prototype, and a patched policy that the dry run then
 * passes (Keylime's own evaluation, keylime-eval.ts, is the judge).
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createHashProvider, createNobleHashProvider } from '../hash/hash-provider';
import { parseImaLog } from '../ima/parse-ima-log';
import type { ImaLog } from '../model/ima-log';
import { verifyTemplateHashes } from '../ima/template-digests';
import { buildImaLog } from '../testing/build-ima-log';
import { readSharedData } from '../testing/shared-data';
import { encodeText } from '../util/bytes';
import { addMeasurementsToPolicy, createPolicy, measurementsOf, policyDocumentOf, type CreatedPolicy } from './create-policy';
import { evaluateKeylime } from './keylime-eval';
import { runPolicyDryRun } from './policy-dry-run';
import { addPolicyInput, emptyPolicyInputs } from './policy-inputs';
import { validatePolicySchema } from './policy-schema';
import { parseRuntimePolicy } from './runtime-policy';
import { classifyInput } from '../inputs/registry';

const provider = createNobleHashProvider();

function logOf(entries: Parameters<typeof buildImaLog>[0]) {
  const log = parseImaLog(buildImaLog(entries, { provider, listBank: 'sha256', banks: ['sha256'] }).binary, { format: 'binary' });
  verifyTemplateHashes(log, provider);
  return log;
}

const good = logOf([
  { path: 'boot_aggregate', fileDigest: { content: 'boot' } },
  { path: '/usr/bin/a', fileDigest: { content: 'a' } },
  { path: '__proto__', fileDigest: { content: 'p' } },
  { template: 'ima-buf', path: 'kernel_version', buf: '6.8.0' },
]);
const updated = logOf([
  { path: 'boot_aggregate', fileDigest: { content: 'boot' } },
  { path: '/usr/bin/a', fileDigest: { content: 'a, updated' } },
  { path: '/usr/bin/new', fileDigest: { content: 'n' } },
  { path: '__proto__', fileDigest: { content: 'p' } },
  { template: 'ima-buf', path: 'kernel_version', buf: '6.8.1' },
]);
const judge = (doc: object, log: typeof good) => evaluateKeylime(log, { policy: parseRuntimePolicy(encodeText(JSON.stringify(doc))).policy }, provider);

/** The policy createPolicy writes, failing the test when it refuses. */
function written(logs: readonly ImaLog[]): CreatedPolicy {
  const created = createPolicy(logs, provider);
  if ('refused' in created) throw new Error(created.refused);
  return created;
}

describe('names with DEL and control characters (the kernel logs them raw)', () => {
  const names = ['/usr/bin/del\x7fname', '/usr/bin/ctl\x01a', '/usr/bin/esc\x1b[0m', '/usr/bin/us\x1fname'];
  const log = logOf(names.map((path) => ({ path, fileDigest: { content: path } })));
  const text = JSON.stringify(written([log]).policy);

  it('a policy, allowlist or exclude list naming them is recognised by content, and matches them byte for byte', () => {
    // JSON.stringify writes DEL raw and escapes the C0 controls: both forms are read.
    expect(text).toContain('del\x7fname');
    expect(classifyInput(encodeText(text))).toBe('runtime-policy');
    expect(judge(JSON.parse(text) as object, log)).toMatchObject({ pass: true });
    const digests = (JSON.parse(text) as { digests: Record<string, string[]> }).digests;
    const flat = names.map((n) => `${digests[n][0]}  ${n}\n`).join('');
    expect(classifyInput(encodeText(flat))).toBe('runtime-policy');
    expect([...parseRuntimePolicy(encodeText(flat)).policy.digests.keys()]).toEqual(names);
    expect(classifyInput(encodeText(names.map((n) => `${n}$\n`).join('')))).toBe('exclude-list');
  });
});

describe('createPolicy and addMeasurementsToPolicy', () => {
  const created = written([good]);

  it('writes a schema-valid policy that passes its list and fails the changed one', () => {
    expect(validatePolicySchema(JSON.parse(JSON.stringify(created.policy)))).toEqual([]);
    expect(judge(created.policy, good).pass).toBe(true);
    const events = [...judge(created.policy, updated).events].map((e) => [e.index, e.id]);
    expect(events).toEqual([
      [1, 'ima.validation.ima-ng.runtime_policy_hash'],
      [2, 'ima.validation.ima-ng.not_in_allowlist'],
      [4, 'ima.validation.ima-ng.runtime_policy_hash'],
    ]);
  });

  it('adds the failing entries as a patch that then passes, listing only what is new', () => {
    const failing = [...judge(created.policy, updated).events].map((e) => e.index);
    const { measurements } = measurementsOf(updated, provider, failing);
    const merged = addMeasurementsToPolicy(created.policy, [...measurements, ...measurements]);
    expect(merged.added.map((m) => [m.list, m.name])).toEqual([
      ['digests', '/usr/bin/a'],
      ['digests', '/usr/bin/new'],
      ['ima-buf', 'kernel_version'],
    ]);
    expect(judge(merged.policy, updated).pass).toBe(true);
    expect(judge(merged.policy, good).pass).toBe(true);
    // The input document is untouched.
    expect(judge(created.policy, updated).pass).toBe(false);
  });

  it('keeps a path named __proto__ as a key, never a prototype', () => {
    const digests = created.policy.digests as Record<string, string[]>;
    expect(Object.getPrototypeOf(digests)).toBeNull();
    expect(Object.hasOwn(digests, '__proto__')).toBe(true);
    expect(JSON.parse(JSON.stringify(created.policy)).digests.__proto__).toHaveLength(1);
  });

  it('turns a loaded policy of any format back into a v1 document, and refuses digests the schema refuses', () => {
    const loaded = parseRuntimePolicy(encodeText(`${'ab'.repeat(32)}  /usr/bin/x\n`));
    const doc = policyDocumentOf(loaded.policy);
    expect(validatePolicySchema(JSON.parse(JSON.stringify(doc)))).toEqual([]);
    const merged = addMeasurementsToPolicy(doc, [{ list: 'digests', name: '/x', digest: 'ABCD'.repeat(10) }]);
    expect(merged.added).toEqual([]);
    expect(merged.skipped[0]).toContain('lower-case hex');
  });
});

describe('createPolicy refuses what no kernel wrote and what Keylime cannot name', () => {
  it('leaves out an ima-buf entry whose buffer does not hash to its recorded digest', () => {
    // The recorded digest is sha256("6.8.0-good") (node:crypto), the buffer another version.
    const good = createHash('sha256').update('6.8.0-good').digest('hex');
    const forged = logOf([
      { path: 'boot_aggregate', fileDigest: { content: 'boot' } },
      { template: 'ima-buf', path: 'kernel_version', buf: '6.6.6-evil', fileDigest: { algorithm: 'sha256', hex: good } },
      { template: 'ima-buf', path: 'honest', buf: 'x', fileDigest: { algorithm: 'sha256', hex: createHash('sha256').update('x').digest('hex') } },
    ]);
    const { policy, skipped } = written([forged]);
    expect(Object.keys(policy['ima-buf'] as object)).toEqual(['honest']);
    expect(skipped).toEqual([expect.stringContaining('kernel_version (entry 1): its buffer does not hash to its recorded digest')]);
  });

  it('writes no log_hash_alg the schema cannot hold: an SM3 list, or lists of two algorithms', async () => {
    // The platform provider has SM3 (the CLI's): the list's template hashes verify with it.
    const sm3 = parseImaLog(readSharedData('policy', 'keylime', 'create-runtime-policy', 'ima-log-sm3_256'), { format: 'ascii' });
    verifyTemplateHashes(sm3, await createHashProvider());
    expect(sm3.digestBank).toBe('sm3');
    expect(createPolicy([sm3], provider)).toEqual({ refused: expect.stringContaining('template hashes are sm3') });
    const sha1 = parseImaLog(buildImaLog([{ path: '/a', fileDigest: { content: 'a' } }], { provider, listBank: 'sha1', banks: ['sha1'] }).binary, { format: 'binary' });
    verifyTemplateHashes(sha1, provider);
    expect(createPolicy([good, sha1], provider)).toEqual({ refused: expect.stringContaining('several template-hash algorithms (sha256, sha1)') });
  });
});

describe('names that are not UTF-8', () => {
  // Two different byte strings whose lossy UTF-8 text is the same "/tmp/\uFFFD\uFFFD-bad".
  const listed = Uint8Array.of(...encodeText('/tmp/'), 0xff, 0xfe, ...encodeText('-bad'));
  const other = Uint8Array.of(...encodeText('/tmp/'), 0xc0, 0xc1, ...encodeText('-bad'));
  const entry = (nameBytes: Uint8Array) => ({ path: 'stand-in', nameBytes, fileDigest: { content: 'same' } });

  it('policy create leaves them out (no JSON text is those bytes), naming them escaped', () => {
    const { policy, skipped } = written([logOf([{ path: '/usr/bin/a' }, entry(listed)])]);
    expect(Object.keys(policy.digests as object)).toEqual(['/usr/bin/a']);
    // python3: b'/tmp/\xff\xfe-bad'.decode('utf-8', 'backslashreplace')
    expect(skipped).toEqual(['/tmp/\\xff\\xfe-bad (entry 1): its name is not UTF-8, and a policy\'s paths are text, so none can name it exactly']);
  });

  it('a policy path with U+FFFD accepts neither name: names are compared byte for byte', () => {
    const doc = { ...written([good]).policy, digests: { '/tmp/\uFFFD\uFFFD-bad': [createHash('sha256').update('same').digest('hex')] } };
    for (const name of [listed, other]) {
      expect([...judge(doc, logOf([entry(name)])).events].map((e) => e.id)).toEqual(['ima.validation.ima-ng.not_in_allowlist']);
    }
    // The finding names it as python's backslashreplace does, never as the U+FFFD text.
    const inputs = addPolicyInput(emptyPolicyInputs(), 'policy.json', encodeText(JSON.stringify(doc)), 'runtime-policy');
    const run = runPolicyDryRun(logOf([entry(other)]), inputs, {}, provider);
    expect(run.findings.find((f) => f.code === 'policy-not-in-allowlist')?.message).toContain('"/tmp/\\xc0\\xc1-bad" (entry 0)');
  });
});
