/**
 * The worker's side of the protocol: owns the parsed log and answers the page's requests.
 * No worker globals here, so tests drive it directly in Node with Blobs.
 *
 * Chain: page `open` → LogClient.request → postMessage(File handles) → LogSession.handle →
 * classifyInput(first 64 KiB of each) → readBlobChunks → ImaLogParser.push (progress
 * events, cancel checked between pushes) → finish → LoadSummary 'result'. Then `analyze` →
 * verifyLogInPool (template hashes, in ranges on the verification pool, 'verifying'
 * progress; rows are served meanwhile) → analyze({log, others}, precomputed)
 * (replay, findings) → AnalysisSummary.
 * `getRows` / `getEntryDetail` answer from the model with fresh copies of just the window.
 */
import { analyzeWithLog } from '../core/analysis/analyze';
import type { LoadedLog, RawInput } from '../core/analysis/analysis-types';
import { CLASSIFY_HEAD_BYTES, classifyInput } from '../core/analysis/classify-input';
import { decodeEntry } from '../core/ima/decode/decode-entry';
import { ImaLogParser } from '../core/ima/parse-ima-log';
import { EntryFlag, type ImaLog, type IndexIntoEntryTable } from '../core/model/ima-log';
import { ENTRY_STATUSES, entryStatus, type EntryStatus } from '../core/query/entry-status';
import {
  filterEntries,
  FilterTimeout,
  isIdentityQuery,
  isUnfiltered,
  queryError,
  rowOfEntry,
  rowPredicate,
  type QueryColumns,
  type RowFilter,
  type RowQuery,
} from '../core/query/filter-entries';
import { NO_VERDICTS, type EntryVerdicts } from '../core/query/entry-verdicts';
import { countMatchesPerBucket, type FilteredTimelineBuckets } from '../core/timeline/match-buckets';
import {
  computeKeyIds,
  formatKeyId,
  readKeyId,
  signatureFieldIndices,
  type KeyIdColumn,
} from '../core/query/signature-key-ids';
import type { InputKind, ReportInput } from '../core/report/report';
import { createHashProvider, type HashProvider } from '../core/hash/hash-provider';
import { encodeText, toHex } from '../core/util/bytes';
import { describeUnrecognized } from './describe-input';
import { exportCsv } from '../core/export/entry-csv';
import { exportAsciiList } from '../core/export/ascii-list';
import { collectFindingEntries } from '../core/share/permalink-entries';
import { classifyEntries, computeBreakdown, type BreakdownMode, type CategoryColumn } from '../core/timeline/timeline-categories';
import type { PermalinkEntry } from '../core/share/permalink';
import type { ExportedFile, LogFileBytes, PolicyExport } from './protocol';
import { replayAllHypotheses } from '../core/analysis/hypotheses';
import { describeQuote } from '../core/analysis/quote-details';
import { loadInputs } from '../core/analysis/load-inputs';
import type { Report } from '../core/report/report';
import { splitPastedInput } from './split-pasted-input';
import { compareLogs, type LogComparison } from '../core/compare/compare-logs';
import { compareDocument, type CompareDocument } from '../core/compare/compare-json';
import { arrangeCaseLogs } from './case-logs';
import { timeSlices, yieldToEventLoop } from './event-loop';
import type { Pause } from '../core/replay/replay-chains';
import type {
  AnalysisSummary,
  EntryDetail,
  ReplayDetails,
  FirmwareEventDetail,
  FirmwareEventPage,
  InputFile,
  InputSummary,
  LoadPhase,
  LoadSummary,
  LogOverview,
  PastedInput,
  RequestId,
  RequestMap,
  RequestResult,
  RequestType,
  RowPage,
  RowRange,
  WorkerErrorCode,
  WorkerEvent,
  WorkerRequest,
} from './protocol';
import { transferablesOf } from './protocol';
import { readBlobChunks, readBlobHead } from './read-blob-chunks';
import type { Precomputed } from '../core/analysis/analysis-types';
import { createVerifyPool, type VerifyPool } from './verify-pool';
import { verifyLogInPool } from './verify-log';
import { fingerprintLogFile } from './fingerprint';
import type { Analysis } from '../core/analysis/analysis-types';
import { readEntryName } from '../core/ima/template-digests';
import { computeTimelineMarks, type TimelineMarks } from '../core/timeline/timeline-marks';
import { explainEntry } from '../core/policy/explain-entry';
import { createPolicy, policyJsonText, policyTimestamp } from '../core/policy/create-policy';
import { failingEntriesPatch } from '../core/policy/policy-patch';
import { plural } from '../core/util/count-text';
import type { PolicyDryRun } from '../core/policy/policy-dry-run';
import {
  computeTimelineBuckets,
  listTimelineMarkers,
  type TimelineMarkerList,
  type TimelineMarkerRequest,
  type TimelineWindowRequest,
} from '../core/timeline/timeline-buckets';
import {
  findFirmwareInput,
  firmwareEventDetail,
  firmwareEventPage,
  openFirmwareLog,
  type OpenedFirmwareLog,
} from './firmware-events';

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

interface OpenedLog {
  readonly inputId: string;
  /** The drop of files it came with (InputFile.drop). */
  readonly drop: number;
  readonly cacheKey: string;
  readonly file: Blob;
  readonly log: ImaLog;
  readonly overview: LogOverview;
  readonly kind: 'ima-binary' | 'ima-ascii';
  sha256?: string;
  keyIds?: KeyIdColumn;
  categories?: Map<BreakdownMode, CategoryColumn>;
}

interface OpenState {
  readonly summary: LoadSummary;
  /** The list shown in the table. */
  readonly log?: OpenedLog;
  /** Per-bank lists of the shown one in other banks: each replays its bank (bank-lists.ts). */
  readonly companions: readonly OpenedLog[];
  /** Every list given, parsed (kept so that the next open reuses them). */
  readonly logs: readonly OpenedLog[];
  /** Recognised non-log inputs, read whole (they are small: quotes, PCR listings, keys). */
  readonly others: readonly RawInput[];
  /** Filtered/sorted row indices per query; undefined for the identity view. Latest few only. */
  readonly views: Map<string, Int32Array | undefined>;
}

const MAX_CACHED_VIEWS = 4;
/** Policy entries sent to the page for review; the file holds them all. */
const REVIEW_LIMIT = 500;
/** Longest stretch of replay between two turns of the event loop (see #pause). */
const REPLAY_SLICE_MS = 40;
const DEFAULT_PUSH_SIZE = 4 * 1024 * 1024;

function isLogKind(kind: InputKind | undefined): kind is 'ima-binary' | 'ima-ascii' {
  return kind === 'ima-binary' || kind === 'ima-ascii';
}

function cacheKeyOf(input: InputFile, kind: InputKind): string {
  const modified = input.file instanceof File ? input.file.lastModified : 0;
  return `${input.name}\u0000${input.file.size}\u0000${modified}\u0000${kind}`;
}

/** A parser with room for the whole file; a file too large for this tab's memory says so. */
function makeParser(input: InputFile, kind: 'ima-binary' | 'ima-ascii'): ImaLogParser {
  try {
    return new ImaLogParser({ sizeHint: input.file.size, format: kind === 'ima-binary' ? 'binary' : 'ascii' });
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new SessionError('readFailed', `Could not make room for ${input.name} (${input.file.size} bytes): ${why}`);
  }
}

export class LogSession {
  readonly #post: PostEvent;
  readonly #options: LogSessionOptions;
  readonly #inflight = new Map<RequestId, AbortController>();
  #state: OpenState = { summary: { inputs: [] }, companions: [], logs: [], others: [], views: new Map() };
  #provider: Promise<HashProvider> | undefined;
  #pool: VerifyPool | undefined;
  /** Per parsed log: the pool's verification, started by its first analysis, reused by the next. */
  readonly #verifications = new WeakMap<ImaLog, { readonly result: Promise<Precomputed>; readonly controller: AbortController }>();
  /** Per open (keyed by its state): the last analysis and the timeline marks drawn from it. */
  readonly #timelines = new WeakMap<OpenState, { readonly analysis?: Analysis; marks?: TimelineMarks }>();
  /** The last analysis's policy dry run per open state (the table's policy and signature cells). */
  readonly #policyRuns = new WeakMap<OpenState, PolicyDryRun>();
  /** Per open (keyed by its state): the firmware log, once a view asked for it. */
  readonly #firmware = new WeakMap<OpenState, Promise<OpenedFirmwareLog>>();
  /** Per open (keyed by its state): what the last analysis read and said, for the replay panel. */
  /** Per open (keyed by its state): the reference list and the comparison with it. */
  readonly #comparisons = new WeakMap<OpenState, { readonly result: LogComparison }>();
  readonly #replayBasis = new WeakMap<
    OpenState,
    { readonly others: readonly RawInput[]; readonly log?: LoadedLog; readonly companions: readonly LoadedLog[]; readonly report: Report }
  >();

  constructor(post: PostEvent, options: LogSessionOptions = {}) {
    this.#post = post;
    this.#options = options;
  }

  async handle(request: WorkerRequest): Promise<void> {
    if (request.type === 'cancel') {
      this.#inflight.get(request.id)?.abort();
      return;
    }
    const controller = new AbortController();
    this.#inflight.set(request.id, controller);
    try {
      const result = await this.#dispatch(request, controller.signal);
      this.#post({ type: 'result', id: request.id, result }, transferablesOf(result));
    } catch (e) {
      const error =
        e instanceof SessionError
          ? e
          : controller.signal.aborted
            ? new SessionError('cancelled', 'Cancelled')
            : new SessionError('internal', e instanceof Error ? e.message : String(e));
      this.#post({ type: 'error', id: request.id, code: error.code, message: error.message }, []);
    } finally {
      this.#inflight.delete(request.id);
    }
  }

  #dispatch(request: Exclude<WorkerRequest, { type: 'cancel' }>, signal: AbortSignal): Promise<RequestResult<RequestType>> {
    switch (request.type) {
      case 'open':
        return this.open(request.params.inputs, request.id, signal);
      case 'analyze':
        return this.analyze(request.params, request.id);
      case 'getRows':
        return Promise.resolve(this.getRows(request.params.range, request.params.query));
      case 'findRow':
        return Promise.resolve(this.findRow(request.params.index, request.params.query));
      case 'getEntryDetail':
        return Promise.resolve(this.getEntryDetail(request.params.index));
      case 'exportCsv':
        return Promise.resolve(this.exportCsv(request.params.query));
      case 'exportAsciiList':
        return Promise.resolve(this.exportAsciiList());
      case 'exportPolicy':
        return Promise.resolve(this.exportPolicy(request.params.kind));
      case 'getFindingEntries':
        return Promise.resolve(this.getFindingEntries(request.params.report));
      case 'getLogBytes':
        return this.getLogBytes(request.params.maxBytes);
      case 'getTimeline':
        return Promise.resolve(this.getTimeline(request.params.window, request.params.filter));
      case 'getTimelineMarkers':
        return Promise.resolve(this.getTimelineMarkers(request.params.range));
      case 'getFirmwareEvents':
        return this.getFirmwareEvents(request.params.range);
      case 'getFirmwareEventDetail':
        return this.getFirmwareEventDetail(request.params.index);
      case 'getReplayDetails':
        return this.getReplayDetails(request.params.allReadings === true);
      case 'compareWith':
        return this.compareWith(request.params.file, request.params.name, request.id, signal);
    }
  }

  /**
   * Classifies every input, streams the IMA lists through the parser, and keeps the result:
   * the list shown, its per-bank companions, and the other inputs of the case (case-logs.ts).
   */
  async open(inputs: readonly InputFile[], id: RequestId, signal: AbortSignal): Promise<LoadSummary> {
    const classified: Array<{ input: InputFile; head: Uint8Array; detectedKind: InputKind | undefined }> = [];
    for (const input of inputs) {
      const head = await readBlobHead(input.file, CLASSIFY_HEAD_BYTES);
      classified.push({ input, head, detectedKind: classifyInput(head) });
    }
    if (classified.length > 0 && classified.every((c) => (c.input.kind ?? c.detectedKind) === undefined)) {
      const described = classified.map((c) => `${c.input.name} looks like ${describeUnrecognized(c.head)}`);
      throw new SessionError('unrecognizedFormat', `Not recognised: ${described.join('; ')}.`);
    }
    // Every list given is parsed (or taken from the last open), then sorted into the case.
    const parsed: OpenedLog[] = [];
    for (const { input, detectedKind } of classified) {
      const kind = input.kind ?? detectedKind;
      if (!isLogKind(kind)) continue;
      const key = cacheKeyOf(input, kind);
      const previous = this.#state.logs.find((l) => l.cacheKey === key);
      parsed.push(
        previous !== undefined
          ? { ...previous, inputId: input.id, drop: input.drop ?? 0, overview: { ...previous.overview, inputId: input.id } }
          : await this.#parseLog(input, kind, key, id, signal),
      );
    }
    const shown = parsed.find((l) => l.cacheKey === this.#state.log?.cacheKey);
    const arranged = arrangeCaseLogs(parsed, shown);
    const primary = arranged.primary;
    const supersededBy = new Map(arranged.superseded.map((s) => [s.item.inputId, s.by.overview.name]));
    const companionIds = new Set(arranged.companions.map((c) => c.inputId));
    const oldCase = (input: InputFile): boolean => arranged.newCaseFrom !== undefined && (input.drop ?? 0) < arranged.newCaseFrom;
    const summaries: InputSummary[] = [];
    const others: RawInput[] = [];
    for (const { input, head, detectedKind } of classified) {
      const kind = input.kind ?? detectedKind;
      const log = parsed.find((l) => l.inputId === input.id);
      const by = supersededBy.get(input.id) ?? (oldCase(input) && primary !== undefined ? primary.overview.name : undefined);
      summaries.push({
        id: input.id,
        name: input.name,
        size: input.file.size,
        kind,
        detectedKind,
        ...(kind === undefined ? { looksLike: describeUnrecognized(head) } : {}),
        ...(by !== undefined ? { supersededBy: by } : {}),
        ...(companionIds.has(input.id) && primary !== undefined ? { companionOf: primary.overview.name } : {}),
        ...(log?.log.digestBank !== undefined ? { digestBank: log.log.digestBank } : {}),
      });
      if (isLogKind(kind) || by !== undefined) continue;
      // Fail closed: a file no kind fits still goes to the analysis, which reports it as
      // unreadable (a red verdict) instead of judging the rest as if it had not been given.
      // Its head is enough to say so; a large unknown file is never read whole.
      const bytes = head.length === input.file.size || kind === undefined ? head : new Uint8Array(await input.file.arrayBuffer());
      others.push({ name: input.name, bytes, ...(kind !== undefined ? { kind } : {}) });
    }
    if (signal.aborted) throw new SessionError('cancelled', 'Cancelled');
    const summary: LoadSummary = {
      inputs: summaries,
      ...(primary ? { log: primary.overview } : {}),
      ...(arranged.newCaseFrom !== undefined ? { newCaseFrom: arranged.newCaseFrom } : {}),
    };
    const kept = new Set([primary, ...arranged.companions].map((l) => l?.log));
    for (const old of this.#state.logs) if (!kept.has(old.log)) this.#verifications.get(old.log)?.controller.abort();
    const previousState = this.#state;
    this.#state = { summary, log: primary, companions: arranged.companions, logs: parsed, others, views: new Map() };
    // Adding a quote or PCR file re-opens the same parsed log: its reference stays.
    const comparison = this.#comparisons.get(previousState);
    if (comparison !== undefined && primary !== undefined && primary.log === previousState.log?.log) this.#comparisons.set(this.#state, comparison);
    return summary;
  }

  async #parseLog(
    input: InputFile,
    kind: 'ima-binary' | 'ima-ascii',
    cacheKey: string,
    id: RequestId,
    signal: AbortSignal,
  ): Promise<OpenedLog> {
    const now = this.#options.now ?? (() => performance.now());
    const interval = this.#options.progressIntervalMs ?? 100;
    const pushSize = this.#options.pushSize ?? DEFAULT_PUSH_SIZE;
    const started = now();
    this.#verifyPool(); // its workers start while the log is read
    const bytesTotal = input.file.size;
    const parser = makeParser(input, kind);
    let bytesRead = 0;
    let lastProgress = -Infinity;
    const progress = (force: boolean): void => {
      const t = now();
      if (!force && t - lastProgress < interval) return;
      lastProgress = t;
      this.#progress(id, 'reading', bytesRead, bytesTotal, parser.entryCount);
    };
    progress(true);
    try {
      for await (const chunk of readBlobChunks(input.file, this.#options.sliceSize)) {
        for (let o = 0; o < chunk.length; o += pushSize) {
          if (signal.aborted) throw new SessionError('cancelled', 'Cancelled');
          const piece = chunk.subarray(o, Math.min(chunk.length, o + pushSize));
          parser.push(piece);
          bytesRead += piece.length;
          progress(false);
          await yieldToEventLoop();
        }
      }
    } catch (e) {
      if (e instanceof SessionError) throw e;
      throw new SessionError('readFailed', `Could not read ${input.name}: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (signal.aborted) throw new SessionError('cancelled', 'Cancelled');
    progress(true);
    const log = parser.finish();
    const counts = new Uint32Array(log.templates.length);
    const pcrCounts = new Uint32Array(256);
    for (let i = 0; i < log.entries.length; i++) {
      counts[log.entries.template[i]]++;
      pcrCounts[log.entries.pcr[i]]++;
    }
    const pcrs: { pcr: number; count: number }[] = [];
    pcrCounts.forEach((count, pcr) => {
      if (count > 0) pcrs.push({ pcr, count });
    });
    const overview: LogOverview = {
      inputId: input.id,
      name: input.name,
      format: log.format,
      byteOrder: log.byteOrder,
      digestSize: log.digestSize,
      digestBank: log.digestBank,
      entryCount: log.entries.length,
      templates: log.templates.map((t, k) => ({ name: t.name, known: t.known, count: counts[k] })),
      pcrs,
      errors: log.errors,
      sourceSize: log.sourceSize,
      parseMillis: Math.round(now() - started),
    };
    return { inputId: input.id, drop: input.drop ?? 0, cacheKey, file: input.file, log, overview, kind };
  }

  #progress(id: RequestId, phase: LoadPhase, bytesRead: number, bytesTotal: number, entryCount: number): void {
    this.#post({ type: 'progress', id, phase, bytesRead, bytesTotal, entryCount }, []);
  }

  /** Verifies template hashes, replays and judges, with the pasted texts as extra inputs. */
  async analyze(params: RequestMap['analyze']['params'], id: RequestId): Promise<AnalysisSummary> {
    const now = this.#options.now ?? (() => performance.now());
    const started = now();
    const state = this.#state;
    const provider = await this.#hashProvider();
    const pasted = params.pastes.filter((p) => p.text.trim() !== '').map((p) => splitPastedInput(p, this.#pasteInput(p)));
    const opened = state.log;
    let loaded: LoadedLog | undefined;
    let precomputed: Precomputed | undefined;
    if (opened !== undefined) {
      const size = opened.log.entries.length;
      this.#progress(id, 'verifying', 0, opened.file.size, 0);
      const verification = this.#verify(opened, id, provider);
      opened.sha256 ??= await fingerprintLogFile(opened.log, opened.file, this.#verifyPool(), provider);
      // A pool that failed (not cancelled) leaves the verification to analyze itself.
      precomputed = await verification.catch((e: unknown) => {
        if (e instanceof SessionError) throw e;
        return undefined;
      });
      // analyze() fills byteOrder and digestBank once verification has confirmed them.
      const input: ReportInput = {
        name: opened.overview.name,
        kind: opened.kind,
        size: opened.file.size,
        sha256: opened.sha256,
      };
      loaded = { log: opened.log, input };
      this.#progress(id, 'analyzing', opened.file.size, opened.file.size, size);
    }
    const companions: LoadedLog[] = [];
    for (const c of state.companions) {
      c.sha256 ??= await fingerprintLogFile(c.log, c.file, this.#verifyPool(), provider);
      companions.push({ log: c.log, input: { name: c.overview.name, kind: c.kind, size: c.file.size, sha256: c.sha256 } });
    }
    const others = [...state.others, ...pasted.flatMap((p) => p.raws)];
    const nonce = params.nonce !== undefined && params.nonce.trim() !== '' ? params.nonce.trim() : pasted.find((p) => p.nonce !== undefined)?.nonce;
    // The pool has verified the template hashes (#verify): analyze takes the result instead
    // of hashing a million entries on this thread.
    const analysis = await analyzeWithLog(
      loaded,
      others,
      {
        ...(params.banks !== undefined && params.banks.length > 0 ? { banks: params.banks } : {}),
        ...(nonce !== undefined ? { nonce } : {}),
        ...(precomputed !== undefined ? { precomputed } : {}),
        pause: this.#pause(),
        ...(params.keylimeCompat === true ? { keylimeCompat: true } : {}),
      },
      provider,
      companions,
    );
    // Verification set the status flags: every cached filtered view may be stale.
    state.views.clear();
    this.#timelines.set(state, { analysis });
    if (analysis.policyRun !== undefined) this.#policyRuns.set(state, analysis.policyRun);
    else this.#policyRuns.delete(state);
    this.#replayBasis.set(state, { others, companions, report: analysis.report, ...(loaded ? { log: loaded } : {}) });
    return {
      report: analysis.report,
      pastes: pasted.map((p) => p.summary),
      statusCounts: opened ? countStatuses(opened.log) : {},
      analyzeMillis: Math.round(now() - started),
      pasteParts: pasted.flatMap((p) => p.parts),
    };
  }

  /**
   * The replay under every reading of the log, and the quote field by field, for the last
   * analysis of the open inputs. Chain: the replay panel opens → getReplayDetails → the
   * inputs that analysis read, parsed again (small: quotes, keys, PCR listings; the log is
   * the verified model) → replayAllHypotheses + describeQuote → ReplayDetails.
   */
  async getReplayDetails(allReadings = false): Promise<ReplayDetails> {
    const basis = this.#replayBasis.get(this.#state);
    if (basis === undefined) throw new SessionError('noLog', 'Nothing has been analysed yet');
    const provider = await this.#hashProvider();
    const loaded = await loadInputs(basis.others, provider, basis.log, basis.companions);
    const hypotheses = await replayAllHypotheses(loaded, basis.report, provider, { all: allReadings, pause: this.#pause() });
    const quote = await describeQuote(loaded, basis.report);
    return { ...(hypotheses ? { hypotheses } : {}), ...(quote ? { quote } : {}) };
  }

  /**
   * Reads `file` as the known-good reference and compares the open log with it (core
   * compareLogs). Both lists stay here until the next open; getRows then adds each row's class.
   */
  async compareWith(file: Blob, name: string, id: RequestId, signal: AbortSignal): Promise<CompareDocument> {
    const state = this.#state;
    const opened = this.#requireLog();
    const head = await readBlobHead(file, CLASSIFY_HEAD_BYTES);
    const kind = classifyInput(head);
    if (!isLogKind(kind)) {
      const looks = kind ?? describeUnrecognized(head);
      throw new SessionError('unrecognizedFormat', `${name} cannot be the reference: it is not an IMA measurement list (it looks like ${looks}).`);
    }
    const input: InputFile = { id: `reference:${name}`, name, file };
    const reference = await this.#parseLog(input, kind, cacheKeyOf(input, kind), id, signal);
    if (reference.log.entries.length === 0) {
      throw new SessionError('unrecognizedFormat', `${name} has no readable entry: ${reference.log.errors[0]?.message ?? 'empty'}`);
    }
    const result = compareLogs(reference.log, opened.log);
    if (this.#state === state) this.#comparisons.set(state, { result });
    return compareDocument(result, { reference: name, failing: opened.overview.name });
  }

  #pasteInput(paste: PastedInput): { raw: RawInput; summary: InputSummary } {
    const bytes = encodeText(paste.text.trim());
    const detectedKind = classifyInput(bytes.subarray(0, CLASSIFY_HEAD_BYTES));
    const summary: InputSummary = {
      id: paste.id,
      name: paste.name,
      size: bytes.length,
      kind: detectedKind,
      detectedKind,
      ...(detectedKind === undefined ? { looksLike: describeUnrecognized(bytes) } : {}),
    };
    return { raw: { name: paste.name, bytes, ...(detectedKind ? { kind: detectedKind } : {}) }, summary };
  }

  /**
   * A replay's pause: a turn of the event loop every REPLAY_SLICE_MS, so that row requests
   * are answered while a million entries are replayed (the replay runs on this thread).
   */
  #pause(): Pause {
    return timeSlices(REPLAY_SLICE_MS, this.#options.now);
  }

  #hashProvider(): Promise<HashProvider> {
    this.#provider ??= (this.#options.hashProvider ?? createHashProvider)();
    return this.#provider;
  }

  #verifyPool(): VerifyPool {
    this.#pool ??= this.#options.verifyPool?.() ?? createVerifyPool({ size: 1, provider: () => this.#hashProvider() });
    return this.#pool;
  }

  /**
   * The pool's verification of the open log (verify-log.ts), shared by every analysis of
   * the same log; progress goes to request `id`, the analysis that started it.
   */
  #verify(
    opened: OpenedLog,
    id: RequestId,
    provider: HashProvider,
  ): Promise<Precomputed> {
    const log = opened.log;
    const cached = this.#verifications.get(log);
    if (cached !== undefined) return cached.result;
    const controller = new AbortController();
    const total = opened.file.size;
    const n = log.entries.length;
    const result = verifyLogInPool(log, this.#verifyPool(), provider, {
      signal: controller.signal,
      onProgress: (done) => this.#progress(id, 'verifying', Math.round((total * done) / Math.max(1, n)), total, done),
    }).catch((e: unknown) => {
      this.#verifications.delete(log);
      throw controller.signal.aborted ? new SessionError('cancelled', 'Cancelled') : e;
    });
    // Handled by whichever analysis awaits it, maybe after a rejection: not unhandled meanwhile.
    result.catch(() => undefined);
    this.#verifications.set(log, { result, controller });
    return result;
  }

  /** The firmware log among the inputs, parsed and replayed once per open. */
  #requireFirmware(): Promise<OpenedFirmwareLog> {
    const state = this.#state;
    let opened = this.#firmware.get(state);
    if (opened === undefined) {
      const input = findFirmwareInput(state.others);
      if (input === undefined) throw new SessionError('noLog', 'No firmware event log is open');
      opened = this.#hashProvider().then((provider) => openFirmwareLog(input, provider));
      this.#firmware.set(state, opened);
    }
    return opened;
  }

  async getFirmwareEvents(range: RowRange): Promise<FirmwareEventPage> {
    return firmwareEventPage(await this.#requireFirmware(), range);
  }

  async getFirmwareEventDetail(index: number): Promise<FirmwareEventDetail> {
    const detail = firmwareEventDetail(await this.#requireFirmware(), index);
    if (detail === undefined) throw new SessionError('internal', `No firmware event ${index}`);
    return detail;
  }

  /** Timeline marks of the open log, from its latest analysis (model facts only before it). */
  #timelineMarks(): { readonly log: ImaLog; readonly marks: TimelineMarks; readonly keyIds: KeyIdColumn } {
    const opened = this.#requireLog();
    const state = this.#state;
    let timeline = this.#timelines.get(state);
    if (timeline === undefined) {
      timeline = {};
      this.#timelines.set(state, timeline);
    }
    const keyIds = this.#keyIds(opened);
    timeline.marks ??= computeTimelineMarks(opened.log, timeline.analysis, keyIds);
    return { log: opened.log, marks: timeline.marks, keyIds };
  }

  /** With `filter` (the table's, when it is not empty), also the matching entries per bucket. */
  getTimeline(window: TimelineWindowRequest, filter?: RowFilter): FilteredTimelineBuckets {
    const { log, marks, keyIds } = this.#timelineMarks();
    const buckets = computeTimelineBuckets(log, marks, window, keyIds, this.#verdicts());
    const filtered =
      filter === undefined || isUnfiltered(filter)
        ? buckets
        : { ...buckets, matchCounts: withinBudget(() => countMatchesPerBucket(buckets, rowPredicate(log, filter, this.#filterColumns()))) };
    if (window.breakdown === undefined) return filtered;
    const categories = this.#categories(this.#requireLog(), window.breakdown);
    return { ...filtered, breakdown: computeBreakdown(categories, buckets.start, buckets.end, buckets.bucketCount) };
  }

  /** What each entry measured, cut one way; computed once per log and way. */
  #categories(opened: OpenedLog, mode: BreakdownMode): CategoryColumn {
    opened.categories ??= new Map();
    let column = opened.categories.get(mode);
    if (column === undefined) {
      column = classifyEntries(opened.log, mode);
      opened.categories.set(mode, column);
    }
    return column;
  }

  getTimelineMarkers(range: TimelineMarkerRequest): TimelineMarkerList {
    const { log, marks } = this.#timelineMarks();
    return listTimelineMarkers(marks, range, (i) => readEntryName(log, i));
  }

  #requireLog(): OpenedLog {
    const log = this.#state.log;
    if (log === undefined) throw new SessionError('noLog', 'No IMA measurement list is open');
    return log;
  }

  #keyIds(opened: OpenedLog): KeyIdColumn {
    opened.keyIds ??= computeKeyIds(opened.log);
    return opened.keyIds;
  }

  /**
   * What the display filter reads besides the model: key ids, the boots, kexec records and
   * parse errors the timeline marks (so `boot == 1` and the timeline agree), and the
   * signature and policy verdicts (none yet: their checks fill EntryVerdicts here).
   */
  /** The policy dry run's columns, which use the filter's codes (entry-verdicts.ts). */
  #verdicts(): EntryVerdicts {
    const run = this.#policyRuns.get(this.#state);
    return run === undefined ? NO_VERDICTS : { policy: run.policyColumn, signature: run.signatureColumn };
  }

  #filterColumns(): QueryColumns {
    const { marks, keyIds } = this.#timelineMarks();
    const m = marks.markers;
    return {
      keyIds,
      verdicts: this.#verdicts(),
      events: { boots: m.boot, kexecLoads: m.kexec_load, kexecExecutes: m.kexec_execute, parseErrors: m['parse-error'] },
    };
  }

  /** Filtered/sorted entry indices for a query; undefined means "every entry, in order". */
  #view(query: RowQuery): Int32Array | undefined {
    if (isIdentityQuery(query)) return undefined;
    const opened = this.#requireLog();
    const key = JSON.stringify(query);
    const views = this.#state.views;
    const cached = views.get(key);
    if (cached !== undefined) {
      views.delete(key);
      views.set(key, cached);
      return cached;
    }
    const rows = withinBudget(() => filterEntries(opened.log, query, this.#filterColumns()));
    views.set(key, rows);
    if (views.size > MAX_CACHED_VIEWS) views.delete(views.keys().next().value as string);
    return rows;
  }

  getRows(range: RowRange, query: RowQuery): RowPage {
    const opened = this.#requireLog();
    const log = opened.log;
    const e = log.entries;
    const view = this.#view(query);
    const totalRows = view === undefined ? e.length : view.length;
    const start = Math.max(0, Math.min(range.start, totalRows));
    const end = Math.max(start, Math.min(range.end, totalRows));
    const n = end - start;
    const index = new Int32Array(n);
    const pcr = new Uint8Array(n);
    const template = new Uint16Array(n);
    const flags = new Uint16Array(n);
    const templateDigest: string[] = [];
    const fileDigestAlgorithm: string[] = [];
    const fileDigest: string[] = [];
    const name: string[] = [];
    const keyId: string[] = [];
    const data = log.data;
    const decoder = new TextDecoder();
    const sigFields = signatureFieldIndices(log);
    const policyRun = this.#policyRuns.get(this.#state);
    const policy = new Uint8Array(n);
    const signature = new Uint8Array(n);
    for (let k = 0; k < n; k++) {
      const i = view === undefined ? start + k : view[start + k];
      index[k] = i;
      pcr[k] = e.pcr[i];
      template[k] = e.template[i];
      flags[k] = e.flags[i];
      const digestAt = e.entryOffset[i] + 4;
      templateDigest.push(toHex(data.subarray(digestAt, digestAt + log.digestSize)));
      fileDigestAlgorithm.push(e.fileDigestLength[i] > 0 ? (log.digestAlgorithms[e.fileDigestAlgorithm[i]] ?? '') : '');
      fileDigest.push(toHex(data.subarray(e.fileDigestOffset[i], e.fileDigestOffset[i] + e.fileDigestLength[i])));
      name.push(decoder.decode(data.subarray(e.nameOffset[i], e.nameOffset[i] + e.nameLength[i])));
      keyId.push(formatKeyId(readKeyId(log, i, sigFields)));
      policy[k] = policyRun?.policyColumn[i] ?? 0;
      signature[k] = policyRun?.signatureColumn[i] ?? 0;
    }
    const searchError = queryError(query);
    const classes = this.#comparisons.get(this.#state)?.result.entryClass.failing;
    return {
      start,
      totalRows,
      index,
      pcr,
      template,
      flags,
      templateDigest,
      fileDigestAlgorithm,
      fileDigest,
      name,
      keyId,
      policy,
      signature,
      ...(searchError !== undefined ? { searchError } : {}),
      ...(classes !== undefined ? { compare: Uint8Array.from(index, (i) => classes[i]) } : {}),
    };
  }

  findRow(index: IndexIntoEntryTable, query: RowQuery): number {
    const opened = this.#requireLog();
    return rowOfEntry(this.#view(query), index, opened.log.entries.length);
  }

  getEntryDetail(index: IndexIntoEntryTable): EntryDetail {
    const { log } = this.#requireLog();
    const e = log.entries;
    if (!Number.isInteger(index) || index < 0 || index >= e.length) {
      throw new SessionError('internal', `No entry ${index}`);
    }
    const dataOffset = e.entryOffset[index];
    return {
      index,
      pcr: e.pcr[index],
      templateName: log.templates[e.template[index]]?.name ?? '',
      flags: e.flags[index],
      status: entryStatus(e.flags[index]),
      sourceOffset: e.sourceOffset[index],
      dataOffset,
      raw: log.data.slice(dataOffset, dataOffset + e.entrySize[index]),
      decoded: decodeEntry(log, index),
      ...policyOf(this.#policyRuns.get(this.#state), log, index),
    };
  }

  /** The rows a query shows (the table's filter and sort), as the CSV export writes them. */
  exportCsv(query: RowQuery): ExportedFile {
    const opened = this.#requireLog();
    const rows = this.#view(query);
    const text = exportCsv(opened.log, rows, { keyIds: this.#keyIds(opened) });
    return { bytes: encodeText(text), rows: rows?.length ?? opened.log.entries.length };
  }

  exportAsciiList(): ExportedFile {
    const opened = this.#requireLog();
    if (opened.log.format !== 'binary') {
      throw new SessionError('noLog', 'The open list is already ASCII; the ASCII export is made from a binary list.');
    }
    return { bytes: exportAsciiList(opened.log), rows: opened.log.entries.length };
  }

  exportPolicy(kind: 'from-log' | 'add-failing'): PolicyExport {
    const opened = this.#requireLog();
    const timestamp = policyTimestamp(new Date().toISOString());
    if (kind === 'from-log') {
      // As `policy create`: a list whose template hashes fail is no known-good reference.
      let altered = 0;
      for (const f of opened.log.entries.flags) if ((f & EntryFlag.HashMismatch) !== 0) altered++;
      if (altered > 0) {
        throw new SessionError('noLog', `${plural(altered, 'entry has', 'entries have')} a template digest that is not the hash of the template data; a policy is made only from a list that verifies.`);
      }
      const { policy, added, skipped } = createPolicy([opened.log], { timestamp });
      return { bytes: encodeText(policyJsonText(policy)), addedCount: added.length, added: added.slice(0, REVIEW_LIMIT), skipped, notFixable: [], wasSigned: false };
    }
    const run = this.#policyRuns.get(this.#state);
    if (run?.policy === undefined) throw new SessionError('noLog', 'No runtime policy was judged: give one with the log first.');
    const patch = failingEntriesPatch(run, opened.log);
    (patch.policy.meta as Record<string, unknown>).timestamp = timestamp;
    return {
      bytes: encodeText(policyJsonText(patch.policy)),
      addedCount: patch.added.length,
      added: patch.added.slice(0, REVIEW_LIMIT),
      skipped: patch.skipped,
      notFixable: patch.notFixable.slice(0, REVIEW_LIMIT),
      wasSigned: run.policy.format === 'keylime-dsse',
    };
  }

  getFindingEntries(report: Report): PermalinkEntry[] {
    const opened = this.#state.log;
    return opened === undefined ? [] : collectFindingEntries(opened.log, report, this.#keyIds(opened));
  }

  /** The log file as given (not the model's data: an ASCII list stays ASCII), when small. */
  async getLogBytes(maxBytes: number): Promise<LogFileBytes> {
    const { file } = this.#requireLog();
    if (file.size > maxBytes) return { size: file.size };
    return { size: file.size, bytes: new Uint8Array(await file.arrayBuffer()) };
  }
}

/** Runs a filter scan; one stopped by its time budget fails the request with the reason. */
function withinBudget<T>(scan: () => T): T {
  try {
    return scan();
  } catch (e) {
    if (e instanceof FilterTimeout) throw new SessionError('internal', e.message);
    throw e;
  }
}

function countStatuses(log: ImaLog): Partial<Record<EntryStatus, number>> {
  const counts = new Map<EntryStatus, number>();
  const f = log.entries.flags;
  for (let i = 0; i < f.length; i++) {
    const s = entryStatus(f[i]);
    counts.set(s, (counts.get(s) ?? 0) + 1);
  }
  const out: Partial<Record<EntryStatus, number>> = {};
  for (const s of ENTRY_STATUSES) {
    const c = counts.get(s);
    if (c !== undefined) out[s] = c;
  }
  return out;
}

function policyOf(run: PolicyDryRun | undefined, log: ImaLog, index: IndexIntoEntryTable): { policy?: readonly string[] } {
  return run === undefined ? {} : { policy: explainEntry(run, log, index) };
}
