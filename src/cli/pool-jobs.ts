/**
 * The jobs the CLI's threads share (parallel-digests.ts). A job lives in SharedArrayBuffers:
 * its inputs, its outputs, and per task a `claimed` flag, which every thread (the main one
 * included) sets atomically before running the task, so threads balance themselves whatever
 * each one's speed, and a `done` flag, so that a thread can wait for a task another one runs
 * and the main thread can redo those of a thread that died. Threads take tasks in the job's
 * `order`; from the back, they leave the front to a thread that needs it first (a chain).
 *
 * - digests: template-digest columns, one task per chunk of CHUNK_ENTRIES entries and
 *   algorithm, in the list's byte order (`writeTemplateDigests`).
 * - chains: running values (`computeRunningValues`), one task per chain: a chain is
 *   sequential, so two chains are what two threads can share.
 */
import type { HashAlgorithm } from '../core/hash/hash-algorithm';
import type { Hasher, HashProvider } from '../core/hash/hash-provider';
import { writeTemplateDigests, type TemplateHashInput } from '../core/ima/template-digests';
import { computeRunningValues } from '../core/replay/replay-chains';

/** Entries per digest task: small enough to balance threads, large enough to amortise a claim. */
export const CHUNK_ENTRIES = 4096;

interface SharedTasks {
  /** Told back by a worker when it has no task left to claim. */
  readonly id: number;
  readonly order: 'front' | 'back';
  /** Per task: 1 once a thread has taken it. */
  readonly claimed: Int32Array;
  /** Per task: 1 once its output is written. */
  readonly done: Int32Array;
}

/** What template hashing reads of a log, as shared with the workers. */
export interface DigestInput {
  /** The list's bytes (`ImaLog.data`). */
  readonly data: Uint8Array;
  readonly byteOrder: TemplateHashInput['byteOrder'];
  readonly templateNames: readonly string[];
  readonly digestSize: number;
  readonly entries: TemplateHashInput['entries'];
}

export interface DigestJob extends SharedTasks, DigestInput {
  readonly kind: 'digests';
  readonly algorithms: readonly HashAlgorithm[];
  /** Per algorithm, the whole-log output column (entries × digest size). */
  readonly columns: readonly Uint8Array[];
}

export interface ChainJob extends SharedTasks {
  readonly kind: 'chains';
  /** The log's PCR column. */
  readonly pcr: Uint8Array;
  readonly chains: ReadonlyArray<{
    readonly algorithm: HashAlgorithm;
    readonly values: Uint8Array;
    /** Output: entries × digest size. */
    readonly running: Uint8Array;
  }>;
}

export type PoolJob = DigestJob | ChainJob;

export function taskCount(job: PoolJob): number {
  if (job.kind === 'chains') return job.chains.length;
  return digestTaskCount(job.entries.length, job.algorithms.length);
}

export function digestTaskCount(entries: number, algorithms: number): number {
  return chunksPerColumn(entries) * algorithms;
}

/** Digest tasks per algorithm: task a × chunksPerColumn + j is chunk j of algorithm a. */
export function chunksPerColumn(entries: number): number {
  return Math.ceil(entries / CHUNK_ENTRIES);
}

/**
 * How long a thread waits for a task another one took before running it itself: far longer
 * than a task takes, so only when that thread died.
 */
const GIVE_UP_WAITING_MS = 2000;

let lastId = 0;

/** A fresh id and shared flags for a job of `tasks` tasks. */
export function sharedTasks(tasks: number, order: 'front' | 'back' = 'front'): SharedTasks {
  const flags = (): Int32Array => new Int32Array(new SharedArrayBuffer(4 * Math.max(1, tasks)));
  return { id: ++lastId, order, claimed: flags(), done: flags() };
}

/** Takes and runs, in the job's order, every task no thread has taken yet. */
export function runTasks(job: PoolJob, provider: HashProvider): void {
  const total = taskCount(job);
  for (let j = 0; j < total; j++) {
    const k = job.order === 'front' ? j : total - 1 - j;
    if (Atomics.compareExchange(job.claimed, k, 0, 1) === 0) runTask(job, provider, k);
  }
}

/** Task `k`'s output, ready: run here if no thread took it, else waited for. */
export function awaitTask(job: PoolJob, provider: HashProvider, k: number): void {
  if (Atomics.compareExchange(job.claimed, k, 0, 1) === 0) {
    runTask(job, provider, k);
    return;
  }
  const since = Date.now();
  while (Atomics.load(job.done, k) === 0) {
    Atomics.wait(job.done, k, 0, 50);
    if (Date.now() - since > GIVE_UP_WAITING_MS) runTask(job, provider, k); // same bytes as the taker's
  }
}

/** Runs task `k` on this thread (whether or not it is claimed). */
export function runTask(job: PoolJob, provider: HashProvider, k: number): void {
  if (job.kind === 'chains') {
    const chain = job.chains[k];
    computeRunningValues(job.pcr, hasherFor(provider, chain.algorithm), chain.values, chain.running);
  } else {
    const perColumn = chunksPerColumn(job.entries.length);
    const a = Math.floor(k / perColumn);
    const hasher = hasherFor(provider, job.algorithms[a]);
    const start = (k % perColumn) * CHUNK_ENTRIES;
    const end = Math.min(start + CHUNK_ENTRIES, job.entries.length);
    const log: TemplateHashInput = {
      data: job.data,
      byteOrder: job.byteOrder,
      templates: job.templateNames.map((name) => ({ name })),
      digestSize: job.digestSize,
      entries: job.entries,
    };
    writeTemplateDigests(log, hasher, start, end, job.columns[a], start * hasher.size);
  }
  Atomics.store(job.done, k, 1);
  Atomics.notify(job.done, k);
}

/**
 * Runs the task code on made-up entries, so that a fresh thread's JIT and WebAssembly tiers
 * have optimised it before real work arrives: a worker does this while the main thread
 * parses, when its core is idle anyway. Cold, a thread hashes ~1.5× slower.
 */
export function warmUp(
  provider: HashProvider,
  algorithms: readonly HashAlgorithm[] = ['sha1', 'sha256'],
): void {
  const n = 2 * CHUNK_ENTRIES;
  // ima-ng entries of a SHA-1 list: 38 header bytes (pcr, digest, name "ima-ng", L), 100 of data.
  const size = 138;
  const data = new Uint8Array(n * size);
  for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) >>> 24;
  const entryOffset = new Uint32Array(n);
  for (let i = 0; i < n; i++) entryOffset[i] = i * size;
  const digests: DigestJob = {
    kind: 'digests',
    data,
    byteOrder: 'little',
    templateNames: ['ima-ng'],
    digestSize: 20,
    entries: {
      length: n,
      template: new Uint16Array(n),
      entryOffset,
      entrySize: new Uint32Array(n).fill(size),
      fileDigestOffset: new Uint32Array(n),
      fileDigestLength: new Uint16Array(n),
      nameOffset: new Uint32Array(n),
      nameLength: new Uint32Array(n),
    },
    algorithms,
    columns: algorithms.map((alg) => new Uint8Array(n * (provider.get(alg)?.size ?? 0))),
    ...sharedTasks(digestTaskCount(n, algorithms.length)),
  };
  runTasks(digests, provider);
  const chains: ChainJob = {
    kind: 'chains',
    pcr: new Uint8Array(n).fill(10),
    chains: digests.columns.map((values, a) => ({
      algorithm: algorithms[a],
      values,
      running: new Uint8Array(values.length),
    })),
    ...sharedTasks(algorithms.length),
  };
  runTasks(chains, provider);
}

function hasherFor(provider: HashProvider, alg: HashAlgorithm): Hasher {
  const hasher = provider.get(alg);
  if (hasher === undefined) throw new Error(`no ${alg} hasher`);
  return hasher;
}
