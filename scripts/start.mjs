#!/usr/bin/env node
// `npm start`: serve the built app on http://127.0.0.1:${PORT:-4173} (CONTRACT §1), building
// it first when dist/ is missing or older than any of the app's sources.
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
const builtIndex = join(root, 'dist', 'index.html');
const port = process.env.PORT ?? '4173';

/** Newest modification time under `path` (a file or a directory tree). */
function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const name of readdirSync(path)) latest = Math.max(latest, newest(join(path, name)));
  return latest;
}

const sources = ['src', 'public', 'index.html', 'vite.config.ts', 'package.json'].map((p) => join(root, p));
const stale = !existsSync(builtIndex) || Math.max(...sources.map(newest)) > statSync(builtIndex).mtimeMs;

if (stale) {
  console.log('imascope: building the app (dist/ is missing or older than the sources)…');
  const build = spawnSync(process.execPath, [vite, 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
  // vite empties dist/, which holds the CLI bundle too (dist/cli): build it again, as
  // `npm run build` does, so `npx imascope` keeps working after the app was rebuilt.
  const cli = spawnSync(process.execPath, [join(root, 'scripts', 'build-cli.mjs')], { cwd: root, stdio: 'inherit' });
  if (cli.status !== 0) process.exit(cli.status ?? 1);
}

console.log(`imascope: serving on http://localhost:${port}`);
const preview = spawn(process.execPath, [vite, 'preview', '--port', port, '--strictPort', '--host', '127.0.0.1'], {
  cwd: root,
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => preview.kill(signal));
preview.on('exit', (code) => process.exit(code ?? 0));
