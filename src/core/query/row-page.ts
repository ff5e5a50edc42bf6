/**
 * A window of the entry table as the page draws it: fresh columnar copies of just the rows
 * asked for (the model's columns never leave the worker), with the verdict and comparison
 * codes of those rows.
 */
import { readEntrySpan, type ImaLog } from '../model/ima-log';
import { escapedText, toHex } from '../util/bytes';
import { verdictAt, type EntryVerdicts } from './entry-verdicts';
import { formatKeyId, readKeyId, signatureFieldIndices } from './signature-key-ids';

/** Half-open range of row positions in the current (filtered, sorted) view. */
export interface RowRange {
  readonly start: number;
  readonly end: number;
}

/** One window of the entry table, columnar; row k is entry `index[k]` at position start + k. */
export interface RowPage {
  readonly start: number;
  /** Rows the whole query matches (the table's scroll height). */
  readonly totalRows: number;
  readonly index: Int32Array;
  readonly pcr: Uint8Array;
  readonly template: Uint16Array;
  readonly flags: Uint16Array;
  readonly templateDigest: readonly string[];
  readonly fileDigestAlgorithm: readonly string[];
  readonly fileDigest: readonly string[];
  readonly name: readonly string[];
  readonly keyId: readonly string[];
  /** Policy dry run per row: PolicyCode (core/query/entry-verdicts; 0 = none when no policy was judged). */
  readonly policy: Uint8Array;
  /** Signature check per row: SignatureCode. */
  readonly signature: Uint8Array;
  /** Set when the filter expression does not parse: `column N: why`. */
  readonly searchError?: string;
  /** EntryCompare code of each row against the reference list, once one is compared. */
  readonly compare?: Uint8Array;
}

export interface RowPageColumns {
  readonly verdicts: EntryVerdicts;
  /** EntryCompare code per entry of the log, when a reference list was compared. */
  readonly compare?: Uint8Array;
}

/**
 * Rows [range.start, range.end) of a view, clamped to it; `view` holds the entry of each
 * row, undefined for every entry in log order.
 */
export function readRowPage(log: ImaLog, view: Int32Array | undefined, range: RowRange, columns: RowPageColumns): RowPage {
  const e = log.entries;
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
  const sigFields = signatureFieldIndices(log);
  const policy = new Uint8Array(n);
  const signature = new Uint8Array(n);
  for (let k = 0; k < n; k++) {
    const i = view === undefined ? start + k : view[start + k];
    index[k] = i;
    pcr[k] = e.pcr[i];
    template[k] = e.template[i];
    flags[k] = e.flags[i];
    // The key id first: it reads the entry itself, and the reads below share one.
    keyId.push(formatKeyId(readKeyId(log, i, sigFields)));
    const shift = readEntrySpan(log, i, i + 1);
    const data = log.bytes.bytes;
    const digestAt = e.entryOffset[i] + 4 + shift;
    templateDigest.push(toHex(data.subarray(digestAt, digestAt + log.digestSize)));
    fileDigestAlgorithm.push(e.fileDigestLength[i] > 0 ? (log.digestAlgorithms[e.fileDigestAlgorithm[i]] ?? '') : '');
    const fileDigestAt = e.fileDigestOffset[i] + shift;
    fileDigest.push(toHex(data.subarray(fileDigestAt, fileDigestAt + e.fileDigestLength[i])));
    const nameAt = e.nameOffset[i] + shift;
    // As the CLI prints it: a byte that is not UTF-8 shows as \xNN, never as U+FFFD.
    name.push(escapedText(data.subarray(nameAt, nameAt + e.nameLength[i])));
    policy[k] = verdictAt(columns.verdicts.policy, i);
    signature[k] = verdictAt(columns.verdicts.signature, i);
  }
  const classes = columns.compare;
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
    ...(classes !== undefined ? { compare: Uint8Array.from(index, (i) => classes[i]) } : {}),
  };
}
