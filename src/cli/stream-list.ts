/**
 * `imascope analyze` without the list's model (issue 14): a binary IMA list is read in
 * windows into one reused buffer, as evmctl reads it, and each window is parsed, verified and
 * extended into every replayed bank by the core's ListStream (core/analysis/streamed-log.ts).
 * Memory stays a few MiB whatever the list's size, and the file's bytes are never all resident.
 *
 * The report comes from `analyze` itself, given what the pass kept; it is the model path's
 * report byte for byte (stream-list.test.ts checks every list in the shared data and the
 * test data). A runtime policy, its excludes and keys are judged in the pass, window by
 * window (issue 13); a big policy is read on a thread of its own meanwhile (policy-thread.ts),
 * the windows parsed before it comes held until then. When the list or the other inputs need
 * per-entry data after the pass (a parse error, a mismatch, a supplied PCR the replay does not
 * reproduce, a quote: see streamedLogSuffices), `analyzeStreaming` answers undefined and the
 * caller reads the whole file and analyses its model.
 */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { analyze, chooseBanks, inputsAllowStreamedLog, replayBanksOf, streamedLogSuffices } from '../core/analysis/analyze';
import type { Analysis, AnalyzeOptions, RawInput } from '../core/analysis/analysis-types';
import { loadInputs, type LoadedInputs } from '../core/analysis/load-inputs';
import { ListStream, POLICY_TO_COME, type StreamedLog } from '../core/analysis/streamed-log';
import type { HashProvider } from '../core/hash/hash-provider';
import { MAX_LOG_BYTES } from '../core/model/ima-log';
import type { ImaParseOptions } from '../core/ima/parse-ima-log';
import type { ReportInput } from '../core/report/report';
import type { BankThread, FileFingerprint } from './bank-thread';
import { hasPolicyInputs } from '../core/policy/policy-inputs';
import { PolicyDryRunPass } from '../core/policy/policy-dry-run';
import { FAILED, PolicyThread, policyThreadMinBytes, type PolicyAnswer } from './policy-thread';

/**
 * Lists from this size on are streamed. Below it the model path costs less CPU: on the 200k
 * list (22 MiB) the pass took ~1.15× the model path's CPU (each window's small model makes
 * V8 re-optimise the parser, the verification and the facts for new closures and maps, on
 * its compiler threads), while on the 1M list (112 MiB) it took 0.93× and half the peak RSS
 * (BENCHMARKS.md). Lists of a million entries and more are where memory runs out.
 */
const STREAM_MIN_BYTES = 64 * 1024 * 1024;

/** STREAM_MIN_BYTES, or IMASCOPE_STREAM_MIN_BYTES when set (0 streams every binary list: tests, measurements). */
export function streamMinBytes(): number {
  const asked = Number.parseInt(process.env.IMASCOPE_STREAM_MIN_BYTES ?? '', 10);
  return Number.isInteger(asked) && asked >= 0 ? asked : STREAM_MIN_BYTES;
}

/**
 * About the bytes of one entry of an ima-ng list (a sha256 list's entries of typical paths
 * are 110–130): what the dry run guesses the entry count from (its tables, its columns' first
 * size; they grow as needed).
 */
const ENTRY_BYTES_GUESS = 120;

/** Bytes read per call: a window's fixed costs (a parser, a batch's set-up) vanish next to ~37k entries. */
export const WINDOW_BYTES = 4 * 1024 * 1024;

/** The binary list to stream: where it is among the inputs, and its framing as its sniff found it. */
export interface ListToStream {
  readonly path: string;
  readonly name: string;
  /** Its place among the inputs, for the report's input list. */
  readonly position: number;
  readonly parseOptions: ImaParseOptions;
}

/**
 * The analysis of `list` streamed, with the other inputs `others` (read whole: they are
 * small), or undefined when the model path must give it. `thread`: the bank thread that
 * extends the SHA-1 and SHA-256 chains, if any (bank-thread.ts), or what starts it once the
 * inputs allow the stream. `windowBytes`: tests use small windows so that lists of a few
 * entries are cut too.
 */
export async function analyzeStreaming(
  list: ListToStream,
  others: readonly RawInput[],
  options: AnalyzeOptions,
  provider: HashProvider,
  thread?: BankThread | (() => BankThread | undefined),
  windowBytes = WINDOW_BYTES,
): Promise<Analysis | undefined> {
  // The big policy, if any, is read on its thread while the other inputs are: the inputs are
  // loaded without it, and again with it once read (they are small, and so nothing of how
  // they are loaded changes).
  const policyAt = others.findIndex((r) => r.kind === 'runtime-policy');
  const policyThread =
    policyAt >= 0 && others[policyAt].bytes.length >= policyThreadMinBytes() && others.filter((r) => r.kind === 'runtime-policy').length === 1
      ? PolicyThread.read(others[policyAt].bytes)
      : undefined;
  try {
    let loaded = await loadInputs(policyThread === undefined ? others : others.filter((_, k) => k !== policyAt), provider);
    // Inputs that read the list entry by entry: no pass is made for nothing.
    if (!inputsAllowStreamedLog(loaded)) return undefined;
    // Started only now: a thread booted for a case the model path takes costs a core's 0.1 s.
    const bankThread = typeof thread === 'function' ? thread() : thread;
    const banks = replayBanksOf(loaded, chooseBanks(loaded, options));
    const entries = Math.ceil(statSync(list.path).size / ENTRY_BYTES_GUESS);
    const passOf = (inputs: LoadedInputs): PolicyDryRunPass | undefined =>
      hasPolicyInputs(inputs.policyInputs) ? new PolicyDryRunPass(inputs.policyInputs, { keylimeCompat: options.keylimeCompat }, provider, entries) : undefined;
    /** The inputs loaded with the policy the thread read (or, when it could not, with the file read here), and the stream's policy. */
    const withPolicy = async (answer: PolicyAnswer, stream: ListStream): Promise<void> => {
      const policyInput = answer === FAILED ? others[policyAt] : { ...others[policyAt], policy: answer };
      loaded = await loadInputs(others.map((r, k) => (k === policyAt ? policyInput : r)), provider);
      stream.startPolicy(passOf(loaded));
    };
    let streamedLog: StreamedLog | undefined;
    try {
      const stream = new ListStream(list.parseOptions, provider, banks, (bank) => bankThread?.chain(bank), policyThread === undefined ? passOf(loaded) : POLICY_TO_COME);
      const policyCame = async (): Promise<void> => {
        const answer = policyThread?.poll();
        if (answer !== undefined && stream.holdsWindows) await withPolicy(answer, stream);
      };
      const read = await readWindows(list.path, stream, windowBytes, bankThread, policyCame);
      if (read === undefined) return undefined;
      if (policyThread !== undefined && stream.holdsWindows) await withPolicy(await policyThread.wait(), stream);
      const input: ReportInput = { name: list.name, size: read.size, sha256: read.sha256, kind: 'ima-binary' };
      streamedLog = await stream.finish(input);
    } catch {
      // Unreadable (reading the file whole then says why, exit 2), or the bank thread ended:
      // the model path gives the report.
      return undefined;
    }
    if (streamedLog === undefined) return undefined;
    return analyzeWithList(loaded, list, streamedLog, options, provider);
  } finally {
    void policyThread?.close();
  }
}

/** The analysis of the inputs `loaded` with the streamed list in its place, or undefined when the model path must give it. */
async function analyzeWithList(loaded: LoadedInputs, list: ListToStream, streamedLog: StreamedLog, options: AnalyzeOptions, provider: HashProvider): Promise<Analysis | undefined> {
  const inputs = [...loaded.inputs];
  inputs.splice(list.position, 0, streamedLog.input);
  const withList = { ...loaded, inputs, streamedLog };
  if (!streamedLogSuffices(withList, options)) return undefined;
  return analyze(withList, options, provider);
}

/**
 * Feeds the file to `stream` window by window; its size and SHA-256, or undefined when the
 * stream gave up. Between windows, hands what is batched to `thread` and waits for it when
 * it lags, and calls `between`. The SHA-256 is the thread's to compute when there is one
 * (bank-thread.ts).
 */
async function readWindows(
  path: string,
  stream: ListStream,
  windowBytes: number,
  thread: BankThread | undefined,
  between: () => Promise<void>,
): Promise<{ size: number; sha256: string } | undefined> {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    // The model path reports a list past the parser's limit.
    if (size > MAX_LOG_BYTES) return undefined;
    const fingerprint = thread?.fingerprint() ?? fingerprintHere();
    let buffer = new Uint8Array(2 * windowBytes);
    let carried = 0;
    let total = 0;
    for (;;) {
      // An entry longer than a window leaves no room: the stream gives up on it anyway.
      if (buffer.length < carried + windowBytes) buffer = grow(buffer, carried + windowBytes);
      const got = readSync(fd, buffer, carried, Math.min(windowBytes, size - total), null);
      fingerprint.update(buffer.subarray(carried, carried + got));
      total += got;
      const last = got === 0 || total >= size;
      const window = buffer.subarray(0, carried + got);
      const consumed = stream.push(window, last);
      if (!stream.usable) return undefined;
      if (last) return { size: total, sha256: await fingerprint.digest() };
      await thread?.drain();
      await between();
      carried = window.length - consumed;
      if (stream.holdsWindows) {
        // The window is held until the policy comes: the next one gets bytes of its own.
        const next = new Uint8Array(carried + windowBytes);
        next.set(window.subarray(consumed));
        buffer = next;
      } else buffer.copyWithin(0, consumed, window.length);
    }
  } finally {
    closeSync(fd);
  }
}

/** The file's SHA-256 on this thread, when there is no bank thread to compute it. */
function fingerprintHere(): FileFingerprint {
  const hash = createHash('sha256');
  return { update: (bytes) => hash.update(bytes), digest: async () => hash.digest('hex') };
}

function grow(buffer: Uint8Array, size: number): Uint8Array<ArrayBuffer> {
  const grown = new Uint8Array(size);
  grown.set(buffer);
  return grown;
}
