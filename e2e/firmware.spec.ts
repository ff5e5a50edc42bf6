/**
 * The firmware event log beside the IMA list: the swtpm pair (swtpm/README.md), read from the
 * shared data in place. Expected decodings are tpm2_eventlog 5.4's for the same file
 * (binary_bios_measurements.tpm2_eventlog.yaml): event 4 the SecureBoot variable, 6–13
 * separators, 15–16 GRUB's EV_IPL strings on PCR 8.
 */
import { readFileSync } from 'node:fs';
import { sharedDataPath } from '../src/core/testing/shared-data';
import type { TestFile } from './fixtures';
import { expect, test } from './inspector-page';

function swtpm(name: string): TestFile {
  return { name, mimeType: 'application/octet-stream', buffer: readFileSync(sharedDataPath('swtpm', name)) };
}

test('the firmware log has its own tab: events decoded, each with its bytes', async ({ inspector }, testInfo) => {
  const { page } = inspector;
  await page.setViewportSize({ width: 1440, height: 900 });
  await inspector.open();
  await inspector.loadFiles([swtpm('binary_runtime_measurements'), swtpm('binary_bios_measurements')]);
  await inspector.waitForReady();
  await expect(inspector.entryCount).toHaveText('6');
  await expect(page.locator('[data-testid="finding"][data-code="boot-aggregate-match"]')).toHaveCount(1);
  // The list's measurement violation (swtpm/README.md: entry 4) is a warning, and leads the verdict.
  await expect(page.getByTestId('verdict')).toHaveAttribute('data-tone', 'warning');
  await expect(page.getByTestId('verdict')).toContainText('Measurement violation');
  // The outcome in so many words before the problem's name (a warning still passes).
  await expect(page.getByTestId('verdict-status')).toHaveText('PASS with warnings');

  const tab = page.getByTestId('firmware-tab');
  await expect(tab).toHaveAttribute('aria-selected', 'false');
  await expect(tab).toContainText('18');
  await tab.click();
  await expect(tab).toHaveAttribute('aria-selected', 'true');
  const rows = page.getByTestId('firmware-row');
  await expect(rows).toHaveCount(18);
  const row = (index: number) => page.locator(`[data-testid="firmware-row"][data-index="${index}"]`);
  await expect(row(0)).toContainText('Spec ID Event03');
  await expect(row(4)).toContainText('EV_EFI_VARIABLE_DRIVER_CONFIG');
  await expect(row(4)).toContainText('SecureBoot = enabled');
  await expect(row(4)).toContainText('sha256 ccfc4bb3');
  for (let i = 6; i <= 13; i++) {
    await expect(row(i)).toHaveAttribute('data-type', 'EV_SEPARATOR');
    await expect(row(i)).toContainText('separator');
  }
  await expect(row(15)).toHaveAttribute('data-pcr', '8');
  await expect(row(15)).toContainText('grub_cmd: linux /vmlinuz root=/dev/sda1 ima_policy=tcb');
  await expect(row(16)).toContainText('kernel_cmdline: /vmlinuz root=/dev/sda1 ima_policy=tcb');

  await row(15).click();
  await expect(page.getByTestId('firmware-details')).toContainText('GRUB command');
  await page.screenshot({ path: testInfo.outputPath('firmware-grub.png') });
  await row(4).click();
  const details = page.getByTestId('firmware-details');
  await expect(details).toHaveAttribute('data-index', '4');
  await expect(details.locator('[data-testid="firmware-field"][data-field="variable"]')).toContainText('SecureBoot');
  await expect(details.getByTestId('firmware-digest')).toHaveCount(2);
  await expect(details).toContainText('ccfc4bb32888a345bc8aeadaba552b627d99348c767681ab3141f5b01e40a40e');
  // TCG_PCR_EVENT2 header: PCR 7, EV_EFI_VARIABLE_DRIVER_CONFIG (0x80000001), two digests.
  const hex = details.getByTestId('hex-view');
  await expect(hex.locator('.hex__row').first()).toContainText('07000000010000800200000004');
  // 12-byte header, sha1 and sha256 each with their algorithm id, the size word, 53 data bytes.
  await expect(hex).toContainText('125 bytes');
  await page.screenshot({ path: testInfo.outputPath('firmware-tab.png') });

  await page.getByTestId('firmware-table').locator('.fw-table__scroll').press('ArrowDown');
  await expect(details).toHaveAttribute('data-index', '5');
  await expect(details).toContainText('Calling EFI Application from Boot Option');

  await page.getByTestId('ima-tab').click();
  await expect(inspector.table).toBeVisible();
  await expect(inspector.rows.first()).toContainText('boot_aggregate');
  await page.getByTestId('firmware-tab').click();
  await expect(page.getByTestId('firmware-details')).toHaveAttribute('data-index', '5');
});

test('a firmware log alone opens on its tab', async ({ inspector }) => {
  const { page } = inspector;
  await inspector.open();
  await inspector.loadFiles([swtpm('binary_bios_measurements')]);
  await inspector.waitForReady();
  await expect(page.getByTestId('firmware-tab')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('firmware-row')).toHaveCount(18);
  await expect(page.getByTestId('firmware-details')).toContainText('Select an event');
  // No IMA list: no "… of 0 match the filter", but what is missing.
  await expect(inspector.entryCount).toHaveText('0');
  await expect(page.locator('.facts')).toContainText('(no IMA measurement list given)');
  await expect(page.locator('.facts')).not.toContainText('match the filter');
});

test('without a firmware log there are no tabs', async ({ inspector }) => {
  await inspector.open();
  await inspector.loadFiles([swtpm('binary_runtime_measurements')]);
  await inspector.waitForReady();
  await expect(inspector.rows).toHaveCount(6);
  await expect(inspector.page.getByTestId('firmware-tab')).toHaveCount(0);
});
