import { expect, test } from './inspector-page';
import { makeLog } from './fixtures';

test('pasted PCR values re-run the replay', async ({ inspector }) => {
  const log = makeLog(120);
  await inspector.open();
  await inspector.loadFiles([log.binary]);
  await inspector.waitForReady();
  await expect(inspector.page.getByTestId('pcr-check')).toHaveCount(0);
  await inspector.page.getByTestId('quote-input').fill(log.pcrs.buffer.toString('utf8'));
  const check = inspector.page.locator('[data-testid="pcr-check"][data-bank="sha256"][data-pcr="10"]');
  await expect(check).toHaveAttribute('data-status', 'match');
  await expect(check).toHaveAttribute('data-matched-entries', '120');
  await expect(inspector.page.getByTestId('paste-status')).toContainText('PCR values');
});

test('a pasted value that matches no prefix is a mismatch', async ({ inspector }) => {
  const log = makeLog(30);
  await inspector.open();
  await inspector.loadFiles([log.binary]);
  await inspector.waitForReady();
  await inspector.page.getByTestId('quote-input').fill(`PCR-10: ${'ab'.repeat(32)}\n`);
  const check = inspector.page.locator('[data-testid="pcr-check"][data-bank="sha256"][data-pcr="10"]');
  await expect(check).toHaveAttribute('data-status', 'mismatch');
  await expect(inspector.page.getByTestId('verdict')).toHaveAttribute('data-tone', 'error');
});

test('a pasted PCR line that does not parse: shown unreadable, the verdict red, no match claimed', async ({ inspector }) => {
  const log = makeLog(30);
  await inspector.open();
  await inspector.loadFiles([log.binary]);
  await inspector.waitForReady();
  await inspector.page.getByTestId('quote-input').fill('PCR-10: zzzz\nthanks!\n');
  await expect(inspector.page.getByTestId('verdict')).toHaveAttribute('data-tone', 'error');
  const part = inspector.page.locator('[data-testid="paste-part"][data-unreadable="true"]');
  await expect(part).toHaveAttribute('data-kind', 'pcr-values');
  await expect(part).toContainText('unreadable');
  await expect(inspector.page.locator('[data-testid="paste-part"][data-kind="unknown"]')).toContainText('thanks!');
  await expect(inspector.page.locator('[data-testid="finding"][data-code="input-unreadable"]')).toContainText('cannot be read as pcr-values');
  await expect(inspector.page.getByTestId('quote-coverage')).not.toContainText('replays to');
  await expect(inspector.page.getByTestId('pcr-check')).toHaveCount(0);
});
