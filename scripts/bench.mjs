// `npm run bench`: the benchmark suite, one line per figure (method and results: BENCHMARKS.md).
//
// - CLI against evmctl (issue 14's CLI figures): the whole `imascope analyze LIST PCRS-SHA1
//   PCRS-SHA256` (parse, verify every template hash, replay sha1 and sha256, compare) and
//   `evmctl ima_measurement --ignore-violations --pcrs sha1,… --pcrs sha256,…` on the same
//   files, taking turns run by run in this one run so that all see the same machine state; the
//   CLI also with IMASCOPE_THREADS=0 (everything on the main thread; by default a streamed
//   list's two chains run on the bank thread), with IMASCOPE_THREADS=1 (the model path with
//   one pool thread) and with
//   IMASCOPE_STREAM_MIN_BYTES=0 (the streaming pass whatever the list's size). Per contender the median
//   wall time of BENCH_RUNS runs (default 5) with min–max, the median CPU time (user+sys) and
//   the largest peak RSS (GNU time), then the goals: wall ≤ 0.5× evmctl's, CPU no more than
//   the one-thread run's, peak RSS ≤ the list's size + 80 MiB.
// - Start-up: `node -e 0` and `imascope --help` (Node, then loading the CLI), CPU and RSS.
// - Before and after: BENCH_BEFORE=/path/to/an/older/checkout (built: its bin/imascope.js
//   and dist/cli) adds that CLI, default and one thread, to the same turns, and the ratios of
//   each figure after / before.
// - The compare figures are scripts/bench-compare.mjs's (chained after this in `npm run bench`).
// - Core stages on one thread (parse, verify, a digest column, replay) and hash calls per
//   second on 100-byte inputs for each implementation, in one process each; `kernel` is the
//   batch kernel (digestRangesInto, 4,096 inputs per call).
// - The entry table's display filter (filterEntries: parse, compile, scan, on the verified
//   list) for a few expressions, one thread.
//
// Inputs: scripts/make-bench-data.ts (generated into bench-data/ when missing). The CLI is
// rebuilt first (esbuild, about a second) so the figures are those of the sources.
// BENCH_SIZES=200k to skip the 1M list; BENCH_ONLY=cli for the CLI figures alone.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const BEFORE = process.env.BENCH_BEFORE;
const ONLY_CLI = process.env.BENCH_ONLY === 'cli';
/** Issue 14's CLI goals. */
const GOAL_RATIO = 0.5;
const GOAL_RSS_OVER_FILE_MIB = 80;
/** The same work measured twice differs by a few per cent of CPU. */
const CPU_NOISE = 1.05;
const SIZES = (process.env.BENCH_SIZES ?? '200k,1m').split(',');
const DATA = 'bench-data';
const scratch = mkdtempSync(join(tmpdir(), 'imascope-bench-'));

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 28, ...opts });
  if (r.error) throw r.error;
  return r;
}

function prepare() {
  const missing = SIZES.map((s) => `ima-${s}`).filter((name) => !existsSync(`${DATA}/${name}.bin`));
  if (missing.length > 0) {
    process.stderr.write(`bench: generating ${missing.join(', ')} in ${DATA}/ (once)\n`);
    if (sh('npx', ['tsx', 'scripts/make-bench-data.ts', ...missing], { stdio: 'inherit' }).status !== 0) process.exit(1);
  }
  if (sh('node', ['scripts/build-cli.mjs'], { stdio: 'inherit' }).status !== 0) process.exit(1);
}

const hasGnuTime = existsSync('/usr/bin/time');

/** One run of a command: wall ms, CPU s (user + sys) and peak RSS KiB (GNU time). */
function runOnce(cmd, args, env, okStatus = 0) {
  const report = join(scratch, 'time.txt');
  const argv = hasGnuTime ? ['/usr/bin/time', ['-f', '%U %S %M', '-o', report, cmd, ...args]] : [cmd, args];
  const start = process.hrtime.bigint();
  const r = sh(argv[0], argv[1], { env: { ...process.env, ...env }, timeout: 300_000 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== okStatus) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr.slice(-2000)}`);
  if (!hasGnuTime) return { ms };
  const [user, sys, rss] = readFileSync(report, 'utf8').trim().split('\n').pop().split(' ').map(Number);
  return { ms, cpu: user + sys, rssKiB: rss };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function summarize(runs) {
  const ms = runs.map((r) => r.ms);
  return {
    ms: median(ms),
    min: Math.min(...ms),
    max: Math.max(...ms),
    cpu: runs[0].cpu === undefined ? undefined : median(runs.map((r) => r.cpu)),
    rssKiB: runs[0].rssKiB === undefined ? undefined : Math.max(...runs.map((r) => r.rssKiB)),
  };
}

function line(name, value, unit, extra = '') {
  process.stdout.write(`${name}: ${value} ${unit}${extra ? `  (${extra})` : ''}\n`);
}

function timingLine(name, s) {
  const cpu = s.cpu === undefined ? '' : `, CPU ${s.cpu.toFixed(2)} s`;
  line(name, s.ms.toFixed(0), 'ms', `median of ${RUNS}, min ${s.min.toFixed(0)}, max ${s.max.toFixed(0)}${cpu}`);
}

/**
 * The CLI (default and one thread), evmctl and, with BENCH_BEFORE, the older CLI (default and
 * one thread), taking turns run by run.
 */
function sideBySide(size) {
  const list = `${DATA}/ima-${size}.bin`;
  const pcrs = [`${DATA}/ima-${size}.pcrs-sha1.txt`, `${DATA}/ima-${size}.pcrs-sha256.txt`];
  const hasEvmctl = sh('sh', ['-c', 'command -v evmctl']).status === 0;
  const analyze = (bin) => [bin, 'analyze', list, ...pcrs];
  const oneThread = { IMASCOPE_THREADS: '0' };
  const contenders = [
    ['cli', 'node', analyze('bin/imascope.js'), {}],
    ['cli.one_thread', 'node', analyze('bin/imascope.js'), oneThread],
    ['cli.threads', 'node', analyze('bin/imascope.js'), { IMASCOPE_THREADS: '1' }],
    // The streaming pass at every size (by default only lists from 64 MiB on are streamed).
    ['cli.streamed', 'node', analyze('bin/imascope.js'), { IMASCOPE_STREAM_MIN_BYTES: '0' }],
    ...(hasEvmctl ? [['evmctl', 'evmctl', ['ima_measurement', '--ignore-violations', '--pcrs', `sha1,${pcrs[0]}`, '--pcrs', `sha256,${pcrs[1]}`, list], {}]] : []),
    ...(BEFORE === undefined
      ? []
      : [
          ['before', 'node', analyze(join(BEFORE, 'bin/imascope.js')), {}],
          ['before.one_thread', 'node', analyze(join(BEFORE, 'bin/imascope.js')), oneThread],
        ]),
  ];
  const runs = new Map(contenders.map(([name]) => [name, []]));
  for (let i = 0; i < RUNS; i++) {
    // Rotate the order so that no contender always follows the same one.
    for (let k = 0; k < contenders.length; k++) {
      const [name, cmd, args, env] = contenders[(i + k) % contenders.length];
      runs.get(name).push(runOnce(cmd, args, env));
    }
  }
  const s = new Map([...runs].map(([name, r]) => [name, summarize(r)]));
  const fileMiB = readFileSizeMiB(list);
  for (const [name] of contenders) {
    const fig = s.get(name);
    const [who, mode] = name.split('.');
    const prefix = name === 'evmctl' ? `evmctl.ima_measurement.${size}` : `${who}.analyze.${size}${mode === undefined ? '' : `.${mode}`}`;
    timingLine(`${prefix}.ms`, fig);
    if (fig.rssKiB !== undefined) line(`${prefix}.peak_rss`, (fig.rssKiB / 1024).toFixed(0), 'MiB', `list ${fileMiB.toFixed(0)} MiB`);
  }
  const evm = s.get('evmctl');
  const goal = (ok) => (ok ? 'goal met' : 'goal not met');
  for (const who of ['cli', ...(BEFORE === undefined ? [] : ['before'])]) {
    const ours = s.get(who);
    const one = s.get(`${who}.one_thread`);
    if (evm !== undefined) {
      const ratio = ours.ms / evm.ms;
      line(`${who}_vs_evmctl.${size}.ratio`, ratio.toFixed(2), 'x', `median wall / evmctl's median wall; goal ≤ ${GOAL_RATIO}: ${goal(ratio <= GOAL_RATIO)}`);
      if (ours.cpu !== undefined) line(`${who}_vs_evmctl.${size}.cpu_ratio`, (ours.cpu / evm.cpu).toFixed(2), 'x', `median CPU / evmctl's median CPU (${evm.cpu.toFixed(2)} s)`);
    }
    if (ours.cpu !== undefined) {
      const ratio = ours.cpu / one.cpu;
      const ok = ratio <= CPU_NOISE;
      line(`${who}.analyze.${size}.cpu_vs_one_thread`, ratio.toFixed(2), 'x', `median CPU / the one-thread run's; goal: no more CPU than one thread needs (≤ ${CPU_NOISE}, the runs' spread): ${goal(ok)}`);
    }
    if (ours.rssKiB !== undefined) {
      const over = ours.rssKiB / 1024 - fileMiB;
      line(`${who}.analyze.${size}.rss_over_file`, over.toFixed(0), 'MiB', `peak RSS − list size; goal ≤ ${GOAL_RSS_OVER_FILE_MIB}: ${goal(over <= GOAL_RSS_OVER_FILE_MIB)}`);
    }
  }
  if (BEFORE !== undefined) {
    const after = s.get('cli');
    const before = s.get('before');
    const extra = `after / before, same run (${BEFORE})`;
    line(`after_vs_before.${size}.wall`, (after.ms / before.ms).toFixed(2), 'x', extra);
    if (after.cpu !== undefined) line(`after_vs_before.${size}.cpu`, (after.cpu / before.cpu).toFixed(2), 'x', extra);
    if (after.rssKiB !== undefined) line(`after_vs_before.${size}.peak_rss`, (after.rssKiB / before.rssKiB).toFixed(2), 'x', extra);
  }
  if (evm === undefined) line(`evmctl.ima_measurement.${size}`, 'skipped', '', 'evmctl not installed (apt-get install ima-evm-utils)');
}

/**
 * What every run pays before any work: Node itself (`node -e 0`) and loading the CLI
 * (`imascope --help` loads what `analyze` loads), in turns, with BENCH_BEFORE's CLI too.
 */
function startup() {
  const contenders = [
    ['node', ['-e', '0']],
    ['cli', ['bin/imascope.js', '--help']],
    ...(BEFORE === undefined ? [] : [['before', [join(BEFORE, 'bin/imascope.js'), '--help']]]),
  ];
  const runs = new Map(contenders.map(([name]) => [name, []]));
  for (let i = 0; i < Math.max(RUNS, 7); i++) for (const [name, args] of contenders) runs.get(name).push(runOnce('node', args, {}));
  for (const [name] of contenders) {
    const fig = summarize(runs.get(name));
    const what = name === 'node' ? 'node -e 0' : `${name === 'cli' ? '' : 'before: '}imascope --help (loads what analyze loads)`;
    const rss = fig.rssKiB === undefined ? '' : `, peak RSS ${(fig.rssKiB / 1024).toFixed(0)} MiB`;
    line(`startup.${name}.cpu`, fig.cpu === undefined ? 'n/a' : fig.cpu.toFixed(3), 's', `${what}; median wall ${fig.ms.toFixed(0)} ms${rss}`);
  }
}

function readFileSizeMiB(path) {
  return statSync(path).size / 1048576;
}

/**
 * The display filter over each list, verified first (so `status` has its flags). Part of
 * MICRO; reads RUNS, SIZES, provider, time, median and out from there.
 */
const FILTER_BENCH = `
const FILTER_EXPRESSIONS = [
  ['pcr_template', 'pcr==10 && template==ima-sig'],
  ['pcr_template_match', 'pcr == 10 and template == ima-ng'],
  ['name_contains', 'name contains "/usr/lib64/"'],
  ['regex_or_status', 'path matches "\\\\.ko\\\\.xz$" or status == violation'],
];
for (const size of SIZES) {
  const file = readFileSync('bench-data/ima-' + size + '.bin');
  const log = parseImaLog(new Uint8Array(file.buffer, file.byteOffset, file.byteLength));
  verifyTemplateHashes(log, provider);
  const columns = { keyIds: computeKeyIds(log) };
  for (const [name, search] of FILTER_EXPRESSIONS) {
    const ms = [];
    let matches = 0;
    for (let r = 0; r < RUNS; r++) ms.push(time(() => { matches = filterEntries(log, { ...DEFAULT_QUERY, search }, columns).length; }));
    out('core.filter.' + name + '.' + size + '.ms', median(ms).toFixed(1), 'ms', search + ': ' + matches + ' of ' + log.entries.length + ' entries, one thread, median of ' + RUNS);
  }
  // Issue 14's disk-backed model: a bare-word name search with the names read from the parsed
  // data, and from the file on disk through a ChunkedByteSource (1 MiB chunks by readSync, a
  // fresh source per run: the way the app's worker would read a File with FileReaderSync).
  const fd = openSync('bench-data/ima-' + size + '.bin', 'r');
  const fromDisk = () => new ChunkedByteSource(file.length, (start, end) => {
    const chunk = new Uint8Array(end - start);
    readSync(fd, chunk, 0, chunk.length, start);
    return chunk;
  });
  for (const [name, source] of [['memory', () => undefined], ['file', fromDisk]]) {
    const ms = [];
    let matches = 0;
    for (let r = 0; r < RUNS; r++) ms.push(time(() => {
      const match = searchMatcher(log, compileSearch('crypt'), columns.keyIds, source());
      matches = 0;
      for (let i = 0; i < log.entries.length; i++) if (match(i)) matches++;
    }));
    out('core.name_search.' + name + '.' + size + '.ms', median(ms).toFixed(1), 'ms', '"crypt": ' + matches + ' of ' + log.entries.length + ' names, read from ' + (name === 'file' ? 'the file in 1 MiB chunks' : 'memory') + ', one thread, median of ' + RUNS + '; goal (app, 1M) ≤ 300 ms');
  }
  closeSync(fd);
}
`;

/**
 * Core stages and hash calls, in one process: bundled from the sources on the fly (esbuild)
 * so that this script needs no TypeScript runner.
 */
const MICRO = `
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { sha1 as nobleSha1 } from '@noble/hashes/legacy.js';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { createSHA1, createSHA256 } from 'hash-wasm';
import { createWasmHashProvider } from './src/core/hash/hash-provider';
import { parseImaLog } from './src/core/ima/parse-ima-log';
import { computeTemplateDigests, verifyTemplateHashes } from './src/core/ima/template-digests';
import { replayAndCheckPcrs } from './src/core/analysis/check-pcrs';
import { DEFAULT_QUERY, filterEntries } from './src/core/query/filter-entries';
import { computeKeyIds } from './src/core/query/signature-key-ids';
import { compileSearch, searchMatcher } from './src/core/query/name-search';
import { ChunkedByteSource } from './src/core/model/byte-source';

const RUNS = ${RUNS};
const SIZES = ${JSON.stringify(SIZES)};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const out = (name, value, unit, extra) => process.stdout.write(name + ': ' + value + ' ' + unit + (extra ? '  (' + extra + ')' : '') + '\\n');
function time(fn) { const t = performance.now(); fn(); return performance.now() - t; }

const provider = await createWasmHashProvider();
for (const size of SIZES) {
  const file = readFileSync('bench-data/ima-' + size + '.bin');
  const bytes = new Uint8Array(file.buffer, file.byteOffset, file.byteLength);
  const stages = { parse: [], verify: [], digests_sha256: [], replay: [] };
  for (let r = 0; r < RUNS; r++) {
    let log;
    stages.parse.push(time(() => { log = parseImaLog(bytes); }));
    stages.verify.push(time(() => verifyTemplateHashes(log, provider)));
    stages.digests_sha256.push(time(() => computeTemplateDigests(log, provider.get('sha256'), 0, log.entries.length)));
    stages.replay.push(time(() => replayAndCheckPcrs(log, provider, ['sha1', 'sha256'], new Map())));
  }
  for (const [stage, ms] of Object.entries(stages)) out('core.' + stage + '.' + size + '.ms', median(ms).toFixed(0), 'ms', 'one thread, median of ' + RUNS);
}

${FILTER_BENCH}

const N = 300_000;
const L = 100;
const pool = new Uint8Array(N + L);
for (let i = 0; i < pool.length; i++) pool[i] = (i * 2654435761) >>> 24;
const digest = new Uint8Array(64);
const [hw1, hw256] = [await createSHA1(), await createSHA256()];
// The batch kernel: one digestRangesInto call per BATCH inputs (the i-th call of a batch hashes it all).
const BATCH = 4096;
const batchOffsets = new Uint32Array(BATCH).map((_, k) => k);
const batchLengths = new Uint32Array(BATCH).fill(L);
const batchOut = new Uint8Array(BATCH * 32);
const batchOf = (alg) => (i) => {
  if (i % BATCH === 0) provider.get(alg).digestRangesInto(pool.subarray(i), batchOffsets, batchLengths, Math.min(BATCH, N - i), batchOut, 0);
};
const contenders = {
  sha1: {
    noble: (i) => nobleSha1(pool.subarray(i, i + L)),
    'hash-wasm': (i) => { hw1.init(); hw1.update(pool.subarray(i, i + L)); return hw1.digest('binary'); },
    lean: (i) => provider.get('sha1').digestRangeInto(pool, i, L, digest, 0),
    kernel: batchOf('sha1'),
    'node:crypto': (i) => createHash('sha1').update(pool.subarray(i, i + L)).digest(),
  },
  sha256: {
    noble: (i) => nobleSha256(pool.subarray(i, i + L)),
    'hash-wasm': (i) => { hw256.init(); hw256.update(pool.subarray(i, i + L)); return hw256.digest('binary'); },
    lean: (i) => provider.get('sha256').digestRangeInto(pool, i, L, digest, 0),
    kernel: batchOf('sha256'),
    'node:crypto': (i) => createHash('sha256').update(pool.subarray(i, i + L)).digest(),
  },
};
for (const [alg, impls] of Object.entries(contenders)) {
  for (const [impl, fn] of Object.entries(impls)) {
    const rounds = [];
    for (let r = 0; r < RUNS; r++) rounds.push(time(() => { for (let i = 0; i < N; i++) fn(i); }));
    out('hash.' + alg + '.100B.' + impl, (N / median(rounds) / 1000).toFixed(2), 'M hashes/s', 'one thread, ' + N + ' calls, median of ' + RUNS);
  }
}
`;

async function micro() {
  const outfile = join(scratch, 'micro.mjs');
  await build({
    stdin: { contents: MICRO, resolveDir: process.cwd(), loader: 'ts' },
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
  });
  const r = sh('node', [outfile], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) process.exit(1);
}

prepare();
line('machine', `${sh('nproc', []).stdout.trim()} cores, node ${process.version}`, '', sh('sh', ['-c', "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"]).stdout.trim());
if (BEFORE !== undefined && !existsSync(join(BEFORE, 'dist/cli/imascope.mjs'))) {
  process.stderr.write(`bench: BENCH_BEFORE=${BEFORE} has no built CLI (run \`node scripts/build-cli.mjs\` there)\n`);
  process.exit(1);
}
startup();
for (const size of SIZES) {
  sideBySide(size);
}
if (!ONLY_CLI) await micro();
rmSync(scratch, { recursive: true, force: true });
