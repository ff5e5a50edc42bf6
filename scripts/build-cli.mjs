// Bundles the Node CLI (src/cli/imascope.ts + the pure core) into dist/cli/imascope.mjs, and
// the entry of its worker threads (src/cli/digest-worker.ts) beside it.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/cli/imascope.ts', 'src/cli/digest-worker.ts'],
  outdir: 'dist/cli',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
});
