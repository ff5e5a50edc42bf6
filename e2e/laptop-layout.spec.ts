/**
 * The inspector on a laptop screen (issue 15): at 1024×700, 1366×768 and 1920×1080 the entry
 * table shows at least eight whole rows with nothing selected and with an entry open, the
 * verdict is the first thing on the page and wholly in view, and the entry's bytes can be
 * reached without the table leaving the screen. Screenshots of each size are attached to the
 * test (and kept under test-results/) so a person can look at them.
 */
import type { Page, TestInfo } from '@playwright/test';
import { expect, test } from './inspector-page';

const SIZES = [
  { width: 1024, height: 700 },
  { width: 1366, height: 768 },
  { width: 1920, height: 1080 },
] as const;

/** Rows wholly inside both the table's scroll viewport and the window. */
async function wholeRows(page: Page): Promise<number> {
  return page.evaluate(() => {
    const scroller = document.querySelector('[data-testid="entry-table"] .row-table__scroll') ?? document.querySelector('[data-testid="entry-table"]');
    if (scroller === null) return -1;
    const box = scroller.getBoundingClientRect();
    const top = Math.max(0, box.top);
    const bottom = Math.min(window.innerHeight, box.bottom);
    return [...document.querySelectorAll('[data-testid="entry-row"]')].filter((row) => {
      const r = row.getBoundingClientRect();
      return r.height > 0 && r.top >= top - 0.5 && r.bottom <= bottom + 0.5;
    }).length;
  });
}

async function shoot(page: Page, info: TestInfo, name: string): Promise<void> {
  const path = info.outputPath(`${name}.png`);
  await page.screenshot({ path });
  await info.attach(name, { path, contentType: 'image/png' });
}

for (const size of SIZES) {
  test.describe(`${size.width}×${size.height}`, () => {
    test.use({ viewport: size, deviceScaleFactor: 1 });

    test('eight whole rows, the verdict first, the bytes reachable', async ({ inspector }, info) => {
      const page = inspector.page;
      await inspector.open('?sample=violations');
      await inspector.waitForReady();
      await expect(inspector.rows.first()).toBeVisible();

      // The verdict opens the inspector and is wholly in the window.
      const verdict = page.getByTestId('verdict');
      await expect(verdict).toBeInViewport({ ratio: 1 });
      const first = await page.evaluate(() => document.querySelector('.inspector')?.firstElementChild?.getAttribute('data-testid'));
      expect(first).toBe('verdict');

      await shoot(page, info, `${size.width}x${size.height}-nothing-selected`);
      expect(await wholeRows(page)).toBeGreaterThanOrEqual(8);

      await inspector.row(3).click();
      await expect(inspector.details).toHaveAttribute('data-index', '3');
      await shoot(page, info, `${size.width}x${size.height}-entry-open`);
      expect(await wholeRows(page)).toBeGreaterThanOrEqual(8);
      await expect(verdict).toBeInViewport({ ratio: 1 });

      // The bytes: scrolled to inside the detail pane, never by moving the table away.
      const hex = page.getByTestId('hex-view');
      await hex.locator('.hex__row').last().scrollIntoViewIfNeeded();
      await expect(hex.locator('.hex__row').last()).toBeInViewport();
      expect(await wholeRows(page)).toBeGreaterThanOrEqual(8);
      await expect(verdict).toBeInViewport({ ratio: 1 });
      await shoot(page, info, `${size.width}x${size.height}-bytes`);
    });
  });
}

/** Where a column's header lies against the table's scroll viewport (its left and right edges). */
async function columnSpan(page: Page, id: string): Promise<{ left: number; right: number; viewLeft: number; viewRight: number }> {
  const header = await page.locator(`[data-testid="entry-table"] [role="columnheader"].entry-cell--${id}`).boundingBox();
  const view = await page.locator('[data-testid="entry-table"] .row-table__scroll').boundingBox();
  if (header === null || view === null) throw new Error(`no ${id} header or no table`);
  return { left: header.x, right: header.x + header.width, viewLeft: view.x, viewRight: view.x + view.width };
}

test.describe('narrow windows', () => {
  for (const width of [1024, 820]) {
    test.describe(`${width} pixels`, () => {
      test.use({ viewport: { width, height: 800 }, deviceScaleFactor: 1 });
      test('the digests give way so the name stays in view; what does not fit scrolls sideways', async ({ inspector }, info) => {
        const page = inspector.page;
        await inspector.open('?sample=clean-boot');
        await inspector.waitForReady();
        await expect(inspector.rows.first()).toBeVisible();
        await shoot(page, info, `entry-table-${width}`);
        const name = await columnSpan(page, 'name');
        expect(name.left).toBeGreaterThanOrEqual(name.viewLeft);
        expect(name.right).toBeLessThanOrEqual(name.viewRight);
        // The name's cells are as wide as its header (header and rows shrink alike).
        const cell = await inspector.row(2).locator('.entry-cell--name').boundingBox();
        expect(cell?.x).toBe(name.left);
        expect(cell !== null && Math.abs(cell.x + cell.width - name.right) < 1).toBe(true);
        const scroller = page.locator('[data-testid="entry-table"] .row-table__scroll');
        const flags = await columnSpan(page, 'flags');
        if (flags.right > flags.viewRight) {
          // Cut off: reachable by scrolling, and the header follows the rows.
          await scroller.evaluate((e) => e.scrollTo({ left: e.scrollWidth }));
          await expect.poll(async () => (await columnSpan(page, 'flags')).right).toBeLessThanOrEqual(flags.viewRight);
        }
      });
    });
  }
});

test.describe('folding', () => {
  test.use({ viewport: { width: 1366, height: 768 }, deviceScaleFactor: 1 });

  test('the timeline folds to one line and back, the findings column to a rail and back', async ({ inspector }) => {
    const page = inspector.page;
    await inspector.open('?sample=violations');
    await inspector.waitForReady();
    const timeline = page.getByTestId('timeline');
    await expect(timeline).toHaveAttribute('data-folded', 'false');
    const before = await wholeRows(page);
    const unfolded = (await timeline.boundingBox())?.height ?? 0;

    await page.getByTestId('timeline-fold').click();
    await expect(timeline).toHaveAttribute('data-folded', 'true');
    const folded = (await timeline.boundingBox())?.height ?? 0;
    expect(folded).toBeLessThanOrEqual(32);
    expect(folded).toBeLessThan(unfolded);
    // The one line still says where the view is.
    await expect(page.getByTestId('timeline-minimap')).toBeVisible();
    await expect.poll(() => wholeRows(page)).toBeGreaterThan(before);

    // `t` unfolds it again; the state lives in the store, so it holds across re-renders.
    await page.locator('body').press('t');
    await expect(timeline).toHaveAttribute('data-folded', 'false');
    await expect(page.locator('[data-testid="timeline-marker"][data-kind="violation"]').first()).toBeVisible();

    const findings = page.getByTestId('finding').first();
    await expect(findings).toBeVisible();
    await page.getByTestId('sidebar-toggle').click();
    await expect(page.getByTestId('sidebar-rail')).toBeVisible();
    await expect(page.getByTestId('finding')).toHaveCount(0);
    await page.getByTestId('sidebar-toggle').click();
    await expect(findings).toBeVisible();
  });

  test.describe('a 700-pixel window', () => {
    test.use({ viewport: { width: 1024, height: 700 } });
    test('starts with the replay details and the timeline folded', async ({ inspector }) => {
      await inspector.open('?sample=violations');
      await inspector.waitForReady();
      await expect(inspector.page.getByTestId('timeline')).toHaveAttribute('data-folded', 'true');
      await expect(inspector.page.getByTestId('replay-toggle')).toHaveAttribute('aria-expanded', 'false');
    });
  });
});
