/**
 * What makes a case: per-bank lists of one log read together (the real ibmtss lists, whose
 * PCR 10 in every bank the vTPM reported; an edited pair from the project's builder), a new
 * log dropped onto an open case, and the new-case button (CONTRACT §5.5).
 */
import { readFileSync } from 'node:fs';
import { createNobleHashProvider } from '../src/core/hash/hash-provider';
import { sharedDataPath } from '../src/core/testing/shared-data';
import { numberedFiles, perBankPair, platformBootEntry } from '../src/core/testing/ima-scenarios';
import { expect, test } from './inspector-page';
import { makeLog, type TestFile } from './fixtures';

const SCREENSHOTS = process.env.SCREENSHOT_DIR;

function ibmtss(name: string): TestFile {
  return { name, mimeType: 'application/octet-stream', buffer: readFileSync(sharedDataPath('realdata', 'ibmtss', name)) };
}

test('both per-bank lists dropped together: one table, every bank checked from its own list', async ({ inspector }) => {
  await inspector.open();
  await inspector.dropFiles([ibmtss('sha1.log'), ibmtss('sha256.log'), ibmtss('imakvtpcr10.txt')]);
  await inspector.waitForReady();
  await expect(inspector.entryCount).toHaveText('362');
  const items = inspector.page.getByTestId('input-item');
  await expect(items).toHaveCount(3);
  await expect(items.nth(0)).toHaveAttribute('data-bank', 'sha1');
  await expect(items.nth(1)).toHaveAttribute('data-bank', 'sha256');
  await expect(items.nth(1).getByTestId('bank-list-note')).toContainText('sha256 bank is checked and replayed from it');
  const checks = inspector.page.getByTestId('pcr-check');
  await expect(checks).toHaveCount(4);
  for (const bank of ['sha1', 'sha256', 'sha384', 'sha512']) {
    await expect(inspector.page.locator(`[data-testid="pcr-check"][data-bank="${bank}"]`)).toHaveAttribute('data-status', 'match');
  }
  await expect(inspector.page.getByTestId('verdict')).toHaveAttribute('data-tone', 'ok');
  await expect(inspector.page.getByTestId('verdict-status')).toHaveText('PASS');
  if (SCREENSHOTS) await inspector.page.screenshot({ path: `${SCREENSHOTS}/per-bank-pair.png`, fullPage: true });
});

test('an edited sha256 list beside its sha1 twin is a red verdict naming the entry', async ({ inspector }) => {
  const provider = createNobleHashProvider();
  const pair = perBankPair(provider, [platformBootEntry(provider), ...numberedFiles(8)], {
    index: 4,
    path: '/usr/bin/not-what-ran',
    recomputeDigest: true,
  });
  const pcrs = (bank: 'sha1' | 'sha256'): TestFile => ({
    name: `pcrs-${bank}.txt`,
    mimeType: 'text/plain',
    buffer: Buffer.from(`${bank}:\n  10 : 0x${Buffer.from(pair.sha1.pcrs.get(bank)?.get(10) ?? []).toString('hex')}\n`),
  });
  await inspector.open();
  await inspector.dropFiles([
    { name: 'binary_runtime_measurements_sha1', mimeType: 'application/octet-stream', buffer: Buffer.from(pair.sha1.binary) },
    { name: 'binary_runtime_measurements_sha256', mimeType: 'application/octet-stream', buffer: Buffer.from(pair.sha256List) },
    pcrs('sha1'),
    pcrs('sha256'),
  ]);
  await inspector.waitForReady();
  const differ = inspector.page.locator('[data-testid="finding"][data-code="bank-lists-differ"]');
  await expect(differ).toHaveAttribute('data-severity', 'error');
  await expect(differ).toContainText('#4');
  await expect(inspector.page.locator('[data-testid="pcr-check"][data-bank="sha256"]')).toHaveAttribute('data-status', 'mismatch');
  await expect(inspector.page.locator('[data-testid="pcr-check"][data-bank="sha1"]')).toHaveAttribute('data-status', 'match');
  await expect(inspector.page.getByTestId('verdict')).toHaveAttribute('data-tone', 'error');
  if (SCREENSHOTS) await inspector.page.screenshot({ path: `${SCREENSHOTS}/per-bank-edited.png`, fullPage: true });
});

test('two unrelated lists of one bank dropped together: both stay listed, the unused one said so', async ({ inspector }) => {
  await inspector.open();
  const swtpm = { name: 'binary_runtime_measurements', mimeType: 'application/octet-stream', buffer: readFileSync(sharedDataPath('swtpm', 'binary_runtime_measurements')) };
  await inspector.dropFiles([swtpm, ibmtss('sha1.log')]);
  await inspector.waitForReady();
  await expect(inspector.entryCount).toHaveText('362');
  const items = inspector.page.getByTestId('input-item');
  await expect(items).toHaveCount(2);
  await expect(items.nth(0).getByTestId('unused-list-note')).toContainText('Not used: another IMA list of the same bank as sha1.log');
  const unused = inspector.page.locator('[data-testid="finding"][data-code="input-unused"]');
  await expect(unused).toHaveAttribute('data-severity', 'warning');
  await expect(unused).toContainText('binary_runtime_measurements: a second IMA list of the same bank; only sha1.log is analysed');
  await expect(inspector.page.getByTestId('verdict')).not.toHaveAttribute('data-tone', 'ok');
});

test('two lists of one bank with the PCR values of the shorter: the table shows and analyses that one, as imascope analyze does', async ({ inspector }) => {
  await inspector.open();
  const swtpm = (name: string): TestFile => ({ name, mimeType: 'application/octet-stream', buffer: readFileSync(sharedDataPath('swtpm', name)) });
  // swtpm/README: its 6-entry list's replay gives pcrread_all.yaml; the longer sha1.log is read with it.
  await inspector.dropFiles([swtpm('binary_runtime_measurements'), ibmtss('sha1.log'), swtpm('pcrread_all.yaml')]);
  await inspector.waitForReady();
  await expect(inspector.entryCount).toHaveText('6');
  // Its rows, not the 362 of sha1.log shown first.
  await expect(inspector.rows).toHaveCount(6);
  const items = inspector.page.getByTestId('input-item');
  await expect(items).toHaveCount(3);
  await expect(items.nth(1).getByTestId('unused-list-note')).toContainText('Not used: another IMA list of the same bank as binary_runtime_measurements');
  const unused = inspector.page.locator('[data-testid="finding"][data-code="input-unused"]');
  await expect(unused).toContainText('sha1.log: a second IMA list of the same bank; only binary_runtime_measurements is analysed, whose replay reproduces the supplied PCR values');
  await expect(inspector.page.locator('[data-testid="finding"][data-code="lists-disagree"]')).toHaveCount(0);
  for (const check of await inspector.page.getByTestId('pcr-check').all()) await expect(check).toHaveAttribute('data-status', 'match');
  await expect(inspector.page.getByTestId('verdict')).toHaveAttribute('data-tone', 'warning');
});

test('the other bank dropped onto an open case joins it', async ({ inspector }) => {
  await inspector.open();
  await inspector.dropFiles([ibmtss('sha256.log'), ibmtss('imakvtpcr10.txt')]);
  await inspector.waitForReady();
  await inspector.dropFiles([ibmtss('sha1.log')]);
  const items = inspector.page.getByTestId('input-item');
  await expect(items).toHaveCount(3);
  await expect(items.nth(2).getByTestId('bank-list-note')).toContainText('sha1 list of the same log as sha256.log');
  await expect(inspector.entryCount).toHaveText('362');
  await inspector.waitForReady();
  await expect(inspector.page.getByTestId('pcr-check')).toHaveCount(4);
});

test('a new log dropped on an open case starts a new case; its PCRs join it; new-case clears everything', async ({ inspector }) => {
  const first = makeLog(10);
  const second = makeLog(25);
  await inspector.open();
  await inspector.dropFiles([first.binary, first.pcrs]);
  await inspector.waitForReady();
  await inspector.page.getByTestId('quote-input').fill(first.pcrs.buffer.toString('utf8'));
  await expect(inspector.page.getByTestId('pcr-check')).toHaveCount(1);

  // The old case's PCR values and pasted text would not match this log: they are let go.
  await inspector.dropFiles([{ ...second.binary, name: 'second_runtime_measurements' }]);
  await expect(inspector.entryCount).toHaveText('25');
  await expect(inspector.page.getByTestId('input-item')).toHaveCount(1);
  await inspector.waitForReady();
  await expect(inspector.page.getByTestId('quote-input')).toHaveValue('');
  await expect(inspector.page.getByTestId('pcr-check')).toHaveCount(0);
  if (SCREENSHOTS) await inspector.page.screenshot({ path: `${SCREENSHOTS}/new-case-dropped.png`, fullPage: true });

  // PCR values dropped onto the open case join it.
  await inspector.dropFiles([second.pcrs]);
  await expect(inspector.page.getByTestId('input-item')).toHaveCount(2);
  await expect(inspector.page.getByTestId('pcr-check')).toHaveAttribute('data-status', 'match');

  await inspector.page.getByTestId('new-case').click();
  await inspector.waitForState('idle');
  await expect(inspector.page.getByTestId('input-item')).toHaveCount(0);
  await expect(inspector.page.getByTestId('new-case')).toHaveCount(0);
  if (SCREENSHOTS) await inspector.page.screenshot({ path: `${SCREENSHOTS}/new-case-cleared.png`, fullPage: true });
});
