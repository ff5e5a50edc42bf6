import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { analyzeRaw } from '../core/analysis/analyze';
import { createWasmHashProvider } from '../core/hash/hash-provider';
import { readSharedData } from '../core/testing/shared-data';
import { FINDING_HELP } from '../core/analysis/finding-help';
import { formatHumanReport } from './format-human';
import { buildQuoteAttest, quoteDigest } from '../core/testing/build-quote';
import { fromHex } from '../core/util/bytes';

const swtpm = (name: string) => ({ name, bytes: readSharedData('swtpm', name) });

describe('formatHumanReport with a firmware log', () => {
  it('shows the firmware replay and the boot_aggregate verdict before the findings', async () => {
    const provider = await createWasmHashProvider();
    const { report } = await analyzeRaw(
      [swtpm('binary_runtime_measurements'), swtpm('binary_bios_measurements'), swtpm('pcr0-9.yaml')],
      {},
      provider,
    );
    const text = formatHumanReport(report);
    expect(text).toContain('Firmware log: 18 events, replayed sha1 PCRs 0–9, sha256 PCRs 0–9; all 20 supplied PCR values it governs match');
    // swtpm/README.md: boot_aggregate sha256 over PCR0..9 and sha1 over PCR0..7 (evmctl).
    expect(text).toContain(
      'boot_aggregate from it: sha1 over PCRs 0–7 2b6fb200a08aad10fe44cd7c037521caed7b65c4, sha256 over PCRs 0–9 cca5873abd80e35f4440167d5f81899296289a6b97fe15a98be56f6514c095c2',
    );
    expect(text).toContain('boot_aggregate: match — boot_aggregate at entry 0 equals sha256 over PCRs 0–9');
    expect(text.indexOf('boot_aggregate: match')).toBeLessThan(text.indexOf('Findings:'));
  });
});

describe('formatHumanReport with a firmware log alone (new-user review)', () => {
  it('shows every replayed PCR value, and a headline that implies no IMA check', async () => {
    const provider = await createWasmHashProvider();
    const text = formatHumanReport((await analyzeRaw([swtpm('binary_bios_measurements')], {}, provider)).report);
    expect(text.split('\n')[0]).toBe(
      'VERDICT: PASS — The firmware log replays: 18 events replayed into sha1 PCRs 0–9, sha256 PCRs 0–9; no PCR values or quote to compare them with. No IMA measurement list was given: add it to check what the PCRs measured.',
    );
    // swtpm/replay_fw_py.txt: the independent Python replay of the same log ("bank", then "   N: hex").
    const oracle = new TextDecoder().decode(readSharedData('swtpm', 'replay_fw_py.txt'));
    let bank = '';
    let values = 0;
    for (const line of oracle.split('\n')) {
      if (/^sha(1|256)$/.test(line)) bank = line;
      const m = /^ +(\d+): ([0-9a-f]+)$/.exec(line);
      if (m === null) continue;
      expect(text).toContain(`\n  ${bank} PCR ${m[1]}: ${m[2]}\n`);
      values++;
    }
    expect(values).toBe(20);
  });

  it('with the PCR values it governs: says each matches', async () => {
    const provider = await createWasmHashProvider();
    const text = formatHumanReport((await analyzeRaw([swtpm('binary_bios_measurements'), swtpm('pcr0-9.yaml')], {}, provider)).report);
    expect(text.split('\n')[0]).toBe(
      'VERDICT: PASS — The firmware log agrees: 18 events replayed into sha1 PCRs 0–9, sha256 PCRs 0–9, reproducing 20 supplied PCR values. No IMA measurement list was given: add it to check what the PCRs measured.',
    );
    expect(text).toContain('\n  sha256 PCR 9: 58194f44956cefcb7b0865583adaed7471d151c13fdf379f25bf3f3b623e3af2 (the supplied value matches)\n');
  });
});

describe('formatHumanReport with a firmware log cut in its header (review d)', () => {
  it('names no empty PCR lists', async () => {
    const provider = await createWasmHashProvider();
    const { report } = await analyzeRaw([{ name: 'specid-vendordata.bin', bytes: readSharedData('realdata', 'tpm2-tools', 'specid-vendordata.bin') }], {}, provider);
    const text = formatHumanReport(report);
    expect(text).toContain('Firmware log: 1 events, no PCR replayed;');
    expect(text).not.toMatch(/PCRs [,;]/);
  });
});

describe('formatHumanReport with a quote', () => {
  it('leads the quote section with its verdict, each check named (swtpm q1, tampered)', async () => {
    const provider = await createWasmHashProvider();
    const run = async (msg: string, nonce: string) =>
      formatHumanReport(
        (await analyzeRaw([swtpm('binary_runtime_measurements'), swtpm(msg), swtpm('q1_rsassa_sha256_10.sig'), swtpm('ak_rsa.pem')], { nonce }, provider))
          .report,
      );
    const ok = await run('q1_rsassa_sha256_10.msg', '0123456789abcdef0123456789abcdef');
    expect(ok).toContain('Quote: VERIFIED — signature valid, nonce matches, pcrDigest reproduced by all 6 entries');
    expect(ok).toContain('  selection  sha256: 10');
    // checkquote_fail_msg.txt and checkquote_fail_nonce.txt, at once: the last byte of pcrDigest was changed.
    const bad = await run('tampered_q1.msg', '00112233');
    expect(bad).toContain('Quote: FAILED — signature INVALID, nonce DIFFERS, pcrDigest DIFFERS from every prefix of the log');
    expect(bad).toContain('  pcrDigest  b8557e0b19802e611b1625feee66b5ecca906f52b0d095a952178162e8e79353');
    expect(bad).toContain('  whole log  b8557e0b19802e611b1625feee66b5ecca906f52b0d095a952178162e8e79352');
  });
});

describe('formatHumanReport with a quote of PCRs the log does not extend (safeboot quote-t490)', () => {
  it('says the quote attests none of the log entries', async () => {
    const provider = await createWasmHashProvider();
    const sha256 = provider.get('sha256');
    if (sha256 === undefined) throw new Error('no sha256');
    const pcr0 = '3d458cfe55cc03ea1f443f1562beec8df51c75e14a9fcf9a7234a13f198e7969';
    const selection = [{ bank: 'sha256' as const, pcrs: [0] }];
    const quote = buildQuoteAttest({ selection, pcrDigest: quoteDigest(selection, () => fromHex(pcr0) ?? new Uint8Array(32), sha256) });
    const pcrs = new TextEncoder().encode(`sha256 PCR-00: ${pcr0}\n`);
    const { report } = await analyzeRaw(
      [swtpm('binary_runtime_measurements'), { name: 'pcrs.txt', bytes: pcrs }, { name: 'quote.out', bytes: quote, kind: 'tpm-quote' }],
      {},
      provider,
    );
    expect(formatHumanReport(report)).toContain(
      "Quote: PARTLY CHECKED — signature not checked (give the signature and the AK), nonce not checked (no --nonce), pcrDigest reproduced by the supplied PCR values, attesting none of the log's 6 entries (it selects no PCR the log extends)",
    );
  });
});

describe('formatHumanReport: a prefix match', () => {
  it('shows the whole log\'s value as such, with no "differ" pointer against the prefix\'s expected value', async () => {
    const provider = await createWasmHashProvider();
    // PCR 10 after the first 5 entries, from the values swtpm extended (ima_extends.json), by node:crypto.
    const extends_ = JSON.parse(new TextDecoder().decode(readSharedData('swtpm', 'ima_extends.json'))) as Array<[number, { sha256: string }]>;
    let pcr = Buffer.alloc(32);
    for (const [, d] of extends_.slice(0, 5)) pcr = createHash('sha256').update(pcr).update(Buffer.from(d.sha256, 'hex')).digest();
    const pcrs = { name: 'pcrs.txt', bytes: new TextEncoder().encode(`10 ${pcr.toString('hex')}\n`) };
    const { report } = await analyzeRaw([swtpm('binary_runtime_measurements'), pcrs], {}, provider);
    expect(report.pcrChecks?.[0]).toMatchObject({ status: 'prefix', matchedEntries: 5 });
    const text = formatHumanReport(report);
    expect(text).toContain(`    expected ${pcr.toString('hex')}\n    whole log f8a50c287e1d4b39b95d449242783b20d01c5114c2528014749c19d95fdc9bdc (entries after the first 5 change it)\n`);
    expect(text).not.toContain('differ');
  });
});

describe('the violation finding says how violations were extended for the match', () => {
  it('PCR 10 that only violations extended as zeros reproduce: the finding says so, not "extended as 0xFF"', async () => {
    const provider = await createWasmHashProvider();
    // swtpm's own extends (ima_extends.json), the violation's 0xFF replaced by zeros, by node:crypto.
    const extends_ = JSON.parse(new TextDecoder().decode(readSharedData('swtpm', 'ima_extends.json'))) as Array<[number, { sha256: string }]>;
    let pcr = Buffer.alloc(32);
    for (const [, d] of extends_) pcr = createHash('sha256').update(pcr).update(Buffer.from(d.sha256.replace(/^f{64}$/, '0'.repeat(64)), 'hex')).digest();
    const zeros = { name: 'pcrs.txt', bytes: new TextEncoder().encode(`10 ${pcr.toString('hex')}\n`) };
    const { report } = await analyzeRaw([swtpm('binary_runtime_measurements'), zeros], {}, provider);
    expect(report.pcrChecks?.[0]).toMatchObject({ status: 'match', hypothesis: { violations: 'zero' } });
    const violation = report.findings.find((f) => f.code === 'violation')?.message ?? '';
    expect(violation).toContain('the kernel extends them as 0xFF, but the supplied values were reproduced only with them extended as zeros');
    expect(violation).not.toContain('extended as 0xFF.');
    // The README's own PCR 10 (0xFF) keeps the kernel's words.
    const { report: ff } = await analyzeRaw([swtpm('binary_runtime_measurements'), swtpm('evmctl_pcrs_sha256.txt')], {}, provider);
    expect(ff.findings.find((f) => f.code === 'violation')?.message).toContain('all-zero template digests, extended as 0xFF.');
  });
});

describe('formatHumanReport: values that differ only at the end', () => {
  it('marks where the supplied and the replayed PCR part, under the digit', async () => {
    const provider = await createWasmHashProvider();
    const real = 'f8a50c287e1d4b39b95d449242783b20d01c5114c2528014749c19d95fdc9bdc';
    const supplied = `${real.slice(0, 63)}d`;
    const pcrs = { name: 'pcrs.txt', bytes: new TextEncoder().encode(`10 ${supplied}\n`) };
    const { report } = await analyzeRaw([swtpm('binary_runtime_measurements'), pcrs], {}, provider);
    const lines = formatHumanReport(report).split('\n');
    const expected = lines.findIndex((l) => l === `    expected ${supplied}`);
    expect(lines[expected + 1]).toBe(`    replayed ${real}`);
    expect(lines[expected + 2]).toBe(`    differ   ${' '.repeat(63)}^ from hex digit 64 (byte 32); the first 63 digits agree`);
    expect(lines[expected + 2].indexOf('^')).toBe(lines[expected].length - 1);
    // The finding's message shows the two apart, not two equal-looking 16-digit prefixes.
    expect(report.findings.find((f) => f.code === 'pcr-mismatch')?.message).toContain(
      'Supplied vs full replay: f8a50c…c9bdd vs f8a50c…c9bdc (first difference at hex digit 64 of 64, byte 32).',
    );
  });
});

describe('formatHumanReport verdict', () => {
  it('leads with the core verdict, the further problems counted under it (swtpm, tampered PCR 10)', async () => {
    const provider = await createWasmHashProvider();
    const { report } = await analyzeRaw([swtpm('binary_runtime_measurements'), swtpm('evmctl_pcrs_sha256_tampered.txt')], {}, provider);
    const [first, second] = formatHumanReport(report).split('\n');
    expect(first).toBe(`VERDICT: FAIL — ${FINDING_HELP['pcr-mismatch'].title}: ${report.findings[0].message}`);
    // The list's measurement violation (swtpm/README.md: entry 4) is one more problem.
    expect(second).toMatch(/^ {2}and \d+ more problems? in the findings\.$/);
  });
});

describe('formatHumanReport with a PCR given two values', () => {
  it('lists no PCR check (neither value is compared) and does not say no values were supplied', async () => {
    const provider = await createWasmHashProvider();
    const other = { name: 'other.txt', bytes: new TextEncoder().encode(`PCR-10: ${'ab'.repeat(32)}\n`) };
    const { report } = await analyzeRaw([swtpm('binary_runtime_measurements'), swtpm('pcrread_sha256_10.yaml'), other], {}, provider);
    const text = formatHumanReport(report);
    expect(text).toMatch(/^VERDICT: FAIL — Input cannot be read: other\.txt: /);
    expect(text).not.toContain('PCR checks:');
    expect(text).toContain('Replayed PCRs (no supplied value compared):');
  });
});
