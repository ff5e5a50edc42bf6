/**
 * Oracles: hand-assembled headers (layout from the kernel's `struct signature_v2_hdr`), the real
 * keylime ima-sig signatures, and `evmctl ima_sign --sigfile` with keys whose subject key id
 * openssl prints (the v2 key id is its last 4 bytes).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readSharedText } from '../../testing/shared-data';
import { fromHex } from '../../util/bytes';
import { decodeSignatureHeader } from './signature-header';

const hex = (h: string): Uint8Array => fromHex(h) ?? new Uint8Array();

describe('decodeSignatureHeader on hand-assembled headers', () => {
  it('v2 EVM_IMA_XATTR_DIGSIG: type 03, version 02, hash_algo 04 (sha256), keyid, be16 size', () => {
    const bytes = hex('03 02 04 0a0b0c0d 0003 aabbcc');
    expect(decodeSignatureHeader(bytes)).toEqual({
      type: 3,
      typeName: 'EVM_IMA_XATTR_DIGSIG',
      version: 2,
      hashAlgorithm: 'sha256',
      keyId: '0a0b0c0d',
      signatureLength: 3,
      problems: [],
    });
  });

  it('names the kernel hash_algo enum (sha1=2, sm3=17, sha3-512=22) and portable/verity types', () => {
    expect(decodeSignatureHeader(hex('05 02 02 00000001 0001 ff'))).toMatchObject({
      typeName: 'EVM_XATTR_PORTABLE_DIGSIG',
      hashAlgorithm: 'sha1',
    });
    expect(decodeSignatureHeader(hex('06 03 11 00000001 0000'))).toMatchObject({
      typeName: 'IMA_VERITY_DIGSIG',
      version: 3,
      hashAlgorithm: 'sm3',
      problems: [],
    });
    expect(decodeSignatureHeader(hex('03 02 16 00000001 0000'))?.hashAlgorithm).toBe('sha3-512');
  });

  it('digest and HMAC values carry no signature header', () => {
    const sha256 = '00'.repeat(31) + '01';
    expect(decodeSignatureHeader(hex(`04 04 ${sha256}`))).toEqual({
      type: 4,
      typeName: 'IMA_XATTR_DIGEST_NG',
      hashAlgorithm: 'sha256',
      digest: sha256,
      problems: [],
    });
    expect(decodeSignatureHeader(hex(`01 ${'11'.repeat(20)}`))).toMatchObject({
      typeName: 'IMA_XATTR_DIGEST',
      hashAlgorithm: 'sha1',
    });
    expect(decodeSignatureHeader(hex(`02 ${'22'.repeat(20)}`))?.typeName).toBe('EVM_XATTR_HMAC');
  });

  it('reports, without throwing, every malformed shape', () => {
    expect(decodeSignatureHeader(new Uint8Array())).toBeUndefined();
    expect(decodeSignatureHeader(hex('03'))?.problems).toEqual(['truncated: no version octet']);
    expect(decodeSignatureHeader(hex('03 02 04 0a0b'))?.problems[0]).toMatch(/truncated: 5 bytes/);
    expect(decodeSignatureHeader(hex('03 02 04 0a0b0c0d 0100 aa'))?.problems).toEqual([
      'sig_size says 256 bytes but 1 follow the header',
    ]);
    expect(decodeSignatureHeader(hex('03 02 63 0a0b0c0d 0000'))).toMatchObject({
      hashAlgorithm: 'hash_algo 99',
      problems: ['unknown kernel hash_algo 99'],
    });
    expect(decodeSignatureHeader(hex('03 07'))?.problems).toEqual(['unknown signature version 7']);
    expect(decodeSignatureHeader(hex('03 01 00'))?.version).toBe(1);
    expect(decodeSignatureHeader(hex('06 02 04 00000000 0000'))?.problems).toEqual([
      'IMA_VERITY_DIGSIG should be a version 3 signature',
    ]);
    expect(decodeSignatureHeader(hex('09 00'))).toMatchObject({ typeName: 'unknown' });
    expect(decodeSignatureHeader(hex('04'))?.problems).toEqual(['truncated: no hash algorithm octet']);
  });
});

describe('decodeSignatureHeader on real and evmctl signatures', () => {
  it('keylime ima-sig lines: RSA over /usr/bin/dd and ECDSA over /usr/bin/zmore', () => {
    const lines = readSharedText('realdata', 'keylime-tests', 'test_ima_verification-SIGNATURES.ascii')
      .trim()
      .split('\n');
    const sig = (i: number): Uint8Array => hex(lines[i].split(' ')[5]);
    // "030204 f3452d23 0100": the PROVENANCE note's v2 header with sha256 and a 256-byte RSA signature.
    expect(decodeSignatureHeader(sig(0))).toMatchObject({
      type: 3,
      version: 2,
      hashAlgorithm: 'sha256',
      keyId: 'f3452d23',
      signatureLength: 256,
      problems: [],
    });
    expect(decodeSignatureHeader(sig(1))).toMatchObject({
      keyId: '531f4025',
      signatureLength: sig(1).length - 9,
      problems: [],
    });
  });

  const dir = mkdtempSync(join(tmpdir(), 'imascope-evmctl-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const run = (cmd: string, args: string[]): string =>
    execFileSync(cmd, args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

  it.each([
    ['RSA 2048, sha256', ['-newkey', 'rsa:2048'], 'sha256'],
    ['EC P-256, sha384', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'], 'sha384'],
  ])('evmctl ima_sign: %s', (_label, keyArgs, algorithm) => {
    const name = algorithm;
    run('openssl', ['req', '-x509', ...keyArgs, '-nodes', '-keyout', `${name}.key`, '-subj', '/CN=ima',
      '-days', '2', '-out', `${name}.crt`]);
    writeFileSync(join(dir, `${name}.txt`), 'measured file\n');
    run('evmctl', ['ima_sign', '-a', algorithm, '--key', `${name}.key`, '--sigfile', `${name}.txt`]);
    const sig = new Uint8Array(readFileSync(join(dir, `${name}.txt.sig`)));
    const ski = /Subject Key Identifier: *\n\s*([0-9A-F:]+)/
      .exec(run('openssl', ['x509', '-in', `${name}.crt`, '-noout', '-text']))?.[1]
      .replace(/:/g, '')
      .toLowerCase();
    expect(decodeSignatureHeader(sig)).toEqual({
      type: 3,
      typeName: 'EVM_IMA_XATTR_DIGSIG',
      version: 2,
      hashAlgorithm: algorithm,
      keyId: ski?.slice(-8),
      signatureLength: sig.length - 9,
      problems: [],
    });
  });
});
