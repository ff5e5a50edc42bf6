#!/usr/bin/env node
// The CLI is bundled by `npm run build` into dist/cli; this launcher only loads it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bundle = new URL('../dist/cli/imascope.mjs', import.meta.url);
if (!existsSync(fileURLToPath(bundle))) {
  process.stderr.write('imascope: the CLI is not built yet; run `npm run build` first.\n');
  process.exit(2);
}
const { main } = await import(bundle.href);
process.exitCode = await main(process.argv.slice(2));
