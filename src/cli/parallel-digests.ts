/**
 * The CLI's worker threads. Hashing every entry's template data is most of an analysis: per
 * entry a digest for the list's bank (to verify it) and one per other replayed bank. Those
 * columns are independent per entry, so the pool computes them on every core: the log's bytes
 * go to the workers once, in a SharedArrayBuffer, and all threads, the main one included,
 * claim chunks of entries from a shared counter (digest-job.ts). The main thread then only
 * compares (verification) and extends (replay), through the core's `precomputed` seam.
 *
 * Workers start with the CLI, so they boot while the files are read and parsed. Where a
 * worker cannot start or dies, the main thread does its share: the result never depends on
 * the threads. The browser app and the tests use the single-threaded core as it is.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { analyze, chooseBanks } from '../core/analysis/analyze';
import type { Analysis, AnalyzeOptions, Precomputed, RawInput } from '../core/analysis/analysis-types';
import { loadInputs, type LoadedInputs } from '../core/analysis/load-inputs';
import { digestSize, type HashAlgorithm } from '../core/hash/hash-algorithm';
import type { HashProvider } from '../core/hash/hash-provider';
import { verifyTemplateHashes } from '../core/ima/template-digests';
import type { ImaLog } from '../core/model/ima-log';
import { digestColumnKey, kernelDigestsFromListOrder } from '../core/replay/extend-values';
import { chunksPerColumn, computeChunk, runDigestChunks, type DigestJob } from './digest-job';

/** Under tsx the sources run as they are; in dist/cli the bundle's sibling. */
const WORKER_URL = new URL(import.meta.url.endsWith('.ts') ? './digest-worker.ts' : './digest-worker.mjs', import.meta.url);

export class DigestPool {
  private readonly workers: Worker[] = [];
  private readonly dead = new Set<Worker>();

  /** Starts `threads` workers (default: one per core besides the main thread's). */
  constructor(threads = availableParallelism() - 1) {
    for (let i = 0; i < threads; i++) {
      try {
        const worker = new Worker(WORKER_URL);
        worker.unref(); // never keeps the CLI alive
        worker.on('error', () => this.dead.add(worker));
        worker.on('exit', () => this.dead.add(worker));
        this.workers.push(worker);
      } catch {
        break; // no threads here: the main thread does everything
      }
    }
  }

  /**
   * For each algorithm, the template digests of every entry in the list's byte order (as
   * `computeTemplateDigests(log, hasher, 0, n)` gives them), each column SharedArrayBuffer-backed.
   */
  async templateDigests(
    log: ImaLog,
    algorithms: readonly HashAlgorithm[],
    provider: HashProvider,
  ): Promise<Map<HashAlgorithm, Uint8Array>> {
    const n = log.entries.length;
    const total = chunksPerColumn(n) * algorithms.length;
    const e = log.entries;
    const job: DigestJob = {
      data: shared(log.data, log.data.length),
      byteOrder: log.byteOrder,
      templateNames: log.templates.map((t) => t.name),
      entries: {
        length: n,
        template: shared(e.template, n),
        templateDataOffset: shared(e.templateDataOffset, n),
        templateDataSize: shared(e.templateDataSize, n),
        fileDigestOffset: shared(e.fileDigestOffset, n),
        fileDigestLength: shared(e.fileDigestLength, n),
        nameOffset: shared(e.nameOffset, n),
        nameLength: shared(e.nameLength, n),
      },
      algorithms,
      columns: algorithms.map((alg) => new Uint8Array(new SharedArrayBuffer(n * digestSize(alg)))),
      next: new Int32Array(new SharedArrayBuffer(4)),
      done: new Int32Array(new SharedArrayBuffer(4 * Math.max(1, total))),
    };
    const live = this.workers.filter((w) => !this.dead.has(w));
    const finished = live.map((w) => this.run(w, job));
    runDigestChunks(job, provider);
    // Every chunk is claimed; wait only for chunks still being computed elsewhere (a worker
    // still booting has claimed none), then redo any whose worker died with it.
    if (!allDone(job.done, total)) await Promise.all(finished);
    for (let k = 0; k < total; k++) if (Atomics.load(job.done, k) === 0) computeChunk(job, provider, k);
    return new Map(algorithms.map((alg, a) => [alg, job.columns[a]]));
  }

  /** Ends the workers (they never keep the process alive; this frees them sooner). */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private run(worker: Worker, job: DigestJob): Promise<void> {
    return new Promise((resolve) => {
      const settle = (): void => {
        worker.off('message', settle).off('error', settle).off('exit', settle);
        resolve();
      };
      worker.on('message', settle).on('error', settle).on('exit', settle);
      worker.postMessage(job);
    });
  }
}

/**
 * The work `analyze` would do first, done on all threads: template digests of the list's bank
 * and of every bank to replay, then verification (a comparison of columns) and the replay
 * columns as the kernel computed them. Undefined without an IMA list.
 */
export async function precomputeInParallel(
  pool: DigestPool,
  loaded: LoadedInputs,
  options: AnalyzeOptions,
  provider: HashProvider,
): Promise<Precomputed | undefined> {
  const log = loaded.log?.log;
  if (log === undefined || log.entries.length === 0) return undefined;
  const wanted = new Set<HashAlgorithm>(chooseBanks(loaded, options));
  if (log.digestBank !== undefined) wanted.add(log.digestBank);
  const algorithms = [...wanted].filter((alg) => provider.get(alg) !== undefined);
  const columns = await pool.templateDigests(log, algorithms, provider);
  const templateHashes = verifyTemplateHashes(log, provider, (bank) => columns.get(bank));
  const digestColumns = new Map<string, Uint8Array>();
  for (const [alg, column] of columns) {
    const kernel = kernelDigestsFromListOrder(log, provider, alg, column);
    if (kernel !== undefined) digestColumns.set(digestColumnKey(alg, log.byteOrder), kernel);
  }
  return { templateHashes, digestColumns };
}

/** `analyzeRaw` with the hashing spread over the pool's threads. */
export async function analyzeInParallel(
  raw: readonly RawInput[],
  options: AnalyzeOptions,
  provider: HashProvider,
  pool: DigestPool,
): Promise<Analysis> {
  const loaded = await loadInputs(raw, provider);
  const precomputed = await precomputeInParallel(pool, loaded, options, provider);
  return analyze(loaded, { ...options, precomputed }, provider);
}

type TypedArray = Uint8Array | Uint16Array | Uint32Array | Float64Array;

/** The first `n` elements of `a` in a SharedArrayBuffer (`a` itself when it already is one). */
function shared<T extends TypedArray>(a: T, n: number): T {
  if (a.buffer instanceof SharedArrayBuffer && a.length === n) return a;
  const bytes = n * a.BYTES_PER_ELEMENT;
  const buffer = new SharedArrayBuffer(bytes);
  new Uint8Array(buffer).set(new Uint8Array(a.buffer, a.byteOffset, bytes));
  return new (a.constructor as new (buffer: SharedArrayBuffer) => T)(buffer);
}

function allDone(done: Int32Array, total: number): boolean {
  for (let k = 0; k < total; k++) if (Atomics.load(done, k) === 0) return false;
  return true;
}
