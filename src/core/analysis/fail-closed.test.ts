/**
 * Fail closed (issue 11): a supplied check that cannot be made is a failure, never a pass.
 * Real swtpm artefacts are cut at every offset and have every byte flipped; whatever the
 * damage, the CLI's exit status (exitStatusOf, and 2 for a file no kind fits, as the CLI
 * does) is never 0 unless the damaged input still says exactly what the original said.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createHashProvider, type HashProvider } from '../hash/hash-provider';
import { exitStatusOf, verdictOf } from './verdict';
import type { Report } from '../report/report';
import { readSharedData, readSharedText } from '../testing/shared-data';
import { analyzeRaw } from './analyze';
import { classifyInput } from '../inputs/registry';
import { diagnoseUnrecognised } from '../inputs/diagnose';
import type { Analysis, RawInput } from './analysis-types';

const swtpm = (name: string): RawInput => ({ name, bytes: readSharedData('swtpm', name) });
const LOG = swtpm('binary_runtime_measurements');
const NONCE = '0123456789abcdef0123456789abcdef';

let provider: HashProvider | undefined;
/** The verifier's nonce goes with a quote: NONCE unless told, and only when a quote is given. */
async function analyzeAll(inputs: readonly RawInput[], nonce = NONCE): Promise<{ status: number; report?: Report; analysis?: Analysis }> {
  provider ??= await createHashProvider();
  const classified: RawInput[] = [];
  for (const input of inputs) {
    const kind = input.kind ?? classifyInput(input.bytes);
    if (kind === undefined) return { status: 2 }; // the CLI refuses a file no kind fits
    classified.push({ ...input, kind });
  }
  const withQuote = classified.some((i) => i.kind === 'tpm-quote');
  const analysis = await analyzeRaw(classified, withQuote ? { nonce } : {}, provider);
  return { status: exitStatusOf(analysis.report), report: analysis.report, analysis };
}

/** Every truncation (0 … n−1 bytes) and every single-byte inversion of `bytes`. */
function mutations(bytes: Uint8Array): Array<[string, Uint8Array]> {
  const out: Array<[string, Uint8Array]> = [];
  for (let i = 0; i < bytes.length; i++) out.push([`cut at ${i}`, bytes.slice(0, i)]);
  for (let i = 0; i < bytes.length; i++) {
    const m = bytes.slice();
    m[i] ^= 0xff;
    out.push([`byte ${i} flipped`, m]);
  }
  return out;
}

async function exitZeroMutations(target: string, others: readonly string[]): Promise<string[]> {
  const original = swtpm(target);
  const passed: string[] = [];
  for (const [label, bytes] of mutations(original.bytes)) {
    const inputs = [LOG, ...others.map(swtpm), { name: target, bytes }];
    if ((await analyzeAll(inputs)).status === 0) passed.push(label);
  }
  return passed;
}

describe('damaged quote companions never pass', () => {
  it('the undamaged set passes (the baseline the mutations are measured against)', async () => {
    const r = await analyzeAll([LOG, swtpm('q1_rsassa_sha256_10.msg'), swtpm('q1_rsassa_sha256_10.sig'), swtpm('ak_rsa.pub')]);
    expect(r.status).toBe(0);
  });

  it('an AK (TPM2B_PUBLIC) cut or flipped anywhere never passes', async () => {
    // Bytes 6–9 are objectAttributes: the key (modulus, exponent) is unchanged, so the quote
    // really verifies with it, but a flip there clears what makes it an AK or sets reserved
    // bits (quote-key-not-ak); every other byte either breaks the structure or the key.
    const passed = await exitZeroMutations('ak_rsa.pub', ['q1_rsassa_sha256_10.msg', 'q1_rsassa_sha256_10.sig']);
    expect(passed).toEqual([]);
  }, 120_000);

  it('an AK as PEM cut anywhere never passes', async () => {
    const pem = swtpm('ak_rsa.pem');
    for (let i = 0; i < pem.bytes.length; i++) {
      const r = await analyzeAll([LOG, swtpm('q1_rsassa_sha256_10.msg'), swtpm('q1_rsassa_sha256_10.sig'), { name: 'ak.pem', bytes: pem.bytes.slice(0, i) }]);
      // The PEM's last line break alone may go: the key is whole without it.
      if (r.status === 0) expect(i).toBeGreaterThanOrEqual(pem.bytes.length - 1);
    }
  }, 120_000);

  it('a signature cut or flipped anywhere never passes', async () => {
    expect(await exitZeroMutations('q1_rsassa_sha256_10.sig', ['q1_rsassa_sha256_10.msg', 'ak_rsa.pub'])).toEqual([]);
  }, 120_000);

  it('a quote cut or flipped anywhere never passes', async () => {
    expect(await exitZeroMutations('q1_rsassa_sha256_10.msg', ['q1_rsassa_sha256_10.sig', 'ak_rsa.pub'])).toEqual([]);
  }, 120_000);

  it('a PCR listing cut or flipped anywhere never passes, except where the value stays whole', async () => {
    const yaml = swtpm('pcrread_sha256_10.yaml');
    const text = new TextDecoder().decode(yaml.bytes);
    const valueEnd = text.lastIndexOf(text.trim().slice(-1)) + 1;
    const passed = await exitZeroMutations('pcrread_sha256_10.yaml', []);
    // Only cuts after the last hex digit (trailing whitespace) keep the listing as it was.
    for (const label of passed) expect(label).toMatch(/^cut at (\d+)$/);
    for (const label of passed) expect(Number(/\d+/.exec(label)?.[0])).toBeGreaterThanOrEqual(valueEnd);
    // Text stays text: each digit of the value replaced by a non-hex letter or another hex digit.
    const start = text.indexOf('0x') + 2;
    for (let i = start; i < start + 64; i++) {
      for (const c of ['g', text[i] === '0' ? '1' : '0']) {
        const mutated = `${text.slice(0, i)}${c}${text.slice(i + 1)}`;
        const r = await analyzeAll([LOG, { name: 'pcrs.yaml', bytes: new TextEncoder().encode(mutated) }]);
        expect(r.status, JSON.stringify(mutated)).not.toBe(0);
      }
    }
  }, 120_000);
});

describe('each input that cannot be read as its kind is an error with where and what', () => {
  it('a PCR listing whose PCR 10 line is not hex: exit 2, the line and byte named', async () => {
    const text = `sha256:\n  10: 0x${'zz'.repeat(32)}\n`;
    const r = await analyzeAll([LOG, { name: 'pcrs.yaml', bytes: new TextEncoder().encode(text), kind: 'pcr-values' }]);
    expect(r.status).toBe(2);
    expect(r.report?.findings[0]).toMatchObject({ code: 'input-unreadable', severity: 'error' });
    expect(r.report?.findings[0].message).toContain('pcrs.yaml: cannot be read as pcr-values: line 2 (byte 8)');
  });

  it('a truncated quote given as a quote: exit 2 with the offset of the cut field', async () => {
    const msg = swtpm('q1_rsassa_sha256_10.msg');
    const r = await analyzeAll([LOG, { name: 'q.msg', bytes: msg.bytes.slice(0, 100), kind: 'tpm-quote' }]);
    expect(r.status).toBe(2);
    expect(r.report?.findings[0].message).toMatch(/q\.msg: cannot be read as tpm-quote: offset 97: truncated: pcrDigest needs 32 bytes, 3 left/);
  });

  it('a --kind the file does not fit: exit 2', async () => {
    const notes = { name: 'notes.txt', bytes: new TextEncoder().encode('just some notes\n') };
    for (const kind of ['ak-public', 'ima-key', 'tpm-signature', 'tpm-quote', 'pcr-values'] as const) {
      const r = await analyzeAll([LOG, { ...notes, kind }]);
      expect(r.status, kind).toBe(2);
    }
    for (const kind of ['ima-binary', 'ima-ascii'] as const) {
      const r = await analyzeAll([{ ...notes, kind }, swtpm('pcrread_sha256_10.yaml')]);
      expect(r.status, kind).toBe(2);
      expect(r.report?.findings[0].message).toMatch(/^notes\.txt: cannot be read as ima-(binary|ascii): offset 0: /);
    }
  });

  it('a truncated AK no kind fits: the nearest reading names the offset', () => {
    const cut = readSharedData('swtpm', 'ak_rsa.pub').slice(0, 100);
    expect(classifyInput(cut)).toBeUndefined();
    expect(diagnoseUnrecognised(cut)).toBe('as an attestation key: offset 100: truncated TPM2B_PUBLIC: its size field says 280 bytes, 98 follow');
  });
});

describe('a supplied check that cannot be made is a failure (exit 1)', () => {
  it('a signature with no key', async () => {
    const r = await analyzeAll([LOG, swtpm('q1_rsassa_sha256_10.msg'), swtpm('q1_rsassa_sha256_10.sig')]);
    expect(r.status).toBe(1);
    expect(r.report?.findings[0]).toMatchObject({ code: 'check-incomplete' });
    expect(r.report?.findings[0].message).toContain('no readable attestation key');
  });

  it('a key with no quote, and a quote with no signature beside a key', async () => {
    const keyOnly = await analyzeAll([LOG, swtpm('ak_rsa.pub')]);
    expect(keyOnly.status).toBe(1);
    expect(keyOnly.report?.findings[0].message).toMatch(/ak_rsa\.pub: an attestation key, but no quote/);
    const noSig = await analyzeAll([LOG, swtpm('q1_rsassa_sha256_10.msg'), swtpm('ak_rsa.pub')]);
    expect(noSig.status).toBe(1);
    expect(noSig.report?.findings[0].message).toMatch(/no signature was given/);
  });

  it('a signature carried inside the quote\'s own file with no key, as with a separate one', async () => {
    // keylime_quote_string.txt: Keylime's r<attest>:<sig>:<pcrs>; the stdout: tpm2_quote's YAML.
    for (const name of ['keylime_quote_string.txt', 'q1_rsassa_sha256_10.stdout.yaml']) {
      const r = await analyzeAll([LOG, swtpm(name)], name.startsWith('keylime') ? 'abcdefghij0123456789' : NONCE);
      expect(r.status, name).toBe(1);
      expect(r.report?.findings[0], name).toMatchObject({ code: 'check-incomplete', severity: 'error' });
      expect(r.report?.findings[0].message).toBe(
        `${name}: the signature it carries cannot be checked: no readable attestation key was given (give the AK: a TPM public area, a PEM key or its certificate).`,
      );
    }
    // With its AK the same string passes (Keylime's checkquote accepted it).
    const withKey = await analyzeAll([swtpm('keylime_quote_string.txt'), swtpm('keylime_aik_tpm.b64'), swtpm('binary_bios_measurements')], 'abcdefghij0123456789');
    expect(withKey.report?.quote?.signature).toBe('valid');
    expect(withKey.status).toBe(0);
  });

  it('a signature carried inside the quote\'s own file that cannot be read fails, with or without a key', async () => {
    const [attest, , pcrs] = readSharedText('swtpm', 'keylime_quote_string.txt').trim().split(':');
    const keylime: RawInput = { name: 'bad-sig.txt', bytes: new TextEncoder().encode(`${attest}:AAAA:${pcrs}`) };
    const stdout = readSharedText('swtpm', 'q1_rsassa_sha256_10.stdout.yaml');
    expect(stdout).toMatch(/^ {2}sig: [0-9a-f]+$/m);
    const cutStdout: RawInput = { name: 'bad-sig.yaml', bytes: new TextEncoder().encode(stdout.replace(/^( {2}sig: )[0-9a-f]+$/m, '$1zz')) };
    for (const [quote, key, reason] of [
      [keylime, swtpm('keylime_aik_tpm.b64'), /^field 2 is not a TPMT_SIGNATURE \(TPMT_SIGNATURE: .+\)$/],
      [cutStdout, swtpm('ak_rsa.pub'), /^its 'signature:' block is not/],
      // A bare PEM key is still the quote's AK, not an IMA key that verifies nothing.
      [cutStdout, swtpm('ak_rsa.pem'), /^its 'signature:' block is not/],
    ] as const) {
      for (const inputs of [[LOG, quote], [LOG, quote, key]]) {
        const r = await analyzeAll(inputs, quote === keylime ? 'abcdefghij0123456789' : NONCE);
        const label = `${quote.name} with ${inputs.length - 2} key`;
        expect(r.status, label).toBe(1);
        const failed = r.report?.findings.filter((f) => f.severity === 'error');
        expect(failed?.map((f) => f.code), label).toEqual(['check-incomplete']);
        expect(failed?.[0].message, label).toMatch(new RegExp(`^${quote.name.replace('.', '\\.')}: the signature it carries could not be read \\(`));
        expect(r.report?.findings.some((f) => f.code === 'quote-unsigned'), label).toBe(false);
        expect(r.report?.quotes?.[0], label).toMatchObject({ signature: 'unchecked', signatureUnreadable: expect.stringMatching(reason) });
        // A key beside it stays the quote's AK, not an IMA key that verifies nothing.
        if (inputs.length === 3) {
          expect(r.report?.quotes?.[0].akInput, label).toBe(key.name);
          expect(r.report?.inputs.find((i) => i.name === key.name)?.kind, label).toBe('ak-public');
        }
      }
    }
  });

  it('a signature beside a quote that could not be read says so (not "no quote was given")', async () => {
    // go-attestation's TPM 1.2 quote (TPM_QUOTE_INFO) is recognised and refused; its signature is left over.
    const ga = (name: string): RawInput => ({ name, bytes: readSharedData('realdata', 'go-attestation', name) });
    const r = await analyzeAll([ga('linux_tpm12.Quote.bin'), ga('linux_tpm12.Quote.Signature.bin')]);
    expect(r.status).toBe(2);
    expect(r.report?.findings.find((f) => f.code === 'check-incomplete')?.message).toBe(
      'linux_tpm12.Quote.Signature.bin: a quote signature, but the quote given (linux_tpm12.Quote.bin) could not be read, so it was not checked.',
    );
  });

  it('a bare PEM key beside a quote without a signature is its AK, and the missing signature fails', async () => {
    const r = await analyzeAll([LOG, swtpm('q1_rsassa_sha256_10.msg'), swtpm('ak_rsa.pem')]);
    expect(r.status).toBe(1);
    expect(r.report?.inputs.find((i) => i.name === 'ak_rsa.pem')?.kind).toBe('ak-public');
    expect(r.report?.findings[0].message).toBe('q1_rsassa_sha256_10.msg: no signature was given for this quote, so ak_rsa.pem cannot verify it.');
  });

  it.each(['evmctl_pcrs_sha256.txt', 'pcr0-9.yaml', 'ak_rsa.pub', 'q1_rsassa_sha256_10.sig'])(
    '%s alone: nothing to check it against, a check not made (PCR values as an AK or a signature; adversarial review D13)',
    async (name) => {
      const r = await analyzeAll([swtpm(name)]);
      expect(r.status).toBe(1);
      expect(r.report?.findings.map((f) => f.code)).toEqual(['check-incomplete']);
      expect(r.report?.findings[0].message).toMatch(new RegExp(`^${name.replace(/\./g, '\\.')}: `));
    },
  );

  it('PCR values beside a firmware log or a quote are compared with it: no check-incomplete', async () => {
    const withFirmware = await analyzeAll([swtpm('pcr0-9.yaml'), swtpm('binary_bios_measurements')]);
    expect(withFirmware.report?.findings.map((f) => f.code)).not.toContain('check-incomplete');
    expect(withFirmware.status).toBe(0);
  });

  it('a PEM key given as the AK (--kind ak-public) with no quote stays an AK, and the missing quote fails', async () => {
    const r = await analyzeAll([LOG, { ...swtpm('ak_rsa.pem'), kind: 'ak-public', kindGiven: true }]);
    expect(r.status).toBe(1);
    expect(r.report?.inputs.find((i) => i.name === 'ak_rsa.pem')?.kind).toBe('ak-public');
    expect(r.report?.findings.map((f) => f.code)).not.toContain('input-ima-key');
    expect(r.report?.findings[0].message).toBe('ak_rsa.pem: an attestation key, but no quote was given for it to verify.');
    // Undeclared, the same key verifies no quote and is an IMA key (CONTRACT §5.1).
    const plain = await analyzeAll([LOG, swtpm('ak_rsa.pem')]);
    expect(plain.report?.inputs.find((i) => i.name === 'ak_rsa.pem')?.kind).toBe('ima-key');
  });

  it("a value of tpm2_quote stdout's 'pcrs:' block that cannot be read is refused, never dropped", async () => {
    const stdout = swtpm('q1_rsassa_sha256_10.stdout.yaml');
    const text = new TextDecoder().decode(stdout.bytes);
    const bad = text.replace(/(\n\s+10: 0x)[0-9A-F]{2}/, '$1ZZ');
    expect(bad).not.toBe(text);
    const r = await analyzeAll([LOG, { name: stdout.name, bytes: new TextEncoder().encode(bad) }, swtpm('ak_rsa.pub')]);
    expect(r.status).toBe(2);
    const refused = r.report?.findings.find((f) => f.code === 'input-unreadable');
    expect(refused?.message).toMatch(/q1_rsassa_sha256_10\.stdout\.yaml: cannot be read as pcr-values: its 'pcrs:' block: line \d+ \(byte \d+\): not a PCR value/);
  });

  it('two inputs giving one PCR two values: both refused, the same report whatever their order (the verdict, then the input refused, depended on it)', async () => {
    const right = swtpm('pcrread_sha256_10.yaml');
    const wrong = { name: 'other.txt', bytes: new TextEncoder().encode(`PCR-10: ${'11'.repeat(32)}\n`) };
    const reports: Report[] = [];
    for (const [first, second] of [[right, wrong], [wrong, right]]) {
      const r = await analyzeAll([LOG, first, second]);
      expect(r.status, first.name).toBe(2);
      if (r.report !== undefined) reports.push({ ...r.report, inputs: [...r.report.inputs].sort((a, b) => (a.name < b.name ? -1 : 1)) });
      const refused = r.report?.findings.filter((f) => f.code === 'input-unreadable').map((f) => f.message);
      expect(refused).toEqual([
        expect.stringMatching(/^other\.txt: cannot be read as pcr-values: sha256 PCR 10 is (11){32} here but [0-9a-f]{64} in pcrread_sha256_10\.yaml: two readings of one PCR disagree/),
        expect.stringMatching(/^pcrread_sha256_10\.yaml: cannot be read as pcr-values: sha256 PCR 10 is [0-9a-f]{64} here but (11){32} in other\.txt: two readings of one PCR disagree/),
      ]);
      // Neither value is checked (the first one matched, under a refusal saying neither can be),
      // and the conflict names both readings and their inputs.
      expect(r.report?.pcrChecks?.filter((c) => c.bank === 'sha256' && c.pcr === 10) ?? []).toEqual([]);
      expect(r.report?.findings.map((f) => f.code)).not.toContain('pcr-match');
      expect(r.analysis?.pcrConflicts?.map((c) => [c.bank, c.pcr, c.readings.map((x) => x.source)])).toEqual([['sha256', 10, [first.name, second.name]]]);
    }
    expect(reports[1]).toEqual(reports[0]);
    // A third reading of a PCR in conflict is not used either; its input is refused too.
    const third = { name: 'third.txt', bytes: new TextEncoder().encode(`PCR-10: ${'22'.repeat(32)}\n`) };
    const three = await analyzeAll([LOG, right, wrong, third]);
    expect(three.report?.findings.filter((f) => f.code === 'input-unreadable').map((f) => f.message.split(':')[0])).toEqual(['other.txt', 'pcrread_sha256_10.yaml', 'third.txt']);
    // A reading equal to one already in conflict is in the conflict, whatever its place.
    const again = { name: 'again.yaml', bytes: right.bytes };
    for (const order of [[right, again, wrong], [right, wrong, again]]) {
      const r = await analyzeAll([LOG, ...order]);
      expect(r.report?.findings.filter((f) => f.code === 'input-unreadable').map((f) => f.message.split(':')[0])).toEqual(['again.yaml', 'other.txt', 'pcrread_sha256_10.yaml']);
    }
    expect(three.analysis?.pcrConflicts?.[0].readings.map((x) => x.source)).toEqual([right.name, 'other.txt', 'third.txt']);
    expect(three.report?.pcrChecks?.filter((c) => c.pcr === 10) ?? []).toEqual([]);
    // The same value twice is no conflict.
    expect((await analyzeAll([LOG, right, { name: 'again.yaml', bytes: right.bytes }])).status).toBe(0);
  });

  it("a sysfs PCR file (one bare value) is read as the PCR of a quote that selects one PCR, else refused saying why", async () => {
    const sysfs = { name: 'pcr-sha256-10', bytes: new TextEncoder().encode('F8A50C287E1D4B39B95D449242783B20D01C5114C2528014749C19D95FDC9BDC\n') };
    const quote = [swtpm('q1_rsassa_sha256_10.msg'), swtpm('q1_rsassa_sha256_10.sig'), swtpm('ak_rsa.pub')];
    const r = await analyzeAll([LOG, ...quote, sysfs]);
    expect(r.status).toBe(0);
    expect(r.report?.inputs.find((i) => i.name === sysfs.name)?.selectionFrom).toEqual(['q1_rsassa_sha256_10.msg']);
    expect(r.report?.pcrChecks?.find((c) => c.bank === 'sha256' && c.pcr === 10)).toMatchObject({ status: 'match', expected: 'f8a50c287e1d4b39b95d449242783b20d01c5114c2528014749c19d95fdc9bdc' });
    // Two quotes that would place it at different PCRs: ambiguous, refused whatever their order.
    const msg = swtpm('q1_rsassa_sha256_10.msg');
    const at = Buffer.from(msg.bytes).indexOf(Buffer.from([0x00, 0x0b, 0x03, 0x00, 0x04, 0x00]));
    expect(at).toBeGreaterThan(0);
    const pcr11 = { name: 'pcr11.msg', bytes: Uint8Array.from(msg.bytes) };
    pcr11.bytes[at + 4] = 0x08; // the sha256 bitmap: PCR 11 instead of PCR 10
    for (const quotes of [[msg, pcr11], [pcr11, msg]]) {
      const both = await analyzeAll([LOG, ...quotes, sysfs]);
      expect(both.status).toBe(2);
      expect(both.report?.findings.find((f) => f.code === 'input-unreadable')?.message).toContain('the quotes given place it at different PCRs');
    }
    const alone = await analyzeAll([LOG, sysfs]);
    expect(alone.status).toBe(2);
    expect(alone.report?.findings[0].message).toBe(
      'pcr-sha256-10: cannot be read as pcr-values: a single sha256 value without its PCR index (a sysfs pcr-sha256/N file): no quote was given to tell which PCR it is; list it as `N: <hex>` or `PCR-NN: <hex>`',
    );
    // The bank named is the value's, read once from the file (a SHA-1 value beside a sha256 quote).
    const sha1 = { name: 'pcr-sha1-10', bytes: new TextEncoder().encode('70E4548301B30FA740F08DF3BDCA03534EC2DE9E\n') };
    expect((await analyzeAll([LOG, ...quote, sha1])).report?.findings.find((f) => f.code === 'input-unreadable')?.message).toBe(
      'pcr-sha1-10: cannot be read as pcr-values: a single sha1 value without its PCR index (a sysfs pcr-sha1/N file): no quote given selects exactly one PCR of its bank to tell which PCR it is; list it as `N: <hex>` or `PCR-NN: <hex>`',
    );
  });

  it('a nonce with no quote to compare it with', async () => {
    provider ??= await createHashProvider();
    const { report } = await analyzeRaw([LOG], { nonce: NONCE }, provider);
    expect(exitStatusOf(report)).toBe(1);
    expect(report.findings[0]).toMatchObject({ code: 'check-incomplete', severity: 'error' });
    expect(report.findings[0].message).toContain(`A nonce (${NONCE}) was given, but no quote`);
  });

  it("a nonce that is no nonce (the app's Nonce field, where the CLI refuses it): not compared, a failure saying why", async () => {
    provider ??= await createHashProvider();
    const quote = [LOG, swtpm('q1_rsassa_sha256_10.msg'), swtpm('q1_rsassa_sha256_10.sig'), swtpm('ak_rsa.pem')];
    const { report } = await analyzeRaw(quote, { nonce: 'zz' }, provider);
    expect(exitStatusOf(report)).toBe(1);
    // No mismatch said as if the nonce had been read; the rest of the quote is checked as given.
    expect(report.quote?.nonceMatches).toBeUndefined();
    expect(report.quote).toMatchObject({ signature: 'valid', digestMatches: true });
    expect(report.findings.filter((f) => f.severity === 'error')).toEqual([
      {
        code: 'check-incomplete',
        severity: 'error',
        message: "The nonce was not compared with the quote: 'zz' is not a nonce: give hex of whole bytes, Keylime's 20 letters and digits, or base64.",
      },
    ]);
    // Without a quote it is the same refusal, not "no quote to compare it with".
    const alone = (await analyzeRaw([LOG], { nonce: 'zz' }, provider)).report;
    expect(alone.findings.filter((f) => f.code === 'check-incomplete').map((f) => f.message)).toEqual([expect.stringContaining("'zz' is not a nonce")]);
    // The nonce the quote was made with still passes.
    expect(exitStatusOf((await analyzeRaw(quote, { nonce: NONCE }, provider)).report)).toBe(0);
  });

  it('a signature with no quote', async () => {
    const r = await analyzeAll([LOG, swtpm('q1_rsassa_sha256_10.sig'), swtpm('ak_rsa.pub')]);
    expect(r.status).toBe(1);
    expect(r.report?.findings.map((f) => f.code)).toContain('check-incomplete');
  });

  it('a PEM key with no quote is an IMA key (info), not a failure', async () => {
    const r = await analyzeAll([LOG, swtpm('ak_rsa.pem')]);
    expect(r.status).toBe(0);
    expect(r.report?.inputs[1].kind).toBe('ima-key');
    expect(r.report?.findings.find((f) => f.code === 'input-ima-key')?.message).toMatch(/^ak_rsa\.pem: an RSA-2048 public key with no quote to verify/);
  });

  it('an EK certificate as tpm2_nvread gives it (empty subject, 0xFF fill) is read as one, named by its issuer', async () => {
    // As osresearch/safeboot tests/quote-t490.tgz ek.crt, made here with openssl.
    const dir = mkdtempSync(join(tmpdir(), 'ekcert-'));
    const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    ssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-subj', '/CN=Test EK CA', '-days', '1', '-out', 'ca.pem');
    ssl('req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ek.key', '-subj', '/', '-out', 'ek.csr');
    ssl('x509', '-req', '-in', 'ek.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '1', '-outform', 'DER', '-out', 'ek.der');
    const der = readFileSync(join(dir, 'ek.der'));
    const r = await analyzeAll([LOG, { name: 'ek.crt', bytes: Uint8Array.from([...der, ...new Uint8Array(430).fill(0xff)]) }]);
    expect(r.report?.inputs[1].kind).toBe('ima-key');
    expect(r.report?.findings.find((f) => f.code === 'input-ima-key')?.message).toBe(
      'ek.crt: a P-256 certificate with an empty subject issued by "CN=Test EK CA" with no quote to verify; kept as an IMA verification key (ima-key).',
    );
    expect(r.status).toBe(0);
  });
});

describe('a quote with neither signature nor key is a warning, not a clean pass', () => {
  it('the digest agrees (exit 0), but the verdict warns that nothing shows a TPM made the quote', async () => {
    // With the PCR values it attests and no log, nothing else (the log's violation) warns.
    const r = await analyzeAll([swtpm('pcrread_sha256_10.yaml'), swtpm('q1_rsassa_sha256_10.msg')]);
    expect(r.report?.quote).toMatchObject({ digestMatches: true, nonceMatches: true, signature: 'unchecked' });
    expect(r.status).toBe(0);
    expect(r.report && verdictOf(r.report)).toMatchObject({ tone: 'warning', finding: { code: 'quote-unsigned' } });
    // Beside the log the same quote gets the same warning.
    expect((await analyzeAll([LOG, swtpm('q1_rsassa_sha256_10.msg')])).report?.findings.map((f) => f.code)).toContain('quote-unsigned');
    const unsigned = r.report?.findings.filter((f) => f.code === 'quote-unsigned') ?? [];
    expect(unsigned).toHaveLength(1);
    expect(unsigned[0].severity).toBe('warning');
    expect(unsigned[0].message).toMatch(/^q1_rsassa_sha256_10\.msg: .*no signature and no attestation key .*tpm2_quote -s.*AK/);
  });

  it('each unsigned quote is named on its own', async () => {
    const r = await analyzeAll([LOG, swtpm('q1_rsassa_sha256_10.msg'), swtpm('q3_ecdsa_multibank.msg')]);
    expect(r.report?.findings.filter((f) => f.code === 'quote-unsigned').map((f) => f.message.split(':')[0])).toEqual([
      'q1_rsassa_sha256_10.msg',
      'q3_ecdsa_multibank.msg',
    ]);
  });

  it('not for a signed quote: a separate signature with its AK, or a Keylime string carrying its own', async () => {
    const signed = await analyzeAll([LOG, swtpm('q1_rsassa_sha256_10.msg'), swtpm('q1_rsassa_sha256_10.sig'), swtpm('ak_rsa.pub')]);
    expect(signed.report?.findings.map((f) => f.code)).not.toContain('quote-unsigned');
    const keylime = await analyzeAll([swtpm('keylime_quote_string.txt'), swtpm('keylime_aik_tpm.b64')], 'abcdefghij0123456789');
    expect(keylime.report?.findings.map((f) => f.code)).not.toContain('quote-unsigned');
    // Without its key the Keylime string's signature is a check not made (error), not "unsigned".
    const noKey = await analyzeAll([swtpm('keylime_quote_string.txt')], 'abcdefghij0123456789');
    expect(noKey.report?.findings.map((f) => f.code)).toEqual(expect.arrayContaining(['check-incomplete']));
    expect(noKey.report?.findings.map((f) => f.code)).not.toContain('quote-unsigned');
  });
});

describe('a key kept for IMA signatures must be readable as one', () => {
  it('a damaged certificate that verifies no quote is refused, never silently dropped (a passing verdict)', async () => {
    const log: RawInput = { name: 'signatures.ascii', bytes: readSharedData('policy', 'keylime/logs/signatures.ascii') };
    const cert = readSharedData('policy', 'keylime/keys/ima-keyring-cert.der');
    // The original is read and used: the log's two signatures name other keys (fail, exit 1).
    expect((await analyzeAll([log, { name: 'cert.der', bytes: cert }])).status).toBe(1);
    const flipped = cert.slice();
    flipped[Math.floor(cert.length / 3)] ^= 0x55;
    const { status, report } = await analyzeAll([log, { name: 'cert.der', bytes: flipped }]);
    expect(status).toBe(2);
    expect(report?.findings.find((f) => f.code === 'input-unreadable')?.message).toContain('cert.der: cannot be read as ima-key');
  });
});

describe("a tpm2 '-F values' PCR file (digests only) is read with a quote's selection", () => {
  const withProvider = async (inputs: readonly RawInput[]): Promise<Report> => {
    provider ??= await createHashProvider();
    return (await analyzeRaw(inputs, {}, provider)).report;
  };

  it('q2 and its values file (swtpm/README.md: -F values, 32 raw bytes): PCR 10 compared, and it matches', async () => {
    const report = await withProvider([LOG, swtpm('q2_rsassa_plain.msg'), swtpm('q2_rsassa_plain.pcrs.values')]);
    expect(report.inputs.map((i) => i.kind)).toEqual(['ima-binary', 'tpm-quote', 'pcr-values']);
    // The value is the README's PCR10 sha256, which the whole log replays to.
    expect(report.pcrChecks?.[0]).toMatchObject({ bank: 'sha256', pcr: 10, status: 'match', expected: 'f8a50c287e1d4b39b95d449242783b20d01c5114c2528014749c19d95fdc9bdc' });
    expect(exitStatusOf(report)).toBe(0);
  });

  it('the tampered values file of the checkquote failure case: a PCR 10 mismatch', async () => {
    const report = await withProvider([LOG, swtpm('q1_rsassa_sha256_10.msg'), swtpm('tampered_pcr10.values')]);
    expect(report.pcrChecks?.[0]).toMatchObject({ bank: 'sha256', pcr: 10, status: 'mismatch' });
    expect(exitStatusOf(report)).toBe(1);
  });

  it('no quote to give the selection, or none whose size fits: refused (exit 2) saying what is needed', async () => {
    const forced = await withProvider([LOG, { ...swtpm('q2_rsassa_plain.pcrs.values'), kind: 'pcr-values' }]);
    expect(exitStatusOf(forced)).toBe(2);
    expect(forced.findings[0].message).toBe(
      "q2_rsassa_plain.pcrs.values: cannot be read as pcr-values: as a tpm2 '-F values' PCR file (32 bytes of digests, no PCR numbers) it needs the PCR selection it was read with: give the quote it belongs to, or read the PCRs as YAML or '-F serialized'",
    );
    // sha1:10 + sha256:10 is 52 bytes; q2 selects sha256:10 only.
    const unfit = await withProvider([LOG, swtpm('q2_rsassa_plain.msg'), swtpm('pcrread_sha1_sha256_10.values.bin')]);
    expect(exitStatusOf(unfit)).toBe(2);
    expect(unfit.findings[0].message).toMatch(/fit no quote's selection \(q2_rsassa_plain\.msg selects sha256:10, 32 bytes\)$/);
  });

  it('several quotes: the file is read with every quote that fits it, never the first; quotes that place it differently leave it unread, whatever their order', async () => {
    const msg = swtpm('q2_rsassa_plain.msg');
    const values = swtpm('q2_rsassa_plain.pcrs.values');
    // The same quote again under another name places it alike: read, and the report names both.
    const again = { name: 'again.msg', bytes: msg.bytes };
    const alike = await withProvider([LOG, msg, again, values]);
    expect(exitStatusOf(alike)).toBe(0);
    expect(alike.inputs.find((i) => i.name === values.name)?.selectionFrom).toEqual(['q2_rsassa_plain.msg', 'again.msg']);
    // q2 with its sha256 bitmap changed to PCR 11: 32 bytes fit both selections.
    const at = Buffer.from(msg.bytes).indexOf(Buffer.from([0x00, 0x0b, 0x03, 0x00, 0x04, 0x00]));
    expect(at).toBeGreaterThan(0);
    const pcr11 = { name: 'pcr11.msg', bytes: Uint8Array.from(msg.bytes) };
    pcr11.bytes[at + 4] = 0x08;
    for (const quotes of [[msg, pcr11], [pcr11, msg]]) {
      const both = await withProvider([LOG, ...quotes, values]);
      expect(exitStatusOf(both)).toBe(2);
      const refused = both.findings.find((f) => f.code === 'input-unreadable');
      expect(refused?.message).toContain("as a tpm2 '-F values' PCR file its 32 bytes fit the selections of several quotes, and the quotes given place it at different PCRs (");
      expect(refused?.message).toContain('sha256:10 by q2_rsassa_plain.msg');
      expect(refused?.message).toContain('sha256:11 by pcr11.msg');
    }
  });
});
