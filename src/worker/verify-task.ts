/**
 * The work one verification-pool worker does per message, kept free of worker globals so
 * the session can also run it in-process (Node tests, browsers without nested workers).
 *
 * - `verify`: a range of the log (sliceLogRange): set its template-hash flags with the
 *   digest column's settled bank (verifyTemplateHashRange). Answers the range's flags.
 *   (Extend values are not made here: the replay makes them block by block as it goes, so
 *   a million entries' worth never sits in memory.)
 * - `chains`: a range of the log, verified (its flags final): extends the chains of `banks`
 *   under the default hypothesis by its entries and answers each entry's running values
 *   (`ExtendValues.running`), so the replay on the session's thread copies instead of
 *   hashing. A chain is sequential: its ranges are sent in order to one worker (VerifyPool
 *   `inOrder`), which keeps the PCR values between them (chainStates); a range that does not
 *   continue its chain here (its earlier ranges ran elsewhere: a worker died) fails, and the
 *   session then leaves the chains to the replay.
 * - `fingerprint`: the SHA-256 of the user's file, read from the Blob in small slices.
 */
import { defaultHypothesis } from '../core/analysis/check-pcrs';
import type { HashAlgorithm } from '../core/hash/hash-algorithm';
import type { HashProvider } from '../core/hash/hash-provider';
import { verifyTemplateHashRange } from '../core/ima/verify-range';
import { computeExtendValues } from '../core/replay/extend-values';
import { memoryByteSource } from '../core/model/byte-source';
import type { ImaLog } from '../core/model/ima-log';
import { toHex } from '../core/util/bytes';
import { yieldToEventLoop } from './event-loop';
import { readBlobChunks, syncBlobReader } from './read-blob-chunks';

/** Slices read per step when fingerprinting: hashing a slice never holds the thread long. */
const FINGERPRINT_SLICE = 4 * 1024 * 1024;

export type PoolTask =
  | {
      readonly kind: 'verify';
      /** A standalone range of the log, bank settled in `digestBank`. */
      readonly range: ImaLog;
    }
  | {
      readonly kind: 'chains';
      /** Names the chains (one per log) whose PCR values this context keeps between ranges. */
      readonly chain: number;
      /** The range's first entry in the log (0: the chains start from zero). */
      readonly start: number;
      /** The range ends the log: the chains' values are forgotten after it. */
      readonly last: boolean;
      /** A standalone range of the log, verified, bank settled in `digestBank`. */
      readonly range: ImaLog;
      readonly banks: readonly HashAlgorithm[];
    }
  | { readonly kind: 'fingerprint'; readonly file: Blob };

export type PoolResult =
  | {
      readonly kind: 'verify';
      /** The range's flags, verification bits set (a view of the range's buffer, sent back). */
      readonly flags: Uint16Array;
    }
  | {
      readonly kind: 'chains';
      /** Per bank of the task, in its order: each entry's running value, bank size each. */
      readonly running: readonly Uint8Array[];
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
  if (task.kind === 'chains') return { kind: 'chains', running: extendChains(task, range, provider) };
  const bank = range.digestBank;
  const hasher = bank === undefined ? undefined : provider.get(bank);
  verifyTemplateHashRange(range, hasher, 0, range.entries.length);
  return { kind: 'verify', flags: range.entries.flags };
}

/** Per chain being extended in this context: the entries extended so far, each bank's 256 PCR values. */
const chainStates = new Map<number, { next: number; readonly pcrs: Map<HashAlgorithm, Uint8Array> }>();

function extendChains(task: PoolTask & { kind: 'chains' }, range: ImaLog, provider: HashProvider): Uint8Array[] {
  const state = task.start === 0 ? { next: 0, pcrs: new Map<HashAlgorithm, Uint8Array>() } : chainStates.get(task.chain);
  chainStates.delete(task.chain);
  if (state === undefined || state.next !== task.start) throw new Error('the chains’ earlier ranges were extended elsewhere');
  const states = state.pcrs;
  const n = range.entries.length;
  const running = task.banks.map((bank) => {
    // The replay's own values (replay-chains.ts reads the same for a chain it extends itself).
    const values = computeExtendValues(range, provider, bank, defaultHypothesis(range))?.read(0, n);
    const hasher = provider.get(bank);
    if (values === undefined || hasher === undefined) throw new Error(`no ${bank} hash available`);
    let pcrs = states.get(bank);
    if (pcrs === undefined) states.set(bank, (pcrs = new Uint8Array(256 * hasher.size)));
    const out = new Uint8Array(n * hasher.size);
    hasher.extendRangeInto(range.entries.pcr, 0, n, pcrs, values, out);
    return out;
  });
  state.next += n;
  if (!task.last) chainStates.set(task.chain, state);
  return running;
}

/** The buffers of a result, to transfer back: the range's own (the flags are a view of it), or the running values. */
export function transferablesOfResult(result: PoolResult): ArrayBuffer[] {
  if (result.kind === 'fingerprint') return [];
  if (result.kind === 'chains') return result.running.flatMap((r) => (r.buffer instanceof ArrayBuffer ? [r.buffer] : []));
  const buffer = result.flags.buffer;
  return buffer instanceof ArrayBuffer ? [buffer] : [];
}

async function fingerprint(file: Blob, provider: HashProvider): Promise<string> {
  const stream = await provider.createStream('sha256');
  if (stream === undefined) return '';
  const read = syncBlobReader(file);
  if (read === undefined) {
    for await (const chunk of readBlobChunks(file, FINGERPRINT_SLICE)) stream.update(chunk);
    return toHex(stream.digest());
  }
  // In a worker, read synchronously, a turn of the event loop between slices (the chains'
  // ranges are served there). Chromium's file stream stalled for good here, 84 of 112 MiB
  // in, when this worker was also extending the chains (1M entries, 2 cores).
  for (let at = 0; at < file.size; at += FINGERPRINT_SLICE) {
    stream.update(read(at, Math.min(file.size, at + FINGERPRINT_SLICE)));
    await yieldToEventLoop();
  }
  return toHex(stream.digest());
}
