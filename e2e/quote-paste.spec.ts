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
  // Both parts fail closed: the PCR line as unreadable PCR values, the prose as nothing known.
  const unreadable = inspector.page.locator('[data-testid="finding"][data-code="input-unreadable"]');
  await expect(unreadable).toHaveCount(2);
  await expect(unreadable.filter({ hasText: 'cannot be read as pcr-values' })).toHaveCount(1);
  await expect(unreadable.filter({ hasText: 'line 2: cannot be read: not recognised as any accepted input' })).toHaveCount(1);
  await expect(inspector.page.getByTestId('replay-panel')).toContainText('Lines not understood are refused as unreadable inputs');
  await expect(inspector.page.getByTestId('quote-coverage')).not.toContainText('replays to');
  await expect(inspector.page.getByTestId('pcr-check')).toHaveCount(0);
});

test('a PCR given two values (a file and the paste, or twice in the paste): the conflict is shown with both values and their sources, no match', async ({ inspector }) => {
  const log = makeLog(30);
  const page = inspector.page;
  await inspector.open();
  await inspector.loadFiles([log.binary, log.pcrs]);
  await inspector.waitForReady();
  const check = page.locator('[data-testid="pcr-check"][data-bank="sha256"][data-pcr="10"]');
  await expect(check).toHaveAttribute('data-status', 'match');
  const supplied = /PCR-10: ([0-9a-f]{64})/.exec(log.pcrs.buffer.toString('utf8'))?.[1] ?? 'no PCR 10 in the fixture';
  const other = 'ab'.repeat(32);

  await page.getByTestId('quote-input').fill(`PCR-10: ${other}\n`);
  await expect(page.getByTestId('verdict')).toHaveAttribute('data-tone', 'error');
  await expect(page.getByTestId('pcr-check')).toHaveCount(0);
  const readings = page.locator('[data-testid="pcr-conflict"][data-bank="sha256"][data-pcr="10"]');
  await expect(readings).toHaveCount(2);
  await expect(readings.nth(0)).toContainText(supplied);
  await expect(readings.nth(0)).toContainText('pcrs-sha256.txt');
  await expect(readings.nth(1)).toContainText(other);
  await expect(readings.nth(1)).toContainText('pasted text');
  await expect(page.getByTestId('quote-coverage')).toContainText('given different values');
  const status = page.getByTestId('paste-status');
  await expect(status).toHaveAttribute('data-refused', 'true');
  await expect(status).toContainText('Refused as PCR values: sha256 PCR 10');

  // Twice in the paste alone: its lines are the sources.
  await page.getByRole('button', { name: 'Remove pcrs-sha256.txt' }).click();
  await page.getByTestId('quote-input').fill(`PCR-10: ${supplied}\nPCR-10: ${other}\n`);
  await expect(readings.nth(1)).toContainText('pasted text, line 2');
  await expect(readings.nth(0)).toContainText('pasted text, line 1');
  await expect(page.getByTestId('pcr-check')).toHaveCount(0);
  await expect(status).toHaveAttribute('data-refused', 'true');
  inspector.assertClean();
});
