/**
 * What every request handler shares: the open inputs (OpenState, replaced by each `open`),
 * the services made once per worker (hash provider, verification pool, the pool's
 * verification of each parsed log), and the way back to the page (progress events).
 * No worker globals here, so tests drive it in Node with Blobs.
 */
import type { Analysis, Precomputed, RawInput } from '../core/analysis/analysis-types';
import type { PreloadedLists } from '../core/analysis/load-inputs';
import type { LogComparison } from '../core/compare/compare-logs';
import type { SideBytes } from '../core/compare/name-table';
import { createHashProvider, type HashProvider } from '../core/hash/hash-provider';
import type { ChunkReader } from '../core/model/byte-source';
import type { ImaLog } from '../core/model/ima-log';
import type { PolicyDryRun } from '../core/policy/policy-dry-run';
import type { CompiledExpression } from '../core/query/filter-entries';
import type { KeyIdColumn } from '../core/query/signature-key-ids';
import type { Report } from '../core/report/report';
import type { Pause } from '../core/replay/replay-chains';
import type { BreakdownMode, CategoryColumn } from '../core/timeline/timeline-categories';
import type { TimelineMarks } from '../core/timeline/timeline-marks';
import { timeSlices } from './event-loop';
import type { OpenedFirmwareLog } from './firmware-events';
import type {
  LoadPhase,
  LoadSummary,
  LogOverview,
  RequestId,
  RequestParams,
  RequestResult,
  RequestType,
  WorkerErrorCode,
  WorkerEvent,
} from './protocol';
import { createVerifyPool, type VerifyPool } from './verify-pool';

export type PostEvent = (event: WorkerEvent, transfer: Transferable[]) => void;

export interface LogSessionOptions {
  /** Blob slice size (tests use tiny ones to cross chunk boundaries). */
  readonly sliceSize?: number;
  /** Bytes handed to the parser at once; the loop yields (cancel, progress) between pushes. */
  readonly pushSize?: number;
  readonly progressIntervalMs?: number;
  readonly now?: () => number;
  readonly hashProvider?: () => Promise<HashProvider>;
  /** The verification pool (log.worker.ts starts workers); default: its tasks run in-process. */
  readonly verifyPool?: () => VerifyPool;
  /**
   * Verify template hashes on this thread even when the pool has workers, which then only
   * fingerprint files (log.worker.ts on 2 cores: the fingerprint runs beside the verification).
   */
  readonly verifyInPlace?: boolean;
  /**
   * How a binary list's bytes are read back from its file, so the model keeps none of them
   * (default readBackLargeLists: FileReaderSync in a worker, for large lists); a reader that
   * answers undefined: the model keeps them.
   */
  readonly readBack?: (file: Blob) => ChunkReader | undefined;
}

/** A request failure that crosses to the page as data (STYLE §7.4 rule 7). */
export class SessionError extends Error {
  constructor(
    readonly code: WorkerErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface OpenedLog {
  readonly inputId: string;
  /** The drop of files it came with (InputFile.drop). */
  readonly drop: number;
  readonly cacheKey: string;
  readonly file: Blob;
  readonly log: ImaLog;
  readonly overview: LogOverview;
  readonly kind: 'ima-binary' | 'ima-ascii';
  /** A comparison's reference read back from its file: its names and file digests (ParseStart.reference). */
  readonly namesAndDigests?: SideBytes;
  /** The file's SHA-256, for the report: started once it is parsed (or by its first analysis). */
  sha256?: Promise<string>;
  keyIds?: KeyIdColumn;
  categories?: Map<BreakdownMode, CategoryColumn>;
}

/** What the last analysis read (its lists, `shown`: the one it analysed) and said, for the replay panel. */
export interface ReplayBasis extends PreloadedLists {
  readonly others: readonly RawInput[];
  readonly report: Report;
}

/**
 * One open of inputs and what was worked out from it. A request that outlives its open
 * writes into the state it started with, which the page no longer reads.
 */
export interface OpenState {
  readonly summary: LoadSummary;
  /** The list shown in the table. */
  readonly log?: OpenedLog;
  /** Per-bank lists of the shown one in other banks: each replays its bank (bank-lists.ts). */
  readonly companions: readonly OpenedLog[];
  /** Lists of a bank already taken: given to the analysis, which says they are not used. */
  readonly extras: readonly OpenedLog[];
  /** Every list given, parsed (kept so that the next open reuses them). */
  readonly logs: readonly OpenedLog[];
  /** Recognised non-log inputs, read whole (they are small: quotes, PCR listings, keys). */
  readonly others: readonly RawInput[];
  /** Filtered/sorted row indices per query; undefined for the identity view. Latest few only. */
  readonly views: Map<string, Int32Array | undefined>;
  /** The filter expression compiled per text (it reads the verdicts: cleared by an analysis). */
  readonly expressions: Map<string, CompiledExpression>;
  /** The last analysis, and the timeline marks drawn from it (model facts only before it). */
  analysis?: Analysis;
  marks?: TimelineMarks;
  /** The last analysis's policy dry run (the table's policy and signature cells). */
  policyRun?: PolicyDryRun;
  replayBasis?: ReplayBasis;
  /** The firmware log, once a view asked for it. */
  firmware?: Promise<OpenedFirmwareLog>;
  /** The reference list's comparison with the shown one. */
  comparison?: LogComparison;
}

export function emptyOpenState(): OpenState {
  return { summary: { inputs: [] }, companions: [], extras: [], logs: [], others: [], views: new Map(), expressions: new Map() };
}

/** A log's verification in progress or done, and the request its progress goes to. */
export interface Verification {
  readonly result: Promise<Precomputed>;
  readonly controller: AbortController;
  /** The analysis waiting for it (none yet when it starts as the log is opened). */
  progressTo: RequestId | undefined;
}

/** Longest stretch of replay between two turns of the event loop (see pause). */
const REPLAY_SLICE_MS = 40;

export class Session {
  state: OpenState = emptyOpenState();
  /**
   * The state the last open answered with (a preview never is one): what the next open starts
   * from, and what a failed or cancelled open's preview gives way to. Opens are not queued:
   * the page cancels one and sends the next at once, so `state` may be another open's preview.
   */
  committed: OpenState = this.state;
  readonly options: LogSessionOptions;
  /** Per parsed log: the pool's verification, started once it is parsed (or by its first analysis), reused by the next. */
  readonly verifications = new WeakMap<ImaLog, Verification>();
  readonly #post: PostEvent;
  #provider: Promise<HashProvider> | undefined;
  #pool: VerifyPool | undefined;
  /** Requests running `first` (see there), and the wake-up of the replays waiting for them. */
  #firstRunning = 0;
  #firstDone: { promise: Promise<void>; resolve: () => void } | undefined;

  constructor(post: PostEvent, options: LogSessionOptions) {
    this.#post = post;
    this.options = options;
  }

  post(event: WorkerEvent, transfer: Transferable[]): void {
    this.#post(event, transfer);
  }

  progress(id: RequestId, phase: LoadPhase, bytesRead: number, bytesTotal: number, entryCount: number, preview?: LoadSummary): void {
    this.#post({ type: 'progress', id, phase, bytesRead, bytesTotal, entryCount, ...(preview ? { preview } : {}) }, []);
  }

  /**
   * A replay's pause: a turn of the event loop every REPLAY_SLICE_MS, so that row requests
   * are answered while a million entries are replayed (the replay runs on this thread); and
   * while a request runs `first`, the wait until it is done.
   */
  pause(): Pause {
    const slice = timeSlices(REPLAY_SLICE_MS, this.options.now);
    return async () => {
      await slice();
      while (this.#firstDone !== undefined) await this.#firstDone.promise;
    };
  }

  /**
   * Runs `work` (a request the user just asked for and waits on: a comparison) before the
   * replays in progress go on: they stop at their next pause until it is done. A replay the
   * page asks for by itself (the replay panel's details: up to six replays of the log, ~2 s
   * at 1M entries) would otherwise take this thread back every REPLAY_SLICE_MS, and each
   * step of reading a file is a task of this thread too: a comparison asked for meanwhile
   * waited for most of them (issue 16, measured in the browser benchmark).
   */
  async first<T>(work: () => Promise<T>): Promise<T> {
    if (this.#firstDone === undefined) {
      let resolve = (): void => undefined;
      const promise = new Promise<void>((r) => (resolve = r));
      this.#firstDone = { promise, resolve };
    }
    this.#firstRunning++;
    try {
      return await work();
    } finally {
      if (--this.#firstRunning === 0) {
        this.#firstDone?.resolve();
        this.#firstDone = undefined;
      }
    }
  }

  hashProvider(): Promise<HashProvider> {
    this.#provider ??= (this.options.hashProvider ?? createHashProvider)();
    return this.#provider;
  }

  verifyPool(): VerifyPool {
    this.#pool ??= this.options.verifyPool?.() ?? createVerifyPool({ size: 1, provider: () => this.hashProvider() });
    return this.#pool;
  }

  requireLog(): OpenedLog {
    const log = this.state.log;
    if (log === undefined) throw new SessionError('noLog', 'No IMA measurement list is open');
    return log;
  }
}

/** The request being answered: its id (for progress events) and its cancel signal. */
export interface RequestContext {
  readonly id: RequestId;
  readonly signal: AbortSignal;
}

/** How one request type is answered (a plain value or a promise of it). */
export type Handler<K extends RequestType> = (
  session: Session,
  params: RequestParams<K>,
  request: RequestContext,
) => RequestResult<K> | Promise<RequestResult<K>>;

/** The handlers of some request types: each subject's module exports one of these. */
export type Handlers<K extends RequestType = RequestType> = { readonly [T in K]: Handler<T> };
