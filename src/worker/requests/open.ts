/**
 * `open`: classifies every input by content, streams each IMA list through the parser
 * (progress events, cancel checked between pushes) and keeps the case on the session:
 * the list shown, its per-bank companions and the other inputs (case-logs.ts).
 *
 * Chain: page `open` → LogClient.request → postMessage(File handles) → LogSession.handle →
 * recogniseInput(first 64 KiB of each) → readBlobChunks → ImaLogParser.push → finish →
 * LoadSummary. Rows are readable as soon as it answers, and for a list longer than one push
 * already once its head (the sniffed bytes, parsed first) is parsed (a 'reading' progress
 * event with `preview`: the entries parsed so far, as a provisional state). The answer starts
 * the verification (prepareAnalysis).
 */
import type { RawInput } from '../../core/analysis/analysis-types';
import { fingerprint, mayHoldParts, partsOf } from '../../core/analysis/load-inputs';
import { SNIFF_HEAD_BYTES } from '../../core/inputs/input-kind-module';
import { imaListOptions, recogniseAs, recogniseInput, type Recognised } from '../../core/inputs/registry';
import { ImaLogParser, type ImaParseOptions } from '../../core/ima/parse-ima-log';
import { ChunkedByteSource, type ChunkReader } from '../../core/model/byte-source';
import { countEntries } from '../../core/model/entry-counts';
import type { ImaLog } from '../../core/model/ima-log';
import { DEFAULT_QUERY } from '../../core/query/filter-entries';
import type { InputKind } from '../../core/report/report';
import { arrangeCaseLogs, withCasePart } from '../case-logs';
import { prepareAnalysis } from './analyze';
import { rowsOfState } from './rows';
import { describeUnrecognized } from '../describe-input';
import { yieldToEventLoop } from '../event-loop';
import type { InputFile, InputSummary, LoadSummary, LogOverview, RequestId } from '../protocol';
import { readBlobChunks, readBlobHead, syncBlobReader } from '../read-blob-chunks';
import { emptyOpenState, SessionError, type Handlers, type OpenedLog, type OpenState, type Session } from '../session';

const DEFAULT_PUSH_SIZE = 4 * 1024 * 1024;
/** Rows a preview carries (LoadSummary.firstRows): a tall screen of the table and the rows it fetches beyond. */
const PREVIEW_ROWS = 256;
/**
 * Binary lists larger than this are read back from their File instead of kept (issue 14).
 * Below it they stay in memory: measured at 1M entries (112 MB), reading back cost ~2× the
 * time to the verdict and to a name search (each whole-log pass reads the file again through
 * FileReaderSync) and saved no peak memory (the chunk buffers of those passes are garbage V8
 * collects late). Above it, keeping the file may not fit the tab at all (10M entries: 1.1 GB).
 */
const READ_BACK_FROM_BYTES = 256 * 1024 * 1024;

/** The default read-back: large binary lists only (READ_BACK_FROM_BYTES), where there is FileReaderSync. */
export function readBackLargeLists(file: Blob): ChunkReader | undefined {
  return file.size > READ_BACK_FROM_BYTES ? syncBlobReader(file) : undefined;
}

export function isLogKind(kind: InputKind | undefined): kind is 'ima-binary' | 'ima-ascii' {
  return kind === 'ima-binary' || kind === 'ima-ascii';
}

/**
 * Which parsed list an input is, across opens: a file by its name, size and modification
 * time; a part of a file (partsOf) by its name and `contentSha256`: parts are no files, and
 * two agent responses of one name may hold lists of one size.
 */
export function cacheKeyOf(input: InputFile, kind: InputKind, contentSha256?: string): string {
  const modified = input.file instanceof File ? input.file.lastModified : 0;
  const identity = contentSha256 ?? `${input.file.size}\u0000${modified}`;
  return `${input.name}\u0000${identity}\u0000${kind}`;
}

/** A parser with room for the whole file; a file too large for this tab's memory says so. */
function makeParser(input: InputFile, options: ImaParseOptions): ImaLogParser {
  try {
    return new ImaLogParser({ sizeHint: input.file.size, ...options });
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new SessionError('readFailed', `Could not make room for ${input.name} (${input.file.size} bytes): ${why}`);
  }
}

/**
 * Classifies every input, streams the IMA lists through the parser, and keeps the result:
 * the list shown, its per-bank companions, and the other inputs of the case (case-logs.ts).
 */
async function open(session: Session, inputs: readonly InputFile[], id: RequestId, signal: AbortSignal): Promise<LoadSummary> {
  // The case before this open (not another open's preview, which session.state may be).
  const before = session.committed;
  const shown: { preview?: OpenState } = {};
  try {
    return await openCase(session, before, inputs, id, signal, shown);
  } catch (e) {
    // Only this open's own preview gives way: another open may have shown its own since.
    if (shown.preview !== undefined && session.state === shown.preview) session.state = session.committed;
    throw e;
  }
}

/** `shown.preview`: set to the provisional state this open puts on the session while it reads. */
async function openCase(
  session: Session,
  before: OpenState,
  inputs: readonly InputFile[],
  id: RequestId,
  signal: AbortSignal,
  shown: { preview?: OpenState },
): Promise<LoadSummary> {
  const classified: Array<{
    input: InputFile;
    head: Uint8Array;
    detectedKind: InputKind | undefined;
    recognised: Recognised | undefined;
    /** Its bytes, when read whole already. */
    bytes?: Uint8Array;
    /** A part's SHA-256 (its cache key). */
    contentSha256?: string;
  }> = [];
  // The heads are read at once: each read waits on the browser, not on this thread.
  const heads = await Promise.all(inputs.map((input) => readBlobHead(input.file, SNIFF_HEAD_BYTES)));
  for (const [k, input] of inputs.entries()) {
    const head = heads[k];
    const isWhole = head.length === input.file.size;
    const detected = recogniseInput(head, isWhole);
    const detectedKind = detected?.module.kind;
    // What the sniff of the kind used learned (byte order, digest size) goes to the parser.
    const recognised = input.kind === undefined || input.kind === detectedKind ? detected : recogniseAs(input.kind, head, isWhole);
    classified.push({ input, head, detectedKind, recognised });
  }
  // What an input holds (a Keylime agent response's IMA list and firmware log, a bundle's
  // parts) joins the case as inputs of its own, as the analysis reads them (partsOf): a list
  // part is parsed and shown in the table like a dropped list.
  for (const c of [...classified]) {
    const kind = c.input.kind ?? c.detectedKind;
    if (!mayHoldParts(kind)) continue;
    const bytes = (c.bytes = await wholeBytes(c.input.file, c.head));
    for (const part of partsOf({ name: c.input.name, bytes, kind })) {
      const head = part.bytes.subarray(0, SNIFF_HEAD_BYTES);
      const isWhole = head.length === part.bytes.length;
      const recognised = part.kind === undefined ? recogniseInput(head, isWhole) : recogniseAs(part.kind, head, isWhole);
      const input: InputFile = { id: `${c.input.id} › ${part.name}`, name: part.name, file: new Blob([part.bytes.slice()]), ...(c.input.drop !== undefined ? { drop: c.input.drop } : {}) };
      const contentSha256 = await fingerprint(part.bytes, await session.hashProvider());
      classified.push({ input, head, detectedKind: recognised?.module.kind, recognised, contentSha256 });
    }
  }
  if (classified.length > 0 && classified.every((c) => (c.input.kind ?? c.detectedKind) === undefined)) {
    const described = classified.map((c) => `${c.input.name} looks like ${describeUnrecognized(c.head)}`);
    throw new SessionError('unrecognizedFormat', `Not recognised: ${described.join('; ')}.`);
  }
  // Every list given is parsed (or taken from the last open), then sorted into the case.
  const parsed: OpenedLog[] = [];
  // The first list read anew is shown from its first entries while the rest is read (a
  // provisional state: rows, no analysis); the answer below replaces it.
  let preview: ((log: OpenedLog) => void) | undefined = (log) => {
    const inputsSoFar = classified.map(({ input, detectedKind }) => ({ id: input.id, name: input.name, size: input.file.size, kind: input.kind ?? detectedKind, detectedKind }));
    const summary: LoadSummary = { inputs: inputsSoFar, log: log.overview, reading: true };
    const state = (shown.preview = session.state = { ...emptyOpenState(), summary, log });
    // Its first rows go with it: the table shows them without asking (a round trip to this
    // thread, busy reading, on the way to the first rows).
    const firstRows = rowsOfState(state, log, { range: { start: 0, end: PREVIEW_ROWS }, query: DEFAULT_QUERY });
    session.progress(id, 'reading', log.log.sourceSize, log.file.size, log.log.entries.length, { ...summary, firstRows });
  };
  for (const { input, head, detectedKind, recognised, contentSha256 } of classified) {
    const kind = input.kind ?? detectedKind;
    const options = imaListOptions(recognised);
    if (!isLogKind(kind) || options === undefined) continue;
    const key = cacheKeyOf(input, kind, contentSha256);
    const previous = before.logs.find((l) => l.cacheKey === key);
    parsed.push(
      previous !== undefined
        ? { ...previous, inputId: input.id, drop: input.drop ?? 0, overview: { ...previous.overview, inputId: input.id } }
        : await parseLog(session, input, kind, options, key, id, signal, { head, preview }),
    );
    preview = undefined;
  }
  const arranged = arrangeCaseLogs(parsed, parsed.find((l) => l.cacheKey === before.log?.cacheKey));
  const primary = arranged.primary;
  const supersededBy = new Map(arranged.superseded.map((s) => [s.item.inputId, s.by.overview.name]));
  const oldCase = (input: InputFile): boolean => arranged.newCaseFrom !== undefined && (input.drop ?? 0) < arranged.newCaseFrom;
  const summaries: InputSummary[] = [];
  const others: RawInput[] = [];
  for (const { input, head, detectedKind, bytes: read } of classified) {
    const kind = input.kind ?? detectedKind;
    const log = parsed.find((l) => l.inputId === input.id);
    const by = supersededBy.get(input.id) ?? (oldCase(input) && primary !== undefined ? primary.overview.name : undefined);
    const inputSummary: InputSummary = {
      id: input.id,
      name: input.name,
      size: input.file.size,
      kind,
      detectedKind,
      ...(kind === undefined ? { looksLike: describeUnrecognized(head) } : {}),
      ...(by !== undefined ? { supersededBy: by } : {}),
      ...(log?.log.digestBank !== undefined ? { digestBank: log.log.digestBank } : {}),
    };
    summaries.push(withCasePart(inputSummary, primary, arranged.companions, arranged.extra));
    if (isLogKind(kind) || by !== undefined) continue;
    // Fail closed: a file no kind fits still goes to the analysis, which reports it as
    // unreadable (a red verdict) instead of judging the rest as if it had not been given.
    // Its head is enough to say so; a large unknown file is never read whole.
    const bytes = kind === undefined ? head : (read ?? (await wholeBytes(input.file, head)));
    others.push({ name: input.name, bytes, ...(kind !== undefined ? { kind } : {}), ...(input.kind !== undefined ? { kindGiven: true } : {}) });
  }
  if (signal.aborted) throw new SessionError('cancelled', 'Cancelled');
  const summary: LoadSummary = {
    inputs: summaries,
    ...(primary ? { log: primary.overview } : {}),
    ...(arranged.newCaseFrom !== undefined ? { newCaseFrom: arranged.newCaseFrom } : {}),
  };
  const kept = new Set([primary, ...arranged.companions, ...arranged.extra].map((l) => l?.log));
  for (const old of before.logs) if (!kept.has(old.log)) session.verifications.get(old.log)?.controller.abort();
  // Adding a quote or PCR file re-opens the same parsed log: its reference stays.
  const comparison = primary !== undefined && primary.log === before.log?.log ? before.comparison : undefined;
  session.state = { ...emptyOpenState(), summary, log: primary, companions: arranged.companions, extras: arranged.extra, logs: parsed, others, ...(comparison ? { comparison } : {}) };
  session.committed = session.state;
  // Verification and the fingerprint start now, not when the page asks for the analysis.
  // Its failures (the hash provider not loading) are the analysis's to report, when asked for.
  if (primary !== undefined) prepareAnalysis(session, primary).catch(() => undefined);
  return summary;
}

/**
 * How a list's read begins (open): `head`, the first bytes of the file already read (the
 * sniff), is parsed first and not read again; `preview` is told the entries parsed so far as
 * soon as there are any, when the list is longer than one push.
 */
export interface ParseStart {
  readonly head?: Uint8Array;
  readonly preview?: (log: OpenedLog) => void;
  /**
   * A comparison's reference: a binary list is read back from its file whatever its size
   * (where it can be), its names and file digests copied (OpenedLog.namesAndDigests), so
   * neither list's bytes are held twice and the comparison's random reads stay in memory.
   */
  readonly reference?: boolean;
}

/** A file's bytes: its head when that is all of it, else read whole. */
async function wholeBytes(file: Blob, head: Uint8Array): Promise<Uint8Array> {
  return head.length === file.size ? head : new Uint8Array(await file.arrayBuffer());
}

export async function parseLog(
  session: Session,
  input: InputFile,
  kind: 'ima-binary' | 'ima-ascii',
  options: ImaParseOptions,
  cacheKey: string,
  id: RequestId,
  signal: AbortSignal,
  start: ParseStart = {},
): Promise<OpenedLog> {
  const now = session.options.now ?? (() => performance.now());
  const interval = session.options.progressIntervalMs ?? 100;
  const pushSize = session.options.pushSize ?? DEFAULT_PUSH_SIZE;
  const started = now();
  session.verifyPool(); // its workers start while the log is read
  const bytesTotal = input.file.size;
  // A binary list is read back from its File on demand: the model keeps no copy of it.
  const reader = kind === 'ima-binary' ? (session.options.readBack ?? (start.reference === true ? syncBlobReader : readBackLargeLists))(input.file) : undefined;
  // A reference's file is read back only in order (its entries' template digests, once):
  // two chunks then serve.
  const readBack = reader === undefined ? undefined : new ChunkedByteSource(bytesTotal, reader, start.reference === true ? { maxChunks: 2 } : {});
  const parser = makeParser(input, readBack === undefined ? options : { ...options, readBack, keepNamesAndDigests: start.reference === true });
  let bytesRead = 0;
  let lastProgress = -Infinity;
  const progress = (force: boolean): void => {
    const t = now();
    if (!force && t - lastProgress < interval) return;
    lastProgress = t;
    session.progress(id, 'reading', bytesRead, bytesTotal, parser.entryCount);
  };
  // Only a list longer than one push has a preview (the head is shorter than a push).
  let preview = bytesTotal > pushSize ? start.preview : undefined;
  // The head is pushed first, so its entries go to the page before the first progress event:
  // it shows the first rows without a progress screen first, while the rest is read.
  const head = start.head ?? new Uint8Array(0);
  async function* pieces(): AsyncGenerator<Uint8Array, void, undefined> {
    if (head.length > 0) yield head;
    yield* readBlobChunks(head.length > 0 ? input.file.slice(head.length) : input.file, session.options.sliceSize);
  }
  try {
    for await (const chunk of pieces()) {
      for (let o = 0; o < chunk.length; o += pushSize) {
        if (signal.aborted) throw new SessionError('cancelled', 'Cancelled');
        const piece = chunk.subarray(o, Math.min(chunk.length, o + pushSize));
        parser.push(piece);
        bytesRead += piece.length;
        // A list longer than one push shows its first entries now (never reused: no cache key).
        const soFar = preview !== undefined && bytesRead < bytesTotal ? parser.snapshot() : undefined;
        if (soFar !== undefined) {
          preview?.({ inputId: input.id, drop: input.drop ?? 0, cacheKey: '', file: input.file, log: soFar, overview: overviewOf(input, soFar, now() - started), kind });
          preview = undefined;
        }
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
  const namesAndDigests = parser.namesAndDigests?.columns(log.entries);
  return { inputId: input.id, drop: input.drop ?? 0, cacheKey, file: input.file, log, overview: overviewOf(input, log, now() - started), kind, ...(namesAndDigests !== undefined ? { namesAndDigests } : {}) };
}

function overviewOf(input: InputFile, log: ImaLog, millis: number): LogOverview {
  const counts = countEntries(log);
  return {
    inputId: input.id,
    name: input.name,
    format: log.format,
    byteOrder: log.byteOrder,
    digestSize: log.digestSize,
    digestBank: log.digestBank,
    entryCount: log.entries.length,
    templates: log.templates.map((t, k) => ({ name: t.name, known: t.known, count: counts.perTemplate[k] })),
    pcrs: counts.pcrs,
    errors: log.errors,
    sourceSize: log.sourceSize,
    parseMillis: Math.round(millis),
  };
}

export const openHandlers: Handlers<'open'> = {
  open: (session, { inputs }, { id, signal }) => open(session, inputs, id, signal),
};
