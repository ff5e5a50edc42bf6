/**
 * Starts one of the CLI's worker-thread entries: in dist/cli the bundle's sibling
 * (scripts/build-cli.mjs bundles each entry beside the CLI); from the sources (tsx, vitest)
 * the .ts file, once tsx's loader is registered in the new thread (Node 20 threads do not
 * inherit it).
 */
import { Worker } from 'node:worker_threads';

export type CliWorkerEntry = 'digest-worker' | 'parse-worker' | 'chain-worker' | 'policy-worker';

export function startCliWorker(entry: CliWorkerEntry): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL(`./${entry}.mjs`, import.meta.url));
  const source = JSON.stringify(new URL(`./${entry}.ts`, import.meta.url).href);
  const boot = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${source}); });`;
  return new Worker(boot, { eval: true });
}
