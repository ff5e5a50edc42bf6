/**
 * The display filter (CONTRACT §5.5 entry-filter / entry-count): expressions typed into the
 * field against counts computed here from the list's own description, the syntax error
 * display, and completion by keyboard.
 */
import { createNobleHashProvider, createWasmHashProvider } from '../src/core/hash/hash-provider';
import { buildImaLog, encodeBinaryEntry, ImaListSimulator, type BuildEntry } from '../src/core/testing/build-ima-log';
import { imaSignature } from '../src/core/testing/ima-scenarios';
import { xorshift32 } from '../src/core/testing/xorshift';
import { expect, test } from './inspector-page';
import type { TestFile } from './fixtures';

const SHOTS = process.env.E2E_SHOTS;
const PATHS = ['/usr/bin/bash', '/usr/lib/libc.so.6', '/etc/passwd', '/usr/lib/modules/e1000.ko', '/opt/app/run.sh'];

interface Described {
  readonly index: number;
  readonly pcr: number;
  readonly template: string;
  readonly path: string;
  readonly keyId?: number;
  readonly violation: boolean;
}

/** A mixed list and what each entry is, as written. */
function mixedLog(count: number): { file: TestFile; entries: Described[] } {
  const next = xorshift32(1515);
  const entries: Described[] = [];
  const build: BuildEntry[] = [];
  for (let i = 0; i < count; i++) {
    const template = ['ima-ng', 'ima-sig', 'ima-ng', 'ima-sig', 'ima-buf'][next() % 5];
    const pcr = [10, 10, 10, 11, 12][next() % 5];
    const path = `${PATHS[next() % PATHS.length]}.${i}`;
    const keyId = template === 'ima-sig' && next() % 2 === 0 ? [0xdeadbeef, 0x3a5b9c01][next() % 2] : undefined;
    const violation = template !== 'ima-buf' && next() % 30 === 0;
    entries.push({ index: i, pcr, template, path, violation, ...(keyId !== undefined ? { keyId } : {}) });
    build.push({
      template,
      pcr,
      path,
      violation,
      ...(template === 'ima-buf' ? { buf: `buffer ${i}` } : {}),
      ...(keyId !== undefined ? { sig: imaSignature(keyId, new Uint8Array(8)) } : {}),
    });
  }
  const built = buildImaLog(build, { provider: createNobleHashProvider() });
  return { file: { name: 'binary_runtime_measurements', mimeType: 'application/octet-stream', buffer: Buffer.from(built.binary) }, entries };
}

const { file, entries } = mixedLog(600);
const count = (test: (e: Described) => boolean): number => entries.filter(test).length;

const CASES: [string, (e: Described) => boolean][] = [
  ['pcr==10 && template==ima-sig', (e) => e.pcr === 10 && e.template === 'ima-sig'],
  ['pcr in {11 12}', (e) => e.pcr === 11 || e.pcr === 12],
  ['name contains "/lib/" and not template == ima-ng', (e) => e.path.includes('/lib/') && e.template !== 'ima-ng'],
  ['index >= 100 && index < 110 || pcr == 12', (e) => (e.index >= 100 && e.index < 110) || e.pcr === 12],
  ['status == violation', (e) => e.violation],
  ['keyid == deadbeef', (e) => e.keyId === 0xdeadbeef],
  ['path matches "\\.(so\\.6|ko)\\.[0-9]+$"', (e) => /\.(so\.6|ko)\.[0-9]+$/i.test(e.path)],
  ['BASH', (e) => e.path.toLowerCase().includes('bash')],
  ['!(pcr == 10) and template != ima-buf', (e) => e.pcr !== 10 && e.template !== 'ima-buf'],
];

test('filter expressions show the entries they match, counted', async ({ inspector }) => {
  await inspector.open();
  await inspector.loadFiles([file]);
  await inspector.waitForReady();
  await expect(inspector.entryCount).toHaveText('600');
  const field = inspector.page.getByTestId('entry-filter');
  for (const [expression, test] of CASES) {
    const expected = count(test);
    expect(expected, expression).toBeGreaterThan(0);
    await field.fill(expression);
    await expect(inspector.entryCount, expression).toHaveText(String(expected));
    await expect(inspector.page.getByTestId('row-count'), expression).toContainText(`${expected} of 600`);
    await expect(inspector.page.getByTestId('entry-filter-error')).toHaveCount(0);
    // The first row shown is the first matching entry.
    await expect(inspector.rows.first()).toHaveAttribute('data-index', String(entries.find(test)?.index));
  }
  await field.fill('');
  await expect(inspector.entryCount).toHaveText('600');
  inspector.assertClean();
});

test('a syntax error turns the field red with its column and matches no entry (no earlier filter’s rows)', async ({ inspector }) => {
  await inspector.open();
  await inspector.loadFiles([file]);
  await inspector.waitForReady();
  const field = inspector.page.getByTestId('entry-filter');
  await field.fill('pcr == 11');
  const elevens = count((e) => e.pcr === 11);
  await expect(inspector.entryCount).toHaveText(String(elevens));
  // The timeline counts the same matches per bucket, and dims the buckets without one.
  await expect(inspector.page.getByTestId('timeline')).toHaveAttribute('data-filter-matches', String(elevens));
  if (SHOTS) await inspector.page.getByTestId('timeline').screenshot({ path: `${SHOTS}/filter-timeline.png` });
  await field.fill('pcr == 11 && template == ');
  const error = inspector.page.getByTestId('entry-filter-error');
  await expect(error).toBeVisible();
  await expect(error).toContainText('Column 26: expected a value for template, found the end');
  await expect(error).toHaveAttribute('data-start', '25');
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await expect(field).toHaveCSS('border-top-color', /rgb\((1[5-9]\d|2\d\d), \d+, \d+\)/);
  await expect(inspector.entryCount).toHaveText('0');
  await expect(inspector.page.getByTestId('entry-row')).toHaveCount(0);
  await expect(inspector.page.getByText('No rows: the filter is not a valid expression')).toBeVisible();
  if (SHOTS) await inspector.page.locator('.entry-toolbar').screenshot({ path: `${SHOTS}/filter-error.png` });
  await field.fill('pcr == 11 && sig == maybe');
  await expect(error).toContainText('Column 21: sig is one of valid, invalid, unknown-key, unsigned, none');
  await field.fill('pcr == 11 && template == ima-sig');
  await expect(error).toHaveCount(0);
  await expect(inspector.entryCount).toHaveText(String(count((e) => e.pcr === 11 && e.template === 'ima-sig')));
  if (SHOTS) await inspector.page.locator('.entry-toolbar').screenshot({ path: `${SHOTS}/filter-valid.png` });
  inspector.assertClean();
});

test('the completion list opened under an erroneous filter never covers its error', async ({ inspector }) => {
  await inspector.open();
  await inspector.loadFiles([file]);
  await inspector.waitForReady();
  const field = inspector.page.getByTestId('entry-filter');
  await field.focus();
  await inspector.page.keyboard.type('libc');
  await expect(inspector.entryCount).toHaveText(String(count((e) => e.path.includes('libc'))));
  await field.fill('');
  await inspector.page.keyboard.type('name ~ "("');
  const error = inspector.page.getByTestId('entry-filter-error');
  await expect(error).toContainText('Unterminated group');
  const list = inspector.page.getByTestId('entry-filter-suggestions');
  await expect(list).toBeVisible();
  const e = await error.boundingBox();
  const l = await list.boundingBox();
  expect(e !== null && l !== null && l.y >= e.y + e.height).toBe(true);
  await expect(inspector.entryCount).toHaveText('0');
  inspector.assertClean();
});

test('completion offers fields, operators and the log’s values, by keyboard', async ({ inspector }) => {
  await inspector.open();
  await inspector.loadFiles([file]);
  await inspector.waitForReady();
  const field = inspector.page.getByTestId('entry-filter');
  const options = inspector.page.getByTestId('entry-filter-suggestion');
  await field.focus();
  await inspector.page.keyboard.type('tem');
  await expect(options).toHaveCount(1);
  await expect(options.first()).toHaveAttribute('data-value', 'template');
  await inspector.page.keyboard.press('ArrowDown');
  await inspector.page.keyboard.press('Enter');
  await expect(field).toHaveValue('template ');
  await expect(options.first()).toHaveAttribute('data-value', '==');
  await inspector.page.keyboard.press('ArrowDown');
  await inspector.page.keyboard.press('Tab');
  await expect(field).toHaveValue('template == ');
  await expect(options).toHaveText(['ima-ng', 'ima-sig', 'ima-buf'].map((t) => new RegExp(`^${t}`)));
  await inspector.page.keyboard.type('ima-s');
  if (SHOTS) await inspector.page.screenshot({ path: `${SHOTS}/filter-completion.png`, clip: { x: 0, y: 0, width: 1280, height: 420 } });
  await inspector.page.keyboard.press('ArrowDown');
  await inspector.page.keyboard.press('Enter');
  await expect(field).toHaveValue('template == ima-sig ');
  await expect(inspector.entryCount).toHaveText(String(count((e) => e.template === 'ima-sig')));
  // Esc closes the list first, then clears the filter.
  await inspector.page.keyboard.press('Escape');
  await expect(field).toHaveValue('template == ima-sig ');
  await inspector.page.keyboard.press('Escape');
  await expect(field).toHaveValue('');
  await expect(inspector.entryCount).toHaveText('600');
  inspector.assertClean();
});

test('a regular expression stopped by its time budget is said at the filter field, not above the table', async ({ inspector }) => {
  test.setTimeout(180_000);
  // 60,000 names of ~34 characters: `.*.*.*Q` backtracks cubically on each (no name holds a Q),
  // passes the safety rule (no nested repetition), and so runs for far longer than the 4 s budget.
  const provider = await createWasmHashProvider();
  const kernel = new ImaListSimulator({ provider, banks: ['sha1'] });
  const parts: Uint8Array[] = [];
  for (let i = 0; i < 60_000; i++) parts.push(encodeBinaryEntry(kernel.add({ path: `/usr/lib/x86_64-linux-gnu/lib-${i}.so`, fileDigest: { content: Uint8Array.of(i, i >>> 8) } }), 'sha1'));
  await inspector.open();
  await inspector.loadFiles([{ name: 'binary_runtime_measurements', mimeType: 'application/octet-stream', buffer: Buffer.concat(parts) }]);
  await inspector.waitForReady();
  const field = inspector.page.getByTestId('entry-filter');
  await field.fill('path matches ".*.*.*Q"');
  const toolbar = inspector.page.getByRole('toolbar', { name: 'Filter entries' });
  await expect(toolbar.getByTestId('filter-stopped')).toContainText('The filter was stopped after 4 s at entry', { timeout: 120_000 });
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await expect(inspector.page.locator('.entries__error')).toHaveCount(0);
  // No rows stand for a filter that has no answer: the previous query's would read as matches.
  await expect(inspector.page.getByTestId('entry-row')).toHaveCount(0);
  await expect(inspector.page.getByTestId('entry-table')).toContainText('the filter was stopped before it finished');
  await expect(toolbar.getByTestId('row-count')).toContainText('filter stopped');
  if (SHOTS) await inspector.page.screenshot({ path: `${SHOTS}/filter-stopped.png` });
  // A filter that runs is answered and the notice goes.
  await field.fill('path matches "lib-7\\.so$"');
  await expect(inspector.entryCount).toHaveText('1');
  await expect(inspector.page.getByTestId('filter-stopped')).toHaveCount(0);
});
