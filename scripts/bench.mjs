// `npm run bench`: the benchmark suite, one line per figure (method in BENCHMARKS.md).
// Inputs come from scripts/make-bench-data.ts (generated into bench-data/ when missing).
// Each timing is the median of RUNS runs of the whole command, measured side by side in this
// one run so that both tools see the same machine state.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const DATA = 'bench-data';

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 28, ...opts });
  if (r.error) throw r.error;
  return r;
}

function ensureData() {
  if (!existsSync(`${DATA}/ima-1m.bin`)) {
    process.stderr.write('bench: generating bench-data/ (once)\n');
    const r = sh('npx', ['tsx', 'scripts/make-bench-data.ts'], { stdio: 'inherit' });
    if (r.status !== 0) process.exit(1);
  }
  if (!existsSync('dist/cli/imascope.mjs')) {
    const r = sh('npm', ['run', 'build'], { stdio: 'inherit' });
    if (r.status !== 0) process.exit(1);
  }
}

/** Median wall time in ms, and the max resident set size (KiB) seen, via GNU time when present. */
function timeCommand(cmd, args, expectStatus) {
  const times = [];
  let maxRss = 0;
  const gnuTime = existsSync('/usr/bin/time');
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    const r = gnuTime ? sh('/usr/bin/time', ['-f', '%M', cmd, ...args]) : sh(cmd, args);
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (expectStatus !== undefined && r.status !== expectStatus) {
      throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr.slice(-2000)}`);
    }
    if (gnuTime) maxRss = Math.max(maxRss, Number(r.stderr.trim().split('\n').pop()) || 0);
    times.push(ms);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)], maxRssKiB: gnuTime ? maxRss : undefined };
}

function line(name, value, unit, extra = '') {
  process.stdout.write(`${name}: ${value} ${unit}${extra ? `  (${extra})` : ''}\n`);
}

ensureData();
const hasEvmctl = sh('evmctl', ['--version']).status === 0;

for (const size of ['200k', '1m']) {
  const list = `${DATA}/ima-${size}.bin`;
  const pcrs = [`${DATA}/ima-${size}.pcrs-sha1.txt`, `${DATA}/ima-${size}.pcrs-sha256.txt`];
  const ours = timeCommand('node', ['bin/imascope.js', 'analyze', list, ...pcrs], 0);
  line(`cli.analyze.${size}.ms`, ours.ms.toFixed(0), 'ms', `${RUNS} runs, median`);
  if (ours.maxRssKiB !== undefined) line(`cli.analyze.${size}.peak_rss`, (ours.maxRssKiB / 1024).toFixed(0), 'MiB');
  if (hasEvmctl) {
    const evm = timeCommand('evmctl', ['ima_measurement', '--ignore-violations', '--pcrs', `sha1,${pcrs[0]}`, '--pcrs', `sha256,${pcrs[1]}`, list], 0);
    line(`evmctl.ima_measurement.${size}.ms`, evm.ms.toFixed(0), 'ms', `${RUNS} runs, median`);
    if (evm.maxRssKiB !== undefined) line(`evmctl.ima_measurement.${size}.peak_rss`, (evm.maxRssKiB / 1024).toFixed(0), 'MiB');
    line(`cli_vs_evmctl.${size}.ratio`, (ours.ms / evm.ms).toFixed(2), 'x', 'imascope time / evmctl time; ≤ 1 is the goal');
  }
}
