/**
 * Issue 11 in the app: an input that cannot be read, or a check that cannot be made, turns the
 * verdict red; several quotes are each listed with their own verdicts.
 */
import { readFileSync } from 'node:fs';
import { expect, test } from './inspector-page';
import { sharedDataPath } from '../src/core/testing/shared-data';
import type { TestFile } from './fixtures';

function swtpm(name: string, bytes?: Uint8Array): TestFile {
  return { name, mimeType: 'application/octet-stream', buffer: bytes === undefined ? readFileSync(sharedDataPath('swtpm', name)) : Buffer.from(bytes) };
}

test('a truncated AK beside a good quote is a red verdict, never green', async ({ inspector }) => {
  const ak = readFileSync(sharedDataPath('swtpm', 'ak_rsa.pub'));
  await inspector.open();
  await inspector.loadFiles([swtpm('binary_runtime_measurements'), swtpm('q1_rsassa_sha256_10.msg'), swtpm('q1_rsassa_sha256_10.sig'), swtpm('ak_rsa.pub', ak.subarray(0, 100))]);
  await inspector.waitForReady();
  await expect(inspector.page.getByTestId('verdict')).toHaveAttribute('data-tone', 'error');
  await expect(inspector.page.locator('[data-testid="finding"][data-code="input-unreadable"]')).toHaveCount(1);
});

test('a Keylime quote string (its signature inside) without a key is a red verdict saying what is missing', async ({ inspector }) => {
  await inspector.open();
  await inspector.loadFiles([swtpm('binary_runtime_measurements'), swtpm('keylime_quote_string.txt'), swtpm('binary_bios_measurements')]);
  await inspector.waitForReady();
  await expect(inspector.page.getByTestId('verdict')).toHaveAttribute('data-tone', 'error');
  await expect(inspector.page.getByTestId('verdict')).toContainText('the signature it carries cannot be checked: no readable attestation key was given');
});

test('a signature without a key is a red verdict', async ({ inspector }) => {
  await inspector.open();
  await inspector.loadFiles([swtpm('binary_runtime_measurements'), swtpm('q1_rsassa_sha256_10.msg'), swtpm('q1_rsassa_sha256_10.sig')]);
  await inspector.waitForReady();
  await expect(inspector.page.getByTestId('verdict')).toHaveAttribute('data-tone', 'error');
  await expect(inspector.page.locator('[data-testid="finding"][data-code="check-incomplete"]')).toHaveCount(1);
});

test('two quotes are listed each with its own verdict; a tampered one is red', async ({ inspector }) => {
  const tampered = readFileSync(sharedDataPath('swtpm', 'tampered_q1.msg'));
  await inspector.open();
  await inspector.loadFiles([
    swtpm('binary_runtime_measurements'),
    swtpm('q1_rsassa_sha256_10.msg'),
    swtpm('q1_rsassa_sha256_10.sig'),
    swtpm('tampered_q1.msg', tampered),
    swtpm('q1_again.sig', readFileSync(sharedDataPath('swtpm', 'q1_rsassa_sha256_10.sig'))),
    swtpm('ak_rsa.pub'),
  ]);
  await inspector.waitForReady();
  await expect(inspector.page.getByTestId('verdict')).toHaveAttribute('data-tone', 'error');
  const items = inspector.page.getByTestId('quote-item');
  await expect(items).toHaveCount(2);
  await expect(inspector.page.locator('[data-testid="quote-item"][data-input="q1_rsassa_sha256_10.msg"]')).toHaveAttribute('data-signature', 'valid');
  await expect(inspector.page.locator('[data-testid="quote-item"][data-input="tampered_q1.msg"]')).toHaveAttribute('data-signature', 'invalid');
});

test('a go-tpm-tools attestation is one input: three quotes, each verified', async ({ inspector }) => {
  const pb = readFileSync('src/core/tpm/go-tpm-tools/testdata/gce-cos-85-nonce9009.pb');
  await inspector.open();
  await inspector.loadFiles([{ name: 'gce.pb', mimeType: 'application/octet-stream', buffer: pb }]);
  await inspector.waitForReady();
  await expect(inspector.page.getByTestId('quote-item')).toHaveCount(3);
  for (const bank of ['sha1', 'sha256', 'sha384']) {
    await expect(inspector.page.locator(`[data-testid="quote-item"][data-input="gce.pb › quote ${bank}"]`)).toHaveAttribute('data-signature', 'valid');
  }
  await expect(inspector.page.getByTestId('ak-certificate').first()).toContainText('Google LLC');
  await expect(inspector.page.getByTestId('verdict')).not.toHaveAttribute('data-tone', 'error');
});
