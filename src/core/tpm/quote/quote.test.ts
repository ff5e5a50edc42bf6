import { describe, expect, it } from 'vitest';
import { readSharedData, readSharedText } from '../../testing/shared-data';
import { decodeText, toBase64, toHex } from '../../util/bytes';
import { parseQuote, TPM12_NOT_SUPPORTED, type TpmsAttestQuote } from './quote';

const SWTPM = (name: string): Uint8Array => readSharedData('swtpm', name);
const REAL = (...p: string[]): Uint8Array => readSharedData('realdata', ...p);

function quoteOf(input: Uint8Array | string): TpmsAttestQuote {
  const q = parseQuote(input)?.quote;
  if (q === undefined) throw new Error('no quote');
  return q;
}

const NONCE = '0123456789abcdef0123456789abcdef';
const PCR_DIGEST_Q1 = 'b8557e0b19802e611b1625feee66b5ecca906f52b0d095a952178162e8e79352';

describe('TPMS_ATTEST (swtpm, tpm2-tools 5.4)', () => {
  it('q1: every field of quote-format.md §1.5 / q1 tpm2_print', () => {
    const bytes = SWTPM('q1_rsassa_sha256_10.msg');
    const p = parseQuote(bytes);
    expect(p?.problems).toEqual([]);
    const q = quoteOf(bytes);
    expect(q.magic).toBe(0xff544347);
    expect(q.type).toBe(0x8018);
    expect(toHex(q.qualifiedSigner)).toBe('000bf59efc9063e18c92a46e90d937193be34e3e7b4e77790a8adf34b80523dc10a5');
    expect(toHex(q.extraData)).toBe(NONCE);
    expect(q.clock).toBe(2804n);
    expect(q.resetCount).toBe(1);
    expect(q.restartCount).toBe(0);
    expect(q.safe).toBe(true);
    expect(q.firmwareVersion).toBe(0x2019102300163636n);
    expect(q.selection).toEqual([{ bank: 'sha256', algId: 0x000b, pcrs: [10] }]);
    expect(toHex(q.pcrDigest)).toBe(PCR_DIGEST_Q1);
    expect(q.bytes).toEqual(bytes);
  });

  it('q1 qualifiedSigner equals readpublic "qualified name" of ak_rsa', () => {
    const yaml = readSharedText('swtpm', 'ak_rsa.readpublic.yaml');
    expect(toHex(quoteOf(SWTPM('q1_rsassa_sha256_10.msg')).qualifiedSigner)).toBe(/qualified name: (\w+)/.exec(yaml)?.[1]);
  });

  it('verify_quote.py values for q3, q4, q5', () => {
    const q3 = quoteOf(SWTPM('q3_ecdsa_multibank.msg'));
    expect(q3.selection).toEqual([
      { bank: 'sha1', algId: 4, pcrs: [10] },
      { bank: 'sha256', algId: 11, pcrs: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10] },
    ]);
    expect(toHex(q3.pcrDigest)).toBe('ce68cd49782a7d34dbf08ec6ea5d2daaba760b4f2ee5dfca7c7ff89b01cdd6aa');
    expect(q3.clock).toBe(2873n);
    expect(quoteOf(SWTPM('q4_rsapss.msg')).clock).toBe(2933n);
    const q5 = quoteOf(SWTPM('q5_keylime.msg'));
    expect(q5.clock).toBe(171246n);
    expect(decodeText(q5.extraData)).toBe('abcdefghij0123456789');
    expect(toHex(q5.pcrDigest)).toBe('c84db7bbb58bb283c1adb22e89fd70ba561d4e8e304cb3f5e9542ef1bf2c941a');
  });

  it('the same quote as hex, base64, TPM2B-wrapped, tpm2_quote stdout, Keylime string', () => {
    const bytes = SWTPM('q1_rsassa_sha256_10.msg');
    const tpm2b = Uint8Array.from([0, bytes.length, ...bytes]);
    const forms: (string | Uint8Array)[] = [
      toHex(bytes),
      `0x${toHex(bytes).toUpperCase()}\n`,
      toHex(bytes).replace(/(.{60})/g, '$1\n'),
      toBase64(bytes),
      tpm2b,
      toHex(tpm2b),
      SWTPM('q1_rsassa_sha256_10.stdout.yaml'),
    ];
    for (const f of forms) {
      const p = parseQuote(f);
      expect(p?.problems).toEqual([]);
      expect(p?.quote?.bytes).toEqual(bytes);
    }
    expect(quoteOf(SWTPM('keylime_quote_string.txt')).bytes).toEqual(SWTPM('q5_keylime.msg'));
    expect(quoteOf(SWTPM('keylime_agent_quote_response.json')).bytes).toEqual(SWTPM('q5_keylime.msg'));
  });

  it('tampered_q1 still parses (the signature check catches it)', () => {
    expect(parseQuote(SWTPM('tampered_q1.msg'))?.quote?.type).toBe(0x8018);
  });
});

describe('TPMS_ATTEST (realdata)', () => {
  it('go-attestation Windows GCP quote: sha1 PCR0-23, empty nonce', () => {
    const q = quoteOf(REAL('go-attestation', 'windows_gcp_shielded_vm.Quote.bin'));
    expect(q.selection).toEqual([{ bank: 'sha1', algId: 4, pcrs: [...Array(24).keys()] }]);
    expect(q.extraData.length).toBe(0);
    expect(toHex(q.pcrDigest)).toBe('a610f27bc687ce906243287d832706036e79f6e1');
  });

  it('keylime quote.out: sha256 15,16,22, 20-byte extraData, pcrDigest ec1636c6…', () => {
    const q = quoteOf(REAL('keylime', 'quote.out'));
    expect(q.selection).toEqual([{ bank: 'sha256', algId: 11, pcrs: [15, 16, 22] }]);
    expect(q.extraData.length).toBe(20);
    expect(toHex(q.pcrDigest)).toMatch(/^ec1636c6/);
  });

  it('rust-keylime test-quote.txt: sha1 PCR16, extraData "TEST"', () => {
    const q = quoteOf(readSharedText('realdata', 'rust-keylime', 'test-quote.txt'));
    expect(q.selection).toEqual([{ bank: 'sha1', algId: 4, pcrs: [16] }]);
    expect(decodeText(q.extraData)).toBe('TEST');
  });

  it('TPM 1.2 TPM_QUOTE_INFO is recognised, described and not misparsed', () => {
    const bytes = REAL('go-attestation', 'linux_tpm12.Quote.bin');
    const p = parseQuote(bytes);
    expect(p?.quote).toBeUndefined();
    expect(p?.problems).toEqual([TPM12_NOT_SUPPORTED]);
    expect(p?.tpm12?.structure).toBe('TPM_QUOTE_INFO');
    expect(toHex(p?.tpm12?.compositeHash ?? new Uint8Array())).toMatch(/^d47bc859/);
    expect(p?.tpm12?.externalData).toEqual(bytes.subarray(28));
  });

  it('TPM 1.2 TPM_QUOTE_INFO2 (built per TPM Main Part 2 §11.4)', () => {
    const nonce = Array.from({ length: 20 }, (_, i) => i);
    const bytes = Uint8Array.from([0x00, 0x36, ...'QUT2'].map((c) => (typeof c === 'string' ? c.charCodeAt(0) : c)).concat(
      nonce, [0, 3, 0x00, 0x04, 0x00, 0x01], Array(20).fill(0xaa),
    ));
    const p = parseQuote(bytes);
    expect(p?.tpm12).toMatchObject({ structure: 'TPM_QUOTE_INFO2', pcrs: [10] });
    expect(p?.tpm12?.externalData).toEqual(Uint8Array.from(nonce));
  });
});

describe('bad input', () => {
  const q1 = SWTPM('q1_rsassa_sha256_10.msg');

  it('truncation is a problem with the byte offset', () => {
    const p = parseQuote(q1.subarray(0, 100));
    expect(p?.quote).toBeUndefined();
    expect(p?.problems).toEqual(['offset 97: truncated: pcrDigest needs 32 bytes, 3 left']);
  });

  it('trailing bytes are reported and left out of the signed bytes', () => {
    const p = parseQuote(Uint8Array.from([...q1, 1, 2, 3]));
    expect(p?.quote?.bytes).toEqual(q1);
    expect(p?.problems).toEqual(['offset 129: 3 bytes after the TPMS_ATTEST are not signed; ignored']);
  });

  it('another attestation type is named, not read as a quote', () => {
    const certify = q1.slice();
    certify[5] = 0x17;
    expect(parseQuote(certify)).toEqual({
      problems: ['offset 4: attestation type 0x8017 (certify) is not a quote (0x8018)'],
    });
  });

  it('non-quotes give undefined', () => {
    for (const x of ['', 'hello', '00112233', SWTPM('q1_rsassa_sha256_10.sig'), SWTPM('ak_rsa.pem'), new Uint8Array(3)]) {
      expect(parseQuote(x)).toBeUndefined();
    }
  });
});
