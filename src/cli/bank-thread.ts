/**
 * The streamed list's second core (issue 14): one worker thread that extends the SHA-1 and
 * SHA-256 chains (`ListStream`'s `BankChain`s) while this thread parses, verifies and hashes
 * the next entries. A chain is one extend after another, so it cannot be split by entries;
 * giving the chains to one thread and everything else to the other splits the work in two
 * without doing any of it twice, and the worker loads only the hash kernel (chain-worker.ts),
 * so the CPU it adds is its boot and the copies of what it is sent.
 *
 * The entries' PCR numbers and extend values are copied into batches of BATCH_ENTRIES that
 * travel to the worker and back (transferred, never cloned) and are reused, so nothing is left
 * for the garbage collector and a million entries take ~60 messages; `drain` sends what is
 * batched and keeps the batches in flight bounded, so a slow worker never makes memory grow
 * with the list. Where the worker cannot start, dies or
 * has no kernel, its chains' `states()` reject and the caller analyses the list another way.
 *
 * The list file's SHA-256 (the report's fingerprint of the input) is the worker's too: on a
 * million entries the parsing thread is the busier one (the chains leave the worker idle a third
 * of the time), and hashing 112 MiB costs it ~0.28 s against ~0.03 s to copy the windows into
 * the parts that travel like the batches (`fingerprint`).
 *
 * The `--json` report is the worker's to write as well (`stdoutWriter`): with a million policy
 * failures it is ~215 MB, and while the worker waits for stdout's reader (a pipe takes it at
 * the reader's pace) this thread makes the next chunks, instead of doing one after the other.
 */
import { MessageChannel, receiveMessageOnPort, type Worker } from 'node:worker_threads';
import { startCliWorker } from './cli-worker';
import { digestSize, type HashAlgorithm } from '../core/hash/hash-algorithm';
import type { BankChain } from '../core/analysis/streamed-log';
import { REPORT_CHUNK_BYTES, type ChunkWriter } from '../core/export/json-report';
import { CLOSED_PIPE_STATUS, makeStdoutBlocking, stdoutFailed, writeToStdoutOrExit } from './blocking-stdout';
import { RETURNED, STATUS, STDOUT_CLOSED, STDOUT_FAILED, type ReturnedChunk, type StdoutChannel, type StdoutChunk } from './stdout-chunks';

/** The banks the kernel extends in batches: the only ones worth a thread. */
type ChainBank = 'sha1' | 'sha256';

/** A batch of one chain's entries, in the order of the list: the first `count` of the buffers. */
export interface ChainBatch {
  /** Which chain: each list's chains are new ones, whether or not an earlier list's were finished. */
  readonly chain: number;
  readonly bank: ChainBank;
  readonly count: number;
  readonly pcrs: Uint8Array<ArrayBuffer>;
  readonly values: Uint8Array<ArrayBuffer>;
}

/** The next bytes of a file whose SHA-256 the worker computes: the first `count` of `bytes`. */
export interface FilePart {
  readonly file: number;
  readonly count: number;
  readonly bytes: Uint8Array<ArrayBuffer>;
}

/** The SHA-256 of bytes given in order, computed off this thread. */
export interface FileFingerprint {
  update(bytes: Uint8Array): void;
  /** Lowercase hex; rejects if the thread ended. */
  digest(): Promise<string>;
}

/**
 * To the worker: a batch to extend, a chain whose 256 PCR values are wanted (and then dropped),
 * a part of a file to hash, a file whose SHA-256 is wanted (and then dropped), or the channel
 * of the report's chunks to write to stdout.
 */
export type ChainRequest =
  | ChainBatch
  | { readonly statesOf: number }
  | { readonly part: FilePart }
  | { readonly digestOf: number }
  | { readonly stdout: StdoutChannel };

/**
 * From the worker: a batch's or a part's buffers back, a chain's PCR values after its last batch
 * (none if it had no entry), or a file's SHA-256.
 */
export type ChainReply =
  | { readonly returned: ChainBatch }
  | { readonly chain: number; readonly states: Uint8Array | undefined }
  | { readonly returnedPart: FilePart }
  | { readonly file: number; readonly sha256: string };

/** Report chunks with the worker at most: while it writes one, this thread fills the next. */
const STDOUT_CHUNKS = 4;

/** Entries per message: a postMessage costs tens of microseconds, a batch's copy about as much. */
const BATCH_ENTRIES = 32768;

/** Batches in flight after `drain`, at most: with SHA-256, 8 × 32,768 × 33 bytes = 8.6 MiB. */
const MAX_IN_FLIGHT = 8;

function isChainBank(bank: HashAlgorithm): bank is ChainBank {
  return bank === 'sha1' || bank === 'sha256';
}

export class BankThread {
  private sent = 0;
  private inFlight = 0;
  private chains = 0;
  /** Per chain, the batch being filled. */
  private readonly filling = new Map<number, ChainBatch>();
  /** Buffers back from the worker, per bank, for the next batches. */
  private readonly free = new Map<ChainBank, ChainBatch[]>();
  /** Rejects once the worker has ended (it only ends by failing). */
  private readonly ended: Promise<never>;
  private dead = false;
  /** Called with each batch the worker hands back. */
  private progress: (() => void) | undefined;
  /** Per chain whose states were asked for, who waits for them. */
  private readonly answers = new Map<number, (states: Uint8Array | undefined) => void>();
  private files = 0;
  /** Parts' buffers back from the worker. */
  private readonly freeParts: Array<Uint8Array<ArrayBuffer>> = [];
  /** Per file whose SHA-256 was asked for, who waits for it. */
  private readonly digests = new Map<number, (sha256: string) => void>();

  /** The worker keeps the process alive (its messages are listened to) until `close`. */
  private constructor(private readonly worker: Worker) {
    this.ended = new Promise<never>((_, reject) => {
      const end = (why: unknown): void => {
        this.dead = true;
        reject(new Error(`the bank thread ended (${String(why)})`));
      };
      worker.once('error', end).once('exit', end);
    });
    this.ended.catch(() => undefined); // only callers that wait on it care
    worker.on('message', (reply: ChainReply) => {
      if ('returned' in reply) {
        this.inFlight--;
        this.freeBatches(reply.returned.bank).push(reply.returned);
        this.progress?.();
      } else if ('returnedPart' in reply) {
        this.inFlight--;
        this.freeParts.push(reply.returnedPart.bytes);
        this.progress?.();
      } else if ('sha256' in reply) {
        this.digests.get(reply.file)?.(reply.sha256);
        this.digests.delete(reply.file);
      } else {
        this.answers.get(reply.chain)?.(reply.states);
        this.answers.delete(reply.chain);
      }
    });
  }

  /** A started thread, or undefined where none can be started. */
  static start(): BankThread | undefined {
    try {
      return new BankThread(startCliWorker('chain-worker'));
    } catch {
      return undefined;
    }
  }

  /** Batches handed to the worker so far. */
  get batchesSent(): number {
    return this.sent;
  }

  /** A new chain of `bank` on this thread's worker, or undefined for a bank the kernel lacks. */
  chain(bank: HashAlgorithm): BankChain | undefined {
    if (!isChainBank(bank)) return undefined;
    const size = digestSize(bank);
    const chain = this.chains++;
    return {
      extend: (pcrs, values) => {
        for (let from = 0; from < pcrs.length; ) {
          let batch = this.filling.get(chain) ?? { ...(this.freeBatches(bank).pop() ?? newBatch(bank, size)), chain, count: 0 };
          const take = Math.min(BATCH_ENTRIES - batch.count, pcrs.length - from);
          batch.pcrs.set(pcrs.subarray(from, from + take), batch.count);
          batch.values.set(values.subarray(from * size, (from + take) * size), batch.count * size);
          this.filling.set(chain, (batch = { ...batch, count: batch.count + take }));
          from += take;
          if (batch.count === BATCH_ENTRIES) this.send(chain);
        }
      },
      states: () => this.states(chain),
    };
  }

  /** A new file to hash on the worker, its bytes given in order (copied: the caller's buffer is free again at once). */
  fingerprint(): FileFingerprint {
    const file = this.files++;
    return {
      update: (bytes) => {
        if (this.dead) return; // digest() then rejects
        let part = this.freeParts.pop();
        if (part === undefined || part.length < bytes.length) part = new Uint8Array(bytes.length);
        part.set(bytes);
        this.worker.postMessage({ part: { file, count: bytes.length, bytes: part } } satisfies ChainRequest, [part.buffer]);
        this.inFlight++;
      },
      digest: () => {
        const answer = new Promise<string>((resolve) => this.digests.set(file, resolve));
        this.worker.postMessage({ digestOf: file } satisfies ChainRequest);
        return Promise.race([answer, this.ended]);
      },
    };
  }

  /**
   * Sends what is batched, then waits until at most MAX_IN_FLIGHT batches (and file parts) are with the
   * worker (rejects if it ended). Called between windows.
   */
  async drain(): Promise<void> {
    this.sendAll();
    while (this.inFlight > MAX_IN_FLIGHT) {
      await Promise.race([new Promise<void>((resolve) => (this.progress = resolve)), this.ended]);
      this.progress = undefined;
    }
  }

  /** Ends the worker: until then it keeps the process alive. */
  async close(): Promise<void> {
    await this.worker.terminate();
  }

  /** Lets the process end while the worker is still there (its work is waited for synchronously: stdoutWriter). */
  unref(): void {
    this.worker.unref();
  }

  /**
   * A writer for writeJsonReport that has the worker write each chunk to stdout while this
   * thread fills the next (stdout-chunks.ts), with the first chunk to fill; undefined when the
   * worker has ended or `process.stdout` holds bytes still to go (they must go first).
   * `finish` waits for the last write; a reader that closed the pipe, or a write that failed,
   * ends the process as writeStdoutFully does.
   */
  stdoutWriter(): { readonly first: Uint8Array; readonly write: ChunkWriter; finish(): void } | undefined {
    if (this.dead || process.stdout.writableLength > 0) return undefined;
    makeStdoutBlocking();
    const { port1, port2 } = new MessageChannel();
    const signal = new Int32Array(new SharedArrayBuffer(8));
    this.worker.postMessage({ stdout: { port: port2, signal: signal.buffer } } satisfies ChainRequest, [port2]);
    const free: Array<Uint8Array<ArrayBuffer>> = [];
    let withWorker = 0;
    /** Why the worker's write failed (STDOUT_FAILED). */
    let failure: string | undefined;
    /** Takes back what the worker has written; waits for a chunk when `until` says so. Ends the process when a write went wrong. */
    const collect = (until: () => boolean): void => {
      for (;;) {
        // Read before looking at the port: a chunk sent back after the look changes it, and the wait returns at once.
        const returned = Atomics.load(signal, RETURNED);
        for (let m = receiveMessageOnPort(port1); m !== undefined; m = receiveMessageOnPort(port1)) {
          const back = m.message as ReturnedChunk;
          free.push(new Uint8Array(back.bytes));
          failure ??= back.error;
          withWorker--;
        }
        const status = Atomics.load(signal, STATUS);
        if (status === STDOUT_CLOSED) process.exit(CLOSED_PIPE_STATUS);
        if (status === STDOUT_FAILED) stdoutFailed(failure ?? 'the write failed');
        if (until()) return;
        Atomics.wait(signal, RETURNED, returned);
      }
    };
    const finish = (): void => collect(() => withWorker === 0);
    let filling = new Uint8Array(REPORT_CHUNK_BYTES);
    return {
      first: filling,
      write: (chunk) => {
        if (chunk.buffer !== filling.buffer) {
          // Not the chunk handed out (a string longer than a chunk, written whole): after the others, from here.
          finish();
          writeToStdoutOrExit(chunk);
          return true;
        }
        port1.postMessage({ bytes: filling.buffer, count: chunk.length } satisfies StdoutChunk, [filling.buffer]);
        withWorker++;
        collect(() => free.length > 0 || withWorker < STDOUT_CHUNKS);
        filling = free.pop() ?? new Uint8Array(REPORT_CHUNK_BYTES);
        return filling;
      },
      finish,
    };
  }

  private send(chain: number): void {
    const batch = this.filling.get(chain);
    if (batch === undefined) return;
    this.filling.delete(chain);
    if (this.dead) return;
    this.worker.postMessage(batch satisfies ChainRequest, [batch.pcrs.buffer, batch.values.buffer]);
    this.sent++;
    this.inFlight++;
  }

  private sendAll(): void {
    for (const chain of [...this.filling.keys()]) this.send(chain);
  }

  private freeBatches(bank: ChainBank): ChainBatch[] {
    let batches = this.free.get(bank);
    if (batches === undefined) this.free.set(bank, (batches = []));
    return batches;
  }

  /** The PCRs' values after every entry given to `chain`. */
  private states(chain: number): Promise<Uint8Array> {
    this.send(chain);
    const answer = new Promise<Uint8Array | undefined>((resolve) => this.answers.set(chain, resolve));
    this.worker.postMessage({ statesOf: chain } satisfies ChainRequest);
    return Promise.race([answer, this.ended]).then((states) => {
      if (states === undefined) throw new Error('the bank thread has no such chain');
      return states;
    });
  }
}

function newBatch(bank: ChainBank, size: number): ChainBatch {
  return { chain: -1, bank, count: 0, pcrs: new Uint8Array(BATCH_ENTRIES), values: new Uint8Array(BATCH_ENTRIES * size) };
}
