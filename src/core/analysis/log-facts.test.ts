/**
 * `report.log.boots[].digest` for each way a template records (or does not record) the file
 * digest of boot_aggregate (ima-format.md §4.1): `d` in `ima` is a bare 20-byte SHA-1, `d-ng`
 * and `d-ngv2` carry "<algo>:" before the digest, and a custom template may have no digest
 * field at all. The expected values are the digests the builder was given.
 */
import { describe, expect, it } from 'vitest';
import { createNobleHashProvider } from '../hash/hash-provider';
import { buildImaLog, type BuildEntry } from '../testing/build-ima-log';
import { analyzeRaw } from './analyze';
import { exportHtmlReport } from '../export/html-report';
import { decodePermalink, encodePermalink } from '../share/permalink';

const provider = createNobleHashProvider();
const SHA1 = 'ab'.repeat(20);
const SHA256 = 'cd'.repeat(32);

async function bootsOf(template: string, fileDigest?: BuildEntry['fileDigest']) {
  const built = buildImaLog([{ template, path: 'boot_aggregate', ...(fileDigest && { fileDigest }) }, { template, path: '/usr/bin/a' }], { provider });
  const binary = (await analyzeRaw([{ name: 'list.bin', bytes: built.binary }], {}, provider)).report;
  const ascii = (await analyzeRaw([{ name: 'list.txt', bytes: new TextEncoder().encode(built.ascii) }], {}, provider)).report;
  expect(ascii.log?.boots, `${template}: the ASCII list says the same`).toEqual(binary.log?.boots);
  return binary;
}

describe('report.log.boots[].digest by template', () => {
  it('ima (d: a bare SHA-1): sha1:<hex>', async () => {
    expect((await bootsOf('ima', { algorithm: 'sha1', hex: SHA1 })).log?.boots).toEqual([{ index: 0, digest: `sha1:${SHA1}` }]);
  });

  it('ima-ng, ima-sig (d-ng), ima-ngv2 (d-ngv2) and a custom d-ng template: <algo>:<hex> as written', async () => {
    for (const template of ['ima-ng', 'ima-sig', 'ima-ngv2', 'd-ng|n-ng']) {
      expect((await bootsOf(template, { algorithm: 'sha256', hex: SHA256 })).log?.boots, template).toEqual([{ index: 0, digest: `sha256:${SHA256}` }]);
    }
  });

  it('a template with no digest field (n-ng): the boot is listed without a digest, never "unknown:"', async () => {
    const report = await bootsOf('n-ng');
    expect(report.log?.boots).toEqual([{ index: 0 }]);
    expect(JSON.stringify(report)).not.toContain('unknown:');
    // The HTML report and the permalink take it as it is.
    expect(exportHtmlReport(report)).toContain('#0 (no digest field)');
    const decoded = await decodePermalink((await encodePermalink({ v: 1, report })).fragment);
    expect(decoded.ok && decoded.payload.report.log?.boots).toEqual([{ index: 0 }]);
  });

  it('with PCRs 0–9 supplied, the check that cannot be made says the entry records no digest', async () => {
    const built = buildImaLog([{ template: 'n-ng', path: 'boot_aggregate' }], { provider });
    const pcrs = Array.from({ length: 10 }, (_, p) => `${p}: ${'00'.repeat(32)}`).join('\n');
    const { report } = await analyzeRaw([{ name: 'list.bin', bytes: built.binary }, { name: 'pcrs.txt', bytes: new TextEncoder().encode(`${pcrs}\n`) }], {}, provider);
    const incomplete = report.findings.filter((f) => f.code === 'check-incomplete').map((f) => f.message);
    expect(incomplete).toEqual(['boot_aggregate at entry 0 could not be checked: its template records no file digest (no d, d-ng or d-ngv2 field), so it carries no aggregate to compare.']);
  });
});
