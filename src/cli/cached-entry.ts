/**
 * dist/cli/imascope.mjs, what bin/imascope.js imports: loads the CLI (src/cli/imascope.ts,
 * bundled as one CommonJS file beside it) through V8's code cache (issue 14). Compiling the
 * bundle's JavaScript is a fixed part of every run, ~40 ms of CPU, more than the rest of
 * `analyze` on a small list; Node 22 caches it for ES modules (module.enableCompileCache), but
 * Node 20 only for scripts, through `vm.Script`'s cachedData. `npm run build` runs the CLI once
 * on a sample list with IMASCOPE_WRITE_COMPILE_CACHE set (scripts/build-cli.mjs), which writes
 * the cache of every function that run compiled; a cache V8 refuses (another Node, other V8
 * flags) or a missing one only means the bundle is compiled as without it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Script } from 'node:vm';
import { openCache, sealCache, sourceDigestOf } from './compile-cache';

type Main = (argv: readonly string[]) => Promise<number>;

const bundle = fileURLToPath(new URL('./imascope.cjs', import.meta.url));
const cacheFile = `${bundle}.v8-cache`;

const source = readFileSync(bundle);
// Ties the cache to this bundle's content (compile-cache.ts): ~2 ms of a run.
const sourceDigest = sourceDigestOf(source);

function readCache(): Buffer | undefined {
  try {
    return openCache(readFileSync(cacheFile), sourceDigest);
  } catch {
    return undefined;
  }
}

// The CommonJS wrapper Node gives a module, with the bundle's import.meta.url (scripts/build-cli.mjs).
const script = new Script(`(function (exports, require, module, __filename, __dirname, importMetaUrl) {${source.toString('utf8')}\n})`, {
  filename: bundle,
  cachedData: readCache(),
});
const cjs: { exports: { main?: Main } } = { exports: {} };
(script.runInThisContext() as (...args: unknown[]) => void)(
  cjs.exports,
  createRequire(bundle),
  cjs,
  bundle,
  fileURLToPath(new URL('.', import.meta.url)),
  pathToFileURL(bundle).href,
);
const loaded = cjs.exports.main;
if (loaded === undefined) throw new Error(`${bundle} exports no main`);
const bundledMain: Main = loaded;

export async function main(argv: readonly string[]): Promise<number> {
  const status = await bundledMain(argv);
  if (process.env.IMASCOPE_WRITE_COMPILE_CACHE === '1') writeFileSync(cacheFile, sealCache(sourceDigest, script.createCachedData()));
  return status;
}

// Run when executed directly (node dist/cli/imascope.mjs …), as the bundle ran before it was wrapped.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
