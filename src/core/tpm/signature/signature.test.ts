import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { readSharedData, readSharedText } from '../../testing/shared-data';
import { toBase64, toHex } from '../../util/bytes';
import { parseTpmSignature } from './signature';

const SWTPM = (name: string): Uint8Array => readSharedData('swtpm', name);

describe('parseTpmSignature', () => {
  it('TPMT_SIGNATURE RSASSA / RSAPSS: header 0014|0016 000b 0100, 256 signature bytes', () => {
    const bytes = SWTPM('q1_rsassa_sha256_10.sig');
    const s = parseTpmSignature(bytes);
    expect(s).toMatchObject({ scheme: 'rsassa', hashAlg: 'sha256' });
    expect(s?.signature).toEqual(bytes.subarray(6));
    // checkquote_ok_q1.txt prints the signature bytes as `sig:`
    expect(toHex(s?.signature ?? new Uint8Array())).toBe(/sig: (\w+)/.exec(readSharedText('swtpm', 'checkquote_ok_q1.txt'))?.[1]);
    expect(parseTpmSignature(SWTPM('q4_rsapss.sig'))).toMatchObject({ scheme: 'rsapss', hashAlg: 'sha256' });
    expect(parseTpmSignature(readSharedData('realdata', 'keylime', 'quotesig.out'))).toMatchObject({ scheme: 'rsassa', hashAlg: 'sha256' });
  });

  it('TPMT_SIGNATURE ECDSA: r ‖ s, and the DER tpm2_checkquote prints for it', () => {
    const bytes = SWTPM('q3_ecdsa_multibank.sig');
    const s = parseTpmSignature(bytes);
    expect(s).toMatchObject({ scheme: 'ecdsa', hashAlg: 'sha256' });
    expect(s?.signature).toEqual(Uint8Array.from([...bytes.subarray(6, 38), ...bytes.subarray(40, 72)]));
    // checkquote_ok_q3_ecdsa.txt shows the same r, s DER-encoded
    const der = /sig: (\w+)/.exec(readSharedText('swtpm', 'checkquote_ok_q3_ecdsa.txt'))?.[1] ?? '';
    const fromDer = parseTpmSignature(der);
    expect(fromDer?.scheme).toBe('der-ecdsa');
    expect(fromDer?.signature).toEqual(s?.signature);
  });

  it('plain: 256 raw RSA bytes, DER ECDSA with a leading-zero INTEGER (q3b)', () => {
    expect(parseTpmSignature(SWTPM('q2_rsassa_plain.sig'))).toMatchObject({ scheme: 'plain-rsa' });
    const q3b = parseTpmSignature(SWTPM('q3b_ecdsa_plain.sig'));
    expect(q3b?.scheme).toBe('der-ecdsa');
    expect(q3b?.hashAlg).toBeUndefined();
    expect(q3b?.r?.length).toBe(32);
    expect(q3b?.signature.length).toBe(64);
    // openssl's own reading of the DER agrees on r and s
    const asn1 = execFileSync('openssl', ['asn1parse', '-inform', 'DER'], { input: SWTPM('q3b_ecdsa_plain.sig') }).toString();
    const ints = [...asn1.matchAll(/INTEGER\s+:(\w+)/g)].map((m) => m[1].toLowerCase().padStart(64, '0'));
    expect(toHex(q3b?.signature ?? new Uint8Array())).toBe(ints.join(''));
  });

  it('hex, base64 and tpm2_quote stdout forms', () => {
    const bytes = SWTPM('q1_rsassa_sha256_10.sig');
    expect(parseTpmSignature(toHex(bytes))?.scheme).toBe('rsassa');
    expect(parseTpmSignature(toBase64(bytes))?.scheme).toBe('rsassa');
    expect(parseTpmSignature(SWTPM('q1_rsassa_sha256_10.stdout.yaml'))).toMatchObject({ scheme: 'rsassa', signature: bytes.subarray(6) });
    expect(parseTpmSignature(SWTPM('q4_rsapss.stdout.yaml'))?.scheme).toBe('rsapss');
    expect(parseTpmSignature(SWTPM('q3_ecdsa_multibank.stdout.yaml'))?.signature).toEqual(parseTpmSignature(SWTPM('q3_ecdsa_multibank.sig'))?.signature);
  });

  it('SM2 / HMAC / NULL are "other" with their algorithm id', () => {
    const sm2 = Uint8Array.from([0x00, 0x1b, 0x00, 0x12, 0x00, 0x02, 1, 2, 0x00, 0x02, 3, 4]);
    expect(parseTpmSignature(sm2)).toMatchObject({ scheme: 'other', sigAlg: 0x1b, hashAlg: 'sm3' });
    expect(parseTpmSignature(Uint8Array.of(0x00, 0x10))).toMatchObject({ scheme: 'other', sigAlg: 0x10 });
  });

  it('not signatures: undefined', () => {
    const bytes = SWTPM('q1_rsassa_sha256_10.sig');
    for (const x of [bytes.subarray(0, 200), Uint8Array.from([...bytes, 0]), SWTPM('q1_rsassa_sha256_10.msg'), 'hello', '', Uint8Array.of(0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01)]) {
      expect(parseTpmSignature(x)).toBeUndefined();
    }
  });
});
