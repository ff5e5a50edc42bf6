/**
 * What the user reads: a log alone shows what it replays to; supplied and replayed values
 * that differ only in their last digits show where; a name with a right-to-left override
 * cannot pass for another.
 */
import { expect, test } from './inspector-page';
import { makeLog, type TestFile } from './fixtures';

const SCREENSHOTS = process.env.SCREENSHOT_DIR;

function pcr10Of(pcrs: TestFile): string {
  const m = /^PCR-10: ([0-9a-f]+)$/m.exec(pcrs.buffer.toString('utf8'));
  if (m === null) throw new Error('no PCR-10 line');
  return m[1];
}

test('a log alone shows the values it replays to, in full and copyable', async ({ inspector }) => {
  const log = makeLog(12);
  await inspector.open();
  await inspector.loadFiles([log.binary]);
  await inspector.waitForReady();
  const sha256 = inspector.page.locator('[data-testid="replayed-pcr"][data-bank="sha256"][data-pcr="10"]');
  await expect(sha256).toContainText(pcr10Of(log.pcrs));
  await expect(sha256.getByRole('button', { name: 'Copy sha256 PCR 10' })).toBeVisible();
  await expect(inspector.page.locator('[data-testid="replayed-pcr"][data-bank="sha1"][data-pcr="10"]')).toHaveCount(1);
  if (SCREENSHOTS) await inspector.page.screenshot({ path: `${SCREENSHOTS}/log-alone.png` });
});

test('values that differ only in the last digit are shown apart, in the table and the finding', async ({ inspector }) => {
  const log = makeLog(12);
  const real = pcr10Of(log.pcrs);
  const wrong = real.slice(0, 63) + (real[63] === '0' ? '1' : '0');
  await inspector.open();
  await inspector.loadFiles([log.binary, { ...log.pcrs, buffer: Buffer.from(`PCR-10: ${wrong}\n`) }]);
  await inspector.waitForReady();
  const check = inspector.page.getByTestId('pcr-check');
  await expect(check).toHaveAttribute('data-status', 'mismatch');
  const [supplied, replayed] = [check.getByTestId('digest-diff').nth(0), check.getByTestId('digest-diff').nth(1)];
  await expect(supplied).toHaveAttribute('data-differs-at', '63');
  await expect(supplied.locator('mark')).toHaveText(wrong[63]);
  await expect(replayed.locator('mark')).toHaveText(real[63]);
  expect(await supplied.textContent()).not.toBe(await replayed.textContent());
  await expect(inspector.page.locator('[data-testid="finding"][data-code="pcr-mismatch"]')).toContainText('first difference at hex digit 64 of 64');
  if (SCREENSHOTS) await inspector.page.screenshot({ path: `${SCREENSHOTS}/digest-diff.png` });
});

test('a name with a right-to-left override is isolated and the override shown', async ({ inspector }) => {
  const log = makeLog(3, [{ path: '/tmp/evil\u202Eos.fdp' }]);
  await inspector.open();
  await inspector.loadFiles([log.binary]);
  await inspector.waitForReady();
  const name = inspector.row(0).locator('bdi');
  await expect(name).toHaveText('/tmp/evil⟨U+202E⟩os.fdp');
  await expect(name.getByTestId('control-mark')).toHaveText('⟨U+202E⟩');
  await inspector.row(0).click();
  await expect(inspector.details.getByTestId('control-mark').first()).toHaveText('⟨U+202E⟩');
});
