import type { Locator } from '@playwright/test';
import { expect, test } from './inspector-page';
import { makeLog } from './fixtures';

const HOSTILE = '<img src=x onerror=alert(1)>';

test('an entry named like HTML is shown as text and runs nothing', async ({ inspector }) => {
  // The kernel turns spaces into '_' in n-ng; a forged list can hold anything, so the field's
  // bytes are given raw here.
  const log = makeLog(5, [{ path: 'x', extraFields: { 'n-ng': new TextEncoder().encode(`${HOSTILE}\0`) } }]);
  await inspector.open();
  await inspector.loadFiles([log.binary]);
  await inspector.waitForReady();
  await expect(inspector.row(0)).toContainText(HOSTILE);
  await inspector.row(0).click();
  await expect(inspector.details.locator('[data-testid="detail-field"][data-field="n-ng"]')).toContainText(HOSTILE);
  await expect(inspector.page.locator('img')).toHaveCount(0);
  // The fixture fails the spec on any dialog (alert) or console error.
});

test('the production page carries the strict Content-Security-Policy', async ({ inspector }) => {
  await inspector.open();
  const csp = await inspector.page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  expect(csp).toContain("default-src 'none'");
  expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
  expect(csp).toContain("connect-src 'self'");
  expect(csp).not.toContain('unsafe-inline');
  // Loading, verifying (hash-wasm) and rendering a log raise no violation (the fixture checks).
  await inspector.loadFiles([makeLog(20).binary]);
  await inspector.waitForReady();
});

test('names show exactly: runs of spaces and a trailing space are kept in the table and details', async ({ inspector }) => {
  const name = '/tmp/two  spaces ';
  const log = makeLog(3, [{ path: 'x', extraFields: { 'n-ng': new TextEncoder().encode(`${name}\0`) } }]);
  await inspector.open();
  await inspector.loadFiles([log.binary]);
  await inspector.waitForReady();
  // innerText is the text as rendered (CSS white-space applied), unlike textContent.
  const shown = (root: Locator): Promise<string> => root.locator('.safe-text').first().evaluate((el) => (el as HTMLElement).innerText);
  expect(await shown(inspector.row(0))).toBe(name);
  await inspector.row(0).click();
  expect(await shown(inspector.details.locator('[data-testid="detail-field"][data-field="n-ng"]'))).toBe(name);
});
