/**
 * The timeline (CONTRACT §4): markers of the right kind where the table says those entries
 * are, click-through to the table, keyboard access, the brush filtering the table, and one
 * screenshot of the canvas. Expected positions come from the table's own search and status
 * filter (another code path) or from the sample descriptions, never from the timeline.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from '@playwright/test';
import { expect, test, type InspectorPage } from './inspector-page';
import { makeLog } from './fixtures';

interface SampleInfo {
  readonly name: string;
  readonly description: string;
  readonly entries: number;
}

const SAMPLES: readonly SampleInfo[] = JSON.parse(
  readFileSync(fileURLToPath(new URL('../public/samples/index.json', import.meta.url)), 'utf8'),
) as SampleInfo[];

function sample(name: string): SampleInfo {
  const s = SAMPLES.find((x) => x.name === name);
  if (s === undefined) throw new Error(`no sample ${name}`);
  return s;
}

function marker(page: Page, kind: string): Locator {
  return page.locator(`[data-testid="timeline-marker"][data-kind="${kind}"]`);
}

async function markerIndices(page: Page, kind: string): Promise<number[]> {
  return (await marker(page, kind).evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-index'))))).sort((a, b) => a - b);
}

async function openSample(inspector: InspectorPage, name: string): Promise<void> {
  await inspector.open(`?sample=${name}`);
  await inspector.waitForReady();
  await expect(inspector.page.getByTestId('timeline')).toHaveAttribute('data-state', 'ready');
  await expect(inspector.page.getByTestId('timeline')).toHaveAttribute('data-verified', 'true');
}

/** Entry indices the table shows for a search text (names are unique in the samples). */
async function rowsNamed(inspector: InspectorPage, text: string): Promise<number[]> {
  const search = inspector.page.getByTestId('entry-filter');
  await search.fill(text);
  await expect(inspector.page.getByTestId('row-count')).toContainText(/\d of /);
  const rows = await inspector.rows.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-index'))));
  await search.fill('');
  await expect(inspector.page.getByTestId('row-count')).not.toContainText(' of ');
  return rows.sort((a, b) => a - b);
}

/** Entry indices with a status, through the table's status filter. */
async function rowsWithStatus(inspector: InspectorPage, status: string): Promise<number[]> {
  const filter = inspector.page.getByTestId('filter-status');
  await filter.selectOption(status);
  // The count is '… of N' until the filtered rows are here.
  await expect(inspector.page.getByTestId('row-count')).toContainText(/\d of /);
  const rows = await inspector.rows.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-index'))));
  await filter.selectOption('');
  return rows.sort((a, b) => a - b);
}

test.describe('markers on the samples', () => {
  test('kexec soft reboot: two boots, kexec_load then kexec_execute, PCRs matched by the whole log', async ({ inspector }) => {
    const { page } = inspector;
    await openSample(inspector, 'kexec-soft-reboot');
    const n = sample('kexec-soft-reboot').entries;
    expect(await markerIndices(page, 'boot')).toEqual(await rowsNamed(inspector, 'boot_aggregate'));
    expect(await markerIndices(page, 'boot')).toHaveLength(2);
    expect(await markerIndices(page, 'kexec_load')).toEqual(await rowsNamed(inspector, 'kexec_load'));
    expect(await markerIndices(page, 'kexec_execute')).toEqual(await rowsNamed(inspector, 'kexec_execute'));
    expect(await markerIndices(page, 'pcr-match')).toEqual([n - 1]);
    for (const kind of ['violation', 'hash-mismatch', 'byte-order', 'parse-error']) await expect(marker(page, kind)).toHaveCount(0);
  });

  test('kexec lost entries: kexec_load without kexec_execute, no match point', async ({ inspector }) => {
    const { page } = inspector;
    await openSample(inspector, 'kexec-lost-entries');
    expect(await markerIndices(page, 'boot')).toEqual(await rowsNamed(inspector, 'boot_aggregate'));
    expect(await markerIndices(page, 'kexec_load')).toEqual(await rowsNamed(inspector, 'kexec_load'));
    await expect(marker(page, 'kexec_execute')).toHaveCount(0);
    await expect(marker(page, 'pcr-match')).toHaveCount(0);
    await expect(marker(page, 'kexec_load')).toHaveAttribute('aria-label', /no kexec_execute follows/);
  });

  test('violations: one marker per violation entry', async ({ inspector }) => {
    const { page } = inspector;
    await openSample(inspector, 'violations');
    const violations = await markerIndices(page, 'violation');
    expect(violations).toHaveLength(3);
    expect(violations).toEqual(await rowsWithStatus(inspector, 'violation'));
  });

  test('template hash mismatch: a marker on the corrupted entry', async ({ inspector }) => {
    const { page } = inspector;
    await openSample(inspector, 'template-hash-mismatch');
    const entry = Number(/Entry (\d+) records/.exec(sample('template-hash-mismatch').description)?.[1]);
    expect(await markerIndices(page, 'hash-mismatch')).toEqual([entry]);
    expect(await rowsWithStatus(inspector, 'mismatch')).toEqual([entry]);
  });

  test('log ahead of the quote: the match point is the last entry the PCRs cover', async ({ inspector }) => {
    const { page } = inspector;
    await openSample(inspector, 'log-ahead-of-quote');
    const covered = Number(/first (\d+) of/.exec(sample('log-ahead-of-quote').description)?.[1]);
    expect(await markerIndices(page, 'pcr-match')).toEqual([covered - 1]);
    await expect(marker(page, 'pcr-match')).toHaveAttribute('aria-label', /later entries not covered/);
  });
});

test('clicking a marker, or an entry on the canvas, selects it in the table', async ({ inspector }) => {
  const { page } = inspector;
  await openSample(inspector, 'kexec-soft-reboot');
  const load = marker(page, 'kexec_load');
  const index = await load.getAttribute('data-index');
  await load.click();
  await expect(inspector.selectedRow).toHaveAttribute('data-index', String(index));
  await expect(inspector.details).toHaveAttribute('data-index', String(index));

  // An empty spot of the PCR 10 lane: the entry under the pointer (48 entries across the plot).
  const n = sample('kexec-soft-reboot').entries;
  const plot = page.getByTestId('timeline-canvas');
  const box = await plot.boundingBox();
  if (box === null) throw new Error('no canvas');
  const pcrLane = page.locator('.timeline__label', { hasText: 'PCR 10' });
  const laneBox = await pcrLane.boundingBox();
  if (laneBox === null) throw new Error('no PCR lane');
  const target = 13;
  await page.mouse.click(box.x + ((target + 0.5) / n) * box.width, laneBox.y + laneBox.height / 2);
  await expect(inspector.selectedRow).toHaveAttribute('data-index', String(target));
});

test('markers are reachable from the keyboard', async ({ inspector }) => {
  const { page } = inspector;
  await openSample(inspector, 'kexec-soft-reboot');
  const ordered = (await page.getByTestId('timeline-marker').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-index'))))).sort((a, b) => a - b);
  const first = page.locator('[data-testid="timeline-marker"][tabindex="0"]');
  await expect(first).toHaveCount(1);
  await first.focus();
  await page.keyboard.press('ArrowRight');
  const focused = page.locator('[data-testid="timeline-marker"]:focus');
  await expect(focused).toHaveAttribute('data-index', String(ordered[1]));
  await expect(page.getByTestId('timeline-tooltip')).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(inspector.selectedRow).toHaveAttribute('data-index', String(ordered[1]));
});

test('a shift+drag brush filters the table to the brushed entries', async ({ inspector }) => {
  const { page } = inspector;
  await openSample(inspector, 'kexec-soft-reboot');
  const n = sample('kexec-soft-reboot').entries;
  await expect(page.getByTestId('row-count')).toHaveText(`${n} entries`);
  const box = await page.getByTestId('timeline-canvas').boundingBox();
  if (box === null) throw new Error('no canvas');
  const y = box.y + box.height - 40;
  await page.keyboard.down('Shift');
  await page.mouse.move(box.x + box.width * 0.25, y);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.4, y, { steps: 5 });
  await page.mouse.move(box.x + box.width * 0.5, y, { steps: 5 });
  await page.mouse.up();
  await page.keyboard.up('Shift');
  await expect(page.getByTestId('timeline-range')).toBeVisible();
  const text = (await page.getByTestId('row-count').textContent()) ?? '';
  const shown = Number(/^([\d,]+) of/.exec(text)?.[1]?.replace(/,/g, ''));
  expect(shown).toBeGreaterThan(0);
  expect(shown).toBeLessThan(n);
  // Every row shown lies in the brushed quarter of the log.
  const rows = await inspector.rows.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-index'))));
  for (const r of rows) {
    expect(r).toBeGreaterThanOrEqual(Math.floor(n * 0.25) - 1);
    expect(r).toBeLessThanOrEqual(Math.ceil(n * 0.5) + 1);
  }
  await page.getByTestId('timeline-range').getByRole('button', { name: 'clear' }).click();
  await expect(page.getByTestId('row-count')).toHaveText(`${n} entries`);
});

test('zooming with the wheel, then "Filter table to view"', async ({ inspector }) => {
  const { page } = inspector;
  await openSample(inspector, 'kexec-soft-reboot');
  const box = await page.getByTestId('timeline-canvas').boundingBox();
  if (box === null) throw new Error('no canvas');
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height - 30);
  await page.mouse.wheel(0, -600);
  await expect(page.getByTestId('timeline-view')).toHaveText(/^entries \d+–\d+ of 48$/);
  await page.getByTestId('timeline-filter-view').click();
  await expect(page.getByTestId('row-count')).toHaveText(/^\d+ of 48/);
});

test('a list with hundreds of violations lists 200 markers and counts the rest', async ({ inspector }) => {
  const { page } = inspector;
  const log = makeLog(100, Array.from({ length: 450 }, (_, i) => ({ path: `/tmp/racy-${i}`, violation: true })));
  await inspector.open();
  await inspector.loadFiles([log.binary]);
  await inspector.waitForReady();
  await expect(page.getByTestId('timeline')).toHaveAttribute('data-verified', 'true');
  await expect(page.getByTestId('timeline')).toHaveAttribute('data-state', 'ready');
  await expect(marker(page, 'violation')).toHaveCount(200);
  const more = page.locator('[data-testid="timeline-marker-more"][data-kind="violation"]');
  await expect(more).toHaveAttribute('data-count', '250');
});

test.describe('the canvas', () => {
  test.use({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, colorScheme: 'light' });

  test('looks the same: the kexec-lost-entries timeline', async ({ inspector }) => {
    const { page } = inspector;
    await openSample(inspector, 'kexec-lost-entries');
    await page.mouse.move(0, 0);
    const timeline = page.getByTestId('timeline');
    await expect(timeline).toHaveScreenshot('timeline-kexec-lost-entries.png', {
      animations: 'disabled',
      caret: 'hide',
      mask: [page.getByTestId('timeline-tooltip')],
      maxDiffPixelRatio: 0.002,
    });
  });
});
