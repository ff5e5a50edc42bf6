/**
 * The committed samples are what make-samples.ts builds today, stay small, and evmctl agrees
 * with what each one claims (evmctl reads little-endian lists only, so not `big-endian`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createWasmHashProvider } from '../src/core/hash/hash-provider';
import type { EvmctlResult } from '../src/core/testing/evmctl';
import { hasEvmctl, runEvmctlImaMeasurement } from '../src/core/testing/evmctl';
import type { Sample } from './make-samples';
import { buildSamples, LIST_FILE, PCR_FILES, SAMPLES_DIR, sampleIndexJson } from './make-samples';

let samples: Sample[];
beforeAll(async () => {
  samples = buildSamples(await createWasmHashProvider());
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
