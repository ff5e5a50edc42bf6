/**
 * The CLI's worker threads. Hashing is most of an analysis: per entry a template digest for
 * the list's bank (to verify it) and one per other replayed bank, then one extend per bank.
 * Digest columns are independent per entry, and the banks' chains independent of each other,
 * so the pool spreads both over every core: inputs go to the workers once, in
 * SharedArrayBuffers, and all threads, the main one included, claim tasks from a shared
 * counter (pool-jobs.ts). What they compute reaches `analyze` through its `precomputed` seam,
 * computed by the same core functions `analyze` would call, so the report cannot differ.
 *
 * Workers start once the files are read, and boot while they are parsed. Where a worker
 * cannot start or dies, the main thread does its share. The browser app and the tests use
 * the single-threaded core as it is.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { analyze, chooseBanks } from '../core/analysis/analyze';
import type { Analysis, AnalyzeOptions, Precomputed, RawInput } from '../core/analysis/analysis-types';
import { defaultHypothesis } from '../core/analysis/check-pcrs';
import { loadInputs, type LoadedInputs } from '../core/analysis/load-inputs';
import { digestSize, type HashAlgorithm } from '../core/hash/hash-algorithm';
import type { Hasher, HashProvider } from '../core/hash/hash-provider';
import { verifyTemplateHashes } from '../core/ima/template-digests';
import type { ImaLog } from '../core/model/ima-log';
import { computeRunningValues } from '../core/replay/replay-chains';
import {
  computeExtendValues,
  digestColumnKey,
  kernelDigestsFromListOrder,
  runningValuesKey,
} from '../core/replay/extend-values';
import { digestTaskCount, runTask, runTasks, sharedTasks, taskCount, type PoolJob } from './pool-jobs';

/** Input size from which workers pay: about 35,000 ima-ng entries, ~60 ms of hashing. */
const PARALLEL_MIN_BYTES = 4 * 1024 * 1024;

/**
 * A worker on digest-worker: in dist/cli the bundle's sibling; from the sources (tsx, vitest)
 * the .ts file, once tsx's loader is registered in the new thread (Node 20 threads do not
 * inherit it).
 */
function startWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./digest-worker.mjs', import.meta.url));
  const entry = JSON.stringify(new URL('./digest-worker.ts', import.meta.url).href);
  const boot = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${entry}); });`;
  return new Worker(boot, { eval: true });
}

export class DigestPool {
  private readonly workers: Worker[] = [];
  private readonly dead = new Set<Worker>();
  private readonly booted: Array<Promise<void>> = [];

  /**
   * A pool for these inputs: workers only when the inputs are large enough to repay starting
   * them (a worker takes ~40 ms to boot, and the process waits for a booting one at exit).
   */
  static forInputs(inputs: readonly RawInput[]): DigestPool {
    const bytes = inputs.reduce((sum, input) => sum + input.bytes.length, 0);
    return new DigestPool(bytes >= PARALLEL_MIN_BYTES ? defaultThreads() : 0);
  }

  /**
   * Starts `threads` workers. Default: IMASCOPE_THREADS when set (0: all on the main thread;
   * benchmarks compare with it), else one per core besides the main thread's.
   */
  constructor(threads = defaultThreads()) {
    for (let i = 0; i < threads; i++) {
      try {
        const worker = startWorker();
        worker.unref(); // never keeps the CLI alive
        worker.on('error', () => this.dead.add(worker));
        worker.on('exit', () => this.dead.add(worker));
        this.booted.push(this.reply(worker, 'ready'));
        this.workers.push(worker);
      } catch {
        break; // no threads here: the main thread does everything
      }
    }
  }

  /** Resolves when every worker can hash (or has died). Jobs need not wait for it. */
  async ready(): Promise<void> {
    await Promise.all(this.booted);
  }

  /**
   * For each algorithm, the template digests of every entry in the list's byte order (what
   * `computeTemplateDigests(log, hasher, 0, n)` gives).
   */
  async templateDigests(
    log: ImaLog,
    algorithms: readonly HashAlgorithm[],
    provider: HashProvider,
  ): Promise<Map<HashAlgorithm, Uint8Array>> {
    const n = log.entries.length;
    const e = log.entries;
    const shared = this.shareable();
    const columns = algorithms.map((alg) => this.allocate(n * digestSize(alg)));
    await this.share(
      {
        kind: 'digests',
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
        columns,
        ...sharedTasks(digestTaskCount(n, algorithms.length)),
      },
      provider,
    );
    return new Map(algorithms.map((alg, a) => [alg, columns[a]]));
  }

  /**
   * Starts `computeRunningValues` of each chain on the workers, the chains spread over them;
   * `finish` runs on this thread what no worker took and returns the columns, in order.
   */
  startRunningValues(
    pcr: Uint8Array,
    chains: ReadonlyArray<{ readonly algorithm: HashAlgorithm; readonly values: Uint8Array }>,
  ): { finish(provider: HashProvider): Promise<Uint8Array[]> } {
    const shared = this.shareable();
    const job: PoolJob = {
      kind: 'chains',
      pcr: shared(pcr, pcr.length),
      chains: chains.map((c) => ({
        algorithm: c.algorithm,
        values: shared(c.values, c.values.length),
        running: this.allocate(c.values.length),
      })),
      ...sharedTasks(chains.length),
    };
    const started = this.start(job);
    return {
      finish: async (provider) => {
        await this.finish(started, provider);
        return job.chains.map((c) => c.running);
      },
    };
  }

  /** Workers alive: 0 means the main thread does everything. */
  get threads(): number {
    return this.workers.filter((w) => !this.dead.has(w)).length;
  }

  /** Ends the workers (they never keep the process alive; this frees them sooner). */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  /** An output array the workers can write: shared when there are any. */
  private allocate(bytes: number): Uint8Array {
    return new Uint8Array(this.threads > 0 ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  }

  /** Puts arrays in SharedArrayBuffers for the workers; with none alive, leaves them as they are. */
  private shareable(): <T extends TypedArray>(a: T, n: number) => T {
    return this.threads > 0 ? toShared : (a, n) => (a.length === n ? a : (a.subarray(0, n) as typeof a));
  }

  /** Runs every task of `job` on all threads; returns when all are done. */
  private async share(job: PoolJob, provider: HashProvider): Promise<void> {
    await this.finish(this.start(job), provider);
  }

  /** Hands `job` to every live worker. */
  private start(job: PoolJob): StartedJob {
    const replies = this.workers
      .filter((w) => !this.dead.has(w))
      .map((w) => {
        const replied = this.reply(w, job.id);
        w.postMessage(job);
        return replied;
      });
    return { job, replies };
  }

  /** Runs the tasks no thread has claimed yet on this one; returns when all are done. */
  private async finish({ job, replies }: StartedJob, provider: HashProvider): Promise<void> {
    const total = taskCount(job);
    runTasks(job, provider);
    // Every task is claimed: wait only for tasks still running elsewhere (a worker still
    // booting has claimed none), then redo any whose worker died with it.
    if (!allDone(job.done, total)) await Promise.all(replies);
    for (let k = 0; k < total; k++) if (Atomics.load(job.done, k) === 0) runTask(job, provider, k);
  }

  /** Resolves when `worker` posts `message`, errs or exits. */
  private reply(worker: Worker, message: unknown): Promise<void> {
    return new Promise((resolve) => {
      const onMessage = (m: unknown): void => {
        if (m === message) settle();
      };
      const settle = (): void => {
        worker.off('message', onMessage).off('error', settle).off('exit', settle);
        resolve();
      };
      worker.on('message', onMessage).on('error', settle).on('exit', settle);
    });
  }
}

/**
 * The hashing `analyze` would do, done on all threads with the core's own functions: template
 * digests of the list's bank and of every bank to replay, verification (then a comparison of
 * columns), the replay columns as the kernel computed them, and the running values of each
 * bank's chain under the default hypothesis. Undefined without an IMA list.
 */
export async function precomputeInParallel(
  pool: DigestPool,
  loaded: LoadedInputs,
  options: AnalyzeOptions,
  provider: HashProvider,
): Promise<Precomputed | undefined> {
  const log = loaded.log?.log;
  if (log === undefined || log.entries.length === 0) return undefined;
  const banks = chooseBanks(loaded, options).filter((bank) => provider.get(bank) !== undefined);
  const wanted = new Set<HashAlgorithm>(banks);
  if (log.digestBank !== undefined && provider.get(log.digestBank) !== undefined) wanted.add(log.digestBank);
  const columns = await pool.templateDigests(log, [...wanted], provider);
  const templateHashes = verifyTemplateHashes(log, provider, (bank) => columns.get(bank));

  const digestColumns = new Map<string, Uint8Array | undefined>();
  const hypothesis = defaultHypothesis(log);
  const valuesOf = (extended: readonly HashAlgorithm[]): Array<{ algorithm: HashAlgorithm; values: Uint8Array }> =>
    extended.flatMap((bank) => {
      const column = columns.get(bank);
      if (column !== undefined) {
        const kernel = kernelDigestsFromListOrder(log, provider, bank, column);
        digestColumns.set(digestColumnKey(bank, log.byteOrder), kernel);
      }
      const extend = computeExtendValues(log, provider, bank, hypothesis, digestColumns);
      return extend === undefined ? [] : [{ algorithm: bank, values: extend.values }];
    });
  // The banks whose digests were hashed make the longest chains: they go to the workers first,
  // while this thread prepares the list bank's (its recorded digests) and extends it.
  const hashed = valuesOf(banks.filter((bank) => bank !== log.digestBank));
  const started = pool.startRunningValues(log.entries.pcr, hashed);
  const recorded = valuesOf(banks.filter((bank) => bank === log.digestBank));
  const chains = [...recorded, ...hashed];
  const running: Uint8Array[] = recorded.map((c) => {
    const out = new Uint8Array(c.values.length);
    computeRunningValues(log.entries.pcr, hasherOf(provider, c.algorithm), c.values, out);
    return out;
  });
  running.push(...(await started.finish(provider)));
  chains.forEach((c, i) => digestColumns.set(runningValuesKey(c.algorithm, hypothesis), running[i]));

  const complete = new Map<string, Uint8Array>();
  for (const [key, column] of digestColumns) if (column !== undefined) complete.set(key, column);
  return { templateHashes, digestColumns: complete };
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

function defaultThreads(): number {
  const asked = Number.parseInt(process.env.IMASCOPE_THREADS ?? '', 10);
  return Number.isInteger(asked) && asked >= 0 ? asked : availableParallelism() - 1;
}

interface StartedJob {
  readonly job: PoolJob;
  /** One per worker given the job: resolves when it has no task left to claim (or died). */
  readonly replies: ReadonlyArray<Promise<void>>;
}

function hasherOf(provider: HashProvider, alg: HashAlgorithm): Hasher {
  const hasher = provider.get(alg);
  if (hasher === undefined) throw new Error(`no ${alg} hasher`);
  return hasher;
}

type TypedArray = Uint8Array | Uint16Array | Uint32Array | Float64Array;

/** The first `n` elements of `a` in a SharedArrayBuffer (`a` itself when it already is one). */
function toShared<T extends TypedArray>(a: T, n: number): T {
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
