/**
 * The one policy writer: measurements from a list, merged into a policy without repeats,
 * keys from logs never touching a prototype, and a patched policy that the dry run then
 * passes (Keylime's own evaluation, keylime-eval.ts, is the judge).
 */
import { describe, expect, it } from 'vitest';
import { createNobleHashProvider } from '../hash/hash-provider';
import { parseImaLog } from '../ima/parse-ima-log';
import { verifyTemplateHashes } from '../ima/template-digests';
import { buildImaLog } from '../testing/build-ima-log';
import { encodeText } from '../util/bytes';
import { addMeasurementsToPolicy, createPolicy, measurementsOf, policyDocumentOf } from './create-policy';
import { evaluateKeylime } from './keylime-eval';
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

describe('names with DEL and control characters (the kernel logs them raw)', () => {
  const names = ['/usr/bin/del\x7fname', '/usr/bin/ctl\x01a', '/usr/bin/esc\x1b[0m', '/usr/bin/us\x1fname'];
  const log = logOf(names.map((path) => ({ path, fileDigest: { content: path } })));
  const written = JSON.stringify(createPolicy([log]).policy);

  it('a policy, allowlist or exclude list naming them is recognised by content, and matches them byte for byte', () => {
    // JSON.stringify writes DEL raw and escapes the C0 controls: both forms are read.
    expect(written).toContain('del\x7fname');
    expect(classifyInput(encodeText(written))).toBe('runtime-policy');
    expect(judge(JSON.parse(written) as object, log)).toMatchObject({ pass: true });
    const digests = (JSON.parse(written) as { digests: Record<string, string[]> }).digests;
    const flat = names.map((n) => `${digests[n][0]}  ${n}\n`).join('');
    expect(classifyInput(encodeText(flat))).toBe('runtime-policy');
    expect([...parseRuntimePolicy(encodeText(flat)).policy.digests.keys()]).toEqual(names);
    expect(classifyInput(encodeText(names.map((n) => `${n}$\n`).join('')))).toBe('exclude-list');
  });
});

describe('createPolicy and addMeasurementsToPolicy', () => {
  const created = createPolicy([good]);

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
    const { measurements } = measurementsOf(updated, failing);
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
