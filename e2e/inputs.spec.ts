import { expect, test } from './inspector-page';
import { makeLog } from './fixtures';

test('inputs are listed as recognised, and can be re-classified and removed', async ({ inspector }) => {
  const log = makeLog(60);
  await inspector.open();
  await inspector.loadFiles([log.binary, log.pcrs]);
  await inspector.waitForReady();
  const items = inspector.page.getByTestId('input-item');
  await expect(items).toHaveCount(2);
  await expect(items.nth(0)).toHaveAttribute('data-kind', 'ima-binary');
  await expect(items.nth(1)).toHaveAttribute('data-kind', 'pcr-values');
  await expect(inspector.page.getByTestId('pcr-check')).toHaveCount(1);

  // Forced to be read as a quote, the PCR listing no longer feeds the replay.
  await items.nth(1).getByRole('combobox').selectOption('tpm-quote');
  await expect(items.nth(1)).toHaveAttribute('data-kind', 'tpm-quote');
  await expect(inspector.page.getByTestId('pcr-check')).toHaveCount(0);
  await items.nth(1).getByRole('combobox').selectOption('');
  await expect(inspector.page.getByTestId('pcr-check')).toHaveCount(1);

  await items.nth(1).getByRole('button', { name: /Remove/ }).click();
  await expect(items).toHaveCount(1);
  await expect(inspector.page.getByTestId('pcr-check')).toHaveCount(0);
  await expect(inspector.entryCount).toHaveText('60');
});

test('a second log dropped on an open one replaces it', async ({ inspector }) => {
  await inspector.open();
  await inspector.loadFiles([makeLog(10).binary]);
  await inspector.waitForReady();
  await inspector.dropFiles([{ ...makeLog(20).binary, name: 'other_runtime_measurements' }]);
  await expect(inspector.entryCount).toHaveText('20');
  await expect(inspector.page.getByTestId('input-item')).toHaveCount(1);
  await expect(inspector.page.getByTestId('input-item')).toContainText('other_runtime_measurements');
});

test('the theme follows the system and can be switched', async ({ inspector }) => {
  await inspector.page.emulateMedia({ colorScheme: 'dark' });
  await inspector.open();
  const html = inspector.page.locator('html');
  await expect(html).toHaveAttribute('data-theme', 'dark');
  const toggle = inspector.page.getByTestId('theme-toggle');
  await toggle.click();
  await expect(html).toHaveAttribute('data-theme', 'light');
  await toggle.click();
  await expect(html).toHaveAttribute('data-theme', 'dark');
});

test('the page itself never scrolls, however long the sidebar: its panes do', async ({ inspector }) => {
  const log = makeLog(200);
  await inspector.page.setViewportSize({ width: 1280, height: 640 });
  await inspector.open();
  // Many inputs and findings make the sidebar far taller than the window.
  await inspector.loadFiles([log.binary, log.pcrs, { ...log.pcrs, name: 'more-pcrs.txt' }, { ...log.pcrs, name: 'even-more-pcrs.txt' }]);
  await inspector.waitForReady();
  await inspector.row(3).click();
  const sizes = await inspector.page.evaluate(() => ({
    page: document.scrollingElement?.scrollHeight ?? 0,
    window: window.innerHeight,
    sidebar: document.querySelector('.sidebar')?.scrollHeight ?? 0,
  }));
  expect(sizes.sidebar).toBeGreaterThan(sizes.window);
  expect(sizes.page).toBe(sizes.window);
});
