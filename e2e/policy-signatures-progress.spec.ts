/**
 * Issue 13: while the worker verifies the signatures of a large signed list (P-256, each
 * signature distinct, so the memo cannot answer), the app stays responsive: rows far down the
 * list are served, and the verdict bar says how far the policy judgement has got. No timing
 * is asserted: only that both happen while the verdict is still pending, then the outcome.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import { createNobleHashProvider } from '../src/core/hash/hash-provider';
import { buildImaLog } from '../src/core/testing/build-ima-log';
import { makeSigningKey, signImaDigest } from '../src/core/testing/ima-signing';
import { encodeText } from '../src/core/util/bytes';
import { pathOf } from './fixtures';
import { expect, test } from './inspector-page';

/** Enough P-256 signatures that verifying them takes the worker several seconds. */
const SIGNED = 4000;

test('rows are served and progress shown while a large signed list verifies', async ({ inspector }) => {
  test.setTimeout(480_000);
  const dir = mkdtempSync(join(tmpdir(), 'imascope-e2e-signed-'));
  const key = makeSigningKey(dir, 'ec', 'e2e-signer');
  const entries = Array.from({ length: SIGNED }, (_, i) => {
    const content = `content of file ${i}`;
    return { template: 'ima-sig' as const, path: pathOf(i), fileDigest: { content }, sig: signImaDigest(key, sha256(encodeText(content))) };
  });
  const built = buildImaLog(entries, { provider: createNobleHashProvider() });

  await inspector.open();
  await inspector.loadFiles([
    { name: 'binary_runtime_measurements', mimeType: 'application/octet-stream', buffer: Buffer.from(built.binary) },
    { name: 'signer.pem', mimeType: 'application/x-pem-file', buffer: readFileSync(key.certPemPath) },
  ]);
  await inspector.waitForState('ready');
  const verdict = inspector.page.getByTestId('verdict');
  // Progress of the policy judgement, told while it runs.
  await expect(verdict).toContainText(/Runtime policy and IMA signatures: \d+% judged/);
  await expect(verdict).toHaveAttribute('data-tone', 'pending');
  // Rows far from the first screen are served meanwhile.
  await inspector.row(0).click();
  await inspector.page.keyboard.press('End');
  await expect(inspector.selectedRow).toHaveAttribute('data-index', String(SIGNED - 1));
  await expect(inspector.details).toHaveAttribute('data-index', String(SIGNED - 1));
  await expect(verdict).toHaveAttribute('data-tone', 'pending');

  // The whole judgement may take minutes on a loaded machine: wait for its end, not for a time.
  await expect(verdict).not.toHaveAttribute('data-tone', 'pending', { timeout: 240_000 });
  await expect(inspector.row(SIGNED - 1)).toHaveAttribute('data-signature', 'valid');
  await inspector.page.keyboard.press('Home');
  await expect(inspector.row(0)).toHaveAttribute('data-signature', 'valid');
});
