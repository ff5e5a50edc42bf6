import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatKeyId, parseImaKeys, type ImaPublicKey } from './ima-key';
import { checkImaSignature, keylimeDigsigVerify, type KeyLookup } from './ima-signature';
import { verifyDigestSignature } from './verify-digest';
import { readSharedData, readSharedText } from '../testing/shared-data';
import { fromHex } from '../util/bytes';

const KEYS = ['policy', 'keylime', 'keys'];

function keysOf(file: string): ImaPublicKey[] {
  const r = parseImaKeys(readSharedData(...KEYS, file));
  if (!r.ok) throw new Error(r.error.message);
  return [...r.keys];
}

function lookup(keys: readonly ImaPublicKey[]): KeyLookup {
  return {
    keylimeKey: (id) => keys.find((k) => k.keyId === id),
    candidates: (id) => keys.filter((k) => k.keyId === id || k.derivedKeyId === id).map((key) => ({ key, source: 'test' })),
  };
}

/** The sig and digest of each signed line of Keylime's SIGNATURES vector. */
function signedLines(): Array<{ path: string; digest: Uint8Array; sig: Uint8Array }> {
  return readSharedText('policy', 'keylime', 'logs', 'signatures.ascii')
    .trim()
    .split('\n')
    .map((line) => {
      const [, , , d, path, sig] = line.split(' ');
      return { path, digest: fromHex(d.split(':')[1]) ?? new Uint8Array(), sig: fromHex(sig) ?? new Uint8Array() };
    });
}

describe('IMA keys (Keylime test keys)', () => {
  it('derives the key ids Keylime files them under (PROVENANCE: f3452d23, 531f4025, 2cb6058c)', () => {
    expect(keysOf('rsa2048pub.pem').map((k) => [k.label, formatKeyId(k.keyId)])).toEqual([['rsa-2048', 'f3452d23']]);
    // secp256k1.pem is an EC private key with an EC PARAMETERS block before it.
    expect(keysOf('secp256k1.pem').map((k) => [k.label, formatKeyId(k.keyId)])).toEqual([['ecdsa-secp256k1', '531f4025']]);
    expect(keysOf('secp256k1pub.pem').map((k) => formatKeyId(k.keyId))).toEqual(['531f4025']);
    const [cert] = keysOf('ima-keyring-cert.der');
    expect(formatKeyId(cert.keyId)).toBe('2cb6058c');
    expect(cert.certificate?.subject).toBe('CN=ecdsa-ca-signed-ec-key');
  });

  it('agrees with openssl on the RSA modulus', () => {
    const dir = mkdtempSync(join(tmpdir(), 'imakey-'));
    const pem = join(dir, 'k.pem');
    writeFileSync(pem, readSharedData(...KEYS, 'rsa2048pub.pem'));
    const out = execFileSync('openssl', ['rsa', '-pubin', '-in', pem, '-noout', '-modulus'], { encoding: 'utf8' });
    const [key] = keysOf('rsa2048pub.pem');
    expect(key.n?.toString(16).toUpperCase()).toBe(out.trim().replace('Modulus=', ''));
  });

  it('names the file place of what does not parse', () => {
    const bad = new TextEncoder().encode('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    const r = parseImaKeys(bad);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.place).toMatch(/^PEM block 1 \(CERTIFICATE\)/);
    expect(parseImaKeys(Uint8Array.of(1, 2, 3)).ok).toBe(false);
  });
});

describe('a certificate followed by TPM NV fill (tpm2_nvread of the EK certificate index)', () => {
  // osresearch/safeboot tests/quote-t490.tgz ek.crt is 1,170 bytes of certificate and 430 of
  // 0xFF; the same is made here from the keyring certificate (openssl reads both).
  const der = readSharedData(...KEYS, 'ima-keyring-cert.der');
  const followedBy = (tail: Uint8Array): Uint8Array => Uint8Array.from([...der, ...tail]);

  it('reads the certificate before 0xFF or 0x00 fill as the certificate alone', () => {
    const [plain] = keysOf('ima-keyring-cert.der');
    for (const fill of [0xff, 0x00]) {
      const r = parseImaKeys(followedBy(new Uint8Array(430).fill(fill)));
      expect(r.ok && r.keys.map((k) => [formatKeyId(k.keyId), k.certificate?.subject, k.fingerprint])).toEqual([
        [formatKeyId(plain.keyId), 'CN=ecdsa-ca-signed-ec-key', plain.fingerprint],
      ]);
    }
  });

  it('other bytes after it are an error at their offset, not "not a DER certificate" at byte 0', () => {
    const r = parseImaKeys(followedBy(new TextEncoder().encode('ABCDEFGHIJ')));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toEqual({ message: 'CERTIFICATE: 10 bytes follow the structure (not 0xFF or 0x00 fill)', place: `byte ${der.length}` });
  });
});

describe('signatures over a digest (Keylime SIGNATURES vector)', () => {
  const rsa = keysOf('rsa2048pub.pem');
  const ec = keysOf('secp256k1.pem');
  const [dd, zmore] = signedLines();

  it('verifies the RSA-2048 and secp256k1 signatures and rejects a changed digest', () => {
    const both = lookup([...rsa, ...ec]);
    expect(keylimeDigsigVerify(dd.sig, dd.digest, 'sha256', both)).toBe(true);
    expect(keylimeDigsigVerify(zmore.sig, zmore.digest, 'sha256', both)).toBe(true);
    const changed = dd.digest.slice();
    changed[0] ^= 1;
    expect(keylimeDigsigVerify(dd.sig, changed, 'sha256', both)).toBe(false);
    expect(checkImaSignature(dd.sig, changed, 'sha256', both).status).toBe('invalid');
    expect(keylimeDigsigVerify(dd.sig, dd.digest, 'sha1', both)).toBe(false);
  });

  it('says which key is missing', () => {
    const only = lookup(rsa);
    expect(checkImaSignature(dd.sig, dd.digest, 'sha256', only)).toMatchObject({ status: 'valid', keyId: 'f3452d23' });
    expect(checkImaSignature(zmore.sig, zmore.digest, 'sha256', only)).toMatchObject({ status: 'unknown-key', keyId: '531f4025' });
    expect(checkImaSignature(new Uint8Array(0), dd.digest, 'sha256', only).status).toBe('unsigned');
    const cut = zmore.sig.slice();
    cut[7] = 0x48; // BAD_SIGNATURES: sig_size 0x4800
    expect(checkImaSignature(cut, zmore.digest, 'sha256', only).status).toBe('malformed');
  });

  it('compares the whole PKCS#1 block: a signature with trailing garbage or wrong size fails', () => {
    const sig = dd.sig.subarray(9);
    expect(verifyDigestSignature(rsa[0], 'sha256', dd.digest, sig)).toBe('valid');
    expect(verifyDigestSignature(rsa[0], 'sha256', dd.digest, sig.subarray(1))).toBe('invalid');
    expect(verifyDigestSignature(rsa[0], 'sha384', dd.digest, sig)).toBe('invalid');
    expect(verifyDigestSignature(rsa[0], 'sm3', dd.digest, sig)).toBe('unsupported');
  });
});
