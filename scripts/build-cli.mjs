// Bundles the Node CLI (src/cli/imascope.ts + the pure core) into dist/cli/imascope.cjs, loaded
// through V8's code cache by dist/cli/imascope.mjs (src/cli/cached-entry.ts: what
// bin/imascope.js imports), and the entries of its worker threads (src/cli/digest-worker.ts,
// src/cli/parse-worker.ts, src/cli/chain-worker.ts, src/cli/policy-worker.ts) beside it. The
// CLI is one file: what only some commands need (compare, policy create, --html, --permalink) is evaluated only when
// imported, and the code cache spares compiling it (issue 14). The cache is written by running
// the CLI once on a sample list, on the model path and streamed.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: true, logLevel: 'warning' };

// Chunk names carry hashes: a fresh folder keeps old chunks from piling up.
rmSync('dist/cli', { recursive: true, force: true });
await build({
  ...common,
  entryPoints: ['src/cli/digest-worker.ts', 'src/cli/parse-worker.ts', 'src/cli/chain-worker.ts', 'src/cli/policy-worker.ts', { in: 'src/cli/cached-entry.ts', out: 'imascope' }],
  outdir: 'dist/cli',
  outExtension: { '.js': '.mjs' },
  splitting: true,
  // Chunks sit beside the entries: a worker is found as ./<entry>.mjs from its chunk.
  chunkNames: '[name]-[hash]',
  format: 'esm',
});
await build({
  ...common,
  entryPoints: ['src/cli/imascope.ts'],
  outfile: 'dist/cli/imascope.cjs',
  format: 'cjs',
  // Run by cached-entry.ts in the wrapper it gives, whose last parameter is the bundle's URL.
  define: { 'import.meta.url': 'importMetaUrl' },
  banner: { js: '"use strict";' },
});

// The sample: a binary list and its PCR files, as `analyze` is most often run.
const sample = ['public/samples/violations/binary_runtime_measurements', 'public/samples/violations/pcrs-sha1.txt', 'public/samples/violations/pcrs-sha256.txt'];
const train = `
const { main } = await import(${JSON.stringify(new URL('../dist/cli/imascope.mjs', import.meta.url).href)});
const sample = ${JSON.stringify(sample)};
await main(['analyze', ...sample]);
process.env.IMASCOPE_STREAM_MIN_BYTES = '0';
await main(['analyze', '--json', ...sample]);
`;
const trained = spawnSync(process.execPath, ['--input-type=module', '-e', train], {
  stdio: ['ignore', 'ignore', 'inherit'],
  env: { ...process.env, IMASCOPE_WRITE_COMPILE_CACHE: '1' },
});
if (trained.status !== 0) {
  process.stderr.write(`build-cli: the run that writes the compile cache exited ${trained.status}\n`);
  process.exit(1);
}
