/**
 * The committed samples are what make-samples.ts builds today, stay small, and evmctl agrees
 * with what each one claims (evmctl reads little-endian lists only, so not `big-endian`).
 * Their quotes are checked with outside tools: openssl verifies each signature with ak.pem,
 * and node:crypto recomputes each pcrDigest from the PCR file.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createWasmHashProvider } from '../src/core/hash/hash-provider';
import type { EvmctlResult } from '../src/core/testing/evmctl';
import { hasEvmctl, runEvmctlImaMeasurement } from '../src/core/testing/evmctl';
import type { Sample } from './make-samples';
import { analyzeRaw } from '../src/core/analysis/analyze';
import { buildSamples, LIST_FILE, PCR_FILES, QUOTE_FILES, SAMPLES_DIR, sampleIndexJson } from './make-samples';

let samples: Sample[];
beforeAll(async () => {
  samples = await buildSamples(await createWasmHashProvider());
});

const sample = (name: string): Sample => {
  const s = samples.find((x) => x.name === name);
  if (!s) throw new Error(`no sample ${name}`);
  return s;
};

describe('public/samples', () => {
  it('are up to date (rerun `npx tsx scripts/make-samples.ts`)', () => {
    for (const s of samples) {
      for (const [file, content] of s.files) {
        const onDisk = readFileSync(join(SAMPLES_DIR, s.name, file));
        expect(onDisk.equals(Buffer.from(content)), `${s.name}/${file}`).toBe(true);
      }
    }
    expect(readFileSync(join(SAMPLES_DIR, 'index.json'), 'utf8')).toBe(sampleIndexJson(samples));
  });

  it('stay under 50 KB each', () => {
    for (const s of samples) {
      const size = [...s.files.values()].reduce((n, content) => n + content.length, 0);
      expect(size, s.name).toBeLessThan(50_000);
    }
  });

  it('big-endian is big-endian', () => {
    const list = sample('big-endian').files.get(LIST_FILE);
    expect(list instanceof Uint8Array && [...list.subarray(0, 4)]).toEqual([0, 0, 0, 10]);
  });
});

describe.runIf(hasEvmctl())('evmctl on the samples', () => {
  const evmctl = (name: string): EvmctlResult => {
    const pcrFiles = (['sha1', 'sha256'] as const).map((bank) => ({
      bank,
      path: join(SAMPLES_DIR, name, PCR_FILES[bank]),
    }));
    return runEvmctlImaMeasurement(join(SAMPLES_DIR, name, LIST_FILE), pcrFiles);
  };

  it.each(['clean-boot', 'kexec-soft-reboot', 'violations'])('%s matches in full', (name) => {
    const result = evmctl(name);
    expect(result.ok).toBe(true);
    const entries = sample(name).entries;
    expect(result.succeeded.map((s) => s.entry)).toEqual([entries, entries]);
  });

  it('kexec-lost-entries matches no prefix', () => {
    expect(evmctl('kexec-lost-entries').ok).toBe(false);
  });

  it('log-ahead-of-quote matches after 30 entries', () => {
    const result = evmctl('log-ahead-of-quote');
    expect(result.ok).toBe(true);
    expect(result.succeeded.map((s) => s.entry)).toEqual([30, 30]);
    expect(sample('log-ahead-of-quote').entries).toBeGreaterThan(30);
  });

  it('template-hash-mismatch fails the digest check at entry 9 only', () => {
    const result = evmctl('template-hash-mismatch');
    expect(result.exitCode).toBe(1);
    expect(result.stdout.match(/Failed to verify template data digest\(line \d+\)/g)).toEqual([
      'Failed to verify template data digest(line 10)',
    ]);
  });
});

describe('the sample quotes', () => {
  const QUOTED = ['clean-boot', 'log-ahead-of-quote'];
  const file = (name: string, f: string): Buffer => readFileSync(join(SAMPLES_DIR, name, f));

  /** extraData and pcrDigest, read by offset (quote-format.md §1.2), not by the project's parser. */
  function fieldsOf(attest: Buffer): { extraData: string; pcrDigest: string } {
    let o = 6;
    o += 2 + attest.readUInt16BE(o); // qualifiedSigner
    const extraData = attest.subarray(o + 2, o + 2 + attest.readUInt16BE(o)).toString('hex');
    const digestSize = attest.readUInt16BE(attest.length - 34);
    expect(digestSize).toBe(32);
    return { extraData, pcrDigest: attest.subarray(attest.length - 32).toString('hex') };
  }

  it.each(QUOTED)('%s: openssl verifies the signature with ak.pem', (name) => {
    const dir = mkdtempSync(join(tmpdir(), 'imascope-sample-'));
    const sig = file(name, QUOTE_FILES.signature);
    expect(sig.subarray(0, 4).toString('hex')).toBe('0014000b'); // TPMT_SIGNATURE: RSASSA, SHA-256
    writeFileSync(join(dir, 'sig.raw'), sig.subarray(6));
    const out = execFileSync('openssl', [
      'dgst', '-sha256', '-verify', join(SAMPLES_DIR, name, QUOTE_FILES.ak), '-signature', join(dir, 'sig.raw'),
      join(SAMPLES_DIR, name, QUOTE_FILES.attest),
    ]).toString();
    expect(out.trim()).toBe('Verified OK');
  });

  it.each(QUOTED)('%s: pcrDigest is SHA-256 over sha256 PCRs 0–7 and 10 of the PCR file; nonce as in index.json', (name) => {
    const pcrs = new Map(
      [...file(name, PCR_FILES.sha256).toString('utf8').matchAll(/^PCR-(\d+): ([0-9a-f]+)$/gm)].map((m) => [Number(m[1]), m[2]]),
    );
    const expected = createHash('sha256');
    for (const p of [0, 1, 2, 3, 4, 5, 6, 7, 10]) expected.update(Buffer.from(pcrs.get(p) ?? '', 'hex'));
    const fields = fieldsOf(file(name, QUOTE_FILES.attest));
    expect(fields.pcrDigest).toBe(expected.digest('hex'));
    const index = JSON.parse(readFileSync(join(SAMPLES_DIR, 'index.json'), 'utf8')) as { name: string; nonce?: string }[];
    expect(index.find((s) => s.name === name)?.nonce).toBe(fields.extraData);
  });

  it('log-ahead-of-quote: the analysis finds the quote after 30 of 33 entries', async () => {
    const name = 'log-ahead-of-quote';
    const s = sample(name);
    const raw = [...s.files].map(([f, content]) => ({ name: f, bytes: typeof content === 'string' ? Buffer.from(content) : content }));
    const { report } = await analyzeRaw(raw, { nonce: s.nonce }, await createWasmHashProvider());
    expect(report.quote).toMatchObject({ signature: 'valid', nonceMatches: true, digestMatches: true, matchedEntries: 30 });
    expect(report.log?.entries).toBe(33);
  });
});
