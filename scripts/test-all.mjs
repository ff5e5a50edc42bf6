// `npm test`: every test — type-check, lint (the layer rules of STYLE §7.2), unit and CLI tests (vitest), the production build,
// then the end-to-end tests in Debian Chromium against the built app. Stops at the first
// failing step so the cause is at the end of the output.
import { spawnSync } from 'node:child_process';

const steps = [
  ['type-check', 'npx', ['tsc', '-b']],
  ['type-check tests and scripts', 'npx', ['tsc', '-p', 'tsconfig.test.json']],
  ['type-check browser tests', 'npx', ['tsc', '-p', 'tsconfig.e2e.json']],
  ['lint (layer rules)', 'npm', ['run', 'lint']],
  ['unit and CLI tests', 'npx', ['vitest', 'run']],
  ['build', 'npm', ['run', 'build']],
  ['end-to-end tests', 'npx', ['playwright', 'test']],
];
for (const [name, cmd, args] of steps) {
  process.stdout.write(`\n== ${name}: ${cmd} ${args.join(' ')}\n`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, TZ: 'UTC', LC_ALL: 'C' } });
  if (r.status !== 0) {
    process.stdout.write(`\n== ${name} failed (exit ${r.status ?? r.signal})\n`);
    process.exit(r.status ?? 1);
  }
}
process.stdout.write('\n== all test steps passed\n');
