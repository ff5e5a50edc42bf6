/**
 * Several quotes at once (GCE sends one per bank): each is checked on its own, paired with the
 * signature that verifies it whatever the order of the files, and the verdict is the worst.
 * The quotes are built and signed here (build-quote.ts) over the swtpm log's real PCR 10
 * values (README: sha1 70e4…, sha256 f8a5…); the AK certificate is made by openssl.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createHashProvider, type HashProvider } from '../hash/hash-provider';
import { exitStatusOf } from './verdict';
import { buildQuoteAttest, signQuotes, type SignedQuote } from '../testing/build-quote';
import { readSharedData, sharedDataPath } from '../testing/shared-data';
import { fromHex } from '../util/bytes';
import { analyzeRaw } from './analyze';
import type { RawInput } from './analysis-types';

const PCR10 = {
  sha1: '70e4548301b30fa740f08df3bdca03534ec2de9e',
  sha256: 'f8a50c287e1d4b39b95d449242783b20d01c5114c2528014749c19d95fdc9bdc',
};
const NONCE = fromHex('0123456789abcdef0123456789abcdef') ?? new Uint8Array();
const LOG: RawInput = { name: 'binary_runtime_measurements', bytes: readSharedData('swtpm', 'binary_runtime_measurements') };
const text = (name: string, s: string): RawInput => ({ name, bytes: new TextEncoder().encode(s) });
const sha256 = (hex: string): Uint8Array => new Uint8Array(createHash('sha256').update(Buffer.from(hex, 'hex')).digest());

let provider: HashProvider;
let sha1Quote: SignedQuote;
let sha256Quote: SignedQuote;

beforeAll(async () => {
  provider = await createHashProvider();
  [sha1Quote, sha256Quote] = await signQuotes([
    buildQuoteAttest({ selection: [{ bank: 'sha1', pcrs: [10] }], pcrDigest: sha256(PCR10.sha1), extraData: NONCE }),
    buildQuoteAttest({ selection: [{ bank: 'sha256', pcrs: [10] }], pcrDigest: sha256(PCR10.sha256), extraData: NONCE }),
  ]);
});

async function run(inputs: readonly RawInput[]) {
  const { report } = await analyzeRaw(inputs, { nonce: '0123456789abcdef0123456789abcdef' }, provider);
  return { report, status: exitStatusOf(report) };
}

describe('several quotes', () => {
  it('each is verified with the signature that fits it, whatever the order of the files', async () => {
    const { report, status } = await run([
      LOG,
      { name: 'quote-sha1.msg', bytes: sha1Quote.attest },
      { name: 'quote-sha256.msg', bytes: sha256Quote.attest },
      // Signatures in the other order: pairing is by verification, not by position.
      { name: 'sig-sha256', bytes: sha256Quote.signature },
      { name: 'sig-sha1', bytes: sha1Quote.signature },
      text('ak.pem', sha1Quote.akPem),
    ]);
    expect(status).toBe(0);
    expect(report.quotes?.map((q) => [q.input, q.signatureInput, q.signature, q.digestMatches, q.nonceMatches, q.matchedEntries])).toEqual([
      ['quote-sha1.msg', 'sig-sha1', 'valid', true, true, 6],
      ['quote-sha256.msg', 'sig-sha256', 'valid', true, true, 6],
    ]);
    // `quote` stays, as the first quote (CONTRACT §5.3).
    const { input: _input, signatureInput: _s, akInput: _a, ...first } = report.quotes?.[0] ?? { input: '' };
    expect(report.quote).toEqual(first);
  });

  it('a bad signature on the first quote fails, naming that quote, though the last one is good', async () => {
    const bad = sha1Quote.signature.slice();
    bad[bad.length - 1] ^= 0x01;
    const { report, status } = await run([
      LOG,
      { name: 'quote-sha1.msg', bytes: sha1Quote.attest },
      { name: 'sig-sha1', bytes: bad },
      { name: 'quote-sha256.msg', bytes: sha256Quote.attest },
      { name: 'sig-sha256', bytes: sha256Quote.signature },
      text('ak.pem', sha1Quote.akPem),
    ]);
    expect(status).toBe(1);
    expect(report.quotes?.map((q) => [q.input, q.signatureInput, q.signature])).toEqual([
      ['quote-sha1.msg', 'sig-sha1', 'invalid'],
      ['quote-sha256.msg', 'sig-sha256', 'valid'],
    ]);
    const invalid = report.findings.filter((f) => f.code === 'quote-signature-invalid');
    expect(invalid.map((f) => f.message.split(':')[0])).toEqual(['quote-sha1.msg']);
  });

  it('a wrong pcrDigest in one quote of three fails; the others still match', async () => {
    const [a, b, c] = await signQuotes([
      buildQuoteAttest({ selection: [{ bank: 'sha1', pcrs: [10] }], pcrDigest: sha256(PCR10.sha1), extraData: NONCE }),
      buildQuoteAttest({ selection: [{ bank: 'sha256', pcrs: [10] }], pcrDigest: sha256(PCR10.sha256), extraData: NONCE }),
      // sha256 of PCR 10 with its last digit changed.
      buildQuoteAttest({ selection: [{ bank: 'sha256', pcrs: [10] }], pcrDigest: sha256(`${PCR10.sha256.slice(0, 63)}d`), extraData: NONCE }),
    ]);
    const { report, status } = await run([
      LOG,
      ...[a, b, c].flatMap((q, i) => [
        { name: `q${i}.msg`, bytes: q.attest },
        { name: `q${i}.sig`, bytes: q.signature },
      ]),
      text('ak.pem', a.akPem),
    ]);
    expect(status).toBe(1);
    expect(report.quotes?.map((q) => [q.input, q.signature, q.digestMatches])).toEqual([
      ['q0.msg', 'valid', true],
      ['q1.msg', 'valid', true],
      ['q2.msg', 'valid', false],
    ]);
    expect(report.findings.find((f) => f.code === 'quote-digest-mismatch')?.message).toMatch(/^q2\.msg: /);
  });
});

describe('the AK as an X.509 certificate', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'imascope-akcert-'));
    const sh = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    sh('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'ca.key');
    sh('req', '-new', '-x509', '-key', 'ca.key', '-subj', '/CN=Test CA', '-days', '30', '-out', 'ca.pem');
    sh('req', '-new', '-key', 'ca.key', '-subj', '/CN=AK of host1/O=imascope tests', '-out', 'ak.csr');
    const common = ['-req', '-in', 'ak.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-force_pubkey', sharedDataPath('swtpm', 'ak_rsa.pem'), '-days', '30', '-set_serial', '7'];
    sh('x509', ...common, '-out', 'ak.pem');
    sh('x509', ...common, '-outform', 'DER', '-out', 'ak.der');
  });
  const swtpm = (name: string): RawInput => ({ name, bytes: readSharedData('swtpm', name) });

  it.each(['ak.pem', 'ak.der'])('%s verifies the swtpm quote; subject, issuer, validity and key are reported', async (file) => {
    const cert = { name: file, bytes: new Uint8Array(readFileSync(join(dir, file))) };
    const { report, status } = await run([LOG, swtpm('q1_rsassa_sha256_10.msg'), swtpm('q1_rsassa_sha256_10.sig'), cert]);
    expect(status).toBe(0);
    expect(report.inputs.find((i) => i.name === file)?.kind).toBe('ak-public');
    const q = report.quotes?.[0];
    expect(q?.signature).toBe('valid');
    expect(q?.akInput).toBe(file);
    const oracle = ['x509', '-in', join(dir, file), '-inform', file.endsWith('.der') ? 'DER' : 'PEM', '-noout'];
    const dates = execFileSync('openssl', [...oracle, '-dates'], { encoding: 'utf8' });
    const notAfter = new Date(/notAfter=(.*)/.exec(dates)?.[1] ?? '').toISOString().replace('.000', '');
    // openssl prints the names in RFC 4514 order, as the summary does.
    const name = (which: string) =>
      execFileSync('openssl', [...oracle, `-${which}`, '-nameopt', 'RFC2253'], { encoding: 'utf8' }).trim().replace(`${which}=`, '').replace(/,/g, ', ');
    expect(q?.akCertificate).toMatchObject({ subject: name('subject'), issuer: name('issuer'), notAfter, key: 'RSA-2048' });
    expect(q?.akCertificate?.subject).toBe('O=imascope tests, CN=AK of host1');
  });

  it('a certificate that verifies no supplied quote is an IMA key, and the quote fails', async () => {
    const cert = { name: 'other.pem', bytes: new Uint8Array(readFileSync(join(dir, 'ca.pem'))) };
    const { report, status } = await run([LOG, swtpm('q1_rsassa_sha256_10.msg'), swtpm('q1_rsassa_sha256_10.sig'), cert]);
    expect(status).toBe(1);
    expect(report.inputs.find((i) => i.name === 'other.pem')?.kind).toBe('ima-key');
    expect(report.findings.find((f) => f.code === 'input-ima-key')?.message).toBe(
      'other.pem: a P-256 certificate "CN=Test CA" that verifies none of the supplied quotes; kept as an IMA verification key (ima-key).',
    );
    expect(report.quotes?.[0].signature).toBe('invalid');
  });
});
