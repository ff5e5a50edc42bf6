/**
 * The replay panel: a pasted quote placed on the log (the covered prefix, and a jump to its
 * last entry), the swtpm quotes with the verdicts their README and tpm2_checkquote / the
 * Python oracle record, every reading of a log, and what a paste held that nothing read.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readSharedData, readSharedText } from '../src/core/testing/shared-data';
import { expect, test, type InspectorPage } from './inspector-page';
import type { TestFile } from './fixtures';

const SAMPLES = fileURLToPath(new URL('../public/samples/', import.meta.url));

function sampleFile(sample: string, name: string): TestFile {
  return { name, mimeType: 'application/octet-stream', buffer: readFileSync(`${SAMPLES}${sample}/${name}`) };
}

function swtpm(name: string): TestFile {
  return { name, mimeType: 'application/octet-stream', buffer: Buffer.from(readSharedData('swtpm', name)) };
}

const SWTPM_NONCE = '0123456789abcdef0123456789abcdef';

async function verdicts(inspector: InspectorPage): Promise<Record<string, string | null>> {
  const page = inspector.page;
  await inspector.showReplayDetails();
  await expect(page.getByTestId('quote-signature')).toBeVisible();
  const status = (id: string) => page.getByTestId(id).getAttribute('data-status');
  return { signature: await status('quote-signature'), nonce: await status('quote-nonce'), digest: await status('quote-digest') };
}

test('a pasted quote: the covered prefix, a jump to its last entry, every reading', async ({ inspector }) => {
  const sample = 'log-ahead-of-quote';
  const index = JSON.parse(readFileSync(`${SAMPLES}index.json`, 'utf8')) as { name: string; nonce?: string }[];
  const nonce = index.find((s) => s.name === sample)?.nonce ?? '';
  await inspector.open();
  await inspector.loadFiles(['binary_runtime_measurements', 'pcrs-sha256.txt', 'quote.sig', 'ak.pem'].map((f) => sampleFile(sample, f)));
  await inspector.waitForReady();
  const quoteHex = readFileSync(`${SAMPLES}${sample}/quote.msg`).toString('hex');
  await inspector.page.getByTestId('quote-input').fill(`${quoteHex}\nnonce: ${nonce}\n`);

  const coverage = inspector.page.getByTestId('quote-coverage');
  await expect(coverage).toHaveText('The quote covers entries 1–30 of 33; 3 were measured after it.');
  expect(await verdicts(inspector)).toEqual({ signature: 'ok', nonce: 'ok', digest: 'ok' });
  const check = inspector.page.locator('[data-testid="pcr-check"][data-bank="sha256"][data-pcr="10"]');
  await expect(check).toHaveAttribute('data-status', 'prefix');
  await expect(check).toHaveAttribute('data-matched-entries', '30');
  await expect(inspector.page.getByTestId('quote-fields')).toContainText('0xff544347');
  await expect(inspector.page.getByTestId('quote-selection')).toContainText('sha256: 0–7, 10');
  await expect(inspector.page.getByTestId('paste-parts')).toHaveCount(1);
  await expect(inspector.page.locator('[data-testid="paste-part"][data-kind="nonce"]')).toHaveCount(1);

  const kernelDefault = inspector.page.locator('[data-testid="hypothesis-row"][data-hypothesis="per-bank/ff/little"]');
  await expect(kernelDefault).toHaveAttribute('data-reproduces', 'true');
  // The default reading reproduces everything, so the others are replayed only on request.
  await expect(inspector.page.getByTestId('hypothesis-row')).toHaveCount(1);
  await inspector.page.getByTestId('hypotheses-skipped').getByRole('button', { name: 'Replay every reading' }).click();
  await expect(inspector.page.getByTestId('hypothesis-row')).toHaveCount(6);
  await expect(inspector.page.locator('[data-testid="hypothesis-row"][data-hypothesis="per-bank/ff/big"]')).toHaveAttribute('data-reproduces', 'false');

  await inspector.page.getByTestId('jump-to-covered').click();
  await expect(inspector.selectedRow).toHaveAttribute('data-index', '29');
  await expect(inspector.details).toBeVisible();
});

test('the bundled sample with a quote fills in its nonce', async ({ inspector }) => {
  await inspector.open('?sample=log-ahead-of-quote');
  await inspector.waitForReady();
  await expect(inspector.page.getByTestId('quote-coverage')).toContainText('entries 1–30 of 33');
  expect(await verdicts(inspector)).toEqual({ signature: 'ok', nonce: 'ok', digest: 'ok' });
});

const SWTPM_CASES: ReadonlyArray<{
  readonly name: string;
  readonly files: readonly string[];
  readonly nonce?: string;
  readonly expected: Record<string, string>;
  readonly coverage?: string;
}> = [
  // checkquote_ok_q1.txt, verify_quote_py.txt
  {
    name: 'q1 RSASSA',
    files: ['q1_rsassa_sha256_10.msg', 'q1_rsassa_sha256_10.sig', 'ak_rsa.pem'],
    nonce: SWTPM_NONCE,
    expected: { signature: 'ok', nonce: 'ok', digest: 'ok' },
    coverage: 'The quote covers all 6 entries of the log.',
  },
  // checkquote_ok_q2_plain_values.txt: the plain (bare) RSA signature
  { name: 'q2 plain RSA', files: ['q2_rsassa_plain.msg', 'q2_rsassa_plain.sig', 'ak_rsa.pem'], nonce: SWTPM_NONCE, expected: { signature: 'ok', nonce: 'ok', digest: 'ok' } },
  // checkquote_ok_q3_ecdsa.txt: sha1:10 + sha256:0–10, PCRs 0–9 from the firmware log
  {
    name: 'q3 ECDSA multi-bank',
    files: ['q3_ecdsa_multibank.msg', 'q3_ecdsa_multibank.sig', 'ak_ecc.pub', 'binary_bios_measurements'],
    nonce: SWTPM_NONCE,
    expected: { signature: 'ok', nonce: 'ok', digest: 'ok' },
  },
  // q3b: tpm2_quote -f plain for ECC is a DER SEQUENCE{r, s}
  { name: 'q3b ECDSA DER', files: ['q3b_ecdsa_plain.msg', 'q3b_ecdsa_plain.sig', 'ak_ecc.pem'], expected: { signature: 'ok', nonce: 'unchecked', digest: 'ok' } },
  // verify_quote_py.txt: valid; tpm2_checkquote 5.4 has no PSS (checkquote_q4_rsapss_tools5.4.txt)
  { name: 'q4 RSA-PSS', files: ['q4_rsapss.msg', 'q4_rsapss.sig', 'ak_pss.pem'], nonce: SWTPM_NONCE, expected: { signature: 'ok', nonce: 'ok', digest: 'ok' } },
  // Keylime's checkquote accepted it with the ASCII nonce
  {
    name: 'the Keylime string',
    files: ['keylime_quote_string.txt', 'keylime_aik_tpm.b64', 'binary_bios_measurements'],
    nonce: 'abcdefghij0123456789',
    expected: { signature: 'ok', nonce: 'ok', digest: 'ok' },
  },
  // checkquote_fail_msg.txt: the tampered attest fails its signature
  { name: 'tampered q1', files: ['tampered_q1.msg', 'q1_rsassa_sha256_10.sig', 'ak_rsa.pem'], nonce: SWTPM_NONCE, expected: { signature: 'failed', nonce: 'ok', digest: 'failed' } },
  // checkquote_fail_wrongkey.txt
  { name: 'q1 with the ECC key', files: ['q1_rsassa_sha256_10.msg', 'q1_rsassa_sha256_10.sig', 'ak_ecc.pub'], nonce: SWTPM_NONCE, expected: { signature: 'failed', nonce: 'ok', digest: 'ok' } },
  // checkquote_fail_nonce.txt
  { name: 'q1 with another nonce', files: ['q1_rsassa_sha256_10.msg', 'q1_rsassa_sha256_10.sig', 'ak_rsa.pem'], nonce: '00112233', expected: { signature: 'ok', nonce: 'failed', digest: 'ok' } },
];

for (const c of SWTPM_CASES) {
  test(`swtpm: ${c.name}`, async ({ inspector }) => {
    await inspector.open();
    await inspector.loadFiles(['binary_runtime_measurements', ...c.files].map(swtpm));
    await inspector.waitForReady();
    if (c.nonce !== undefined) {
      await inspector.page.getByTestId('nonce-input').fill(c.nonce);
      await expect(inspector.page.getByTestId('quote-nonce')).not.toHaveAttribute('data-status', 'unchecked');
    }
    expect(await verdicts(inspector)).toEqual(c.expected);
    if (c.coverage !== undefined) await expect(inspector.page.getByTestId('quote-coverage')).toHaveText(c.coverage);
    if (c.expected.signature === 'failed') await expect(inspector.page.getByTestId('verdict')).toHaveAttribute('data-tone', 'error');
    // The replay headline never shows a quote that is not the TPM's in the pass tone.
    if (c.expected.signature === 'failed' || c.expected.nonce === 'failed') await expect(inspector.page.getByTestId('replay-headline')).toHaveClass(/panel__headline--error/);
  });
}

test('lost entries: no reading reproduces PCR 10, the kexec loss is the likely cause', async ({ inspector }) => {
  await inspector.open('?sample=kexec-lost-entries');
  await inspector.waitForReady();
  await expect(inspector.page.getByTestId('quote-coverage')).toContainText('No prefix of the log replays');
  await inspector.showReplayDetails();
  const rows = inspector.page.getByTestId('hypothesis-row');
  await expect(rows).toHaveCount(6);
  for (const row of await rows.all()) await expect(row).toHaveAttribute('data-reproduces', 'false');
  const cause = inspector.page.locator('[data-testid="likely-cause"][data-kind="kexec-lost"]');
  await expect(cause).toHaveAttribute('data-likelihood', 'likely');
  await expect(inspector.page.getByTestId('likely-causes')).toContainText('intact');
});

test('a mixed paste: every part used, the line nothing read is said', async ({ inspector }) => {
  await inspector.open();
  await inspector.loadFiles([swtpm('binary_runtime_measurements'), swtpm('q1_rsassa_sha256_10.sig')]);
  await inspector.waitForReady();
  const text = [
    `quote: ${Buffer.from(readSharedData('swtpm', 'q1_rsassa_sha256_10.msg')).toString('hex')}`,
    `nonce: ${SWTPM_NONCE}`,
    readSharedText('swtpm', 'ak_rsa.pem').trim(),
    'please check this machine, thanks',
  ].join('\n');
  await inspector.page.getByTestId('quote-input').fill(text);
  expect(await verdicts(inspector)).toEqual({ signature: 'ok', nonce: 'ok', digest: 'ok' });
  const unknown = inspector.page.locator('[data-testid="paste-part"][data-kind="unknown"]');
  await expect(unknown).toHaveCount(1);
  await expect(unknown).toContainText('please check this machine, thanks');
  await expect(unknown).toContainText('line 12');
});

test("tpm2_quote's whole stdout pasted: every line understood, its calcDigest checked", async ({ inspector }) => {
  await inspector.open();
  await inspector.loadFiles([swtpm('binary_runtime_measurements')]);
  await inspector.waitForReady();
  const stdout = readSharedText('swtpm', 'q3_ecdsa_multibank.stdout.yaml').trim();
  const paste = (text: string) => inspector.page.getByTestId('quote-input').fill([text, readSharedText('swtpm', 'ak_ecc.pem').trim(), `nonce: ${SWTPM_NONCE}`].join('\n'));
  await paste(stdout);
  expect(await verdicts(inspector)).toEqual({ signature: 'ok', nonce: 'ok', digest: 'ok' });
  await expect(inspector.page.locator('[data-testid="paste-part"][data-kind="unknown"]')).toHaveCount(0);
  // A calcDigest that is not the digest of the values printed above it: the verdict is red.
  await paste(stdout.replace('calcDigest: ce68', 'calcDigest: cf68'));
  await expect(inspector.page.getByTestId('verdict')).toHaveAttribute('data-tone', 'error');
  await expect(inspector.page.getByTestId('finding').filter({ hasText: 'is not the digest of the 12 PCR values' })).toHaveCount(1);
});
