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

test('a quote whose signature verifies with an unrestricted key (not an AK) is a red verdict; the signature is never a bare "valid"', async ({ inspector }) => {
  // TPM2B_PUBLIC: u16 size ‖ u16 type ‖ u16 nameAlg ‖ u32 objectAttributes at offset 6; restricted cleared.
  const ak = readFileSync(sharedDataPath('swtpm', 'ak_rsa.pub'));
  ak.write('00040072', 6, 'hex');
  await inspector.open();
  await inspector.loadFiles([swtpm('binary_runtime_measurements'), swtpm('q1_rsassa_sha256_10.msg'), swtpm('q1_rsassa_sha256_10.sig'), swtpm('ak_rsa.pub', ak)]);
  await inspector.waitForReady();
  await expect(inspector.page.getByTestId('verdict')).toHaveAttribute('data-tone', 'error');
  await expect(inspector.page.locator('[data-testid="finding"][data-code="quote-key-not-ak"][data-severity="error"]')).toHaveCount(1);
  await inspector.showReplayDetails();
  const signature = inspector.page.getByTestId('quote-signature');
  await expect(signature).toHaveAttribute('data-status', 'failed');
  await expect(signature).toContainText('valid, but not by an AK');
  await expect(inspector.page.getByTestId('quote-signature-not-ak')).toContainText('lack restricted');
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

test('a go-attestation dump (JSON) is one input: its quote verified with its AK, its firmware log replayed', async ({ inspector }) => {
  const dump = readFileSync(sharedDataPath('realdata', 'go-attestation', 'windows_gcp_shielded_vm.json'));
  await inspector.open();
  await inspector.loadFiles([{ name: 'w.json', mimeType: 'application/json', buffer: dump }]);
  await inspector.waitForReady();
  // One quote: its outcome is the replay panel's chips (a list appears for several).
  const replay = inspector.page.getByTestId('replay-panel');
  await expect(replay.getByTitle('signature: valid')).toBeVisible();
  await expect(replay.getByTitle('digest: reproduced')).toBeVisible();
  await expect(inspector.page.locator('[data-testid="finding"][data-code="firmware-pcr-match"]')).toHaveCount(1);
  await expect(inspector.page.getByTestId('verdict')).not.toHaveAttribute('data-tone', 'error');
});

test("a Nonce that is no nonce is refused at the field in the CLI's words, and the verdict is red, not a nonce mismatch", async ({ inspector }) => {
  await inspector.open();
  await inspector.loadFiles([swtpm('binary_runtime_measurements'), swtpm('q1_rsassa_sha256_10.msg'), swtpm('q1_rsassa_sha256_10.sig'), swtpm('ak_rsa.pem')]);
  await inspector.waitForReady();
  const nonce = inspector.page.getByTestId('nonce-input');
  await nonce.fill('0123456789abcdef0123456789abcdef');
  // The swtpm list's one violation is a warning; the quote, its signature and nonce agree.
  await expect(inspector.page.getByTestId('verdict')).toHaveAttribute('data-tone', 'warning');
  await expect(inspector.page.getByTestId('nonce-status')).toHaveCount(0);
  await nonce.fill('zz');
  await expect(inspector.page.getByTestId('nonce-status')).toHaveText("Not compared: 'zz' is not a nonce: give hex of whole bytes, Keylime's 20 letters and digits, or base64.");
  await expect(nonce).toHaveAttribute('aria-invalid', 'true');
  await expect(inspector.page.getByTestId('verdict')).toHaveAttribute('data-tone', 'error');
  await expect(inspector.page.locator('[data-testid="finding"][data-code="check-incomplete"]')).toHaveCount(1);
  await expect(inspector.page.locator('[data-testid="finding"][data-code="quote-nonce-mismatch"]')).toHaveCount(0);
  if (process.env.E2E_SHOTS) await inspector.page.screenshot({ path: `${process.env.E2E_SHOTS}/nonce-refused.png` });
});

test("a tpm2 '-F values' PCR file is labelled as read with the quote's selection, and without a quote says what is missing", async ({ inspector }) => {
  await inspector.open();
  await inspector.loadFiles([swtpm('binary_runtime_measurements'), swtpm('q2_rsassa_plain.msg'), swtpm('q2_rsassa_plain.sig'), swtpm('ak_rsa.pem'), swtpm('q2_rsassa_plain.pcrs.values')]);
  await inspector.waitForReady();
  const values = inspector.page.locator('[data-testid="input-item"]', { hasText: 'q2_rsassa_plain.pcrs.values' });
  await expect(values).toHaveAttribute('data-kind', 'pcr-values');
  await expect(values.locator('select option').first()).toHaveText("PCR values (tpm2 -F values: digests read with the quote's selection)");
  await expect(inspector.page.getByTestId('verdict')).toHaveAttribute('data-tone', 'warning');
  await expect(inspector.page.locator('[data-testid="pcr-check"][data-bank="sha256"][data-pcr="10"]')).toHaveAttribute('data-status', 'match');

  await inspector.page.getByRole('button', { name: 'Remove q2_rsassa_plain.msg' }).click();
  await inspector.waitForReady();
  await expect(values).toHaveAttribute('data-kind', '');
  await expect(values.getByTestId('input-reading')).toContainText(
    "as a tpm2 '-F values' PCR file (32 bytes of digests, no PCR numbers) it needs the PCR selection it was read with: give the quote it belongs to",
  );
  await expect(inspector.page.getByTestId('verdict')).toHaveAttribute('data-tone', 'error');
  if (process.env.E2E_SHOTS) await inspector.page.screenshot({ path: `${process.env.E2E_SHOTS}/values-without-quote.png` });
});

test('a quote with neither signature nor AK: its digest agrees, but the verdict warns (quote-unsigned), never a clean green', async ({ inspector }) => {
  await inspector.open();
  await inspector.loadFiles([swtpm('pcrread_sha256_10.yaml'), swtpm('q1_rsassa_sha256_10.msg')]);
  await inspector.waitForReady();
  await expect(inspector.page.getByTestId('verdict')).toHaveAttribute('data-tone', 'warning');
  await expect(inspector.page.locator('[data-testid="finding"][data-code="quote-unsigned"]')).toHaveAttribute('data-severity', 'warning');
});

test("a malformed IMA signature with no key: a warning finding, the row's data-signature is invalid (§5.5)", async ({ inspector }) => {
  const keylime = (name: string): TestFile => ({ name, mimeType: 'text/plain', buffer: readFileSync(sharedDataPath('policy', 'keylime', 'logs', name)) });
  await inspector.open();
  await inspector.loadFiles([keylime('bad-signatures.ascii')]);
  await inspector.waitForReady();
  await expect(inspector.page.locator('[data-testid="finding"][data-code="signature-malformed"]')).toHaveAttribute('data-severity', 'warning');
  await expect(inspector.row(0)).toHaveAttribute('data-signature', 'invalid');
});

test('a list refused at its first byte: the verdict says why, and the empty table does not read as a filter that matched nothing', async ({ inspector }) => {
  const refused = { name: 'binary_runtime_measurements', mimeType: 'application/octet-stream', buffer: readFileSync(sharedDataPath('realdata', 'embrave-2023-06-07', 'binary_runtime_measurements')) };
  await inspector.open();
  await inspector.loadFiles([refused]);
  await inspector.waitForReady();
  await expect(inspector.page.getByTestId('verdict')).toHaveAttribute('data-tone', 'error');
  await expect(inspector.page.locator('[data-testid="finding"][data-code="input-unreadable"]')).toContainText('not an upstream IMA measurement list');
  await expect(inspector.entryCount).toHaveText('0');
  await expect(inspector.page.getByText('The list has no entry that could be read: the findings say why.')).toBeVisible();
  inspector.assertClean();
});
