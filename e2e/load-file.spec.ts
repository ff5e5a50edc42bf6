import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test } from './inspector-page';
import { makeLog, PNG_FILE } from './fixtures';

test('loads a log chosen through the file input', async ({ inspector }) => {
  const log = makeLog(500);
  await inspector.open();
  await inspector.waitForState('idle');
  await inspector.loadFiles([log.binary]);
  await inspector.waitForReady();
  await expect(inspector.entryCount).toHaveText('500');
  await expect(inspector.row(0)).toContainText(log.names[0]);
  await expect(inspector.row(1)).toContainText(log.names[1]);
  // Virtualised: only the rows on screen (plus overscan) exist.
  expect(await inspector.rows.count()).toBeLessThan(100);
});

test('loads files dropped on the window and replays them against the PCR values', async ({ inspector }) => {
  const log = makeLog(300);
  await inspector.open();
  await inspector.dropFiles([log.binary, log.pcrs]);
  await inspector.waitForReady();
  await expect(inspector.entryCount).toHaveText('300');
  const check = inspector.page.locator('[data-testid="pcr-check"][data-bank="sha256"][data-pcr="10"]');
  await expect(check).toHaveAttribute('data-status', 'match');
  await expect(check).toHaveAttribute('data-matched-entries', '300');
  await expect(inspector.page.getByTestId('verdict')).toHaveAttribute('data-tone', 'ok');
  await expect(inspector.page.locator('[data-testid="finding"][data-code="pcr-match"]')).toHaveCount(1);
});

test('says what an unrecognised file looked like and what is accepted', async ({ inspector }) => {
  await inspector.open();
  await inspector.loadFiles([PNG_FILE]);
  await inspector.waitForState('error');
  const error = inspector.page.getByTestId('load-error');
  await expect(error).toContainText('screenshot.png looks like a PNG image');
  await expect(error).toContainText('IMA measurement list');
  // The way forward is still there.
  await expect(inspector.page.getByTestId('file-input')).toBeAttached();
});

test('shows what a truncated log held and where it stopped', async ({ inspector }) => {
  const log = makeLog(40);
  const cut = { ...log.binary, buffer: log.binary.buffer.subarray(0, log.binary.buffer.length - 30) };
  await inspector.open();
  await inspector.loadFiles([cut]);
  await inspector.waitForReady();
  await expect(inspector.entryCount).toHaveText('39');
  const finding = inspector.page.locator('[data-testid="finding"][data-code="parse-error"]');
  await expect(finding).toHaveAttribute('data-severity', 'error');
  await expect(finding).toContainText(/offset|byte/);
  await expect(inspector.page.getByTestId('verdict')).toHaveAttribute('data-tone', 'error');
});

interface SampleIndexEntry {
  readonly name: string;
  readonly title: string;
  readonly entries?: number;
}

const samples = JSON.parse(
  readFileSync(fileURLToPath(new URL('../public/samples/index.json', import.meta.url)), 'utf8'),
) as SampleIndexEntry[];

test('opens a bundled sample from ?sample= and lists every sample in the picker', async ({ inspector }) => {
  const sample = samples[0];
  await inspector.open(`?sample=${encodeURIComponent(sample.name)}`);
  await inspector.waitForReady();
  if (sample.entries !== undefined) await expect(inspector.entryCount).toHaveText(String(sample.entries));
  const picker = inspector.page.getByTestId('sample-picker');
  for (const s of samples) await expect(picker.locator(`option[value="${s.name}"]`)).toHaveText(s.title);
  await expect(picker).toHaveValue(sample.name);
});

test('switches samples from the picker', async ({ inspector }) => {
  test.skip(samples.length < 2, 'needs two samples');
  await inspector.open();
  await inspector.page.getByTestId('sample-picker').selectOption(samples[1].name);
  await inspector.waitForReady();
  if (samples[1].entries !== undefined) await expect(inspector.entryCount).toHaveText(String(samples[1].entries));
  await expect(inspector.page).toHaveURL(new RegExp(`sample=${samples[1].name}`));
});

test('exports the report as JSON', async ({ inspector }) => {
  const log = makeLog(25);
  await inspector.open();
  await inspector.loadFiles([log.binary, log.pcrs]);
  await inspector.waitForReady();
  const [download] = await Promise.all([
    inspector.page.waitForEvent('download'),
    inspector.page.getByTestId('export-json').click(),
  ]);
  const path = await download.path();
  const report = JSON.parse(readFileSync(path, 'utf8')) as {
    schema: string;
    log?: { entries: number };
    pcrChecks?: { bank: string; pcr: number; status: string }[];
  };
  expect(report.schema).toBe('imascope.report/1');
  expect(report.log?.entries).toBe(25);
  expect(report.pcrChecks?.find((c) => c.bank === 'sha256' && c.pcr === 10)?.status).toBe('match');
});
