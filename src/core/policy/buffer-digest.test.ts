/**
 * The ima-buf check: an entry's recorded digest against the hash of its buffer (Keylime never
 * makes it; the kernel never writes them apart). The expected digests come from node:crypto;
 * an algorithm with no hasher here is "not checked", never a pass. It is a property of the
 * list: `analyze` reports it with no policy at all, as an error.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { analyzeRaw } from '../analysis/analyze';
import { listFindings } from '../analysis/list-findings';
import { createHashProvider, type Hasher, type HashProvider } from '../hash/hash-provider';
import { parseImaLog } from '../ima/parse-ima-log';
import type { Finding } from '../report/report';
import { buildImaLog } from '../testing/build-ima-log';
import { decodeText, encodeText } from '../util/bytes';
import { bufferDigestFindings, checkBufferDigests } from './buffer-digest';
import { emptyPolicyDocument } from './create-policy';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

describe('ima-buf digests', () => {
  it('a matching digest passes, a wrong one is a mismatch, one no hasher here can compute is unchecked', async () => {
    const provider = await createHashProvider();
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
    const check = checkBufferDigests(log, provider);
    expect(check).toEqual({ mismatches: [1], unchecked: [2] });
    const byCode = new Map(bufferDigestFindings(check).map((f) => [f.code, f]));
    expect(byCode.get('buffer-digest-mismatch')).toMatchObject({ severity: 'error', entries: [1] });
    expect(byCode.get('buffer-digest-unchecked')).toMatchObject({ severity: 'info', entries: [2] });
    expect(byCode.get('buffer-digest-unchecked')?.message).toContain('against its buffer: no hasher here for its digest algorithm');
  });

  it('fails a list with no policy whose kernel_version buffer is not what its digest names', async () => {
    const provider = await createHashProvider();
    const built = buildImaLog(
      [
        { path: 'boot_aggregate', fileDigest: { content: 'boot' } },
        { template: 'ima-buf', path: 'kernel_version', buf: '6.6.6-evil', fileDigest: { algorithm: 'sha256', hex: sha256('6.8.0-good') } },
      ],
      { provider },
    );
    const { report } = await analyzeRaw([{ name: 'list.bin', bytes: built.binary }], {}, provider);
    expect(report.findings.filter((f) => f.code === 'buffer-digest-mismatch')).toMatchObject([{ severity: 'error', entries: [1] }]);
    // A list's own checks (what `compare` makes on each list, and what stops --write-policy)
    // include it too: compare said nothing of it, and accepted the forged digest.
    expect(listFindings(parseImaLog(built.binary), 'list.bin', provider).filter((f) => f.code === 'buffer-digest-mismatch')).toMatchObject([
      { severity: 'error', entries: [1] },
    ]);
  });

  it('with a policy, hashes each buffer once (the dry run answers for the check) and finds the same', async () => {
    const platform = await createHashProvider();
    const built = buildImaLog(
      [
        { path: 'boot_aggregate', fileDigest: { content: 'boot' } },
        { template: 'ima-buf', path: 'kernel_version', buf: '6.6.6-evil', fileDigest: { algorithm: 'sha256', hex: sha256('6.8.0-good') } },
        { template: 'ima-buf', path: 'honest', buf: 'x', fileDigest: { algorithm: 'sha256', hex: sha256('x') } },
        { template: 'ima-buf', path: 'odd_hash', buf: 'abc', fileDigest: { algorithm: 'md5', hex: createHash('md5').update('abc').digest('hex') } },
      ],
      { provider: platform },
    );
    const hashed: string[] = [];
    // Counts the hashes of exactly a buffer's bytes (template hashes cover more than the buffer).
    const provider: HashProvider = {
      ...platform,
      get: (alg) => {
        const hasher = platform.get(alg);
        if (hasher === undefined) return undefined;
        return Object.assign(Object.create(hasher) as Hasher, {
          digest: (data: Uint8Array) => {
            const text = decodeText(data);
            if (['6.6.6-evil', 'x', 'abc'].includes(text)) hashed.push(text);
            return hasher.digest(data);
          },
        });
      },
    };
    const policy = { name: 'policy.json', bytes: encodeText(JSON.stringify(emptyPolicyDocument({ logHashAlg: 'sha1' }))) };
    const list = { name: 'list.bin', bytes: built.binary };
    const bufferFindings = (findings: readonly Finding[]) => findings.filter((f) => f.code.startsWith('buffer-digest-'));
    const judged = (await analyzeRaw([list, policy], {}, provider)).report;
    expect(hashed.sort()).toEqual(['6.6.6-evil', 'x']);
    const alone = (await analyzeRaw([list], {}, platform)).report;
    expect(bufferFindings(judged.findings)).toEqual(bufferFindings(alone.findings));
    expect(bufferFindings(judged.findings).map((f) => [f.code, f.entries])).toEqual([
      ['buffer-digest-mismatch', [1]],
      ['buffer-digest-unchecked', [3]],
    ]);
  });
});
