import { expect, test } from './inspector-page';
import { makeLog, pathOf } from './fixtures';

test('a selected row shows every decoded field beside its bytes', async ({ inspector }) => {
  const log = makeLog(50);
  await inspector.open();
  await inspector.loadFiles([log.binary]);
  await inspector.waitForReady();
  await inspector.row(3).click();
  await expect(inspector.details).toHaveAttribute('data-index', '3');
  await expect(inspector.details.locator('[data-testid="detail-field"][data-field="n-ng"]')).toContainText(pathOf(3));
  await expect(inspector.details.locator('[data-testid="detail-field"][data-field="d-ng"]')).toContainText('sha256:');
  const hex = inspector.page.getByTestId('hex-view');
  await expect(hex).toContainText('0000');
  // Pointing at the d-ng field lights up its bytes: "sha256:" ‖ NUL ‖ 32-byte digest.
  await inspector.details.locator('[data-testid="detail-field"][data-field="d-ng"]').hover();
  await expect(hex.locator('.hex__bytes .hex__byte--hovered')).toHaveCount(40);
  await expect(hex).toContainText('d-ng');
});

test('the keyboard moves the selection through a long list', async ({ inspector }) => {
  const log = makeLog(5000);
  await inspector.open();
  await inspector.loadFiles([log.binary]);
  await inspector.waitForReady();
  await inspector.row(0).click();
  await expect(inspector.selectedRow).toHaveAttribute('data-index', '0');
  await inspector.page.keyboard.press('ArrowDown');
  await inspector.page.keyboard.press('ArrowDown');
  await expect(inspector.selectedRow).toHaveAttribute('data-index', '2');
  await inspector.page.keyboard.press('ArrowUp');
  await expect(inspector.selectedRow).toHaveAttribute('data-index', '1');
  await inspector.page.keyboard.press('End');
  await expect(inspector.selectedRow).toHaveAttribute('data-index', '4999');
  await expect(inspector.details).toHaveAttribute('data-index', '4999');
  await inspector.page.keyboard.press('PageUp');
  const afterPageUp = Number(await inspector.selectedRow.getAttribute('data-index'));
  expect(afterPageUp).toBeLessThan(4998);
  expect(afterPageUp).toBeGreaterThan(4900);
  await inspector.page.keyboard.press('Home');
  await expect(inspector.selectedRow).toHaveAttribute('data-index', '0');
  await inspector.page.keyboard.press('PageDown');
  await expect(inspector.selectedRow).not.toHaveAttribute('data-index', '0');
});

test('/ focuses the search, the worker filters, Esc clears', async ({ inspector }) => {
  const log = makeLog(1000);
  await inspector.open();
  await inspector.loadFiles([log.binary]);
  await inspector.waitForReady();
  await inspector.page.keyboard.press('/');
  const search = inspector.page.getByTestId('entry-filter');
  await expect(search).toBeFocused();
  await inspector.page.keyboard.type('file-00012');
  await expect(inspector.page.getByTestId('row-count')).toContainText('10 of 1,000');
  await expect(inspector.rows).toHaveCount(10);
  await expect(inspector.rows.first()).toHaveAttribute('data-index', '120');
  await inspector.page.keyboard.press('Escape');
  await expect(search).toHaveValue('');
  await expect(inspector.page.getByTestId('row-count')).toHaveText('1,000 entries');
  // With the filter cleared, the entry count is the log's size again.
  await expect(inspector.entryCount).toHaveText('1000');
});

test('sorting by a column happens in the worker', async ({ inspector }) => {
  const log = makeLog(800);
  await inspector.open();
  await inspector.loadFiles([log.binary]);
  await inspector.waitForReady();
  const nameHeader = inspector.page.getByRole('columnheader', { name: 'Name' });
  await nameHeader.getByRole('button').click();
  await expect(nameHeader).toHaveAttribute('aria-sort', /ascending|descending/);
  const first = await inspector.rows.first().getAttribute('data-index');
  await nameHeader.getByRole('button').click();
  await expect(inspector.rows.first()).not.toHaveAttribute('data-index', first ?? '');
  const sortedDescending = (await nameHeader.getAttribute('aria-sort')) === 'descending';
  await expect(inspector.rows.first()).toHaveAttribute('data-index', sortedDescending ? '799' : '0');
});

test('go-to-entry from a finding selects and reveals the entry', async ({ inspector }) => {
  const log = makeLog(2000, [{ path: '/var/log/racy.log', violation: true }]);
  await inspector.open();
  await inspector.loadFiles([log.binary]);
  await inspector.waitForReady();
  const finding = inspector.page.locator('[data-testid="finding"][data-code="violation"]');
  await expect(finding).toHaveAttribute('data-severity', 'warning');
  await finding.getByRole('button', { name: '#0' }).click();
  await expect(inspector.details).toHaveAttribute('data-index', '0');
  await expect(inspector.row(0)).toHaveAttribute('aria-selected', 'true');
});
