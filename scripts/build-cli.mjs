// Bundles the Node CLI (src/cli/imascope.ts + the pure core) into dist/cli/imascope.mjs, and
// the entries of its worker threads (src/cli/digest-worker.ts, src/cli/parse-worker.ts, src/cli/chain-worker.ts) beside it. Split at the CLI's
// `import()`s: what only some commands need (compare, policy create, --html, --permalink)
// goes into chunks of its own, so `analyze` neither compiles nor evaluates it (issue 14).
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

// Chunk names carry hashes: a fresh folder keeps old chunks from piling up.
rmSync('dist/cli', { recursive: true, force: true });
await build({
  entryPoints: ['src/cli/imascope.ts', 'src/cli/digest-worker.ts', 'src/cli/parse-worker.ts', 'src/cli/chain-worker.ts'],
  outdir: 'dist/cli',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  splitting: true,
  // Chunks sit beside the entries: a worker is found as ./<entry>.mjs from its chunk.
  chunkNames: '[name]-[hash]',
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
});
