/**
 * The work one verification-pool worker does per message, kept free of worker globals so
 * the session can also run it in-process (Node tests, browsers without nested workers).
 *
 * - `verify`: a range of the log (sliceLogRange): set its template-hash flags with the
 *   digest column's settled bank (verifyTemplateHashRange), then compute the template-digest
 *   columns of the other banks the replay will extend, in the list's byte order with the
 *   entries that verified only in the opposite order flipped (templateDigestsFor, exactly
 *   what the analysis would compute). Answers the range's flags and those columns.
 * - `fingerprint`: the SHA-256 of the user's file, read from the Blob in small slices.
 */
import type { HashProvider } from '../core/hash/hash-provider';
import type { HashAlgorithm } from '../core/hash/hash-algorithm';
import { verifyTemplateHashRange } from '../core/ima/verify-range';
import type { ImaLog } from '../core/model/ima-log';
import { templateDigestsFor } from '../core/replay/extend-values';
import { toHex } from '../core/util/bytes';
import { readBlobChunks } from './read-blob-chunks';

/** Slices read per step when fingerprinting: hashing a slice never holds the thread long. */
const FINGERPRINT_SLICE = 4 * 1024 * 1024;

export type PoolTask =
  | {
      readonly kind: 'verify';
      /** A standalone range of the log, bank settled in `digestBank`. */
      readonly range: ImaLog;
      /** Banks whose template-digest columns to compute (list byte order). */
      readonly columns: readonly HashAlgorithm[];
    }
  | { readonly kind: 'fingerprint'; readonly file: Blob };

export type PoolResult =
  | {
      readonly kind: 'verify';
      /** The range's flags with the verification bits set (a view of the range's buffer, sent back for reuse). */
      readonly flags: Uint16Array;
      /** Per bank asked for: digests of the range's entries, concatenated; absent without a hasher. */
      readonly columns: ReadonlyArray<{ readonly bank: HashAlgorithm; readonly digests: Uint8Array }>;
    }
  | { readonly kind: 'fingerprint'; readonly sha256: string };

/** Pool messages: the page never sees them. */
export type PoolRequest = { readonly id: number; readonly task: PoolTask };
export type PoolResponse =
  | { readonly id: number; readonly result: PoolResult }
  | { readonly id: number; readonly error: string };

export async function runPoolTask(task: PoolTask, provider: HashProvider): Promise<PoolResult> {
  if (task.kind === 'fingerprint') return { kind: 'fingerprint', sha256: await fingerprint(task.file, provider) };
  const { range } = task;
  const bank = range.digestBank;
  verifyTemplateHashRange(range, bank === undefined ? undefined : provider.get(bank), 0, range.entries.length);
  const columns: Array<{ bank: HashAlgorithm; digests: Uint8Array }> = [];
  for (const alg of task.columns) {
    const digests = templateDigestsFor(range, provider, alg, range.byteOrder);
    if (digests !== undefined) columns.push({ bank: alg, digests });
  }
  return { kind: 'verify', flags: range.entries.flags, columns };
}

/** The buffers of a result, to transfer back: the range's own and the fresh digest columns. */
export function transferablesOfResult(result: PoolResult): ArrayBuffer[] {
  if (result.kind === 'fingerprint') return [];
  const out = new Set<ArrayBuffer>();
  for (const a of [result.flags, ...result.columns.map((c) => c.digests)]) {
    if (a.buffer instanceof ArrayBuffer) out.add(a.buffer);
  }
  return [...out];
}

async function fingerprint(file: Blob, provider: HashProvider): Promise<string> {
  const stream = await provider.createStream('sha256');
  if (stream === undefined) return '';
  for await (const chunk of readBlobChunks(file, FINGERPRINT_SLICE)) stream.update(chunk);
  return toHex(stream.digest());
}
