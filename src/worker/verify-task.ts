/**
 * The work one verification-pool worker does per message, kept free of worker globals so
 * the session can also run it in-process (Node tests, browsers without nested workers).
 *
 * - `verify`: a range of the log (sliceLogRange): set its template-hash flags with the
 *   digest column's settled bank (verifyTemplateHashRange), then compute what each bank the
 *   replay will extend gets from these entries under the kernel's default reading
 *   (computeExtendValues with defaultHypothesis: per-bank template digests, entries that
 *   verified only in the opposite byte order hashed that way, violations as 0xFF; exactly
 *   what the analysis would compute, entry by entry). Answers the range's flags and those
 *   values.
 * - `fingerprint`: the SHA-256 of the user's file, read from the Blob in small slices.
 */
import type { HashProvider } from '../core/hash/hash-provider';
import type { HashAlgorithm } from '../core/hash/hash-algorithm';
import { verifyTemplateHashRange } from '../core/ima/verify-range';
import type { ImaLog } from '../core/model/ima-log';
import { defaultHypothesis } from '../core/analysis/check-pcrs';
import { computeExtendValues } from '../core/replay/extend-values';
import { toHex } from '../core/util/bytes';
import { readBlobChunks } from './read-blob-chunks';

/** Slices read per step when fingerprinting: hashing a slice never holds the thread long. */
const FINGERPRINT_SLICE = 4 * 1024 * 1024;

export type PoolTask =
  | {
      readonly kind: 'verify';
      /** A standalone range of the log, bank settled in `digestBank`. */
      readonly range: ImaLog;
      /** Banks whose extend values (default hypothesis) to compute. */
      readonly banks: readonly HashAlgorithm[];
      /** Where to write them, bank after bank (a view of the range's buffer, outputOfRange). */
      readonly out: Uint8Array;
    }
  | { readonly kind: 'fingerprint'; readonly file: Blob };

export type PoolResult =
  | {
      readonly kind: 'verify';
      /** The range's flags, verification bits set (a view of the range's buffer, sent back). */
      readonly flags: Uint16Array;
      /** Per bank asked for: the range's extend values (views of `out`); none without a hasher. */
      readonly values: ReadonlyArray<{ readonly bank: HashAlgorithm; readonly values: Uint8Array }>;
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
  const { range } = task;
  const bank = range.digestBank;
  const hasher = bank === undefined ? undefined : provider.get(bank);
  verifyTemplateHashRange(range, hasher, 0, range.entries.length);
  const values: Array<{ bank: HashAlgorithm; values: Uint8Array }> = [];
  const hypothesis = defaultHypothesis(range);
  let at = 0;
  for (const alg of task.banks) {
    const extend = computeExtendValues(range, provider, alg, hypothesis);
    if (extend === undefined) continue;
    const part = task.out.subarray(at, at + extend.values.length);
    part.set(extend.values);
    at += part.length;
    values.push({ bank: alg, values: part });
  }
  return { kind: 'verify', flags: range.entries.flags, values };
}

/** The buffers of a result, to transfer back: the range's own (everything is a view of it). */
export function transferablesOfResult(result: PoolResult): ArrayBuffer[] {
  if (result.kind === 'fingerprint') return [];
  const out = new Set<ArrayBuffer>();
  for (const a of [result.flags, ...result.values.map((v) => v.values)]) {
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
