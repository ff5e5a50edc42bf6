/**
 * The policy passes read entries through a ByteSource: fed the list's bytes in small chunks
 * (entries spanning chunk ends, two chunks kept), as a File-backed list will feed them, they
 * give exactly what they give on the model's data: Keylime's verdicts and events, the
 * signature checks, the report, the findings, the explanation and the policy measurements.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { createNobleHashProvider } from '../hash/hash-provider';
import { parseImaLog } from '../ima/parse-ima-log';
import { verifyTemplateHashes } from '../ima/template-digests';
import { ChunkedByteSource } from '../model/byte-source';
import { buildImaLog } from '../testing/build-ima-log';
import { makeSigningKey, signImaDigest } from '../testing/ima-signing';
import { encodeText } from '../util/bytes';
import { measurementsOf } from './create-policy';
import { explainEntry } from './explain-entry';
import { runPolicyDryRun } from './policy-dry-run';
import { addPolicyInput, emptyPolicyInputs } from './policy-inputs';

const provider = createNobleHashProvider();
const dir = mkdtempSync(join(tmpdir(), 'imascope-reader-'));
const key = makeSigningKey(dir, 'rsa', 'reader-signer');
const digestOf = (s: string) => sha256(encodeText(s));

const built = buildImaLog(
  [
    { template: 'ima-sig', path: '/usr/bin/signed', fileDigest: { content: 'a' }, sig: signImaDigest(key, digestOf('a')) },
    { template: 'ima-sig', path: '/usr/bin/tampered', fileDigest: { content: 'b, changed' }, sig: signImaDigest(key, digestOf('b')) },
    { template: 'ima-ng', path: '/usr/lib/listed.so', fileDigest: { content: 'c' } },
    { template: 'ima-ng', path: '/usr/lib/other digest.so', fileDigest: { content: 'd' } },
    { template: 'ima-ng', path: '/usr/lib/not-listed-ü.so', fileDigest: { content: 'e' } },
    { template: 'ima-buf', path: '.ima', buf: new Uint8Array(readFileSync(key.certDerPath)) },
    { template: 'ima-buf', path: 'kernel_version', buf: '6.17.0' },
  ],
  { provider },
);
const log = parseImaLog(built.binary, { format: 'binary' });
verifyTemplateHashes(log, provider);
const policy = {
  meta: { version: 1 },
  release: 0,
  digests: { '/usr/lib/listed.so': [Buffer.from(digestOf('c')).toString('hex')], '/usr/lib/other digest.so': ['00'.repeat(32)] },
  excludes: [],
  keyrings: {},
  ima: { ignored_keyrings: [], log_hash_alg: 'sha1', dm_policy: null },
  'ima-buf': {},
  'verification-keys': '',
};
let inputs = addPolicyInput(emptyPolicyInputs(), 'policy.json', encodeText(JSON.stringify(policy)), 'runtime-policy');
inputs = addPolicyInput(inputs, 'key.pem', new Uint8Array(readFileSync(key.certPemPath)), 'ima-key');

function chunked(): ChunkedByteSource {
  return new ChunkedByteSource(log.data.length, (start, end) => log.data.slice(start, end), { chunkSize: 61, maxChunks: 2 });
}

describe('the policy passes on a chunked ByteSource', () => {
  it('judge, check, report and explain every entry as on the model data', () => {
    const inMemory = runPolicyDryRun(log, inputs, {}, provider);
    const source = chunked();
    const fromChunks = runPolicyDryRun(log, inputs, { source }, provider);
    expect(source.chunkReads).toBeGreaterThan(0);
    // tampered, the other digest, the unlisted path, and both ima-buf entries (empty keyrings and ima-buf lists).
    expect(inMemory.policy?.failed).toBe(5);
    expect(inMemory.signatures?.invalid).toBe(1);
    expect(fromChunks.policy).toEqual(inMemory.policy);
    expect(fromChunks.signatures).toEqual(inMemory.signatures);
    expect(fromChunks.findings).toEqual(inMemory.findings);
    expect([...fromChunks.keylime.events]).toEqual([...inMemory.keylime.events]);
    expect([...fromChunks.keylime.decisions]).toEqual([...inMemory.keylime.decisions]);
    expect([...fromChunks.signatureColumn]).toEqual([...inMemory.signatureColumn]);
    for (let i = 0; i < log.entries.length; i++) expect(explainEntry(fromChunks, log, i, chunked())).toEqual(explainEntry(inMemory, log, i));
  });

  it('lists the same measurements for a policy', () => {
    expect(measurementsOf(log, provider, undefined, chunked())).toEqual(measurementsOf(log, provider));
    expect(measurementsOf(log, provider).measurements.map((m) => m.name)).toContain('/usr/lib/not-listed-ü.so');
  });
});
