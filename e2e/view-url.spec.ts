/**
 * The view in the address: selection, filter, sort and timeline zoom are written to the
 * fragment, back/forward move between views, a reload with `?sample=` (or the same files
 * dropped again) restores the view, and a forged fragment costs only its bad fields.
 */
import type { Page } from '@playwright/test';
import { expect, test, type InspectorPage } from './inspector-page';
import { makeLog, type TestFile } from './fixtures';

/** The fragment's view, as a plain object of its keys. */
async function viewOf(page: Page): Promise<Record<string, string>> {
  const hash = new URL(page.url()).hash.replace(/^#/, '');
  return Object.fromEntries(new URLSearchParams(hash));
}

async function expectView(page: Page, expected: Record<string, string | undefined>): Promise<void> {
  await expect
    .poll(async () => {
      const view = await viewOf(page);
      return Object.fromEntries(Object.keys(expected).map((k) => [k, view[k]]));
    })
    .toEqual(expected);
}

async function expectSelected(inspector: InspectorPage, index: number | undefined): Promise<void> {
  if (index === undefined) await expect(inspector.details).not.toHaveAttribute('data-index', /./);
  else await expect(inspector.details).toHaveAttribute('data-index', String(index));
}

/** Opens a 60-entry list by the file input and makes a view of it: entry 12 selected, filter `index > 10`. */
async function openDroppedListView(inspector: InspectorPage, list: TestFile): Promise<void> {
  await inspector.open();
  await inspector.loadFiles([list]);
  await inspector.waitForReady();
  await inspector.row(12).click();
  await inspector.page.getByTestId('entry-filter').fill('index > 10');
  await expect(inspector.entryCount).toHaveText('49');
  await expectView(inspector.page, { entry: '12', filter: 'index > 10', log: expect.stringMatching(/^[0-9a-f]{16}$/) as unknown as string });
}

// Several loads and reloads per test, on a shared machine.
test.describe.configure({ timeout: 240_000 });

/** Keys of one kind closer than this are one history entry (connect-location.ts BURST_MS). */
const PAUSE_MS = 1300;

test('selection, filter and zoom go to the address; back/forward and a reload come back to them', async ({ inspector }) => {
  const page = inspector.page;
  await inspector.open('?sample=kexec-soft-reboot');
  await inspector.waitForReady();
  await expect(inspector.entryCount).toHaveText('48');
  await expectView(page, { entry: undefined, filter: undefined, log: expect.stringMatching(/^[0-9a-f]{16}$/) as unknown as string });

  await inspector.row(5).click();
  await expectView(page, { entry: '5' });
  await page.waitForTimeout(PAUSE_MS);

  const field = page.getByTestId('entry-filter');
  await field.fill('index >= 3 && index < 20');
  await expect(inspector.entryCount).toHaveText('17');
  await expectView(page, { entry: '5', filter: 'index >= 3 && index < 20' });
  await page.waitForTimeout(PAUSE_MS);

  await inspector.row(9).click();
  await expectView(page, { entry: '9', filter: 'index >= 3 && index < 20' });
  await page.waitForTimeout(PAUSE_MS);

  await page.getByRole('button', { name: 'Zoom in' }).click();
  await expect(page.getByTestId('timeline-view')).toHaveText('entries 12–35 of 48');
  await expectView(page, { entry: '9', zoom: '12-36' });

  // Back: the zoom goes, then the selection moves back to 5, then the filter goes.
  await page.goBack();
  await expect(page.getByTestId('timeline-view')).toHaveText('all 48 entries');
  await expectSelected(inspector, 9);
  await page.goBack();
  await expectSelected(inspector, 5);
  await expect(field).toHaveValue('index >= 3 && index < 20');
  await expect(inspector.entryCount).toHaveText('17');
  await page.goBack();
  await expect(field).toHaveValue('');
  await expect(inspector.entryCount).toHaveText('48');
  await expectSelected(inspector, 5);
  // Forward: the filter again, then the selection, then the zoom.
  await page.goForward();
  await expect(inspector.entryCount).toHaveText('17');
  await page.goForward();
  await expectSelected(inspector, 9);
  await page.goForward();
  await expect(page.getByTestId('timeline-view')).toHaveText('entries 12–35 of 48');

  // A reload loads the sample again and restores the whole view.
  await page.reload();
  await inspector.waitForReady();
  await expect(field).toHaveValue('index >= 3 && index < 20');
  await expect(inspector.entryCount).toHaveText('17');
  await expectSelected(inspector, 9);
  await expect(inspector.selectedRow).toHaveAttribute('data-index', '9');
  await expect(page.getByTestId('timeline-view')).toHaveText('entries 12–35 of 48');
  inspector.assertClean();
});

test('sort and the selects are in the address too', async ({ inspector }) => {
  const page = inspector.page;
  await inspector.open('?sample=kexec-soft-reboot');
  await inspector.waitForReady();
  await page.getByRole('button', { name: /^Name/ }).click();
  await expectView(page, { sort: 'name' });
  await page.getByTestId('filter-pcr').selectOption('10');
  await expectView(page, { sort: 'name', pcr: '10' });
  await expect(page.getByTestId('row-count')).toContainText(/\d of /);
  const shown = await page.getByTestId('row-count').textContent();
  await page.reload();
  await inspector.waitForReady();
  await expect(page.getByTestId('filter-pcr')).toHaveValue('10');
  await expect(page.getByTestId('row-count')).toHaveText(shown ?? '');
  inspector.assertClean();
});

test('dropped files: the view comes back when the same files are dropped again, not for others', async ({ inspector }) => {
  const page = inspector.page;
  const log = makeLog(60);
  await openDroppedListView(inspector, log.binary);
  const address = page.url();

  await page.reload();
  await inspector.waitForState('idle');
  await inspector.dropFiles([log.binary]);
  await inspector.waitForReady();
  await expect(page.getByTestId('entry-filter')).toHaveValue('index > 10');
  await expect(inspector.entryCount).toHaveText('49');
  await expectSelected(inspector, 12);
  await expect(page.getByTestId('view-link-mismatch')).toHaveCount(0);

  // The same address, other files: the view is not theirs.
  await page.goto('about:blank');
  await page.goto(address);
  await inspector.waitForState('idle');
  await inspector.dropFiles([makeLog(61).binary]);
  await inspector.waitForReady();
  await expect(inspector.entryCount).toHaveText('61');
  await expect(page.getByTestId('entry-filter')).toHaveValue('');
  await expectSelected(inspector, undefined);
  await expectView(page, { entry: undefined, filter: undefined });
  // Said, not silently dropped: the link was made for another list.
  const notice = page.getByTestId('view-link-mismatch');
  await expect(notice).toContainText('made for another list');
  await expect(notice).toContainText(new URL(address).hash.match(/log=([0-9a-f]+)/)?.[1] ?? 'no log key');
  await notice.getByRole('button', { name: 'Dismiss' }).click();
  await expect(notice).toHaveCount(0);
  inspector.assertClean();
});

test('a view link opened with no list says what it shows and which list to drop; New case leaves it', async ({ inspector }) => {
  const page = inspector.page;
  const log = makeLog(60);
  await openDroppedListView(inspector, log.binary);
  const key = (await viewOf(page)).log;

  // Opened again with no list: the first screen says what the link is for, fetching nothing for it.
  const requests: string[] = [];
  page.on('request', (r) => requests.push(new URL(r.url()).pathname));
  await page.reload();
  await inspector.waitForState('idle');
  const hint = page.getByTestId('view-link-waiting');
  await expect(hint).toContainText('entry #12 selected, filter “index > 10”');
  await expect(hint).toContainText('drop the list it was made for');
  await expect(page.getByTestId('view-link-log')).toHaveText(key);
  expect(requests.filter((path) => path !== '/' && path !== '/samples/index.json' && !path.startsWith('/assets/'))).toEqual([]);

  await inspector.dropFiles([log.binary]);
  await inspector.waitForReady();
  await expectSelected(inspector, 12);
  await expect(hint).toHaveCount(0);

  // New case: the address forgets the view, so a reload (or a copied address) starts empty.
  await page.getByTestId('new-case').click();
  await inspector.waitForState('idle');
  expect(new URL(page.url()).hash).toBe('');
  await page.reload();
  await inspector.waitForState('idle');
  expect(new URL(page.url()).hash).toBe('');
  await expect(hint).toHaveCount(0);
  inspector.assertClean();
});

test('a forged fragment costs only its bad fields', async ({ inspector }) => {
  const page = inspector.page;
  const forged = new URLSearchParams();
  forged.set('entry', '4000000000');
  forged.set('filter', 'pcr == 10 &&');
  forged.set('sort', 'constructor');
  forged.set('pcr', '999,x');
  forged.append('template', '__proto__');
  forged.set('zoom', '40-3');
  forged.set('range', '40-99999');
  forged.set('__proto__', '1');
  await inspector.open(`?sample=kexec-soft-reboot#${forged}`);
  await inspector.waitForReady();
  // The filter is shown as written, red, matching nothing; the brush is clamped to the log.
  await expect(page.getByTestId('entry-filter')).toHaveValue('pcr == 10 &&');
  await expect(page.getByTestId('entry-filter-error')).toContainText('Column 13');
  await expect(page.getByTestId('timeline-range')).toContainText('40–47');
  await expect(page.getByTestId('filter-pcr')).toHaveValue('');
  await expect(page.getByTestId('filter-template')).toHaveValue('');
  await expectSelected(inspector, undefined);
  await expectView(page, { entry: undefined, sort: undefined, pcr: undefined, template: undefined, zoom: undefined, range: '40-48', __proto__: undefined });
  inspector.assertClean();
});
