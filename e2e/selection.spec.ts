/**
 * The selected entry is an entry, not a row position: a new sort or filter keeps it selected
 * (and the permalink records it), wherever its row moves.
 */
import { expect, test } from './inspector-page';
import { InspectorPage } from './inspector-page';
import { makeLog, pathOf } from './fixtures';

test.beforeEach(async ({ context, baseURL }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(baseURL ?? '').origin });
});

test('sorting and filtering keep the selected entry, and the permalink records that entry', async ({ inspector, browser, baseURL }) => {
  const log = makeLog(50);
  await inspector.open();
  await inspector.loadFiles([log.binary]);
  await inspector.waitForReady();
  await inspector.row(7).click();
  await expect(inspector.details).toContainText(pathOf(7));

  const nameHeader = inspector.page.getByRole('columnheader', { name: 'Name' });
  await nameHeader.getByRole('button').click();
  await nameHeader.getByRole('button').click();
  await expect(nameHeader).toHaveAttribute('aria-sort', 'descending');
  // Entry 7 is now the 43rd row; it stays selected, and the details still show it.
  await expect(inspector.selectedRow).toHaveAttribute('data-index', '7');
  await expect(inspector.details).toContainText(pathOf(7));

  // A filter that keeps it, then one that hides it and is cleared: still entry 7.
  await inspector.page.getByTestId('entry-filter').fill('file-00000');
  await expect(inspector.selectedRow).toHaveAttribute('data-index', '7');
  await inspector.page.getByTestId('entry-filter').fill('file-00004');
  await expect(inspector.selectedRow).toHaveCount(0);
  await expect(inspector.details).toContainText(pathOf(7));
  await inspector.page.getByTestId('entry-filter').fill('');
  await expect(inspector.selectedRow).toHaveAttribute('data-index', '7');

  await inspector.page.getByTestId('copy-permalink').click();
  const link = inspector.page.getByTestId('permalink');
  await expect(link).toHaveText(/#r=1\./);
  const url = (await link.textContent()) ?? '';
  const context = await browser.newContext({ baseURL });
  const other = new InspectorPage(await context.newPage(), baseURL ?? '');
  await other.page.goto(url);
  await other.waitForReady();
  await expect(other.page.getByTestId('permalink-sender-view')).toContainText('entry #7 selected');
  other.assertClean();
});
