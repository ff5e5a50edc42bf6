/**
 * go-tpm-tools `Attestation` bundles, on the real GCE attestation from go-tpm-tools' own tests
 * (testdata/gce-cos-85-nonce9009.pb: three quotes, sha1/sha256/sha384, nonce "9009" per the
 * file's name, the AK as TPMT_PUBLIC and as a certificate, a crypto-agile event log).
 * The expected values come from outside our decoder: protoc --decode_raw (the reference
 * protobuf implementation) and openssl.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createHashProvider } from '../hash/hash-provider';
import { analyzeRaw } from '../analysis/analyze';
import { classifyInput } from '../inputs/registry';
import { exitStatusOf } from '../analysis/verdict';
import { readAttestationBundle, sniffAttestationBundle } from './attestation-bundle';

const FILE = join(__dirname, 'go-tpm-tools', 'testdata', 'gce-cos-85-nonce9009.pb');
const BYTES = new Uint8Array(readFileSync(FILE));

/** Field `n` (length-delimited) of the top-level message, every occurrence, by protoc. */
function rawFieldSizes(n: number): number[] {
  const text = execFileSync('protoc', ['--decode_raw'], { input: BYTES, encoding: 'latin1', maxBuffer: 1 << 26 });
  // Top-level lines are not indented; nested messages are `n {` blocks.
  return text.split('\n').filter((l) => l.startsWith(`${n}: "`) || l === `${n} {`).map((l) => l.length);
}

describe('go-tpm-tools Attestation', () => {
  it('is recognised by content, and a cut copy is not', () => {
    expect(classifyInput(BYTES)).toBe('attestation-bundle');
    expect(sniffAttestationBundle(BYTES.subarray(0, 200), true)).toBeUndefined();
  });

  it('splits into the parts protoc sees: AK, certificate, three quotes with signatures and PCRs, event log', () => {
    const r = readAttestationBundle('a.pb', BYTES);
    expect(r.error).toBeUndefined();
    const parts = r.parts ?? [];
    expect(parts.map((p) => [p.name, p.kind])).toEqual([
      ['a.pb › ak_pub', 'ak-public'],
      ['a.pb › ak_cert', 'ak-public'],
      ['a.pb › quote sha1', 'tpm-quote'],
      ['a.pb › quote sha1 signature', 'tpm-signature'],
      ['a.pb › quote sha1 PCRs', 'pcr-values'],
      ['a.pb › quote sha256', 'tpm-quote'],
      ['a.pb › quote sha256 signature', 'tpm-signature'],
      ['a.pb › quote sha256 PCRs', 'pcr-values'],
      ['a.pb › quote sha384', 'tpm-quote'],
      ['a.pb › quote sha384 signature', 'tpm-signature'],
      ['a.pb › quote sha384 PCRs', 'pcr-values'],
      ['a.pb › event_log', 'tcg-eventlog'],
    ]);
    expect(rawFieldSizes(2)).toHaveLength(3);
    // The certificate is the DER openssl reads, byte for byte.
    const cert = parts[1].bytes;
    const der = execFileSync('openssl', ['x509', '-inform', 'DER', '-outform', 'DER'], { input: cert });
    expect(createHash('sha256').update(der).digest('hex')).toBe(createHash('sha256').update(cert).digest('hex'));
  });

  it('analysed as one input: every quote verifies with the AK, its PCRs reproduce its digest, the nonce is "9009"', async () => {
    const provider = await createHashProvider();
    const { report } = await analyzeRaw([{ name: 'gce.pb', bytes: BYTES }], { nonce: '9009' }, provider);
    expect(report.inputs[0]).toMatchObject({ name: 'gce.pb', kind: 'attestation-bundle' });
    expect(report.quotes?.map((q) => [q.input, Object.keys(q.selection)[0], q.signature, q.nonceMatches, q.digestMatches])).toEqual([
      ['gce.pb › quote sha1', 'sha1', 'valid', true, true],
      ['gce.pb › quote sha256', 'sha256', 'valid', true, true],
      ['gce.pb › quote sha384', 'sha384', 'valid', true, true],
    ]);
    // The AK certificate verifies the quotes too, so it is shown; openssl names its subject and issuer.
    const name = (which: string): string =>
      execFileSync('openssl', ['x509', '-inform', 'DER', '-noout', `-${which}`, '-nameopt', 'RFC2253'], { input: readAttestationBundle('x', BYTES).parts?.[1].bytes, encoding: 'utf8' })
        .trim()
        .replace(`${which}=`, '')
        .replace(/(?<!\\),/g, ', ');
    expect(report.quotes?.map((q) => q.akInput)).toEqual(['gce.pb › ak_cert', 'gce.pb › ak_cert', 'gce.pb › ak_cert']);
    expect(report.quotes?.[0].akCertificate).toMatchObject({ subject: name('subject'), issuer: name('issuer') });
    expect(report.inputs.filter((i) => i.kind === 'ima-key')).toEqual([]);
    expect(exitStatusOf(report)).not.toBe(2);
  });
});
