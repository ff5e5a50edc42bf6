// `npm run bench` (chained): the compare figures of issue 16, one line per figure.
//
// Targets: two 1M-entry lists compare in under 2 s in the CLI (whole process) and under 3 s in
// the app (bench-browser.mjs, app.compare.*), with memory within the two files' size.
// - cli.compare.<size>.ms          `imascope compare --json LIST LIST.changed` (an edited copy:
//                                  scripts/make-compare-pair.ts), whole process, median of
//                                  BENCH_RUNS, with min–max and CPU time.
// - cli.compare.<size>.peak_rss    its peak RSS, beside node's own (an empty script) and the
//                                  two files' size: the comparison's working memory is
//                                  peak − node − files (the CLI reads both files whole).
// - cli.compare-policy.<size>.ms   the same list against a runtime policy made from the copy
//                                  (every path, one digest each).
// - core.parse.<size>.ms           parsing the two lists (parseImaLog, one thread): the part of
//                                  the CLI's time that is not the comparison.
// - core.compare.<size>.ms         compareLogs alone, one thread, median, min–max and CPU time;
//                                  with the bytes it retains (heap + array buffers after gc)
//                                  against the files.
// Each line ends with its goal where issue 16 sets one.
// Inputs: bench-data/ima-<size>.bin (scripts/make-bench-data.ts, generated when missing).
// The machine may be shared: the figures say when they were taken under load (loadavg).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const SIZES = (process.env.BENCH_SIZES ?? '200k,1m').split(',');
const DATA = 'bench-data';
const scratch = mkdtempSync(join(tmpdir(), 'imascope-bench-compare-'));
const hasGnuTime = existsSync('/usr/bin/time');

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 28, ...opts });
  if (r.error) throw r.error;
  return r;
}

function line(name, value, unit, extra) {
  process.stdout.write(`${name}: ${value}${unit ? ` ${unit}` : ''}${extra ? `  (${extra})` : ''}\n`);
}

const mib = (bytes) => (bytes / 1048576).toFixed(0);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** One run: wall ms, CPU s and peak RSS KiB (GNU time). */
function runOnce(cmd, args, okStatus) {
  const report = join(scratch, 'time.txt');
  const [exe, argv] = hasGnuTime ? ['/usr/bin/time', ['-f', '%U %S %M', '-o', report, cmd, ...args]] : [cmd, args];
  const start = process.hrtime.bigint();
  const r = sh(exe, argv, { timeout: 300_000 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== okStatus) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr.slice(-2000)}`);
  if (!hasGnuTime) return { ms };
  const [user, sys, rss] = readFileSync(report, 'utf8').trim().split('\n').pop().split(' ').map(Number);
  return { ms, cpu: user + sys, rssKiB: rss };
}

function timed(name, cmd, args, okStatus, target) {
  const runs = Array.from({ length: RUNS }, () => runOnce(cmd, args, okStatus));
  const ms = runs.map((r) => r.ms);
  const cpu = runs.every((r) => r.cpu !== undefined) ? `, cpu ${median(runs.map((r) => r.cpu)).toFixed(2)} s` : '';
  line(name, median(ms).toFixed(0), 'ms', `min ${Math.min(...ms).toFixed(0)}, max ${Math.max(...ms).toFixed(0)}${cpu}, median of ${RUNS}${target ? `, goal < ${target} ms ${median(ms) < target ? '✓' : '✗'}` : ''}`);
  return runs;
}

function prepare() {
  const missing = SIZES.map((s) => `ima-${s}`).filter((name) => !existsSync(`${DATA}/${name}.bin`));
  if (missing.length > 0 && sh('npx', ['tsx', 'scripts/make-bench-data.ts', ...missing], { stdio: 'inherit' }).status !== 0) process.exit(1);
  const pairs = SIZES.map((s) => `ima-${s}`).filter((name) => !existsSync(`${DATA}/${name}.changed.bin`));
  if (pairs.length > 0 && sh('npx', ['tsx', 'scripts/make-compare-pair.ts', ...pairs], { stdio: 'inherit' }).status !== 0) process.exit(1);
  if (sh('node', ['scripts/build-cli.mjs'], { stdio: 'inherit' }).status !== 0) process.exit(1);
}

/** Peak RSS of node itself, to take out of the CLI's. */
function nodeBaselineKiB() {
  if (!hasGnuTime) return undefined;
  return median(Array.from({ length: 3 }, () => runOnce('node', ['-e', ''], 0).rssKiB));
}

const CORE = `
import { readFileSync } from 'node:fs';
import { parseImaLog } from './src/core/ima/parse-ima-log';
import { compareLogs } from './src/core/compare/compare-logs';
const [size, runs] = [process.argv[2], Number(process.argv[3])];
const read = (p) => { const b = readFileSync(p); return new Uint8Array(b.buffer, b.byteOffset, b.byteLength); };
const referenceBytes = read('bench-data/ima-' + size + '.bin');
const failingBytes = read('bench-data/ima-' + size + '.changed.bin');
const parseStart = performance.now();
const reference = parseImaLog(referenceBytes);
const failing = parseImaLog(failingBytes);
const parseMs = performance.now() - parseStart;
const used = () => { globalThis.gc(); const m = process.memoryUsage(); return m.heapUsed + m.arrayBuffers; };
const ms = [];
const cpu = [];
let result;
const before = used();
for (let r = 0; r < runs; r++) {
  result = undefined;
  const c = process.cpuUsage();
  const t = performance.now();
  result = compareLogs(reference, failing);
  ms.push(performance.now() - t);
  const u = process.cpuUsage(c);
  cpu.push((u.user + u.system) / 1000);
}
const retained = used() - before;
console.log(JSON.stringify({ parseMs, ms, cpu, retained, files: referenceBytes.length + failingBytes.length, counts: result.counts }));
`;

async function core(size) {
  const outfile = join(scratch, 'core.mjs');
  await build({ stdin: { contents: CORE, resolveDir: process.cwd(), loader: 'ts' }, outfile, bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning' });
  const r = sh('node', ['--expose-gc', outfile, size, String(RUNS)]);
  if (r.status !== 0) throw new Error(r.stderr);
  const { parseMs, ms, cpu, retained, files } = JSON.parse(r.stdout);
  line(`core.parse.${size}.ms`, parseMs.toFixed(0), 'ms', 'parseImaLog of both lists, one thread, once');
  line(`core.compare.${size}.ms`, median(ms).toFixed(0), 'ms', `compareLogs, one thread, min ${Math.min(...ms).toFixed(0)}, max ${Math.max(...ms).toFixed(0)}, cpu ${(median(cpu) / 1000).toFixed(2)} s (gc threads included), median of ${RUNS}`);
  line(`core.compare.${size}.retained`, mib(retained), 'MiB', `result kept after gc, the two files ${mib(files)} MiB`);
}

/** The known-good list's runtime policy: every path of the original list with the digest it measured. */
function policyOf(size) {
  const file = join(scratch, `policy-${size}.json`);
  const source = sh('node', ['bin/imascope.js', 'policy', 'create', `${DATA}/ima-${size}.bin`]);
  if (source.status !== 0) throw new Error(source.stderr);
  writeFileSync(file, source.stdout);
  return file;
}

prepare();
const load = loadavg().map((l) => l.toFixed(1)).join(' ');
line('machine', `${sh('nproc', []).stdout.trim()} cores, node ${process.version}`, '', `load average ${load} at start`);
const baseline = nodeBaselineKiB();
for (const size of SIZES) {
  const reference = `${DATA}/ima-${size}.bin`;
  const failing = `${DATA}/ima-${size}.changed.bin`;
  const files = statSync(reference).size + statSync(failing).size;
  const runs = timed(`cli.compare.${size}.ms`, 'node', ['bin/imascope.js', 'compare', '--json', reference, failing], 1, size === '1m' ? 2000 : undefined);
  if (baseline !== undefined) {
    const peak = median(runs.map((r) => r.rssKiB)) * 1024;
    const working = peak - baseline * 1024 - files;
    line(`cli.compare.${size}.peak_rss`, mib(peak), 'MiB', `node alone ${mib(baseline * 1024)} MiB, the two files ${mib(files)} MiB: working memory ${mib(working)} MiB, ${(working / files).toFixed(2)}× the files, goal ≤ 1.00× ${working <= files ? '✓' : '✗'}`);
  }
  const policy = policyOf(size);
  timed(`cli.compare-policy.${size}.ms`, 'node', ['bin/imascope.js', 'compare', '--json', policy, failing], 1);
  await core(size);
}
line('load', loadavg().map((l) => l.toFixed(1)).join(' '), '', 'load average at the end: above the core count, figures are indicative only');
rmSync(scratch, { recursive: true, force: true });
