/**
 * The threaded analysis gives exactly the single-threaded core's report, on real lists, the
 * committed samples and built lists that take every path (mixed and big byte order, per-bank
 * and sm3 lists, legacy `ima`, mismatches, violations, padded SHA-1, ASCII), with a worker,
 * without one, and with one that died.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeRaw } from '../core/analysis/analyze';
import type { AnalyzeOptions, RawInput } from '../core/analysis/analysis-types';
import { createWasmHashProvider, type HashProvider } from '../core/hash/hash-provider';
import { computeTemplateDigests } from '../core/ima/template-digests';
import { parseImaLog } from '../core/ima/parse-ima-log';
import { bootAggregateEntry, buildImaLog, formatEvmctlPcrFile, type BuildEntry, type BuildOptions } from '../core/testing/build-ima-log';
import { hypotheticalPlatformPcrs } from '../core/testing/ima-scenarios';
import { readSharedData } from '../core/testing/shared-data';
import { encodeText } from '../core/util/bytes';
import { analyzeInParallel, DigestPool } from './parallel-digests';

let provider: HashProvider;
let pool: DigestPool;
beforeAll(async () => {
  provider = await createWasmHashProvider();
  pool = new DigestPool(1);
  await pool.ready();
});
afterAll(async () => {
  await pool.close();
});

async function expectSameReport(raw: RawInput[], options: AnalyzeOptions = {}, using = pool): Promise<void> {
  const single = await analyzeRaw(raw, options, provider);
  const threaded = await analyzeInParallel(raw, options, provider, using);
  expect(threaded.report).toEqual(single.report);
  expect(threaded.matchedEntries).toEqual(single.matchedEntries);
}

const shared = (...path: string[]): RawInput => ({ name: path.join('/'), bytes: readSharedData(...path) });

function built(entries: BuildEntry[], options: BuildOptions = {}, ascii = false): RawInput[] {
  const log = buildImaLog(entries, { provider, ...options });
  const banks = options.banks ?? ['sha1', 'sha256'];
  return [
    { name: 'list', bytes: ascii ? encodeText(log.ascii) : log.binary },
    ...banks.map((bank) => ({ name: `pcrs-${bank}`, bytes: encodeText(formatEvmctlPcrFile(log.pcrs.get(bank) ?? new Map())) })),
  ];
}

const files = (n: number, prefix = '/usr/bin/f'): BuildEntry[] =>
  Array.from({ length: n }, (_, i) => ({ path: `${prefix}${i}`, fileDigest: { content: `${prefix} ${i}` } }));

describe('analyzeInParallel', () => {
  it('starts its worker', () => {
    expect(pool.threads).toBe(1);
  });

  it('equals analyzeRaw on the committed samples', async () => {
    const dir = join(process.cwd(), 'public', 'samples');
    for (const name of readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory())) {
      const raw = readdirSync(join(dir, name.name)).map((f) => ({ name: f, bytes: new Uint8Array(readFileSync(join(dir, name.name, f))) }));
      await expectSameReport(raw);
    }
  });

  it('equals analyzeRaw on real lists', async () => {
    await expectSameReport([shared('swtpm', 'binary_runtime_measurements'), shared('swtpm', 'pcrread_all.yaml')]);
    await expectSameReport([shared('swtpm', 'binary_runtime_measurements'), shared('swtpm', 'evmctl_pcrs_sha256_tampered.txt')]);
    for (const list of ['sml-ima-ng-sha1.bin', 'sml-ima-sha1.bin', 'sml-ima-sig-sha256.bin', 'sml-ima-ng-sha1-invalidated.bin']) {
      await expectSameReport([shared('realdata', 'tpm2-tss', list)]);
    }
    await expectSameReport([shared('realdata', 'embrave-2023-06-07', 'ascii_runtime_measurements')]);
  });

  it('equals analyzeRaw on built lists that take every path', async () => {
    const sha256 = provider.get('sha256');
    if (sha256 === undefined) throw new Error('no sha256');
    const many = [bootAggregateEntry(sha256, hypotheticalPlatformPcrs(sha256)), ...files(4500)];
    await expectSameReport(built(many));
    await expectSameReport(built(many, { byteOrder: 'big' }));
    await expectSameReport(built([...files(4500), { path: '/converted', hashByteOrder: 'big' }, ...files(100, '/z')]));
    await expectSameReport(built([...files(4500), { path: '/v', violation: true }, { path: '/bad', corruptTemplateDigest: true }, ...files(10)]));
    await expectSameReport(built([...files(100), { path: '/legacy', template: 'ima' }, ...files(100)]));
    await expectSameReport(built(files(4500), { listBank: 'sha256', banks: ['sha256', 'sm3'] }));
    await expectSameReport(built(files(4500), { listBank: 'sm3', banks: ['sm3', 'sha1'] }));
    await expectSameReport(built(files(4500), { extend: 'padded-sha1' }));
    await expectSameReport(built(files(3000), {}, true));
    await expectSameReport(built(files(4500)), { banks: ['sha384', 'sha512'] });
  });

  it('does the work itself without a worker, or when its worker died', async () => {
    const raw = built(files(4500));
    const none = new DigestPool(0);
    expect(none.threads).toBe(0);
    await expectSameReport(raw, {}, none);
    const dying = new DigestPool(1);
    await dying.close();
    await expectSameReport(raw, {}, dying);
  });

  it('fills digest columns with what the core computes', async () => {
    const log = parseImaLog(built([...files(4500), { path: '/legacy', template: 'ima' }])[0].bytes);
    const columns = await pool.templateDigests(log, ['sha1', 'sha256', 'sm3'], provider);
    for (const [alg, column] of columns) {
      const hasher = provider.get(alg);
      if (hasher === undefined) throw new Error(alg);
      expect(column, alg).toEqual(computeTemplateDigests(log, hasher, 0, log.entries.length));
    }
  });
});
