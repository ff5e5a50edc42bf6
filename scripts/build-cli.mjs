// Bundles the Node CLI (src/cli/imascope.ts + the pure core) into dist/cli/imascope.mjs.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/cli/imascope.ts'],
  outfile: 'dist/cli/imascope.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
});
