/**
 * The swtpm quotes field by field, against the values their README, tpm2_print and the
 * independent Python oracle (verify_quote_py.txt) record.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createWasmHashProvider, type HashProvider } from '../hash/hash-provider';
import { readSharedData } from '../testing/shared-data';
import type { RawInput } from './analysis-types';
import { knownPcrValue } from './hypotheses';
import { loadInputs } from './load-inputs';
import { describeQuote, type QuoteDetails } from './quote-details';

let provider: HashProvider;
beforeAll(async () => {
  provider = await createWasmHashProvider();
});

const swtpm = (name: string): RawInput => ({ name, bytes: readSharedData('swtpm', name) });

async function details(names: readonly string[]): Promise<QuoteDetails> {
  const loaded = await loadInputs(names.map(swtpm), provider);
  const d = await describeQuote(loaded, knownPcrValue(loaded, provider));
  if (d === undefined) throw new Error('no quote');
  return d;
}

describe('describeQuote (swtpm)', () => {
  it('q1: every field, and an RSASSA signature that verifies', async () => {
    const d = await details(['binary_runtime_measurements', 'q1_rsassa_sha256_10.msg', 'q1_rsassa_sha256_10.sig', 'ak_rsa.pem']);
    expect(d).toMatchObject({
      magic: '0xff544347',
      magicValid: true,
      type: '0x8018',
      isQuote: true,
      signerNameAlg: 'sha256',
      extraData: '0123456789abcdef0123456789abcdef',
      clock: '2804',
      resetCount: 1,
      restartCount: 0,
      safe: true,
      firmwareVersion: '0x2019102300163636',
      selection: [{ bank: 'sha256', pcrs: [10] }],
      pcrDigest: 'b8557e0b19802e611b1625feee66b5ecca906f52b0d095a952178162e8e79352',
      signingHash: 'sha256',
      signatureScheme: 'rsassa',
      ak: { kind: 'rsa', bits: 2048, source: 'spki-pem' },
      digestInputs: [{ bank: 'sha256', pcr: 10, source: 'log' }],
    });
    expect(d.qualifiedSigner.startsWith('000bf59efc9063e18c92')).toBe(true);
    expect(d.signature?.valid).toBe(true);
    expect(d.signature?.detail).toContain('RSASSA-PKCS1-v1_5 with SHA-256');
    expect(d.signatureMissing).toBeUndefined();
  });

  it('q3: ECDSA over sha1:10 + sha256:0–10, PCRs 0–9 from the firmware log', async () => {
    const d = await details(['binary_runtime_measurements', 'q3_ecdsa_multibank.msg', 'q3_ecdsa_multibank.sig', 'ak_ecc.pub', 'binary_bios_measurements']);
    expect(d.signature).toMatchObject({ valid: true });
    expect(d.signature?.detail).toContain('ECDSA P-256');
    expect(d.clock).toBe('2873');
    expect(d.digestInputs.map((i) => `${i.bank}:${i.pcr}:${i.source}`)).toEqual([
      'sha1:10:log',
      ...Array.from({ length: 10 }, (_, p) => `sha256:${p}:firmware`),
      'sha256:10:log',
    ]);
  });

  it('q4: RSA-PSS with the hash-length salt (tpm2_checkquote 5.4 cannot, the oracle can)', async () => {
    const d = await details(['q4_rsapss.msg', 'q4_rsapss.sig', 'ak_pss.pem']);
    expect(d.signature).toMatchObject({ valid: true });
    expect(d.signature?.detail).toContain('RSA-PSS (salt 32)');
    expect(d.digestInputs).toEqual([{ bank: 'sha256', pcr: 10, source: 'missing' }]);
  });

  it('the Keylime string: an ASCII nonce, shown as text', async () => {
    const d = await details(['keylime_quote_string.txt', 'keylime_aik_tpm.b64']);
    expect(d.extraDataText).toBe('abcdefghij0123456789');
    expect(d.signature?.valid).toBe(true);
  });

  it('a wrong key and a missing signature are said as such', async () => {
    const wrong = await details(['q1_rsassa_sha256_10.msg', 'q1_rsassa_sha256_10.sig', 'ak_ecc.pem']);
    expect(wrong.signature?.valid).toBe(false);
    // It verifies no quote: the report keeps it as an IMA key, and so is it named here.
    expect(wrong.ak?.imaKey).toBe('ak_ecc.pem');
    const pub = await details(['q1_rsassa_sha256_10.msg', 'q1_rsassa_sha256_10.sig', 'ak_ecc.pub']);
    expect(pub.ak).toBeDefined();
    expect(pub.ak?.imaKey).toBeUndefined();
    const alone = await details(['q1_rsassa_sha256_10.msg']);
    expect(alone.signature).toBeUndefined();
    expect(alone.signatureMissing).toEqual(['signature', 'attestation key']);
  });
});
