/**
 * Keyboard and help (issue 15): `?` lists every shortcut, `n` / `N` step through the entries
 * the findings point at, and a click pins a field in the detail pane both ways (field → its
 * bytes, byte → its field), with the byte layout of an ima-ng entry as the truth.
 */
import { expect, test } from './inspector-page';

test('? opens the help with every shortcut; Esc and ? close it', async ({ inspector }, info) => {
  const page = inspector.page;
  await inspector.open('?sample=violations');
  await inspector.waitForReady();
  await page.locator('body').press('?');
  const help = page.getByTestId('help-overlay');
  await expect(help).toBeVisible();
  const keys = await page.getByTestId('help-shortcut').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-keys')));
  // The shortcuts the inspector had before issue 15, and the ones it added.
  for (const k of ['?', 'n', 'N', 't', 'Esc', '/', '↑ ↓', 'PgUp PgDn', 'Home End', 'W S', 'A D', '+ −', '← →', '0', 'Enter', 'wheel', 'drag', 'click']) {
    expect(keys, k).toContain(k);
  }
  const shot = info.outputPath('help.png');
  await page.screenshot({ path: shot });
  await info.attach('help', { path: shot, contentType: 'image/png' });

  // Esc closes the help and nothing else: a search typed before stays.
  await page.locator('body').press('Escape');
  await expect(help).toHaveCount(0);
  await page.getByTestId('entry-filter').fill('libc');
  await page.getByTestId('entry-filter').blur();
  await page.locator('body').press('?');
  await expect(help).toBeVisible();
  await page.locator('body').press('Escape');
  await expect(help).toHaveCount(0);
  await expect(page.getByTestId('entry-filter')).toHaveValue('libc');
  // Typed into a field, ? is a character, not a shortcut.
  await page.getByTestId('entry-filter').fill('');
  await page.getByTestId('entry-filter').press('?');
  await expect(help).toHaveCount(0);
});

test('n and N go to the next and previous entry a finding points at', async ({ inspector }) => {
  const page = inspector.page;
  await inspector.open('?sample=violations');
  await inspector.waitForReady();
  // The entries the warnings and errors link to, as the findings panel shows them.
  const linked = await page
    .locator('[data-testid="finding"]:not([data-severity="info"]) .finding__entries button')
    .evaluateAll((buttons) => buttons.map((b) => Number(b.textContent?.replace(/[^0-9]/g, ''))));
  const entries = [...new Set(linked)].sort((a, b) => a - b);
  expect(entries.length).toBeGreaterThanOrEqual(2);
  const body = page.locator('body');
  for (const index of entries) {
    await body.press('n');
    await expect(inspector.selectedRow).toHaveAttribute('data-index', String(index));
  }
  await body.press('n');
  await expect(inspector.selectedRow).toHaveAttribute('data-index', String(entries[0]));
  await body.press('N');
  await expect(inspector.selectedRow).toHaveAttribute('data-index', String(entries[entries.length - 1]));
  await body.press('N');
  await expect(inspector.selectedRow).toHaveAttribute('data-index', String(entries[entries.length - 2]));
  await expect(inspector.details).toHaveAttribute('data-index', String(entries[entries.length - 2]));
});

test('a click pins a field: on its row it marks its bytes, on a byte it marks its row', async ({ inspector }, info) => {
  const page = inspector.page;
  await inspector.open('?sample=violations');
  await inspector.waitForReady();
  await inspector.row(3).click();
  await expect(inspector.details).toHaveAttribute('data-index', '3');
  const name = (await inspector.row(3).locator('[role="gridcell"]').allTextContents()).find((t) => t.startsWith('/')) ?? '';
  expect(name).toBe('/usr/lib64/ld-linux-x86-64.so.2');

  // Field → bytes: the n-ng value is the name and its NUL.
  const nameRow = page.locator('[data-testid="detail-field"][data-field="n-ng"]');
  await nameRow.click();
  await expect(nameRow).toHaveAttribute('data-pinned', 'true');
  const pinnedText = await page.locator('[data-testid="hex-view"] .hex__text .hex__byte--pinned').allTextContents();
  expect(pinnedText.join('')).toBe(`${name}·`);
  await expect(page.locator('[data-testid="hex-view"] .hex__bytes .hex__byte--pinned')).toHaveCount(name.length + 1);
  await expect(page.locator('[data-testid="hex-view"] .hex__bytes .hex__byte--pinned').first()).toBeInViewport();
  const shot = info.outputPath('pinned.png');
  await page.screenshot({ path: shot });
  await info.attach('pinned', { path: shot, contentType: 'image/png' });

  // Byte → field: an ima-ng entry is pcr(4) digest(20) len(4) "ima-ng"(6) L(4), then d-ng:
  // len(4) "sha256:\0"(8) digest(32); byte 60 is inside the file digest.
  await page.locator('[data-testid="hex-view"] .hex__bytes > span').nth(60).click();
  const digestRow = page.locator('[data-testid="detail-field"][data-field="d-ng"]');
  await expect(digestRow).toHaveAttribute('data-pinned', 'true');
  await expect(nameRow).toHaveAttribute('data-pinned', 'false');
  await expect(page.locator('[data-testid="hex-view"] .hex__bytes .hex__byte--pinned')).toHaveCount(8 + 32);
  // A second click unpins.
  await page.locator('[data-testid="hex-view"] .hex__bytes > span').nth(60).click();
  await expect(digestRow).toHaveAttribute('data-pinned', 'false');
  await expect(page.locator('[data-testid="hex-view"] .hex__byte--pinned')).toHaveCount(0);
});
