/**
 * One digest-column job as the CLI's threads share it: the log's bytes and output columns in
 * SharedArrayBuffers, the entry columns template hashing reads, and a shared counter from
 * which every thread (the main one included) claims the next chunk of entries until none is
 * left, so the threads balance themselves whatever each one's speed. `done` marks finished
 * chunks, so that the main thread can redo those of a thread that died mid-way.
 */
import type { HashAlgorithm } from '../core/hash/hash-algorithm';
import type { HashProvider } from '../core/hash/hash-provider';
import { writeTemplateDigests, type TemplateHashInput } from '../core/ima/template-digests';

/** Entries per chunk: small enough to balance two threads, large enough to amortise the claim. */
export const CHUNK_ENTRIES = 4096;

export interface DigestJob {
  /** The list's bytes (`ImaLog.data`), SharedArrayBuffer-backed. */
  readonly data: Uint8Array;
  readonly byteOrder: TemplateHashInput['byteOrder'];
  readonly templateNames: readonly string[];
  readonly entries: TemplateHashInput['entries'];
  readonly algorithms: readonly HashAlgorithm[];
  /** Per algorithm, the whole-log output column (entries × digest size), SharedArrayBuffer-backed. */
  readonly columns: readonly Uint8Array[];
  /** [0]: the next chunk to claim. Chunk k is algorithm ⌊k / chunksPerColumn⌋, entries from (k mod chunksPerColumn) × CHUNK_ENTRIES. */
  readonly next: Int32Array;
  /** Per chunk: 1 once written. */
  readonly done: Int32Array;
}

export function chunksPerColumn(entries: number): number {
  return Math.ceil(entries / CHUNK_ENTRIES);
}

/** Claims and computes chunks until every chunk has been claimed. */
export function runDigestChunks(job: DigestJob, provider: HashProvider): void {
  const total = chunksPerColumn(job.entries.length) * job.algorithms.length;
  for (let k = Atomics.add(job.next, 0, 1); k < total; k = Atomics.add(job.next, 0, 1)) computeChunk(job, provider, k);
}

/** Computes chunk `k` on this thread. */
export function computeChunk(job: DigestJob, provider: HashProvider, k: number): void {
  const log: TemplateHashInput = {
    data: job.data,
    byteOrder: job.byteOrder,
    templates: job.templateNames.map((name) => ({ name })),
    entries: job.entries,
  };
  const perColumn = chunksPerColumn(job.entries.length);
  const a = Math.floor(k / perColumn);
  const hasher = provider.get(job.algorithms[a]);
  if (hasher === undefined) throw new Error(`no ${job.algorithms[a]} hasher`);
  const start = (k % perColumn) * CHUNK_ENTRIES;
  const end = Math.min(start + CHUNK_ENTRIES, job.entries.length);
  writeTemplateDigests(log, hasher, start, end, job.columns[a], start * hasher.size);
  Atomics.store(job.done, k, 1);
}
