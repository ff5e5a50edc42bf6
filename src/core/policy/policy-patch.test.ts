/**
 * failingEntriesPatch, the app's "add the failing entries to the policy": it writes what policy
 * create would (create-policy.ts policyBase and measurementsOf), so it refuses the lists policy
 * create refuses and leaves out the entries it leaves out, with the same reasons.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createHashProvider, createNobleHashProvider } from '../hash/hash-provider';
import { parseImaLog } from '../ima/parse-ima-log';
import { verifyTemplateHashes } from '../ima/template-digests';
import type { ImaLog } from '../model/ima-log';
import { buildImaLog, type BuildEntry } from '../testing/build-ima-log';
import { readSharedData } from '../testing/shared-data';
import { encodeText } from '../util/bytes';
import { createPolicy, emptyPolicyDocument } from './create-policy';
import { runPolicyDryRun } from './policy-dry-run';
import { addPolicyInput, emptyPolicyInputs } from './policy-inputs';
import { failingEntriesPatch } from './policy-patch';

const provider = createNobleHashProvider();
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

function logOf(entries: readonly BuildEntry[]): ImaLog {
  const log = parseImaLog(buildImaLog(entries, { provider, listBank: 'sha256', banks: ['sha256'] }).binary, { format: 'binary' });
  verifyTemplateHashes(log, provider);
  return log;
}

/**
 * The dry run of `log` against the empty sha256 policy: every entry of a sha256 list fails, each
 * for a reason a policy can fix (SM3 has no name in a policy: its entries fail their template hash).
 */
function judgedEmpty(log: ImaLog) {
  const policy = emptyPolicyDocument({ logHashAlg: 'sha256' });
  const inputs = addPolicyInput(emptyPolicyInputs(), 'policy.json', encodeText(JSON.stringify(policy)), 'runtime-policy');
  return runPolicyDryRun(log, inputs, {}, provider);
}

describe('failingEntriesPatch', () => {
  it('leaves out, with its reason, an ima-buf entry whose buffer is not the hash of its digest', () => {
    const log = logOf([
      { path: '/usr/bin/a', fileDigest: { content: 'a' } },
      // The template hash covers the forged pair: only the buffer check finds it.
      { template: 'ima-buf', path: 'kernel_version', buf: '6.6.6-evil', fileDigest: { algorithm: 'sha256', hex: sha256('6.8.0-good') } },
      { template: 'ima-buf', path: 'honest', buf: 'x', fileDigest: { algorithm: 'sha256', hex: sha256('x') } },
    ]);
    const run = judgedEmpty(log);
    expect(run.policy?.failures.map((f) => f.index)).toEqual([0, 1, 2]);
    const patch = failingEntriesPatch(run, log, provider);
    if ('refused' in patch) throw new Error(patch.refused);
    expect(patch.added.map((m) => [m.list, m.name])).toEqual([
      ['digests', '/usr/bin/a'],
      ['ima-buf', 'honest'],
    ]);
    expect(patch.skipped).toEqual([expect.stringContaining('kernel_version (entry 1): its buffer does not hash to its recorded digest')]);
  });

  it('refuses an SM3 list as policy create does, instead of writing log_hash_alg sha1', async () => {
    const sm3 = parseImaLog(readSharedData('policy', 'keylime', 'create-runtime-policy', 'ima-log-sm3_256'), { format: 'ascii' });
    // The platform provider has SM3 (the CLI's): the list's template hashes verify with it.
    const platform = await createHashProvider();
    verifyTemplateHashes(sm3, platform);
    expect(sm3.digestBank).toBe('sm3');
    const created = createPolicy([sm3], platform);
    expect(created).toEqual({ refused: expect.stringContaining('template hashes are sm3') });
    expect(failingEntriesPatch(judgedEmpty(sm3), sm3, platform)).toEqual(created);
  });

  it("without a judged policy, names the list's template-hash algorithm, as policy create does", () => {
    const log = logOf([{ path: '/usr/bin/a', fileDigest: { content: 'a' } }]);
    const run = { ...judgedEmpty(log), runtimePolicy: undefined };
    const patch = failingEntriesPatch(run, log, provider);
    if ('refused' in patch) throw new Error(patch.refused);
    expect(patch.policy.ima).toEqual({ ignored_keyrings: [], log_hash_alg: 'sha256', dm_policy: null });
  });
});
