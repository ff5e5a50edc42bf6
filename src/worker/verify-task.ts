/**
 * The work one verification-pool worker does per message, kept free of worker globals so
 * the session can also run it in-process (Node tests, browsers without nested workers).
 *
 * - `verify`: a range of the log (sliceLogRange): set its template-hash flags with the
 *   digest column's settled bank (verifyTemplateHashRange). Answers the range's flags.
 *   (Extend values are not made here: the replay makes them block by block as it goes, so
 *   a million entries' worth never sits in memory.)
 * - `fingerprint`: the SHA-256 of the user's file, read from the Blob in small slices.
 */
import type { HashProvider } from '../core/hash/hash-provider';
import { verifyTemplateHashRange } from '../core/ima/verify-range';
import { memoryByteSource } from '../core/model/byte-source';
import type { ImaLog } from '../core/model/ima-log';
import { toHex } from '../core/util/bytes';
import { readBlobChunks } from './read-blob-chunks';

/** Slices read per step when fingerprinting: hashing a slice never holds the thread long. */
const FINGERPRINT_SLICE = 4 * 1024 * 1024;

export type PoolTask =
  | {
      readonly kind: 'verify';
      /** A standalone range of the log, bank settled in `digestBank`. */
      readonly range: ImaLog;
    }
  | { readonly kind: 'fingerprint'; readonly file: Blob };

export type PoolResult =
  | {
      readonly kind: 'verify';
      /** The range's flags, verification bits set (a view of the range's buffer, sent back). */
      readonly flags: Uint16Array;
    }
  | { readonly kind: 'fingerprint'; readonly sha256: string };

/** Pool messages: the page never sees them. */
export type PoolRequest = { readonly id: number; readonly task: PoolTask };
export type PoolResponse =
  | { readonly id: number; readonly result: PoolResult }
  | { readonly id: number; readonly error: string };

export async function runPoolTask(task: PoolTask, provider: HashProvider): Promise<PoolResult> {
  if (task.kind === 'fingerprint') {
    return { kind: 'fingerprint', sha256: await fingerprint(task.file, provider) };
  }
  // A cloned range has lost its source's method (see memoryByteSource): read its data in place.
  const range: ImaLog = { ...task.range, bytes: memoryByteSource(task.range.data) };
  const bank = range.digestBank;
  const hasher = bank === undefined ? undefined : provider.get(bank);
  verifyTemplateHashRange(range, hasher, 0, range.entries.length);
  return { kind: 'verify', flags: range.entries.flags };
}

/** The buffers of a result, to transfer back: the range's own (the flags are a view of it). */
export function transferablesOfResult(result: PoolResult): ArrayBuffer[] {
  if (result.kind === 'fingerprint') return [];
  const buffer = result.flags.buffer;
  return buffer instanceof ArrayBuffer ? [buffer] : [];
}

async function fingerprint(file: Blob, provider: HashProvider): Promise<string> {
  const stream = await provider.createStream('sha256');
  if (stream === undefined) return '';
  for await (const chunk of readBlobChunks(file, FINGERPRINT_SLICE)) stream.update(chunk);
  return toHex(stream.digest());
}
