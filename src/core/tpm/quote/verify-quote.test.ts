import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createWasmHashProvider, type HashProvider } from '../../hash/hash-provider';
import type { HashAlgorithm } from '../../hash/hash-algorithm';
import { readSharedData, readSharedText, sharedDataPath } from '../../testing/shared-data';
import { fromBase64, toBase64, toHex } from '../../util/bytes';
import { parseAkPublic, type AkPublic } from '../keys/ak-public';
import { parseKeylimeQuote } from './keylime';
import { compareNonce } from './nonce';
import { parsePcrValues, type PcrValues } from '../pcrs/pcr-values';
import { parseQuote, type TpmsAttestQuote } from './quote';
import { parseTpmSignature, type TpmSignature } from '../signature/signature';
import { computePcrDigest, verifyQuoteSignature } from './verify-quote';

const SWTPM = (name: string): Uint8Array => readSharedData('swtpm', name);

function quote(name: string): TpmsAttestQuote {
  const q = parseQuote(SWTPM(name))?.quote;
  if (q === undefined) throw new Error(`no quote in ${name}`);
  return q;
}
function sig(bytes: Uint8Array): TpmSignature {
  const s = parseTpmSignature(bytes);
  if (s === undefined) throw new Error('no signature');
  return s;
}
function ak(input: Uint8Array | string): AkPublic {
  const k = parseAkPublic(input);
  if (k === undefined) throw new Error('no key');
  return k;
}
function pcrs(name: string, selection?: string): PcrValues {
  const p = parsePcrValues(SWTPM(name), selection === undefined ? undefined : { selection });
  if (p === undefined) throw new Error(`no PCRs in ${name}`);
  return p.values;
}

let provider: HashProvider;
beforeAll(async () => {
  provider = await createWasmHashProvider();
});

function digestHex(q: TpmsAttestQuote, values: PcrValues, hash: HashAlgorithm = 'sha256') {
  const hasher = provider.get(hash);
  if (hasher === undefined) throw new Error('no hasher');
  const r = computePcrDigest(q.selection, (bank, pcr) => values.get(bank)?.get(pcr), hasher);
  return { digest: r.digest === undefined ? undefined : toHex(r.digest), missing: r.missing };
}

/**
 * The swtpm verdict matrix: swtpm/README.md, verify_quote_py.txt and checkquote_*.txt.
 * q4 is valid although tpm2_checkquote 5.4 failed it (no PSS before 5.7).
 */
const VERDICTS: [string, string, string, string, boolean, RegExp][] = [
  ['q1 RSASSA tss sig, TPM2B key', 'q1_rsassa_sha256_10.msg', 'q1_rsassa_sha256_10.sig', 'ak_rsa.pub', true, /^RSASSA-PKCS1-v1_5 with SHA-256 \(hash from the signature\)/],
  ['q1 RSASSA, PEM key', 'q1_rsassa_sha256_10.msg', 'q1_rsassa_sha256_10.sig', 'ak_rsa.pem', true, /RSASSA/],
  ['q1 RSASSA, Keylime aik_tpm', 'q1_rsassa_sha256_10.msg', 'q1_rsassa_sha256_10.sig', 'keylime_aik_tpm.b64', true, /RSASSA/],
  ['q2 plain RSA, PEM key', 'q2_rsassa_plain.msg', 'q2_rsassa_plain.sig', 'ak_rsa.pem', true, /^RSASSA-PKCS1-v1_5 with SHA-256 \(hash from the pcrDigest size\)/],
  ['q2 plain RSA, TPM2B key', 'q2_rsassa_plain.msg', 'q2_rsassa_plain.sig', 'ak_rsa.pub', true, /hash from the AK's scheme/],
  ['q3 ECDSA multibank, TPM2B key', 'q3_ecdsa_multibank.msg', 'q3_ecdsa_multibank.sig', 'ak_ecc.pub', true, /^ECDSA P-256 with SHA-256/],
  ['q3 ECDSA, PEM key', 'q3_ecdsa_multibank.msg', 'q3_ecdsa_multibank.sig', 'ak_ecc.pem', true, /ECDSA/],
  ['q3b ECDSA plain DER', 'q3b_ecdsa_plain.msg', 'q3b_ecdsa_plain.sig', 'ak_ecc.pem', true, /ECDSA P-256/],
  ['q4 RSA-PSS (checkquote 5.4 wrongly failed it)', 'q4_rsapss.msg', 'q4_rsapss.sig', 'ak_pss.pub', true, /^RSA-PSS \(salt 32\) with SHA-256/],
  ['q4 RSA-PSS, PEM key', 'q4_rsapss.msg', 'q4_rsapss.sig', 'ak_pss.pem', true, /RSA-PSS \(salt 32\)/],
  ['q5 keylime', 'q5_keylime.msg', 'q5_keylime.sig', 'ak_rsa.pub', true, /RSASSA/],
  ['tampered_q1 (checkquote_fail_msg)', 'tampered_q1.msg', 'q1_rsassa_sha256_10.sig', 'ak_rsa.pub', false, /does not verify with this AK/],
  ['q1 with the ECC key (checkquote_fail_wrongkey)', 'q1_rsassa_sha256_10.msg', 'q1_rsassa_sha256_10.sig', 'ak_ecc.pub', false, /an RSA signature cannot come from this ECC AK/],
  ['q1 with another RSA key', 'q1_rsassa_sha256_10.msg', 'q1_rsassa_sha256_10.sig', 'ak_pss.pub', false, /does not verify/],
  ['q3 with another ECC signature (q3b attest)', 'q3b_ecdsa_plain.msg', 'q3_ecdsa_multibank.sig', 'ak_ecc.pub', false, /does not verify/],
  ['q4 PSS signature with the RSASSA key', 'q4_rsapss.msg', 'q4_rsapss.sig', 'ak_rsa.pub', false, /RSA-PSS \(salt 32\), RSA-PSS \(salt 222\)/],
];

describe('signature verdicts (WebCrypto)', () => {
  it.each(VERDICTS)('%s', async (_, msg, sigFile, keyFile, valid, detail) => {
    const v = await verifyQuoteSignature(quote(msg), sig(SWTPM(sigFile)), ak(SWTPM(keyFile)));
    expect(v.valid).toBe(valid);
    expect(v.detail).toMatch(detail);
  });

  it('the signature part of tpm2_quote stdout verifies too', async () => {
    for (const [n, key] of [['q1_rsassa_sha256_10', 'ak_rsa.pem'], ['q3b_ecdsa_plain', 'ak_ecc.pem'], ['q4_rsapss', 'ak_pss.pub']]) {
      const stdout = readSharedText('swtpm', `${n}.stdout.yaml`);
      const q = parseQuote(stdout)?.quote;
      const s = parseTpmSignature(stdout);
      expect(q).toBeDefined();
      expect(s).toBeDefined();
      if (q === undefined || s === undefined) continue;
      expect((await verifyQuoteSignature(q, s, ak(SWTPM(key)))).valid).toBe(true);
    }
  });

  it('go-attestation Windows GCP quote: RSASSA-SHA1 with the TPMT_PUBLIC AK from the JSON', async () => {
    const doc = JSON.parse(readSharedText('realdata', 'go-attestation', 'windows_gcp_shielded_vm.json')) as {
      AK: { Public: string };
      Quote: { Quote: string; Signature: string };
    };
    const key = ak(doc.AK.Public);
    expect(key).toMatchObject({ kind: 'rsa', source: 'tpmt-public', bits: 2048, schemeHint: 'rsassa', schemeHash: 'sha1' });
    const q = parseQuote(doc.Quote.Quote)?.quote;
    expect(q?.bytes).toEqual(readSharedData('realdata', 'go-attestation', 'windows_gcp_shielded_vm.Quote.bin'));
    const s = sig(readSharedData('realdata', 'go-attestation', 'windows_gcp_shielded_vm.Quote.Signature.bin'));
    expect(s).toMatchObject({ scheme: 'rsassa', hashAlg: 'sha1' });
    if (q === undefined) return;
    const v = await verifyQuoteSignature(q, s, key);
    expect(v).toEqual({ valid: true, detail: 'RSASSA-PKCS1-v1_5 with SHA-1 (hash from the signature): signature valid' });
    const tampered = { ...q, bytes: q.bytes.map((b, i) => (i === 60 ? b ^ 1 : b)) };
    expect((await verifyQuoteSignature(tampered, s, key)).valid).toBe(false);
  });

  it('unsupported schemes and curves are explained, not thrown', async () => {
    const q = quote('q1_rsassa_sha256_10.msg');
    const other = await verifyQuoteSignature(q, { scheme: 'other', signature: new Uint8Array(4), sigAlg: 0x1b }, ak(SWTPM('ak_ecc.pub')));
    expect(other).toEqual({ valid: false, detail: 'signature scheme 0x001b cannot be checked (only RSASSA, RSA-PSS and ECDSA)' });
    const bn = { ...ak(SWTPM('ak_ecc.pub')), curve: undefined, curveId: 0x10, spkiDer: new Uint8Array(0) };
    expect((await verifyQuoteSignature(q, sig(SWTPM('q3_ecdsa_multibank.sig')), bn)).detail).toMatch(/curve 0x0010 is not available/);
    const garbageKey: AkPublic = { kind: 'rsa', spkiDer: new Uint8Array(10), source: 'spki-der' };
    const v = await verifyQuoteSignature(q, sig(SWTPM('q1_rsassa_sha256_10.sig')), garbageKey);
    expect(v.valid).toBe(false);
    expect(v.detail).toMatch(/RSASSA-PKCS1-v1_5: /);
  });
});

describe('signatures cross-checked with openssl', () => {
  const dir = mkdtempSync(join(tmpdir(), 'imascope-tpm-'));
  const file = (name: string, bytes: Uint8Array): string => {
    const p = join(dir, name);
    writeFileSync(p, bytes);
    return p;
  };
  function opensslVerifies(hash: string, pem: string, sigPath: string, msgPath: string, pss = false): boolean {
    const args = ['dgst', `-${hash}`, '-verify', pem, '-signature', sigPath];
    if (pss) args.push('-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:32');
    try {
      execFileSync('openssl', [...args, msgPath], { stdio: 'pipe' });
      return true;
    } catch {
      return false;
    }
  }
  const pemOf = (der: Uint8Array): string =>
    `-----BEGIN PUBLIC KEY-----\n${toBase64(der).replace(/(.{64})/g, '$1\n')}\n-----END PUBLIC KEY-----\n`;

  const cases: [string, string, string, boolean, boolean][] = [
    ['q1_rsassa_sha256_10.msg', 'q1_rsassa_sha256_10.sig', 'ak_rsa.pub', false, true],
    ['q2_rsassa_plain.msg', 'q2_rsassa_plain.sig', 'ak_rsa.pub', false, true],
    ['q3b_ecdsa_plain.msg', 'q3b_ecdsa_plain.sig', 'ak_ecc.pub', false, true],
    ['q4_rsapss.msg', 'q4_rsapss.sig', 'ak_pss.pub', true, true],
    ['q5_keylime.msg', 'q5_keylime.sig', 'ak_rsa.pub', false, true],
    ['tampered_q1.msg', 'q1_rsassa_sha256_10.sig', 'ak_rsa.pub', false, false],
  ];
  it.each(cases)('%s + %s + %s: openssl agrees with us', async (msg, sigFile, keyFile, pss, valid) => {
    const key = ak(SWTPM(keyFile));
    const s = sig(SWTPM(sigFile));
    // openssl takes the raw RSA signature or the DER ECDSA file, with the SPKI we built.
    const raw = s.scheme === 'der-ecdsa' ? SWTPM(sigFile) : s.signature;
    const ours = await verifyQuoteSignature(quote(msg), s, key);
    const theirs = opensslVerifies('sha256', file(`${keyFile}.pem`, new TextEncoder().encode(pemOf(key.spkiDer))), file(`${sigFile}.raw`, raw), sharedDataPath('swtpm', msg), pss);
    expect(ours.valid).toBe(valid);
    expect(theirs).toBe(valid);
  });

  it('Windows GCP quote: openssl verifies with our SPKI built from the TPMT_PUBLIC', () => {
    const doc = JSON.parse(readSharedText('realdata', 'go-attestation', 'windows_gcp_shielded_vm.json')) as { AK: { Public: string } };
    const pem = file('win.pem', new TextEncoder().encode(pemOf(ak(doc.AK.Public).spkiDer)));
    const s = sig(readSharedData('realdata', 'go-attestation', 'windows_gcp_shielded_vm.Quote.Signature.bin'));
    expect(opensslVerifies('sha1', pem, file('win.sig', s.signature), sharedDataPath('realdata', 'go-attestation', 'windows_gcp_shielded_vm.Quote.bin'))).toBe(true);
  });
});

describe('nonce (checkquote_fail_nonce: -q 00112233)', () => {
  it('q1 extraData equals nonce.hex, not 00112233', () => {
    const extra = quote('q1_rsassa_sha256_10.msg').extraData;
    expect(compareNonce(extra, readSharedText('swtpm', 'nonce.hex'))).toEqual({ matches: true, readAs: 'hex' });
    expect(compareNonce(extra, '00112233')).toEqual({ matches: false });
  });
  it('Keylime q5: the ASCII nonce, or its hex', () => {
    const extra = quote('q5_keylime.msg').extraData;
    expect(compareNonce(extra, 'abcdefghij0123456789')).toEqual({ matches: true, readAs: 'text' });
    expect(compareNonce(extra, '6162636465666768696a30313233343536373839')).toEqual({ matches: true, readAs: 'hex' });
    expect(compareNonce(extra, 'abcdefghij0123456788').matches).toBe(false);
  });
  it('base64 nonce (Keylime push mode)', () => {
    expect(compareNonce(fromBase64('q83vEjRWeJA=') ?? new Uint8Array(), 'q83vEjRWeJA=')).toEqual({ matches: true, readAs: 'base64' });
  });
});

describe('pcrDigest recomputed from PCR files (signing hash, selection order)', () => {
  const Q1 = 'b8557e0b19802e611b1625feee66b5ecca906f52b0d095a952178162e8e79352';
  const Q3 = 'ce68cd49782a7d34dbf08ec6ea5d2daaba760b4f2ee5dfca7c7ff89b01cdd6aa';
  const Q5 = 'c84db7bbb58bb283c1adb22e89fd70ba561d4e8e304cb3f5e9542ef1bf2c941a';
  it.each([
    ['q1_rsassa_sha256_10.msg', 'q1_rsassa_sha256_10.pcrs.serialized', undefined, Q1],
    ['q2_rsassa_plain.msg', 'q2_rsassa_plain.pcrs.values', 'sha256:10', Q1],
    ['q3_ecdsa_multibank.msg', 'q3_ecdsa_multibank.pcrs.serialized', undefined, Q3],
    ['q3b_ecdsa_plain.msg', 'q3b_ecdsa_plain.pcrs.serialized', undefined, Q1],
    ['q4_rsapss.msg', 'q4_rsapss.pcrs.serialized', undefined, Q1],
    ['q5_keylime.msg', 'q5_keylime.pcrs.serialized', undefined, Q5],
    ['q1_rsassa_sha256_10.msg', 'pcrread_all.yaml', undefined, Q1],
    ['q3_ecdsa_multibank.msg', 'pcrread_all.yaml', undefined, Q3],
    ['q3_ecdsa_multibank.msg', 'q3_ecdsa_multibank.stdout.yaml', undefined, Q3],
    ['q5_keylime.msg', 'pcr0-9.values.bin', 'sha1:0-9+sha256:0-9', undefined],
  ])('%s with %s', (msg, pcrFile, selection, expected) => {
    const q = quote(msg);
    const r = digestHex(q, pcrs(pcrFile, selection));
    expect(r.digest).toBe(expected);
    if (expected !== undefined) expect(r.digest).toBe(toHex(q.pcrDigest));
    else expect(r.missing).toEqual([{ bank: 'sha256', pcr: 10 }]);
  });

  it('tampered PCR10 (checkquote_fail_pcr) gives another digest', () => {
    const r = digestHex(quote('q2_rsassa_plain.msg'), pcrs('tampered_pcr10.values', 'sha256:10'));
    expect(r.digest).toBeDefined();
    expect(r.digest).not.toBe(Q1);
  });

  it('a PCR file for other PCRs (checkquote_fail_selection) leaves PCRs missing', () => {
    const r = digestHex(quote('q3_ecdsa_multibank.msg'), pcrs('q1_rsassa_sha256_10.pcrs.serialized'));
    expect(r.digest).toBeUndefined();
    expect(r.missing).toHaveLength(11);
    expect(r.missing[0]).toEqual({ bank: 'sha1', pcr: 10 });
  });

  it('realdata: keylime quote.out/quotepcr.out, rust-keylime (sha1), Windows GCP (sha1 PCR0-23)', () => {
    const kq = parseQuote(readSharedData('realdata', 'keylime', 'quote.out'))?.quote;
    const kp = parsePcrValues(readSharedData('realdata', 'keylime', 'quotepcr.out'))?.values;
    if (kq === undefined || kp === undefined) throw new Error('keylime');
    expect(digestHex(kq, kp).digest).toBe(toHex(kq.pcrDigest));

    const rk = parseKeylimeQuote(readSharedText('realdata', 'rust-keylime', 'test-quote.txt'));
    if (rk?.pcrValues === undefined) throw new Error('rust-keylime');
    expect(digestHex(rk.quote, rk.pcrValues, 'sha1').digest).toBe(toHex(rk.quote.pcrDigest));

    const wq = parseQuote(readSharedData('realdata', 'go-attestation', 'windows_gcp_shielded_vm.Quote.bin'))?.quote;
    const wp = parsePcrValues(readSharedData('realdata', 'go-attestation', 'windows_gcp_shielded_vm.Log.PCRs.txt'))?.values;
    if (wq === undefined || wp === undefined) throw new Error('windows');
    expect(digestHex(wq, wp, 'sha1').digest).toBe('a610f27bc687ce906243287d832706036e79f6e1');
  });
});
