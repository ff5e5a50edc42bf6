import { beforeAll, describe, expect, it } from 'vitest';
import { createWasmHashProvider, type HashProvider } from '../../hash/hash-provider';
import { readSharedData, readSharedText } from '../../testing/shared-data';
import { decodeText, toBase64, toHex } from '../../util/bytes';
import { parseAkPublic } from '../keys/ak-public';
import { parseKeylimeQuote } from './keylime';
import { compareNonce } from './nonce';
import { computePcrDigest, verifyQuoteSignature } from './verify-quote';

let provider: HashProvider;
beforeAll(async () => {
  provider = await createWasmHashProvider();
});

describe('Keylime quotes', () => {
  it('swtpm keylime_quote_string.txt: q5, its signature and pcrblob (validated by Keylime checkquote)', async () => {
    const k = parseKeylimeQuote(readSharedText('swtpm', 'keylime_quote_string.txt'));
    if (k === undefined) throw new Error('not parsed');
    expect(k.problems).toEqual([]);
    expect(k.quote.bytes).toEqual(readSharedData('swtpm', 'q5_keylime.msg'));
    expect(k.signature).toMatchObject({ scheme: 'rsassa', hashAlg: 'sha256' });
    expect([...(k.pcrValues?.get('sha256')?.keys() ?? [])]).toEqual([...Array(11).keys()]);
    expect(compareNonce(k.quote.extraData, 'abcdefghij0123456789').matches).toBe(true);
    const aik = parseAkPublic(readSharedData('swtpm', 'keylime_aik_tpm.b64'));
    if (aik === undefined || k.signature === undefined) throw new Error('aik');
    expect((await verifyQuoteSignature(k.quote, k.signature, aik)).valid).toBe(true);
    const sha256 = provider.get('sha256');
    if (sha256 === undefined) throw new Error('sha256');
    const d = computePcrDigest(k.quote.selection, (b, p) => k.pcrValues?.get(b)?.get(p), sha256);
    expect(toHex(d.digest ?? new Uint8Array())).toBe('c84db7bbb58bb283c1adb22e89fd70ba561d4e8e304cb3f5e9542ef1bf2c941a');
  });

  it('agent JSON response: the quote plus the agent fields', () => {
    const text = readSharedText('swtpm', 'keylime_agent_quote_response.json');
    const k = parseKeylimeQuote(text);
    expect(k?.problems).toEqual([]);
    expect(k?.quote.bytes).toEqual(readSharedData('swtpm', 'q5_keylime.msg'));
    expect(k?.agent).toMatchObject({ hashAlg: 'sha256', encAlg: 'rsa', signAlg: 'rsassa', imaMeasurementListEntry: 0 });
    expect(k?.agent?.imaMeasurementList).toBe(readSharedText('swtpm', 'ascii_runtime_measurements'));
    expect(k?.agent?.mbMeasurementList).toEqual(readSharedData('swtpm', 'binary_bios_measurements'));
  });

  it('rust-keylime test-quote.txt: sha1 quote, signature and pcrblob', () => {
    const k = parseKeylimeQuote(readSharedText('realdata', 'rust-keylime', 'test-quote.txt'));
    expect(k?.problems).toEqual([]);
    expect(decodeText(k?.quote.extraData ?? new Uint8Array())).toBe('TEST');
    expect(k?.signature).toMatchObject({ scheme: 'rsassa', hashAlg: 'sha1' });
    expect([...(k?.pcrValues?.get('sha1')?.keys() ?? [])]).toEqual([16]);
  });

  it("Keylime's own checks: hash_alg vs the signature hash, pcrblob selection vs the quote", () => {
    const doc = JSON.parse(readSharedText('swtpm', 'keylime_agent_quote_response.json')) as {
      results: Record<string, unknown> & { quote: string };
    };
    doc.results.hash_alg = 'sha1';
    expect(parseKeylimeQuote(JSON.stringify(doc))?.problems).toEqual([
      'Quote was expected to use sha1 but used sha256 instead',
    ]);
    const [attest, sig] = readSharedText('swtpm', 'keylime_quote_string.txt').trim().split(':');
    const q1Blob = toBase64(readSharedData('swtpm', 'q1_rsassa_sha256_10.pcrs.serialized'));
    expect(parseKeylimeQuote(`${attest}:${sig}:${q1Blob}`)?.problems).toEqual([
      'pcrblob selects sha256:10 but the quote selects sha256:0,1,2,3,4,5,6,7,8,9,10',
    ]);
    expect(parseKeylimeQuote(`${attest}::`)).toMatchObject({ problems: [] });
    const bad = parseKeylimeQuote(`${attest}:AAAA:AAAA`);
    expect(bad?.problems).toEqual(['field 3 is not a tpm2-tools serialized PCR file']);
    expect(bad?.unreadableSignature).toMatch(/^field 2 is not a TPMT_SIGNATURE \(TPMT_SIGNATURE: /);
    expect(bad?.signature).toBeUndefined();
  });

  it('not Keylime: undefined', () => {
    for (const t of ['', 'r', 'rabc:def:ghi', '{"results": {}}', '{', readSharedText('swtpm', 'q1_rsassa_sha256_10.stdout.yaml')]) {
      expect(parseKeylimeQuote(t)).toBeUndefined();
    }
  });
});
