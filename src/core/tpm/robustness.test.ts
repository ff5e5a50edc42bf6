/**
 * Bad input never throws: every artefact truncated at every length, with bytes flipped, and
 * random garbage, through every parser of this folder.
 */
import { xorshift32 } from '../testing/xorshift';
import { describe, expect, it } from 'vitest';
import { readSharedData } from '../testing/shared-data';
import { decodeText } from '../util/bytes';
import { parseAkPublic } from './keys/ak-public';
import { classifyInput } from '../inputs/registry';
import { parseKeylimeQuote } from './quote/keylime';
import { looksLikePcrValues, parsePcrValues } from './pcrs/pcr-values';
import { parseQuote } from './quote/quote';
import { parseTpmSignature } from './signature/signature';
import { splitPaste } from '../inputs/split-paste';
import { verifyQuoteSignature } from './quote/verify-quote';

const FILES = [
  'q1_rsassa_sha256_10.msg', 'q3_ecdsa_multibank.msg', 'q1_rsassa_sha256_10.sig', 'q3_ecdsa_multibank.sig',
  'q3b_ecdsa_plain.sig', 'q2_rsassa_plain.sig', 'ak_rsa.pub', 'ak_ecc.pub', 'ak_ecc.pem', 'ak_rsa.readpublic.yaml',
  'q3_ecdsa_multibank.pcrs.serialized', 'pcrread_all.yaml', 'evmctl_pcrs_sha256.txt', 'keylime_quote_string.txt',
  'keylime_agent_quote_response.json', 'q3_ecdsa_multibank.stdout.yaml', 'pcr0-9.values.bin',
];

/** Deterministic garbage: numbers in [0, 1) from xorshift32. */
function rng(seed: number): () => number {
  const next = xorshift32(seed);
  return () => next() / 0x100000000;
}

function everyParser(bytes: Uint8Array): void {
  const text = decodeText(bytes);
  parsePcrValues(bytes);
  parsePcrValues(bytes, { selection: 'sha1:0-9+sha256:0-9' });
  parsePcrValues(text);
  looksLikePcrValues(bytes);
  parseQuote(bytes);
  parseQuote(text);
  parseTpmSignature(bytes);
  parseAkPublic(bytes);
  parseAkPublic(text);
  parseKeylimeQuote(text);
  classifyInput(bytes);
  splitPaste(text);
}

describe('garbage and truncated input never throws', () => {
  it.each(FILES)('%s: every prefix and 200 mutations', (name) => {
    const bytes = readSharedData('swtpm', name);
    const step = Math.max(1, Math.floor(bytes.length / 400));
    for (let n = 0; n <= bytes.length; n += step) expect(() => everyParser(bytes.subarray(0, n))).not.toThrow();
    const next = rng(name.length * 7919 + 1);
    for (let k = 0; k < 200; k++) {
      const m = bytes.slice();
      for (let f = 0; f < 1 + Math.floor(next() * 4); f++) m[Math.floor(next() * m.length)] = Math.floor(next() * 256);
      expect(() => everyParser(m)).not.toThrow();
    }
  });

  it('random buffers of every small size', () => {
    const next = rng(42);
    for (let n = 0; n < 600; n++) {
      const b = Uint8Array.from({ length: n }, () => Math.floor(next() * 256));
      // Half of them start like the structures we look for, to get past the first checks.
      if (n > 6 && n % 2 === 0) b.set([0xff, 0x54, 0x43, 0x47, 0x80, 0x18], 0);
      if (n > 6 && n % 3 === 0) b.set([0x00, 0x14, 0x00, 0x0b], 0);
      expect(() => everyParser(b)).not.toThrow();
    }
  });

  it('verifyQuoteSignature resolves (never rejects) on mismatched, broken inputs', async () => {
    const quote = parseQuote(readSharedData('swtpm', 'q3_ecdsa_multibank.msg'))?.quote;
    const sigs = ['q1_rsassa_sha256_10.sig', 'q3_ecdsa_multibank.sig', 'q3b_ecdsa_plain.sig', 'q2_rsassa_plain.sig'].map((f) =>
      parseTpmSignature(readSharedData('swtpm', f)),
    );
    const keys = ['ak_rsa.pub', 'ak_ecc.pub', 'ak_pss.pem'].map((f) => parseAkPublic(readSharedData('swtpm', f)));
    if (quote === undefined) throw new Error('quote');
    for (const s of sigs) {
      for (const k of keys) {
        if (s === undefined || k === undefined) throw new Error('fixture');
        const broken = { ...k, spkiDer: k.spkiDer.subarray(0, 20) };
        const v = await verifyQuoteSignature(quote, s, k);
        expect(v.valid).toBe(s === sigs[1] && k === keys[1]);
        await expect(verifyQuoteSignature(quote, s, broken)).resolves.toMatchObject({ valid: false });
        await expect(verifyQuoteSignature(quote, { ...s, signature: new Uint8Array(0), r: new Uint8Array(0) }, k)).resolves.toMatchObject({ valid: false });
      }
    }
  });
});
