/**
 * The extended ima-buf check: an entry's digest against the hash of its buffer (Keylime never
 * makes it). The expected digests come from node:crypto; an algorithm with no hasher here is
 * "not checked", never a pass.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createHashProvider } from '../hash/hash-provider';
import { parseImaLog } from '../ima/parse-ima-log';
import { buildImaLog } from '../testing/build-ima-log';
import { runPolicyDryRun } from './policy-dry-run';
import { emptyPolicyInputs } from './policy-inputs';

describe('ima-buf digests', () => {
  it('a matching digest passes, a wrong one is a mismatch, one no hasher here can compute is unchecked', async () => {
    const provider = await createHashProvider();
    const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
    const built = buildImaLog(
      [
        { template: 'ima-buf', path: 'kernel_version', buf: '6.17.0', fileDigest: { algorithm: 'sha256', hex: sha256('6.17.0') } },
        { template: 'ima-buf', path: 'altered', buf: 'abc', fileDigest: { algorithm: 'sha256', hex: sha256('abd') } },
        { template: 'ima-buf', path: 'odd_hash', buf: 'abc', fileDigest: { algorithm: 'md5', hex: createHash('md5').update('abc').digest('hex') } },
      ],
      { provider },
    );
    const log = parseImaLog(built.binary);
    expect(log.errors).toEqual([]);
    const run = runPolicyDryRun(log, emptyPolicyInputs(), {}, provider);
    const byCode = new Map(run.findings.map((f) => [f.code, f]));
    expect(byCode.get('buffer-digest-mismatch')?.entries).toEqual([1]);
    expect(byCode.get('buffer-digest-unchecked')?.entries).toEqual([2]);
    expect(byCode.get('buffer-digest-unchecked')?.severity).toBe('info');
  });
});
