#!/usr/bin/env node
// The CLI is bundled by `npm run build` into dist/cli; this launcher only loads it.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bundle = new URL('../dist/cli/imascope.mjs', import.meta.url);
if (!existsSync(fileURLToPath(bundle))) {
  process.stderr.write('imascope: the CLI is not built yet; run `npm run build` first.\n');
  process.exit(2);
}
const argv = process.argv.slice(2);
if (wantsHugePages(argv)) {
  // Run again with glibc's malloc asking for transparent huge pages for its large blocks (the
  // files read whole, the columns, the tables): on a VM a first touch of a 4 KiB page costs
  // ~20 µs, and a 1M pair touches ~420 MiB (issue 16: `compare` of two 1M lists 3.5 → 2.6 s
  // CPU). One more node start (~0.1 s CPU), so only for large inputs, and only for `compare`
  // (`analyze` streams a large list through small windows: with a 100k-path policy judged in
  // the pass too, huge pages gave no measurable gain, 5.0 s CPU either way; issue 13).
  // IMASCOPE_HUGE_PAGES=0: never.
  // Imported here: loading node:child_process costs every other run ~4 ms of CPU.
  const { spawnSync } = await import('node:child_process');
  const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), ...argv], {
    stdio: 'inherit',
    env: { ...process.env, GLIBC_TUNABLES: 'glibc.malloc.hugetlb=1' },
  });
  if (child.error === undefined) {
    if (child.signal !== null) process.kill(process.pid, child.signal);
    process.exit(child.status ?? 1);
  }
  // The run could not start: run here.
}
const { main } = await import(bundle.href);
process.exitCode = await main(argv);

/**
 * Whether to run again with huge pages: Linux where they are given on request (madvise), not
 * asked for already (GLIBC_TUNABLES set: also this run's child), `compare` with inputs of 32 MiB
 * or more.
 * Elsewhere the tunable would do nothing (musl, other systems) or is not needed (`always`).
 */
function wantsHugePages(args) {
  if (args[0] !== 'compare' || process.platform !== 'linux' || process.env.GLIBC_TUNABLES !== undefined || process.env.IMASCOPE_HUGE_PAGES === '0') return false;
  try {
    if (!readFileSync('/sys/kernel/mm/transparent_hugepage/enabled', 'utf8').includes('[madvise]')) return false;
  } catch {
    return false;
  }
  let total = 0;
  for (const arg of args.slice(1)) {
    try {
      if (!arg.startsWith('-')) total += statSync(arg).size;
    } catch {
      // not a file
    }
  }
  return total >= 32 * 1024 * 1024;
}
