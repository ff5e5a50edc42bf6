import { readFileSync } from 'node:fs';
import { expect, test } from './inspector-page';
import { makeLog, type TestFile } from './fixtures';
import { sharedDataPath } from '../src/core/testing/shared-data';

function swtpm(name: string): TestFile {
  return { name, mimeType: 'application/octet-stream', buffer: readFileSync(sharedDataPath('swtpm', name)) };
}

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

test('a key that verifies no quote is listed as the IMA key the report calls it, and checks no entry', async ({ inspector }) => {
  await inspector.open();
  await inspector.loadFiles([swtpm('binary_runtime_measurements'), swtpm('ak_rsa.pem')]);
  await inspector.waitForReady();
  const key = inspector.page.getByTestId('input-item').filter({ hasText: 'ak_rsa.pem' });
  await expect(key).toHaveAttribute('data-kind', 'ima-key');
  await expect(key.getByRole('combobox').locator('option').first()).toHaveText('IMA verification key (detected with the case)');
  await expect(inspector.page.getByTestId('finding').filter({ hasText: 'IMA verification key' })).toHaveCount(1);
  // The log has no signed entry and no policy was given: nothing judged a row.
  await expect(inspector.page.getByRole('columnheader', { name: 'Checks' })).toHaveCount(0);
  await expect(inspector.page.getByTestId('filter-policy-failures')).toHaveCount(0);
  await expect(inspector.row(4)).toHaveAttribute('data-policy', 'none');
});
