/**
 * The CLI's worker threads, with IMASCOPE_THREADS=N (by default the CLI hashes on its main
 * thread with the batch kernel, which costs less CPU and memory). Hashing is most of an analysis: per entry a template digest for
 * the list's bank (to verify it) and one per other replayed bank, then one extend per bank.
 * Digest columns are independent per entry, and the banks' chains independent of each other,
 * so the pool spreads them over every core: inputs go to the workers once, in
 * SharedArrayBuffers, and all threads, the main one included, take tasks from shared flags
 * (pool-jobs.ts). What they compute reaches `analyze` through its `precomputed` seam, made by
 * the same core functions `analyze` would call, so the report cannot differ.
 *
 * The order hides the one long sequential part, a hashed bank's chain (sha256: two
 * compressions per entry). 1. All threads hash the list bank's column. 2. The workers hash
 * the other banks' columns from the last entries back, while this thread verifies the list
 * (the flags say how each entry is extended) and hands the list bank's chain (no hashing but
 * the extends) to the workers for later. 3. This thread extends each hashed bank's chain from
 * the first entry on, hashing the chunks no worker has reached, until it meets their work.
 *
 * Workers start once the files are read, and boot while they are parsed. Where a worker
 * cannot start or dies, the main thread does its share. The browser app and the tests use
 * the single-threaded core as it is.
 */
import type { Worker } from 'node:worker_threads';
import { analyze, chooseBanks } from '../core/analysis/analyze';
import type { Analysis, AnalyzeOptions, Precomputed, RawInput } from '../core/analysis/analysis-types';
import { defaultHypothesis } from '../core/analysis/check-pcrs';
import { loadInputs, type LoadedInputs } from '../core/analysis/load-inputs';
import { digestSize, type HashAlgorithm } from '../core/hash/hash-algorithm';
import type { Hasher, HashProvider } from '../core/hash/hash-provider';
import { verifyTemplateHashes } from '../core/ima/template-digests';
import type { ImaLog } from '../core/model/ima-log';
import {
  extendValuesColumn,
  extendValuesKey,
  rehashOppositeOrder,
  runningValuesKey,
  writeExtendValues,
} from '../core/replay/extend-values';
import { RunningValues } from '../core/replay/replay-chains';
import { startCliWorker } from './cli-worker';
import {
  awaitTask,
  CHUNK_ENTRIES,
  chunksPerColumn,
  digestTaskCount,
  runTask,
  runTasks,
  sharedTasks,
  taskCount,
  type ChainJob,
  type DigestInput,
  type DigestJob,
  type PoolJob,
} from './pool-jobs';

/** Input size from which workers pay: about 35,000 ima-ng entries, ~60 ms of hashing. */
const PARALLEL_MIN_BYTES = 4 * 1024 * 1024;

/** A job handed to the workers, which this thread joins through `runTasks` or `awaitTask`. */
export interface StartedJob<J extends PoolJob = PoolJob> {
  readonly job: J;
  /** One per worker given the job: resolves when it has no task left to take (or died). */
  readonly replies: ReadonlyArray<Promise<void>>;
}

export class DigestPool {
  private readonly workers: Worker[] = [];
  private readonly dead = new Set<Worker>();
  private readonly booted: Array<Promise<void>> = [];
  /** The log's bytes and entry columns as shared with the workers, made once per log. */
  private readonly inputs = new WeakMap<ImaLog, DigestInput>();

  /**
   * A pool for these inputs: workers only when the inputs are large enough to repay starting
   * them (a worker takes ~40 ms to boot, and the process waits for a booting one at exit).
   */
  static forInputs(inputs: readonly RawInput[]): DigestPool {
    const bytes = inputs.reduce((sum, input) => sum + input.bytes.length, 0);
    return new DigestPool(bytes >= PARALLEL_MIN_BYTES ? defaultThreads() : 0);
  }

  /**
   * Starts `threads` workers. Default: IMASCOPE_THREADS when set, else none. With the batch
   * kernel, one thread hashes a 200k-entry list in about 0.2 s; the workers' boot, the
   * shared copies and the whole-log columns cost more CPU and memory than the wall time they
   * save (BENCHMARKS.md), and issue 14 asks for no more CPU than one thread needs.
   */
  constructor(threads = defaultThreads()) {
    for (let i = 0; i < threads; i++) {
      try {
        const worker = startCliWorker('digest-worker');
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

  /** Workers alive: 0 means the main thread does everything. */
  get threads(): number {
    return this.workers.filter((w) => !this.dead.has(w)).length;
  }

  /**
   * For each algorithm, the template digests of every entry in the list's byte order (what
   * `computeTemplateDigests(log, hasher, 0, n)` gives), computed by all threads.
   */
  async templateDigests(
    log: ImaLog,
    algorithms: readonly HashAlgorithm[],
    provider: HashProvider,
  ): Promise<Map<HashAlgorithm, Uint8Array>> {
    const started = this.startTemplateDigests(log, algorithms, 'front');
    await this.finish(started, provider);
    return new Map(algorithms.map((alg, a) => [alg, started.job.columns[a]]));
  }

  /**
   * Hands the columns of `templateDigests` to the workers, which take chunks from `order`;
   * this thread joins in with `awaitTask` (chunk j of column a is task a × chunksPerColumn + j)
   * and `finish`.
   */
  startTemplateDigests(log: ImaLog, algorithms: readonly HashAlgorithm[], order: 'front' | 'back'): StartedJob<DigestJob> {
    const n = log.entries.length;
    return this.start({
      kind: 'digests',
      ...this.sharedInput(log),
      algorithms,
      columns: algorithms.map((alg) => this.allocate(n * digestSize(alg))),
      ...sharedTasks(digestTaskCount(n, algorithms.length), order),
    });
  }

  /** Hands `computeRunningValues` of each chain to the workers; `finish` runs what none took. */
  startRunningValues(
    pcr: Uint8Array,
    chains: ReadonlyArray<{ readonly algorithm: HashAlgorithm; readonly values: Uint8Array }>,
  ): StartedJob<ChainJob> {
    const shared = this.shareable();
    return this.start({
      kind: 'chains',
      pcr: shared(pcr, pcr.length),
      chains: chains.map((c) => ({
        algorithm: c.algorithm,
        values: shared(c.values, c.values.length),
        running: this.allocate(c.values.length),
      })),
      ...sharedTasks(chains.length),
    });
  }

  /** Runs the tasks no thread has taken yet on this one; returns when all are done. */
  async finish({ job, replies }: StartedJob, provider: HashProvider): Promise<void> {
    const total = taskCount(job);
    runTasks(job, provider);
    // Every task is taken: wait only for tasks still running elsewhere (a worker still
    // booting has taken none), then redo any whose worker died with it.
    if (!allDone(job.done, total)) await Promise.all(replies);
    for (let k = 0; k < total; k++) if (Atomics.load(job.done, k) === 0) runTask(job, provider, k);
  }

  /** Ends the workers (they never keep the process alive; this frees them sooner). */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private start<J extends PoolJob>(job: J): StartedJob<J> {
    const replies = this.workers
      .filter((w) => !this.dead.has(w))
      .map((w) => {
        const replied = this.reply(w, job.id);
        w.postMessage(job);
        return replied;
      });
    return { job, replies };
  }

  private sharedInput(log: ImaLog): DigestInput {
    let input = this.inputs.get(log);
    if (input === undefined) {
      const shared = this.shareable();
      const n = log.entries.length;
      const e = log.entries;
      input = {
        data: shared(log.data, log.data.length),
        byteOrder: log.byteOrder,
        templateNames: log.templates.map((t) => t.name),
        digestSize: log.digestSize,
        entries: {
          length: n,
          template: shared(e.template, n),
          entryOffset: shared(e.entryOffset, n),
          entrySize: shared(e.entrySize, n),
          fileDigestOffset: shared(e.fileDigestOffset, n),
          fileDigestLength: shared(e.fileDigestLength, n),
          nameOffset: shared(e.nameOffset, n),
          nameLength: shared(e.nameLength, n),
        },
      };
      this.inputs.set(log, input);
    }
    return input;
  }

  /** An output array the workers can write: shared when there are any. */
  private allocate(bytes: number): Uint8Array {
    return new Uint8Array(this.threads > 0 ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  }

  /** Puts arrays in SharedArrayBuffers for the workers; with none alive, leaves them as they are. */
  private shareable(): <T extends TypedArray>(a: T, n: number) => T {
    return this.threads > 0 ? toShared : (a, n) => (a.length === n ? a : (a.subarray(0, n) as typeof a));
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
 * The hashing `analyze` would do, done on all threads in the order of the file comment, with
 * the core's own functions: verification (a comparison of columns), and for every bank to
 * replay under the default hypothesis its digest column as the kernel computed it, its extend
 * values and its running values. Undefined without an IMA list.
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
  const listBank = log.digestBank !== undefined && provider.get(log.digestBank) !== undefined ? log.digestBank : undefined;
  const hashedBanks = banks.filter((bank) => bank !== listBank);
  const hypothesis = defaultHypothesis(log);
  const columns = new Map<string, Uint8Array>();

  // 1. The list bank's column, to verify against (whose bank hashing may yet settle as sm3).
  const listColumn = listBank === undefined ? undefined : (await pool.templateDigests(log, [listBank], provider)).get(listBank);
  // 2. The other banks' columns go to the workers, from the back, while this thread verifies.
  const hashed = pool.startTemplateDigests(log, hashedBanks, 'back');
  const templateHashes = verifyTemplateHashes(log, provider, (bank) => (bank === listBank ? listColumn : undefined));
  const recordedBanks = banks.filter((bank) => bank === log.digestBank);
  const recorded = recordedBanks.flatMap((bank) => {
    const values = extendValuesColumn(log, provider, bank, hypothesis);
    return values === undefined ? [] : [{ algorithm: bank, values }];
  });
  const recordedChains = pool.startRunningValues(log.entries.pcr, recorded);
  // 3. Each hashed bank's chain, from the first entry on, as its chunks are ready. (A bank
  // that verification found to be the list's after all extends its recorded digests: it is
  // left to `analyze`.)
  hashedBanks.forEach((bank, a) => {
    if (bank === log.digestBank) return;
    const column = hashed.job.columns[a];
    const hasher = hasherOf(provider, bank);
    const running = new Uint8Array(column.length);
    const chain = new RunningValues(log.entries.pcr, hasher);
    const chunks = chunksPerColumn(log.entries.length);
    for (let j = 0; j < chunks; j++) {
      awaitTask(hashed.job, provider, a * chunks + j);
      const start = j * CHUNK_ENTRIES;
      const end = Math.min(start + CHUNK_ENTRIES, log.entries.length);
      rehashOppositeOrder(log, hasher, column, start, end);
      // The digests become the extend values in place (violations patched).
      const chunk = column.subarray(start * hasher.size, end * hasher.size);
      writeExtendValues(log, bank, hypothesis, chunk, start, end, chunk);
      chain.extend(column, start, end, running);
    }
    columns.set(extendValuesKey(bank, hypothesis), column);
    columns.set(runningValuesKey(bank, hypothesis), running);
  });
  await pool.finish(hashed, provider);
  await pool.finish(recordedChains, provider);
  for (const c of recordedChains.job.chains) columns.set(runningValuesKey(c.algorithm, hypothesis), c.running);

  return { templateHashes, extendColumns: columns };
}

/**
 * `analyzeRaw` with the hashing spread over the pool's threads. With no worker, `analyze`
 * itself hashes block by block: nothing is gained by whole-log columns on one thread, and
 * they are most of the memory.
 */
export async function analyzeInParallel(
  raw: readonly RawInput[],
  options: AnalyzeOptions,
  provider: HashProvider,
  pool: DigestPool,
): Promise<Analysis> {
  const loaded = await loadInputs(raw, provider);
  if (pool.threads === 0) return analyze(loaded, options, provider);
  const precomputed = await precomputeInParallel(pool, loaded, options, provider);
  // Made for the longest list (loaded.log): another of its bank is verified by analyze itself.
  return analyze(loaded, { ...options, precomputed: (log) => (log === loaded.log?.log ? precomputed : undefined) }, provider);
}

/** IMASCOPE_THREADS when set to a whole number. */
function threadsAsked(): number | undefined {
  const asked = Number.parseInt(process.env.IMASCOPE_THREADS ?? '', 10);
  return Number.isInteger(asked) && asked >= 0 ? asked : undefined;
}

/** The pool's worker threads for the model path, asked for with IMASCOPE_THREADS=N (default none). */
export function defaultThreads(): number {
  return threadsAsked() ?? 0;
}

/**
 * Whether a streamed list gets its bank thread (bank-thread.ts): by default it does;
 * IMASCOPE_THREADS=0 keeps everything on the main thread.
 */
export function bankThreadWanted(): boolean {
  return threadsAsked() !== 0;
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
