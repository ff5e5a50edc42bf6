import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { readSharedData, readSharedText, sharedDataPath } from '../../testing/shared-data';
import { fromBase64, toBase64, toHex } from '../../util/bytes';
import { parseAkPublic, readAkPublic } from './ak-public';

const SWTPM = (name: string): Uint8Array => readSharedData('swtpm', name);

/** The DER inside a PEM file, read by hand. */
function pemDer(name: string): Uint8Array {
  const body = readSharedText('swtpm', name).replace(/-----[A-Z ]+-----/g, '');
  return fromBase64(body) ?? new Uint8Array();
}

describe('AK public keys', () => {
  it.each([
    ['ak_rsa', { kind: 'rsa', bits: 2048, schemeHint: 'rsassa', schemeHash: 'sha256', nameAlg: 'sha256' }],
    ['ak_pss', { kind: 'rsa', bits: 2048, schemeHint: 'rsapss', schemeHash: 'sha256', nameAlg: 'sha256' }],
    ['ak_ecc', { kind: 'ecc', curve: 'P-256', bits: 256, schemeHint: 'ecdsa', schemeHash: 'sha256', nameAlg: 'sha256' }],
  ])('%s: the SPKI built from TPM2B_PUBLIC is byte-identical to tpm2-tools\' PEM', (name, facts) => {
    const pem = parseAkPublic(SWTPM(`${name}.pem`));
    expect(pem).toMatchObject({ kind: facts.kind, bits: facts.bits, source: 'spki-pem' });
    expect(pem?.spkiDer).toEqual(pemDer(`${name}.pem`));
    const pub = parseAkPublic(SWTPM(`${name}.pub`));
    expect(pub).toMatchObject({ ...facts, source: 'tpm2b-public' });
    expect(pub?.spkiDer).toEqual(pemDer(`${name}.pem`));
    const yaml = parseAkPublic(readSharedText('swtpm', `${name}.readpublic.yaml`));
    expect(yaml).toMatchObject({ ...facts, source: 'readpublic-yaml' });
    expect(yaml?.spkiDer).toEqual(pemDer(`${name}.pem`));
    // DER input, and the TPMT_PUBLIC without its size
    expect(parseAkPublic(pemDer(`${name}.pem`))).toMatchObject({ source: 'spki-der' });
    expect(parseAkPublic(SWTPM(`${name}.pub`).subarray(2))?.spkiDer).toEqual(pemDer(`${name}.pem`));
    expect(parseAkPublic(toHex(SWTPM(`${name}.pub`)))?.source).toBe('tpm2b-public');
  });

  it('Keylime registrar aik_tpm (base64 TPM2B_PUBLIC) is ak_rsa', () => {
    const k = parseAkPublic(SWTPM('keylime_aik_tpm.b64'));
    expect(k?.source).toBe('tpm2b-public');
    expect(k?.spkiDer).toEqual(pemDer('ak_rsa.pem'));
  });

  it('PKCS#1 "RSA PUBLIC KEY" PEM (made by openssl) is rewrapped as the same SPKI', () => {
    const pkcs1 = execFileSync('openssl', ['rsa', '-pubin', '-in', sharedDataPath('swtpm', 'ak_rsa.pem'), '-RSAPublicKey_out'], { stdio: 'pipe' }).toString();
    expect(pkcs1).toMatch(/BEGIN RSA PUBLIC KEY/);
    expect(parseAkPublic(pkcs1)?.spkiDer).toEqual(pemDer('ak_rsa.pem'));
  });

  it('openssl reads the P-384 SPKI we build from a synthetic TPMT_PUBLIC', () => {
    // P-384 generator point, so the point is on the curve (SEC 2 §2.5.1).
    const gx = 'aa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e3872760ab7';
    const gy = '3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c00a60b1ce1d7e819d7a431d7c90ea0e5f';
    // ECC, nameAlg sha256, attributes, empty authPolicy, sym NULL, ECDSA-SHA384, P-384, kdf NULL
    const hex = '0023000b00050072' + '0000' + '0010' + '0018000c' + '0004' + '0010' + '0030' + gx + '0030' + gy;
    const k = parseAkPublic(hex);
    expect(k).toMatchObject({ kind: 'ecc', curve: 'P-384', bits: 384, source: 'tpmt-public', schemeHash: 'sha384' });
    const pem = `-----BEGIN PUBLIC KEY-----\n${toBase64(k?.spkiDer ?? new Uint8Array())}\n-----END PUBLIC KEY-----\n`;
    const text = execFileSync('openssl', ['pkey', '-pubin', '-noout', '-text'], { input: pem, stdio: 'pipe' }).toString();
    expect(text).toMatch(/NIST CURVE: P-384/);
    expect(parseAkPublic(pem)).toMatchObject({ kind: 'ecc', curve: 'P-384', source: 'spki-pem' });
  });

  it('non-keys give undefined', () => {
    for (const x of [SWTPM('q1_rsassa_sha256_10.msg'), SWTPM('q1_rsassa_sha256_10.sig'), SWTPM('ek.pub').subarray(0, 50), 'hello', '', new Uint8Array([0x30, 0x82, 0xff])]) {
      expect(parseAkPublic(x)).toBeUndefined();
    }
  });
});

describe('ECC coordinates longer than the curve allows', () => {
  const yaml = readSharedText('swtpm', 'ak_ecc.readpublic.yaml');
  const x = /^x: ([0-9a-f]+)$/m.exec(yaml)?.[1] ?? '';

  it('readpublic YAML: a 33-byte x is an error naming the field and its byte offset, never a RangeError', () => {
    const oversized = yaml.replace(`x: ${x}`, `x: 01${x}`);
    expect(() => readAkPublic(oversized)).not.toThrow();
    expect(readAkPublic(oversized).error).toBe(`field x (byte ${oversized.indexOf('\nx:') + 1}): x coordinate is 33 bytes; a P-256 coordinate has at most 32`);
    // A leading zero byte is no extra length: the same point, read as before.
    const padded = readAkPublic(yaml.replace(`x: ${x}`, `x: 00${x}`)).key;
    expect(toHex(padded?.spkiDer ?? new Uint8Array())).toBe(toHex(parseAkPublic(yaml)?.spkiDer ?? new Uint8Array()));
    // An oversized x never overwrites y: the key is refused, not silently changed.
    expect(readAkPublic(yaml.replace(`x: ${x}`, `x: ${x}${x}`)).key).toBeUndefined();
  });

  it('TPM2B_PUBLIC: an oversized y is an error at the offset of its TPM2B', () => {
    const pub = SWTPM('ak_ecc.pub');
    // The public area ends with TPM2B x (0x0020 ‖ 32 bytes) ‖ TPM2B y: grow y to 33 bytes.
    const yAt = pub.length - 34;
    expect([pub[yAt], pub[yAt + 1]]).toEqual([0x00, 0x20]);
    const grown = Uint8Array.from([...pub.subarray(0, yAt), 0x00, 0x21, 0x01, ...pub.subarray(yAt + 2)]);
    const size = grown.length - 2;
    grown[0] = size >> 8;
    grown[1] = size & 0xff;
    expect(readAkPublic(grown).error).toBe(`TPM2B_PUBLIC: offset ${yAt}: y coordinate is 33 bytes; a P-256 coordinate has at most 32`);
  });
});

describe('an AK certificate followed by bytes', () => {
  // The same rule as for IMA keys (ima-key.test.ts): only an NV index's fill may follow.
  const der = readSharedData('policy', 'keylime', 'keys', 'ima-keyring-cert.der');

  it('0xFF or 0x00 fill: the certificate alone', () => {
    const plain = readAkPublic(der);
    expect(plain.key?.certificate?.subject).toBe('CN=ecdsa-ca-signed-ec-key');
    for (const fill of [0xff, 0x00]) {
      expect(readAkPublic(Uint8Array.from([...der, ...new Uint8Array(64).fill(fill)])).key?.spkiDer).toEqual(plain.key?.spkiDer);
    }
  });

  it('other bytes: an error at their offset', () => {
    expect(readAkPublic(Uint8Array.from([...der, 1, 2, 3])).error).toBe(`offset ${der.length}: 3 bytes follow the structure (not 0xFF or 0x00 fill)`);
  });
});
