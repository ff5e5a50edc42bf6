/**
 * The compare view: a failing list opened, a known-good reference picked with "Compare with…".
 * The pair is built by the project's list writer (a kernel update and one changed binary), so
 * every expected count follows from the description; the real pair is two boots of one VM
 * (ima-verify 2025-03-08 against 2025-03-01), whose counts the CLI test checks against an
 * independent python reading.
 */
import { readFileSync } from 'node:fs';
import { createNobleHashProvider } from '../src/core/hash/hash-provider';
import { buildImaLog, type BuildEntry } from '../src/core/testing/build-ima-log';
import { sharedDataPath } from '../src/core/testing/shared-data';
import type { TestFile } from './fixtures';
import type { CompareDocument } from '../src/core/compare/compare-json';
import { expect, test } from './inspector-page';

const provider = createNobleHashProvider();
const tools = Array.from({ length: 12 }, (_, i) => `/usr/bin/tool${i}`);
const modules = (release: string) => Array.from({ length: 30 }, (_, i) => `/usr/lib/modules/${release}/kernel/drivers/m${i}.ko`);

function list(name: string, entries: BuildEntry[]): TestFile {
  return { name, mimeType: 'application/octet-stream', buffer: Buffer.from(buildImaLog(entries, { provider }).binary) };
}

const file = (path: string, content = path): BuildEntry => ({ path, fileDigest: { content } });
const kernel = (release: string): BuildEntry => ({ template: 'ima-buf', path: 'kernel_version', buf: release });
const boot: BuildEntry = { path: 'boot_aggregate', fileDigest: { algorithm: 'sha256', hex: '11'.repeat(32) } };

test('a kernel update and a changed binary, grouped, with each row marked', async ({ inspector }) => {
  const { page } = inspector;
  const reference = list('known-good.bin', [boot, kernel('6.8.0-48-generic'), ...tools.map((p) => file(p)), ...modules('6.8.0-48-generic').map((p) => file(p))]);
  const failingEntries = [boot, kernel('6.8.0-49-generic'), ...tools.map((p, i) => file(p, i === 5 ? 'patched' : p)), ...modules('6.8.0-49-generic').map((p) => file(p))];
  await inspector.open();
  await inspector.loadFiles([list('failing.bin', failingEntries)]);
  await inspector.waitForReady();
  const panel = page.getByTestId('compare-panel');
  await expect(panel).toHaveCount(0); // no room taken until a reference is picked
  await page.getByTestId('compare-input').setInputFiles(reference);
  await expect(panel).toHaveAttribute('data-state', 'ready');

  // By construction: tool5 and kernel_version changed, 30 modules new under -49, 30 gone under -48.
  const count = (cls: string) => panel.locator(`[data-testid="compare-count"][data-class="${cls}"]`);
  await expect(count('changed')).toHaveAttribute('data-count', '2');
  await expect(count('new')).toHaveAttribute('data-count', '30');
  await expect(count('gone')).toHaveAttribute('data-count', '30');
  await expect(count('same')).toHaveAttribute('data-count', '11');
  await expect(page.getByTestId('compare-verdict')).toContainText('2 changed, 30 new, 30 gone');
  await expect(page.getByTestId('compare-kernel')).toHaveText(['6.8.0-48-generic', '6.8.0-49-generic']);

  const modulesGroup = panel.locator('[data-testid="compare-group"][data-key="/usr/lib/modules/6.8.0-49-generic"]');
  await expect(modulesGroup).toHaveAttribute('data-new', '30');
  const binGroup = panel.locator('[data-testid="compare-group"][data-key="/usr/bin"]');
  await expect(binGroup).toHaveAttribute('data-changed', '1');
  await binGroup.locator('summary').click();
  const changedPath = binGroup.getByTestId('compare-path');
  await expect(changedPath).toHaveCount(1);
  await expect(changedPath).toContainText('/usr/bin/tool5');
  await changedPath.getByRole('button').click();

  // tool5 is entry 2 + 5 = 7 of the failing list: selected, and marked in the table.
  const row = page.locator('[data-testid="entry-row"][data-index="7"]');
  await expect(row).toHaveAttribute('aria-selected', 'true');
  await expect(row).toHaveAttribute('data-compare', 'changed');
  await expect(page.locator('[data-testid="entry-row"][data-index="2"]')).toHaveAttribute('data-compare', 'same');
  await expect(page.locator('[data-testid="entry-row"][data-index="14"]')).toHaveAttribute('data-compare', 'new');
  await expect(page.locator('[data-testid="entry-row"][data-index="0"]')).toHaveAttribute('data-compare', 'none');
});

test('a reference that is not a list is refused by name', async ({ inspector }) => {
  const { page } = inspector;
  await inspector.open();
  await inspector.loadFiles([list('failing.bin', [boot, file('/usr/bin/a')])]);
  await inspector.waitForReady();
  await page.getByTestId('compare-input').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('just some notes\n') });
  await expect(page.getByTestId('compare-panel')).toHaveAttribute('data-state', 'error');
  await expect(page.getByTestId('compare-verdict')).toContainText('notes.txt cannot be the reference');
});

test('two boots of one VM read as a diagnosis', async ({ inspector }, testInfo) => {
  test.slow(); // two real lists read and verified on a shared machine
  const { page } = inspector;
  await page.setViewportSize({ width: 1440, height: 900 });
  const vm = (day: string): TestFile => ({
    name: `${day}_binary_runtime_measurements_sha256`,
    mimeType: 'application/octet-stream',
    buffer: readFileSync(sharedDataPath('realdata', 'ima-verify', day, 'binary_runtime_measurements_sha256')),
  });
  await inspector.open();
  const pcrs: TestFile = {
    name: 'pcrs_sha256',
    mimeType: 'text/plain',
    buffer: readFileSync(sharedDataPath('realdata', 'ima-verify', '2025-03-08', 'pcrs_sha256')),
  };
  await inspector.loadFiles([vm('2025-03-08'), pcrs]);
  await inspector.waitForReady();
  await page.getByTestId('compare-input').setInputFiles(vm('2025-03-01'));
  await expect(page.getByTestId('compare-panel')).toHaveAttribute('data-state', 'ready');
  await expect(page.getByTestId('compare-verdict')).toContainText('28 changed, 71 new, 781 gone');
  await expect(page.getByTestId('compare-boot-aggregate').first()).toContainText('sha256:fad464ba');
  await expect(page.getByTestId('compare-divergence')).toHaveAttribute('data-index', '6');
  // The failing list replays to its own PCR 10 (both banks) past the divergence.
  await expect(page.locator('[data-testid="compare-check"]')).toHaveCount(2);
  await expect(page.locator('[data-testid="compare-check"][data-covers="true"]')).toHaveCount(2);
  if (process.env.COMPARE_SCREENSHOT !== undefined) await page.screenshot({ path: process.env.COMPARE_SCREENSHOT.replace(/\.png$/, '-top.png') });
  await page.locator('[data-testid="compare-group"][data-key="/var/lib/NetworkManager"] summary').click();
  await page.screenshot({ path: testInfo.outputPath('compare-ima-verify.png') });

  // Nothing about the comparison is silently left out: the sidebar names the reference, the
  // share panel says the link does not carry it, and the Export menu writes it as the CLI does.
  await expect(page.getByTestId('input-reference')).toContainText('2025-03-01_binary_runtime_measurements_sha256');
  await page.getByTestId('copy-permalink').click();
  await expect(page.getByTestId('permalink-comparison')).toContainText('is not in the link');
  await expect(page.getByTestId('permalink-dropped')).not.toHaveText('Nothing was left out.');
  await page.keyboard.press('Escape');
  await page.getByTestId('export-menu').click();
  // PCRs the list does not extend are written from the values supplied (both banks, 0–23).
  await expect(page.locator('[data-testid="export-evmctl"][data-bank="sha256"]')).toContainText('PCR 10 replayed from the log; 0–9, 11–23 as supplied, for evmctl');
  const [saved] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-compare').click()]);
  expect(saved.suggestedFilename()).toBe('2025-03-08_binary_runtime_measurements_sha256.compare.json');
  const doc = JSON.parse(readFileSync(await saved.path(), 'utf8')) as CompareDocument;
  expect([doc.schema, doc.changed, doc.new, doc.gone, doc.reference.name]).toEqual(['imascope.compare/1', 28, 71, 781, '2025-03-01_binary_runtime_measurements_sha256']);
  expect(doc.failing.checks?.map((c) => c.coversDivergence)).toEqual([true, true]);
  if (process.env.COMPARE_SCREENSHOT !== undefined) await page.screenshot({ path: process.env.COMPARE_SCREENSHOT });
});

/** Drags `file` over the window and drops it on the overlay's "use as the reference" target. */
async function dropAsReference(page: import('@playwright/test').Page, file: TestFile): Promise<void> {
  await page.evaluate(
    async (item) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([new Uint8Array(item.bytes)], item.name, { type: item.type }));
      const init = { bubbles: true, cancelable: true, dataTransfer: transfer };
      document.body.dispatchEvent(new DragEvent('dragenter', init));
      let target: Element | null = null;
      for (let tries = 0; tries < 200 && target === null; tries++) {
        await new Promise((resolve) => requestAnimationFrame(resolve));
        target = document.querySelector('[data-testid="drop-as-reference"]');
      }
      if (target === null) throw new Error('no reference drop target');
      target.dispatchEvent(new DragEvent('dragover', init));
      target.dispatchEvent(new DragEvent('drop', init));
    },
    { name: file.name, type: file.mimeType, bytes: [...file.buffer] },
  );
}

test('a Keylime policy dropped as the reference; accepting a group downloads a policy that accepts it', async ({ inspector }) => {
  const { page } = inspector;
  const sha256 = (text: string): string => Buffer.from(provider.get('sha256')?.digest(new TextEncoder().encode(text)) ?? []).toString('hex');
  const failing = list('failing.bin', [boot, ...tools.map((p, i) => file(p, i === 5 ? 'patched' : p)), file('/opt/agent/bin/agent')]);
  // Known-good: every tool as it was (tool5 unpatched), the boot_aggregate, and a path no longer measured.
  const digests: Record<string, string[]> = { boot_aggregate: ['11'.repeat(32)], '/usr/sbin/gone': [sha256('x')] };
  for (const p of tools) digests[p] = [sha256(p)];
  const policy: TestFile = { name: 'fleet-policy.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ meta: { version: 1 }, digests, excludes: [] })) };
  await inspector.open();
  await inspector.loadFiles([failing]);
  await inspector.waitForReady();
  await dropAsReference(page, policy);
  const panel = page.getByTestId('compare-panel');
  await expect(panel).toHaveAttribute('data-state', 'ready');
  const count = (cls: string) => panel.locator(`[data-testid="compare-count"][data-class="${cls}"]`);
  // boot_aggregate and 11 tools accepted; tool5 changed; the agent new; /usr/sbin/gone gone.
  await expect(count('same')).toHaveAttribute('data-count', '12');
  await expect(count('changed')).toHaveAttribute('data-count', '1');
  await expect(count('new')).toHaveAttribute('data-count', '1');
  await expect(count('gone')).toHaveAttribute('data-count', '1');
  await expect(page.getByTestId('compare-verdict')).toContainText('against fleet-policy.json');
  await expect(page.getByTestId('compare-divergence')).toContainText('no first divergence');
  await expect(page.locator('[data-testid="entry-row"][data-index="6"]')).toHaveAttribute('data-compare', 'changed');

  // Only groups with something to accept have a box; the gone-only group has none.
  await expect(panel.locator('[data-testid="compare-group"][data-key="/usr/sbin"] [data-testid="compare-accept"]')).toHaveCount(0);
  const download = page.getByTestId('compare-accept-download');
  await expect(download).toBeDisabled();
  await panel.locator('[data-testid="compare-group"][data-key="/usr/bin"] [data-testid="compare-accept"]').check();
  const [saved] = await Promise.all([page.waitForEvent('download'), download.click()]);
  expect(saved.suggestedFilename()).toBe('failing.bin.policy-update.json');
  const written = JSON.parse(readFileSync(await saved.path(), 'utf8')) as { digests: Record<string, string[]> };
  // The reference policy plus tool5's new digest; the agent (its group not ticked) left out.
  expect(written.digests['/usr/bin/tool5']).toEqual([sha256('/usr/bin/tool5'), sha256('patched')]);
  expect(written.digests['/usr/sbin/gone']).toEqual([sha256('x')]);
  expect(written.digests).not.toHaveProperty('/opt/agent/bin/agent');
  await expect(page.getByTestId('compare-accept-status')).toContainText('1 accepted paths added to the reference policy');
});

test('a second list dropped on the reference target is compared with the open log, not opened', async ({ inspector }) => {
  const { page } = inspector;
  await inspector.open();
  await inspector.loadFiles([list('failing.bin', [boot, file('/usr/bin/a')])]);
  await inspector.waitForReady();
  await dropAsReference(page, list('known-good.bin', [boot, file('/usr/bin/a', 'old')]));
  await expect(page.getByTestId('compare-panel')).toHaveAttribute('data-state', 'ready');
  await expect(page.getByTestId('compare-verdict')).toContainText('1 changed, 0 new, 0 gone since known-good.bin');
  // The open log is still the failing one.
  await expect(page.locator('[data-testid="entry-row"][data-index="1"]')).toHaveAttribute('data-compare', 'changed');
});
