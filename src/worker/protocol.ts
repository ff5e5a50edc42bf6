/**
 * Every message between the page and the log worker; the only file both sides import.
 *
 * The worker owns the parsed log (Perfetto's model): the page sends `File` handles, never
 * bytes, and asks for windows — a page of rows, one entry's detail. Messages are plain
 * structured-cloneable objects; typed arrays in results are fresh copies, so they can be
 * transferred without detaching a model column.
 *
 * Flow: open(files) → classify each by content → stream the IMA log through ImaLogParser
 * (progress events) → LoadSummary; then analyze(pastes, nonce) → template-hash
 * verification + replay + findings → AnalysisSummary. Rows are readable as soon as `open`
 * answers; their status column fills in when `analyze` has verified the log.
 *
 * RequestMap is the one declaration of the requests: the worker answers each type with the
 * handler keyed by it (worker/requests/handlers.ts), the views ask through WorkerCall. A new
 * request is its entry here and its handler in the module of its subject.
 */
import type { HashAlgorithm } from '../core/hash/hash-algorithm';
import type { DecodedEntry } from '../core/ima/decode/decode-entry';
import type { Bytes, ByteOrder, IndexIntoEntryTable, ParseError } from '../core/model/ima-log';
import type { EntryStatus } from '../core/query/entry-status';
import type { RowFilter, RowQuery } from '../core/query/filter-entries';
import type { RowPage, RowRange } from '../core/query/row-page';
import type { FilteredTimelineBuckets } from '../core/timeline/match-buckets';
import type { InputKind, PcrBankValues, Report } from '../core/report/report';
import type { CompareDocument } from '../core/compare/compare-json';
import type { PolicyMeasurement } from '../core/policy/create-policy';
import type { PermalinkEntry } from '../core/share/permalink';
import type { ReplayHypotheses } from '../core/analysis/hypotheses';
import type { QuoteDetails } from '../core/analysis/quote-details';
import type { PastePart } from '../core/inputs/split-paste';
import type { PcrConflict } from '../core/tpm/pcrs/pcr-value-set';
import type {
  TimelineMarkerList,
  TimelineMarkerRequest,
  TimelineWindowRequest,
} from '../core/timeline/timeline-buckets';

export type { RowPage, RowRange } from '../core/query/row-page';

export type RequestId = number;

/** A file the user gave, with the kind they forced from the inputs list, if any. */
export interface InputFile {
  /** Stable id chosen by the page, so summaries can be matched back to inputs. */
  readonly id: string;
  readonly name: string;
  readonly file: Blob;
  readonly kind?: InputKind;
  /** Which drop of files it came with (case-logs.ts: a new log in a later drop starts a new case). */
  readonly drop?: number;
}

/** Text pasted into the quote box: treated like one more file. */
export interface PastedInput {
  readonly id: string;
  readonly name: string;
  readonly text: string;
}

export interface InputSummary {
  readonly id: string;
  readonly name: string;
  readonly size: Bytes;
  /** What it is used as: the forced kind, else the detected one; undefined if unrecognised. */
  readonly kind: InputKind | undefined;
  readonly detectedKind: InputKind | undefined;
  /** For an unrecognised input: what its first bytes looked like. */
  readonly looksLike?: string;
  /** An IMA list that a later one replaced (one log is analysed at a time). */
  readonly supersededBy?: string;
  /** A per-bank list of the shown log (named here): it replays its own bank. */
  readonly companionOf?: string;
  /** A second IMA list of a bank the shown one (named here) already gives: read, not analysed. */
  readonly unusedBeside?: string;
  /** The bank of an IMA list's template digests. */
  readonly digestBank?: HashAlgorithm;
}

export interface TemplateSummary {
  readonly name: string;
  readonly known: boolean;
  readonly count: number;
}

export interface LogOverview {
  readonly inputId: string;
  readonly name: string;
  readonly format: 'binary' | 'ascii';
  readonly byteOrder: ByteOrder;
  readonly digestSize: number;
  readonly digestBank: HashAlgorithm | undefined;
  readonly entryCount: number;
  readonly templates: readonly TemplateSummary[];
  /** The PCRs the log extends, ascending, with their entry counts. */
  readonly pcrs: readonly { readonly pcr: number; readonly count: number }[];
  readonly errors: readonly ParseError[];
  readonly sourceSize: Bytes;
  /** Wall time spent reading and parsing, for the status line. */
  readonly parseMillis: number;
}

export interface LoadSummary {
  readonly inputs: readonly InputSummary[];
  /** Absent when no input is an IMA measurement list. */
  readonly log?: LogOverview;
  /**
   * Set when a list dropped onto an open case started a new one: inputs of drops before this
   * one belong to the old case (they are superseded) and the page lets go of them.
   */
  readonly newCaseFrom?: number;
  /**
   * A preview (ProgressEvent.preview): `log` is still being read, its overview counts the
   * entries read so far, and nothing is analysed yet.
   */
  readonly reading?: true;
  /**
   * With `reading`, in the progress event: the list's first rows in log order (DEFAULT_QUERY),
   * as `getRows` answers them then, so the table shows them without asking.
   */
  readonly firstRows?: RowPage;
}

export interface AnalysisSummary {
  readonly report: Report;
  /** How each pasted text was recognised, and whether the analysis refused it. */
  readonly pastes: readonly PasteSummary[];
  /** Entry-count statuses after verification, for the status filter's counts. */
  readonly statusCounts: Readonly<Partial<Record<EntryStatus, number>>>;
  readonly analyzeMillis: number;
  /** The parts a pasted text was split into, with what nothing recognised (kind 'unknown'). */
  readonly pasteParts?: readonly PastePartSummary[];
  /**
   * The open inputs the analysis settled otherwise than the open step's sniff (as the report's
   * `inputs[].kind`): one no kind fitted alone, read as a tpm2 '-F values' PCR file with a
   * quote's selection (`kind`) or why it could not be read (`reason`); a key that verifies no
   * quote, kept as an IMA verification key (`kind`).
   */
  readonly readWithCase?: readonly InputReading[];
  /** PCRs given different values (in one listing, or by two inputs): none was compared. */
  readonly pcrConflicts?: readonly PcrConflict[];
  /**
   * The case as the analysis showed it, when the list it analysed is not the one the table
   * showed: another list of that bank, whose replay reproduces the PCR values or quote (as
   * `imascope analyze` chooses). The page shows it as an open's answer: its rows, its timeline.
   */
  readonly shown?: LoadSummary;
  /** The PCR values supplied (Analysis.suppliedPcrs): the evmctl PCR export writes them. */
  readonly suppliedPcrs?: PcrBankValues;
}

/** A pasted text as recognised, and why the analysis refused it (or its parts) though recognised. */
export interface PasteSummary extends InputSummary {
  readonly refused?: readonly string[];
}

/** How the analysis read an input, where it differs from the open step's sniff (by InputSummary.id). */
export interface InputReading {
  readonly id: string;
  readonly kind?: InputKind;
  readonly reason?: string;
}

/** One part of a pasted text (core/inputs/split-paste.ts). */
export interface PastePartSummary {
  readonly kind: PastePart['kind'];
  /** 0-based line of the part's first line in the paste. */
  readonly lineStart: number;
  readonly lineCount: number;
  /** Its first line, shortened. */
  readonly preview: string;
  /** It has the shape or label of `kind` but does not parse as one (the analysis refuses it). */
  readonly unreadable?: true;
}

/** The replay panel's deeper look at the last analysis, computed only when asked. */
export interface ReplayDetails {
  /** The replay under every reading of the log; absent without a log. */
  readonly hypotheses?: ReplayHypotheses;
  readonly quote?: QuoteDetails;
}

export interface EntryDetail {
  readonly index: IndexIntoEntryTable;
  readonly pcr: number;
  readonly templateName: string;
  readonly flags: number;
  readonly status: EntryStatus;
  /** Where the entry starts in the user's file. */
  readonly sourceOffset: Bytes;
  /** Where `raw` starts in the model's data; decoded field offsets are relative to that. */
  readonly dataOffset: Bytes;
  /** The entry's bytes in binary layout (a copy). */
  readonly raw: Uint8Array;
  readonly decoded: DecodedEntry;
  /** How the policy dry run decided the entry (absent when none ran). */
  readonly policy?: readonly string[];
}

/** One firmware event, decoded, for the firmware table (a row) and its detail view. */
export interface FirmwareEventRow {
  /** Position in the log; the Spec ID header is event 0 (tpm2-tools numbering). */
  readonly index: number;
  /** As logged: 0xFFFFFFFF and other values above 23 are kept. */
  readonly pcr: number;
  readonly type: number;
  readonly typeName: string;
  /** Where the event starts in the firmware log file, and its whole size. */
  readonly offset: Bytes;
  readonly size: Bytes;
  /** In log order: the bank name (the TPM algorithm id in hex when unknown) and the digest. */
  readonly digests: readonly { readonly bank: string; readonly hex: string }[];
  /** One line of decoded data (at most 200 characters). */
  readonly summary: string;
  /** Every decoded field, full length. */
  readonly details: Readonly<Record<string, string>>;
  /** The logged digest is not the hash of the event data (only checked for types that allow it). */
  readonly digestMismatch: boolean;
}

/** A window of the firmware log's events. */
export interface FirmwareEventPage {
  readonly start: number;
  /** Events in the log (the table's scroll height). */
  readonly totalRows: number;
  readonly rows: readonly FirmwareEventRow[];
}

export interface FirmwareEventDetail {
  readonly row: FirmwareEventRow;
  /** The event's bytes as in the file (a copy): header, digests, data size, data. */
  readonly raw: Uint8Array;
  /**
   * For the byte regions: crypto-agile (TCG_PCR_EVENT2) or SHA-1 (TCG_PCR_EVENT) framing;
   * tpm2_eventlog's text of the event; or the event data alone (a CEL record).
   */
  readonly framing: 'sha1' | 'crypto-agile' | 'text' | 'data';
}

/** A file made from the open log for download (a fresh buffer, transferred). */
export interface ExportedFile {
  readonly bytes: Uint8Array;
  /** Entries it holds (CSV data lines, ASCII list lines). */
  readonly rows: number;
}

/** A Keylime runtime policy v1 made by the worker for download (`exportPolicy`). */
export interface PolicyExport {
  /** The policy JSON, as `imascope policy create` writes it. */
  readonly bytes: Uint8Array;
  /** How many path/name digests the file adds (to an empty policy, or to the judged one). */
  readonly addedCount: number;
  /** The first of them, for review: list, path or name, digest. */
  readonly added: readonly PolicyMeasurement[];
  /** Entries that could not be written, with why. */
  readonly skipped: readonly string[];
  /** Failing entries no policy change can fix (template hash, template, PCR), with the reason. */
  readonly notFixable: readonly { readonly index: IndexIntoEntryTable; readonly reason: string }[];
  /** The judged policy came in a DSSE envelope: the patched one is unsigned until re-signed. */
  readonly wasSigned: boolean;
}

/** The open log file as given, for embedding in a permalink; `bytes` absent past the limit. */
export interface LogFileBytes {
  readonly size: Bytes;
  readonly bytes?: Uint8Array;
}

export interface RequestMap {
  open: { params: { readonly inputs: readonly InputFile[] }; result: LoadSummary };
  analyze: {
    params: {
      readonly pastes: readonly PastedInput[];
      readonly nonce?: string;
      /** Judge a runtime policy exactly as Keylime does (no extended findings). */
      readonly keylimeCompat?: boolean;
      readonly banks?: readonly HashAlgorithm[];
    };
    result: AnalysisSummary;
  };
  getRows: { params: { readonly range: RowRange; readonly query: RowQuery }; result: RowPage };
  /** Row position of an entry under a query (-1 when the query hides it). */
  findRow: { params: { readonly index: IndexIntoEntryTable; readonly query: RowQuery }; result: number };
  getEntryDetail: { params: { readonly index: IndexIntoEntryTable }; result: EntryDetail };
  /** The entry table under a query (filter and sort) as CSV, UTF-8 (error `noLog` without a log). */
  exportCsv: { params: { readonly query: RowQuery }; result: ExportedFile };
  /** The open binary list in the kernel's ASCII rendering (error `noLog` for an ASCII list). */
  exportAsciiList: { params: Record<string, never>; result: ExportedFile };
  /** The entries a report's findings name, as a permalink carries them (empty without a log). */
  getFindingEntries: { params: { readonly report: Report }; result: readonly PermalinkEntry[] };
  /**
   * A runtime policy from the open log (`from-log`: every measured digest, as `policy create`),
   * or the judged policy with the entries it failed added (`add-failing`; error `noLog` before
   * a policy was judged).
   */
  exportPolicy: { params: { readonly kind: 'from-log' | 'add-failing' }; result: PolicyExport };
  /** The open log file's bytes when it is at most `maxBytes` long (error `noLog` without a log). */
  getLogBytes: { params: { readonly maxBytes: Bytes }; result: LogFileBytes };
  /** Density of every timeline series over a window of entries, with the bands crossing it. */
  getTimeline: { params: { readonly window: TimelineWindowRequest; readonly filter?: RowFilter }; result: FilteredTimelineBuckets };
  /** The first markers of each kind in a range of entries (the timeline's DOM markers). */
  getTimelineMarkers: { params: { readonly range: TimelineMarkerRequest }; result: TimelineMarkerList };
  /** Decoded events of the firmware event log among the inputs (error `noLog` without one). */
  getFirmwareEvents: { params: { readonly range: RowRange }; result: FirmwareEventPage };
  getFirmwareEventDetail: { params: { readonly index: number }; result: FirmwareEventDetail };
  /** Every reading of the log against the supplied values and the quote (error `noLog` before an analysis). */
  getReplayDetails: { params: { readonly allReadings?: boolean }; result: ReplayDetails };
  /**
   * Reads `file` as the known-good reference (an IMA list, or a Keylime runtime policy whose
   * digests are the known-good set) and compares the open log with it (error `noLog` without
   * a log, `unrecognizedFormat` when the file is neither or cannot be read). Rows then carry
   * their class (`RowPage.compare`) until the next open.
   */
  compareWith: { params: { readonly file: Blob; readonly name: string }; result: CompareDocument };
  /**
   * "Accept these changes": a Keylime v1 policy accepting the changed and new paths of the
   * compare groups `groups` (keys); the reference policy plus them when the reference is one.
   * Error `noLog` before a comparison, `unrecognizedFormat` when an accepted entry's template
   * digest does not verify.
   */
  acceptChanges: { params: { readonly groups: readonly string[] }; result: PolicyUpdate };
  /**
   * The comparison as `imascope compare --json REFERENCE FAILING [FILE…]` writes it for the
   * same lists and the case's other inputs: each list's findings, and the failing list's
   * checks when the case has inputs besides it. Error `noLog` before a comparison.
   */
  exportCompare: { params: Record<string, never>; result: { readonly text: string } };
}

export interface PolicyUpdate {
  /** The policy document, as written to a file. */
  readonly text: string;
  /** Paths accepted. */
  readonly accepted: number;
  /** Digests left out, with why. */
  readonly skipped: readonly string[];
  /** True when the update is the reference policy with the accepted digests added. */
  readonly merged: boolean;
}

export type RequestType = keyof RequestMap;
export type RequestParams<K extends RequestType> = RequestMap[K]['params'];
export type RequestResult<K extends RequestType> = RequestMap[K]['result'];

/**
 * How the page asks the worker anything: one typed function, given to the views by the app
 * (LogClient.request underneath, a fake in tests).
 */
export type WorkerCall = <K extends RequestType>(type: K, params: RequestParams<K>) => Promise<RequestResult<K>>;

export type WorkerRequest =
  | {
      [K in RequestType]: { readonly type: K; readonly id: RequestId; readonly params: RequestParams<K> };
    }[RequestType]
  | { readonly type: 'cancel'; readonly id: RequestId };

/** `judging`: the runtime-policy dry run and its signature checks (bytesRead of bytesTotal: its steps). */
export type LoadPhase = 'reading' | 'verifying' | 'analyzing' | 'judging';

/** `filterStopped`: a filter's regular expression ran past its time budget (said at the filter field). */
export type WorkerErrorCode = 'cancelled' | 'unrecognizedFormat' | 'readFailed' | 'noLog' | 'internal' | 'filterStopped';

export type WorkerEvent =
  | {
      readonly type: 'progress';
      readonly id: RequestId;
      readonly phase: LoadPhase;
      readonly bytesRead: Bytes;
      readonly bytesTotal: Bytes;
      /** Entries read ('reading'), verified so far ('verifying'), in the log ('analyzing'), or steps judged ('judging'). */
      readonly entryCount: number;
      /**
       * Once per `open` of a list longer than one push ('reading'): the entries read so far,
       * whose rows can be asked for now (`reading` set); the answer replaces it.
       */
      readonly preview?: LoadSummary;
    }
  | { readonly type: 'result'; readonly id: RequestId; readonly result: RequestResult<RequestType> }
  | {
      readonly type: 'error';
      readonly id: RequestId;
      readonly code: WorkerErrorCode;
      readonly message: string;
    };

export type ProgressEvent = Extract<WorkerEvent, { type: 'progress' }>;

/** Buffers of a result that can be transferred (they are fresh copies by construction). */
export function transferablesOf(result: unknown): Transferable[] {
  if (typeof result !== 'object' || result === null) return [];
  const out = new Set<ArrayBuffer>();
  for (const value of Object.values(result)) {
    if (ArrayBuffer.isView(value) && value.buffer instanceof ArrayBuffer) out.add(value.buffer);
  }
  return [...out];
}
