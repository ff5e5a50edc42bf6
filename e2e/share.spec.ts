/**
 * Sharing a diagnosis: the permalink round trip between two pages, hostile fragments, and
 * every export checked against an independent reader (the CLI's JSON for the same files, the
 * project's own list parser, evmctl, the real tpm2_pcrread values of the swtpm data).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import type { Browser, Download, Page } from '@playwright/test';
import { parseImaLog } from '../src/core/ima/parse-ima-log';
import { readEntryName } from '../src/core/ima/template-digests';
import { hasEvmctl, runEvmctlImaMeasurement } from '../src/core/testing/evmctl';
import { hasSharedData, readSharedText, sharedDataPath } from '../src/core/testing/shared-data';
import { makeLog, type TestFile } from './fixtures';
import { expect, InspectorPage, test } from './inspector-page';

const SHOTS = process.env.SHARE_SCREENSHOTS;

interface Sample {
  readonly name: string;
  readonly files: readonly string[];
  /** The nonce the sample's verifier sent (the app fills the nonce box with it). */
  readonly nonce?: string;
}

const SAMPLES = JSON.parse(readFileSync('public/samples/index.json', 'utf8')) as Sample[];

function sampleOf(name: string): Sample {
  const sample = SAMPLES.find((s) => s.name === name);
  if (sample === undefined) throw new Error(`no sample ${name}`);
  return sample;
}

function samplePaths(name: string): string[] {
  return sampleOf(name).files.map((f) => join('public', 'samples', name, f));
}

function sampleFiles(name: string): TestFile[] {
  return samplePaths(name).map((path) => ({
    name: path.split('/').at(-1) ?? path,
    mimeType: 'application/octet-stream',
    buffer: readFileSync(path),
  }));
}

/** `imascope analyze --json` on a sample's files (and nonce), straight from the sources. */
function cliReport(name: string): unknown {
  const nonce = sampleOf(name).nonce;
  const args = ['analyze', '--json', ...(nonce !== undefined ? ['--nonce', nonce] : []), ...samplePaths(name)];
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/imascope.ts', ...args], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(run.status === 0 || run.status === 1, run.stderr).toBe(true);
  return JSON.parse(run.stdout);
}

async function downloaded(page: Page, click: () => Promise<void>): Promise<{ download: Download; text: string; bytes: Buffer }> {
  const [download] = await Promise.all([page.waitForEvent('download'), click()]);
  const bytes = readFileSync(await download.path());
  return { download, bytes, text: bytes.toString('utf8') };
}

async function findingsOf(page: Page): Promise<string[]> {
  return page.getByTestId('finding').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-severity')} ${e.getAttribute('data-code')}`));
}

async function pcrChecksOf(page: Page): Promise<string[]> {
  return page
    .getByTestId('pcr-check')
    .evaluateAll((els) =>
      els.map((e) => ['data-bank', 'data-pcr', 'data-status', 'data-matched-entries'].map((a) => e.getAttribute(a)).join(' ')),
    );
}

async function copyPermalink(inspector: InspectorPage): Promise<string> {
  await inspector.page.getByTestId('copy-permalink').click();
  const link = inspector.page.getByTestId('permalink');
  await expect(link).toHaveText(/#r=1\.[A-Za-z0-9_-]+$/);
  await expect(inspector.page.getByTestId('permalink-status')).toHaveText(/Copied/);
  return (await link.textContent()) ?? '';
}

/** A page in a context of its own: no storage, no clipboard shared with the sender. */
async function freshInspector(browser: Browser, baseURL: string | undefined): Promise<InspectorPage> {
  const context = await browser.newContext({ baseURL });
  return new InspectorPage(await context.newPage(), baseURL ?? '');
}

test.beforeEach(async ({ context, baseURL }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(baseURL ?? '').origin });
});

test('a copied permalink opens read-only in a fresh page with the same verdict and findings', async ({ inspector, browser, baseURL }) => {
  const page = inspector.page;
  await inspector.open('?sample=kexec-lost-entries');
  await inspector.waitForReady();
  await inspector.row(5).click();
  const findings = await findingsOf(page);
  expect(findings.some((f) => f.startsWith('error '))).toBe(true);
  const checks = await pcrChecksOf(page);
  const tone = await page.getByTestId('verdict').getAttribute('data-tone');
  const headline = await page.locator('[data-testid="verdict"] .verdict__headline').textContent();

  const url = await copyPermalink(inspector);
  expect(url.startsWith(new URL(baseURL ?? '').origin)).toBe(true);
  expect(url).not.toContain('sample=');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(url);
  await expect(page.getByTestId('permalink-length')).toContainText(`${url.length.toLocaleString('en-US')} characters`);
  await expect(page.getByTestId('permalink-dropped')).toHaveText('Nothing was left out.');
  if (SHOTS) await page.screenshot({ path: join(SHOTS, 'share-panel.png') });

  const other = await freshInspector(browser, baseURL);
  await other.page.goto(url);
  await other.waitForReady();
  await expect(other.page.getByTestId('permalink-banner')).toContainText(
    'Read-only diagnosis from a permalink; drop the original files to restore the full view',
  );
  expect(await findingsOf(other.page)).toEqual(findings);
  expect(await pcrChecksOf(other.page)).toEqual(checks);
  await expect(other.page.getByTestId('verdict')).toHaveAttribute('data-tone', tone ?? '');
  await expect(other.page.locator('[data-testid="verdict"] .verdict__headline')).toHaveText(headline ?? '');
  await expect(other.entryCount).toHaveText('44');
  await expect(other.page.getByTestId('permalink-sender-view')).toContainText('entry #5 selected');
  await expect(other.page.getByTestId('permalink-input')).toHaveCount(3);
  if (SHOTS) await other.page.screenshot({ path: join(SHOTS, 'permalink-view.png'), fullPage: true });
  other.assertClean();
  await other.page.context().close();
});

test('the read-only view counts boots as the live view and the CLI do; New case leaves the link', async ({ inspector, browser, baseURL }) => {
  await inspector.open('?sample=kexec-soft-reboot');
  await inspector.waitForReady();
  const url = await copyPermalink(inspector);

  const other = await freshInspector(browser, baseURL);
  await other.page.goto(url);
  await other.waitForReady();
  // Two boot_aggregate entries, at entries 0 and 29 (0-based, as in the table): not "boot #0".
  await expect(other.page.getByTestId('ro-boots')).toHaveText('2 (boot_aggregate at entries #0, #29)');
  await other.page.getByTestId('new-case').click();
  await other.waitForState('idle');
  expect(new URL(other.page.url()).hash).toBe('');
  await other.page.reload();
  await other.waitForState('idle');
  await expect(other.page.getByTestId('permalink-banner')).toHaveCount(0);
  other.assertClean();
  await other.page.context().close();
});

test('dropping the original files restores the full view and confirms the fingerprints', async ({ inspector, browser, baseURL }) => {
  await inspector.open('?sample=clean-boot');
  await inspector.waitForReady();
  await inspector.page.getByTestId('entry-filter').fill('/usr/lib');
  await expect(inspector.page.getByTestId('row-count')).toContainText(/\d of 33/);
  const rowCount = await inspector.page.getByTestId('row-count').textContent();
  await inspector.row(7).click();
  const url = await copyPermalink(inspector);

  const other = await freshInspector(browser, baseURL);
  await other.page.goto(url);
  await other.waitForReady();
  await other.dropFiles(sampleFiles('clean-boot'));
  await other.waitForReady();
  const check = other.page.getByTestId('fingerprint-check');
  await expect(check).toHaveAttribute('data-match', 'true');
  await expect(check).toContainText('All inputs match the permalink');
  // The sender's filter and selected entry come back with the log; entry-count counts what it matches.
  await expect(other.entryCount).toHaveText((rowCount ?? '').split(' of ')[0]);
  await expect(other.page.getByTestId('entry-filter')).toHaveValue('/usr/lib');
  await expect(other.page.getByTestId('row-count')).toHaveText(rowCount ?? '');
  await expect(other.selectedRow).toHaveAttribute('data-index', '7');
  await expect(other.details).toHaveAttribute('data-index', '7');
  if (SHOTS) await other.page.screenshot({ path: join(SHOTS, 'fingerprints-match.png') });
  other.assertClean();
  await other.page.context().close();

  // Other files: the banner says which input differs and which are missing.
  const third = await freshInspector(browser, baseURL);
  await third.page.goto(url);
  await third.waitForReady();
  await third.loadFiles([makeLog(12).binary]);
  await third.waitForReady();
  const differ = third.page.getByTestId('fingerprint-check');
  await expect(differ).toHaveAttribute('data-match', 'false');
  await expect(differ).toContainText('binary_runtime_measurements (IMA list (binary)) differs');
  await expect(differ).toContainText('pcrs-sha256.txt (PCR values) is missing');
  await expect(differ).toContainText('not restored');
  third.assertClean();
  await third.page.context().close();
});

test('options carry the entries the findings name, redact paths, or embed a small log', async ({ inspector, browser, baseURL }) => {
  const page = inspector.page;
  await inspector.open('?sample=template-hash-mismatch');
  await inspector.waitForReady();
  const plain = await copyPermalink(inspector);
  await page.getByTestId('share-include-entries').check();
  await expect(page.getByTestId('permalink')).not.toHaveText(plain);
  const withEntries = (await page.getByTestId('permalink').textContent()) ?? '';

  const other = await freshInspector(browser, baseURL);
  await other.page.goto(withEntries);
  await other.waitForReady();
  const entry = other.page.locator('[data-testid="permalink-entry"][data-index="9"]');
  await expect(entry).toContainText('mismatch');
  await other.page.locator('[data-testid="finding"][data-code="template-hash-mismatch"] .link-button', { hasText: '#9' }).click();
  await expect(entry).toHaveAttribute('aria-selected', 'true');
  if (SHOTS) await other.page.screenshot({ path: join(SHOTS, 'permalink-entries.png') });

  // Redacted: no file name of the log leaves, not even the input's.
  await page.getByTestId('share-redact-paths').check();
  await expect(page.getByTestId('permalink')).not.toHaveText(withEntries);
  const redacted = (await page.getByTestId('permalink').textContent()) ?? '';
  await other.page.goto(redacted);
  await other.waitForReady();
  await expect(other.page.getByTestId('permalink-input').first()).toContainText('<path#');
  await expect(other.page.getByTestId('permalink-view')).not.toContainText('binary_runtime_measurements');
  await expect(other.page.getByTestId('permalink-entries')).not.toContainText('/usr/');
  if (SHOTS) await other.page.screenshot({ path: join(SHOTS, 'permalink-redacted.png') });

  // Embedded log: the opener can open it whole; its fingerprint matches, the PCR files are missing.
  await page.getByTestId('share-redact-paths').uncheck();
  await page.getByTestId('share-embed-log').check();
  await expect(page.getByTestId('permalink-status')).toHaveText(/Copied/);
  const embedded = (await page.getByTestId('permalink').textContent()) ?? '';
  expect(embedded.length).toBeGreaterThan(withEntries.length);
  await other.page.goto(embedded);
  await other.waitForReady();
  await other.page.getByTestId('open-embedded-log').click();
  await other.waitForReady();
  await expect(other.entryCount).toHaveText('25');
  const check = other.page.getByTestId('fingerprint-check');
  await expect(check).toHaveAttribute('data-match', 'false');
  await expect(check).toContainText('pcrs-sha1.txt (PCR values) is missing');
  await expect(check).not.toContainText('IMA list (binary)) differs');
  other.assertClean();
  await other.page.context().close();
});

function fragmentOf(json: unknown): string {
  return `#r=1.${deflateRawSync(Buffer.from(JSON.stringify(json))).toString('base64url')}`;
}

const HOSTILE = '<img src=x onerror=alert(1)>';

const HOSTILE_REPORT = {
  schema: 'imascope.report/1',
  inputs: [{ name: HOSTILE, kind: 'ima-binary', size: 10, sha256: 'a'.repeat(64) }],
  findings: [{ code: 'template-hash-mismatch', severity: 'error', message: `${HOSTILE} <script>alert(2)</script>`, entries: [1] }],
};

test('forged, truncated and oversized links show a message and run nothing', async ({ inspector }) => {
  const page = inspector.page;
  await inspector.open('?sample=clean-boot');
  await inspector.waitForReady();
  const good = (await copyPermalink(inspector)).split('#')[1];
  const bad: readonly (readonly [string, RegExp])[] = [
    ['#r=1.AAAA', /damaged or cut short/],
    [`#r=1.${randomBytes(900).toString('base64url')}`, /damaged or cut short|not JSON/],
    [`#${good.slice(0, Math.floor(good.length / 2))}`, /damaged or cut short/],
    ['#r=1.abc$def', /not base64url/],
    ['#r=2.AAAA', /format 2/],
    [`#r=1.${deflateRawSync(Buffer.alloc(6 * 1024 * 1024, 0x20)).toString('base64url')}`, /expands to more than 4 MiB/],
    [fragmentOf({ v: 1, report: { ...HOSTILE_REPORT, log: { templates: { __proto__: 1 } } } }), /does not hold a valid report/],
    [fragmentOf({ v: 1, report: { ...HOSTILE_REPORT, findings: [{ code: HOSTILE, severity: 'error', message: '' }] } }), /findings\[0\]\.code/],
    [fragmentOf([1, 2, 3]), /does not hold a valid report/],
    [fragmentOf(JSON.parse('{"v":1,"report":{"schema":"imascope.report/1","inputs":[],"findings":[],"replay":{"__proto__":{"10":"00"}}}}')), /__proto__/],
  ];
  for (const [fragment, message] of bad) {
    await page.goto('about:blank');
    await page.goto(`./${fragment}`);
    await inspector.waitForState('error');
    await expect(page.getByTestId('permalink-error')).toContainText(message);
    await expect(page.getByTestId('file-input')).toBeAttached();
  }
  if (SHOTS) await page.screenshot({ path: join(SHOTS, 'permalink-error.png') });

  // A well-formed payload full of markup and prototype keys: shown as text, nothing polluted.
  const payload = JSON.parse(
    `{"v":1,"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"report":${JSON.stringify(HOSTILE_REPORT)},` +
      `"entries":[{"index":1,"pcr":10,"template":"ima-ng","templateDigest":"00","status":"mismatch","fileDigestAlgorithm":"sha256","fileDigest":"11","name":${JSON.stringify(HOSTILE)},"keyId":""}]}`,
  ) as unknown;
  await page.goto('about:blank');
  await page.goto(`./${fragmentOf(payload)}`);
  await inspector.waitForState('ready');
  await expect(page.getByTestId('finding')).toContainText(HOSTILE);
  await expect(page.getByTestId('permalink-entry')).toContainText(HOSTILE);
  await expect(page.getByTestId('permalink-notes')).toContainText('ignored unknown field');
  await expect(page.locator('img')).toHaveCount(0);
  await expect(page.locator('#root script')).toHaveCount(0);
  expect(await page.evaluate(() => (({}) as Record<string, unknown>).polluted)).toBeUndefined();

  // The fragment changing in place (a link pasted into an open tab) is read too.
  await page.evaluate((hash) => {
    window.location.hash = hash;
  }, '#r=1.AAAA');
  await inspector.waitForState('error');
  await page.evaluate((hash) => {
    window.location.hash = hash;
  }, good);
  await inspector.waitForState('ready');
  await expect(page.getByTestId('permalink-banner')).toBeVisible();
  // The fixture fails the spec on any dialog, console error or CSP violation.
});

test('exports: JSON equals the CLI, CSV rows, the ASCII list re-parses, evmctl accepts the PCR files', async ({ inspector }) => {
  const page = inspector.page;
  const sample = 'clean-boot';
  await inspector.open(`?sample=${sample}`);
  await inspector.waitForReady();
  const cli = cliReport(sample);

  const json = await downloaded(page, () => page.getByTestId('export-json').click());
  expect(JSON.parse(json.text)).toEqual(cli);

  const openMenu = async (): Promise<void> => {
    if ((await page.getByTestId('export-menu').getAttribute('aria-expanded')) !== 'true') await page.getByTestId('export-menu').click();
  };
  await openMenu();
  if (SHOTS) await page.screenshot({ path: join(SHOTS, 'export-menu.png') });
  const menuJson = await downloaded(page, () => page.getByTestId('export-menu-json').click());
  expect(menuJson.text).toBe(json.text);

  const html = await downloaded(page, () => page.getByTestId('export-html').click());
  expect(html.download.suggestedFilename()).toBe('binary_runtime_measurements.report.html');
  expect(html.text).toMatch(/^<!doctype html>/);
  expect(html.text).toContain(`content="default-src 'none'; style-src 'unsafe-inline'`);
  expect(html.text).not.toMatch(/<script/i);
  for (const f of (cli as { findings: { code: string }[] }).findings) expect(html.text).toContain(f.code);
  expect(html.text).toMatch(/href="http:\/\/127\.0\.0\.1:\d+\/#r=1\.[A-Za-z0-9_-]+"/);

  const list = parseImaLog(new Uint8Array(readFileSync(samplePaths(sample)[0])));
  const csv = await downloaded(page, () => page.getByTestId('export-csv').click());
  const csvLines = csv.text.split('\r\n').filter((l) => l !== '');
  expect(csvLines[0]).toBe('#,PCR,template,template digest,status,file digest algorithm,file digest,name,key id');
  expect(csvLines.length - 1).toBe(list.entries.length);
  expect(csvLines[1].split(',')[7]).toBe('boot_aggregate');

  const ascii = await downloaded(page, () => page.getByTestId('export-ascii').click());
  expect(ascii.download.suggestedFilename()).toBe('ascii_runtime_measurements');
  const reparsed = parseImaLog(new Uint8Array(ascii.bytes), { format: 'ascii' });
  expect(reparsed.errors).toEqual([]);
  expect(reparsed.entries.length).toBe(list.entries.length);
  for (let i = 0; i < list.entries.length; i++) expect(readEntryName(reparsed, i)).toBe(readEntryName(list, i));

  const dir = mkdtempSync(join(tmpdir(), 'imascope-share-'));
  const replay = (cli as { replay: Record<string, Record<string, string>> }).replay;
  for (const bank of Object.keys(replay)) {
    const file = await downloaded(page, () => page.locator(`[data-testid="export-evmctl"][data-bank="${bank}"]`).click());
    // PCR 10 replayed, PCRs 0–9 the sample's supplied values (never made-up zeros): the
    // file evmctl 1.4 reads from PCR-00 on, accepted as written.
    const supplied = readFileSync(samplePaths(sample).find((p) => p.endsWith(`pcrs-${bank}.txt`)) ?? '', 'utf8')
      .split('\n')
      .filter((l) => /^PCR-0\d:/.test(l));
    expect(supplied).toHaveLength(10);
    expect(file.text).toBe(`${supplied.join('\n')}\nPCR-10: ${replay[bank]['10']}\n`);
    const path = join(dir, file.download.suggestedFilename());
    writeFileSync(path, file.bytes);
    if (hasEvmctl()) {
      const result = runEvmctlImaMeasurement(samplePaths(sample)[0], [{ bank, path }]);
      expect(result.ok, result.stdout).toBe(true);
    }
  }
  await expect(page.getByTestId('export-status')).toContainText('Saved');

  // The CSV follows the table's filter.
  await page.keyboard.press('Escape');
  await page.getByTestId('entry-filter').fill('/usr/bin');
  await expect(page.getByTestId('row-count')).toContainText(/\d of 33/);
  // The count reads "33 of 33" until the worker's filtered page arrives (its first row is then a /usr/bin one).
  await expect(inspector.rows.first()).toContainText('/usr/bin');
  const shown = Number(((await page.getByTestId('row-count').textContent()) ?? '').split(' of ')[0]);
  await openMenu();
  const filtered = await downloaded(page, () => page.getByTestId('export-csv').click());
  const rows = filtered.text.split('\r\n').filter((l) => l !== '').slice(1);
  expect(rows.length).toBe(shown);
  for (const row of rows) expect(row).toContain('/usr/bin');
});

test.describe('with the swtpm firmware log', () => {
  test.skip(!hasSharedData(), 'needs /work/shared/data');

  test('the firmware replay exports as tpm2_pcrread YAML equal to the real TPM', async ({ inspector }) => {
    const page = inspector.page;
    const names = ['binary_bios_measurements', 'binary_runtime_measurements', 'pcr0-9.yaml'];
    await inspector.open();
    await inspector.loadFiles(names.map((name) => ({ name, mimeType: 'application/octet-stream', buffer: readFileSync(sharedDataPath('swtpm', name)) })));
    await inspector.waitForReady();
    await page.getByTestId('export-menu').click();
    const yaml = await downloaded(page, () => page.getByTestId('export-pcrread-yaml').click());
    // What tpm2_pcrread printed on the TPM the log was extended into.
    const truth = new Map<string, string>();
    let bank = '';
    for (const line of readSharedText('swtpm', 'pcrread_all.yaml').split('\n')) {
      const b = /^ {2}(\w+):$/.exec(line);
      if (b) bank = b[1];
      const v = /^ {4}(\d+)\s*: 0x([0-9A-F]+)$/.exec(line);
      if (v) truth.set(`${bank}:${Number(v[1])}`, v[2]);
    }
    let compared = 0;
    bank = '';
    for (const line of yaml.text.split('\n')) {
      const b = /^ {2}(\w+):$/.exec(line);
      if (b) bank = b[1];
      const v = /^ {4}(\d+) ?: 0x([0-9A-F]+)$/.exec(line);
      if (v === null) continue;
      if (Number(v[1]) <= 9) {
        expect(v[2], `${bank} PCR ${v[1]}`).toBe(truth.get(`${bank}:${Number(v[1])}`));
        compared++;
      }
    }
    expect(compared).toBeGreaterThanOrEqual(8);
  });
});
