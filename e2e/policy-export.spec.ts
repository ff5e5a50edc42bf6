/**
 * Policy export in the app: a Keylime runtime policy made from the open log, and "add the
 * failing entries to the policy" as a patch the user reviews, then downloads. Each file is
 * then given back to the app with the same log, whose own dry run (Keylime's evaluation) must
 * now pass; the exported policy must also pass Keylime's JSON schema.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './inspector-page';
import type { TestFile } from './fixtures';
import { validatePolicySchema } from '../src/core/policy/policy-schema';

const DIR = resolve(process.cwd(), '..', 'shared', 'data', 'policy', 'keylime');
const file = (sub: string, name: string): TestFile => ({ name, mimeType: 'application/octet-stream', buffer: readFileSync(resolve(DIR, sub, name)) });

async function download(page: Page, testId: string): Promise<{ name: string; bytes: Buffer }> {
  const [d] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
  return { name: d.suggestedFilename(), bytes: readFileSync(await d.path()) };
}

const policyPass = (page: Page) => page.locator('[data-testid="finding"][data-code="policy-pass"]');

test('a policy exported from the log is schema-valid and passes that log', async ({ inspector }) => {
  const { page } = inspector;
  await inspector.open();
  await inspector.loadFiles([file('logs', 'combined.ascii')]);
  await inspector.waitForReady();
  await page.getByTestId('export-menu').click();
  const made = await download(page, 'export-policy');
  expect(made.name).toBe('combined.ascii.runtime-policy.json');
  const policy = JSON.parse(made.bytes.toString('utf8')) as { digests: Record<string, string[]> };
  expect(validatePolicySchema(policy)).toEqual([]);
  expect(Object.keys(policy.digests)).toHaveLength(5);

  await page.getByTestId('new-case').click();
  await inspector.loadFiles([file('logs', 'combined.ascii'), { name: made.name, mimeType: 'application/json', buffer: made.bytes }]);
  await inspector.waitForReady();
  await expect(policyPass(page)).toHaveCount(1);
});

test('the failing entries are added as a reviewed patch, and the updated policy passes', async ({ inspector }) => {
  const { page } = inspector;
  await inspector.open();
  // The RSA key verifies /usr/bin/dd; the other four entries are not in the empty policy.
  await inspector.loadFiles([file('logs', 'combined.ascii'), file('policies', 'policy-empty.json'), file('keys', 'rsa2048pub.pem')]);
  await inspector.waitForReady();
  await expect(policyPass(page)).toHaveCount(0);
  await page.getByTestId('export-menu').click();
  await page.getByTestId('export-policy-patch').click();
  const review = page.getByTestId('policy-patch');
  await expect(review).toBeVisible();
  await expect(page.getByTestId('policy-patch-summary')).toHaveAttribute('data-added', '4');
  const entries = page.getByTestId('policy-patch-entry');
  await expect(entries).toHaveCount(4);
  await expect(entries.filter({ hasText: '/usr/bin/zmore' })).toHaveCount(1);
  await expect(entries.filter({ hasText: '/usr/bin/dd' })).toHaveCount(0);
  const updated = await download(page, 'policy-patch-download');
  expect(updated.name).toBe('combined.ascii.runtime-policy.updated.json');
  expect(validatePolicySchema(JSON.parse(updated.bytes.toString('utf8')))).toEqual([]);

  await page.getByTestId('new-case').click();
  await inspector.loadFiles([file('logs', 'combined.ascii'), { name: 'updated.json', mimeType: 'application/json', buffer: updated.bytes }, file('keys', 'rsa2048pub.pem')]);
  await inspector.waitForReady();
  await expect(policyPass(page)).toHaveCount(1);
});
