/**
 * Keylime's vectors in the app: the log, the policy and the keys dropped together, the
 * Keylime-compatible switch on, and every row's data-policy saying what Keylime's own
 * evaluator said (../shared/data/policy/keylime/expected-keylime-eval.json).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, test } from './inspector-page';
import type { TestFile } from './fixtures';
import { readKeylimeCases, type KeylimeCase } from '../src/core/testing/keylime-vectors';

const DIR = resolve(process.cwd(), '..', 'shared', 'data', 'policy', 'keylime');
const file = (sub: string, name: string): TestFile => ({ name, mimeType: 'application/octet-stream', buffer: readFileSync(resolve(DIR, sub, name)) });
const cases = readKeylimeCases().filter((c) => c.policy !== null);

/** Entry index of each event: the line whose path the message names. */
function failingEntries(c: KeylimeCase): Set<number> {
  const lines = readFileSync(resolve(DIR, 'logs', c.log), 'utf8').trimEnd().split('\n');
  const out = new Set<number>();
  for (const [id, ctx] of c.events) {
    const name = /: (\S+)$/.exec(ctx.message)?.[1];
    const i = id === 'ima.validation.ima_hash' ? 0 : lines.findIndex((l) => l.split(' ')[4] === name);
    out.add(i);
  }
  return out;
}

for (const c of cases) {
  test(`Keylime vector: ${c.log} + ${c.policy} + ${(c.keys ?? []).join(',') || 'no keys'}`, async ({ inspector }) => {
    await inspector.open();
    await inspector.loadFiles([file('logs', c.log), file('policies', c.policy ?? ''), ...(c.keys ?? []).map((k) => file('keys', k))]);
    await inspector.waitForReady();
    // The switch re-runs the analysis in Keylime-compatible mode.
    await inspector.page.getByTestId('keylime-compat').check();
    await inspector.waitForReady();
    const failing = failingEntries(c);
    const count = Number(await inspector.entryCount.textContent());
    for (let i = 0; i < count; i++) {
      await expect(inspector.row(i)).toHaveAttribute('data-policy', failing.has(i) ? 'fail' : /^(pass|excluded)$/);
    }
    const passFinding = inspector.page.locator('[data-testid="finding"][data-code="policy-pass"]');
    await expect(passFinding).toHaveCount(c.keylime_pass ? 1 : 0);
    if (!c.keylime_pass) await expect(inspector.page.getByTestId('verdict')).toHaveAttribute('data-tone', 'error');
  });
}

test('keys and no policy: the failures switch gives no count it does not have, and keeps the entry Keylime fails', async ({ inspector }) => {
  await inspector.open();
  await inspector.loadFiles([file('logs', 'signatures.ascii'), file('keys', 'rsa2048pub.pem')]);
  await inspector.waitForReady();
  // Keylime with a keyring and no policy fails /usr/bin/zmore (entry 1): its keyid 531f4025 is in no keyring.
  await expect(inspector.page.getByTestId('verdict')).toHaveAttribute('data-tone', 'error');
  const toggle = inspector.page.locator('label.policy-filter');
  await expect(toggle).toHaveText('Policy failures');
  await inspector.page.getByTestId('filter-policy-failures').check();
  await expect(inspector.page.getByTestId('entry-row')).toHaveCount(1);
  await expect(inspector.row(1)).toHaveAttribute('data-policy', 'fail');
});

test('signed entries show their signature check, and the filter keeps the failing ones', async ({ inspector }) => {
  await inspector.open();
  await inspector.loadFiles([file('logs', 'combined.ascii'), file('policies', 'policy-empty.json'), file('keys', 'rsa2048pub.pem')]);
  await inspector.waitForReady();
  await expect(inspector.row(3)).toHaveAttribute('data-signature', 'valid');
  await expect(inspector.row(4)).toHaveAttribute('data-signature', 'unknown-key');
  await expect(inspector.row(0)).toHaveAttribute('data-signature', 'unsigned');
  // The detail pane names the rule that decided the entry.
  await inspector.row(3).click();
  await expect(inspector.page.getByTestId('entry-policy')).toContainText('Keylime: passes by its signature (keyid f3452d23, rsa2048pub.pem)');
  await inspector.row(4).click();
  await expect(inspector.page.getByTestId('entry-policy')).toContainText('File not found in allowlist: /usr/bin/zmore');
  await expect(inspector.page.getByTestId('entry-policy')).toContainText('keyid 531f4025');
  await inspector.page.getByTestId('filter-policy-failures').check();
  // boot_aggregate, two modules and zmore fail; dd's valid signature passes.
  await expect(inspector.rows).toHaveCount(4);
  await expect(inspector.row(3)).toHaveCount(0);
});
