/**
 * The entry table as CSV (RFC 4180): a header line, then one line per entry of the given
 * rows (the table's current filter and sort) or of the whole log. Lines end in CRLF; a field
 * is quoted when it holds a comma, a double quote, CR or LF, with quotes doubled.
 *
 * Entry names come from an untrusted log, and spreadsheets execute cells that start with
 * `=`, `+`, `-` or `@` (CSV/formula injection, OWASP): such cells, and those starting with
 * TAB or CR, get a leading single quote so they open as text. No other column can start
 * with those characters.
 */
import type { ImaLog } from '../model/ima-log';
import { computeKeyIds, type KeyIdColumn } from '../query/signature-key-ids';
import { entryRow, type EntryRow } from './entry-row';

const HEADER = [
  '#',
  'PCR',
  'template',
  'template digest',
  'status',
  'file digest algorithm',
  'file digest',
  'name',
  'key id',
];

export interface CsvOptions {
  /** The key-id column if already computed (the worker keeps one for search). */
  readonly keyIds?: KeyIdColumn;
}

/** CSV of `rows` (entry indices in display order), or of every entry when undefined. */
export function exportCsv(
  log: ImaLog,
  rows: Int32Array | readonly number[] | undefined,
  options: CsvOptions = {},
): string {
  const keyIds = options.keyIds ?? computeKeyIds(log);
  const lines = [csvLine(HEADER)];
  const n = rows === undefined ? log.entries.length : rows.length;
  for (let k = 0; k < n; k++) {
    const i = rows === undefined ? k : rows[k];
    if (Number.isInteger(i) && i >= 0 && i < log.entries.length) lines.push(csvLine(rowCells(entryRow(log, i, keyIds))));
  }
  return `${lines.join('\r\n')}\r\n`;
}

function rowCells(r: EntryRow): string[] {
  return [
    String(r.index),
    String(r.pcr),
    r.template,
    r.templateDigest,
    r.status,
    r.fileDigestAlgorithm,
    r.fileDigest,
    r.name,
    r.keyId,
  ];
}

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One CSV field: formula guard first (the quote becomes part of the text), then quoting. */
export function csvField(value: string): string {
  const guarded = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(guarded) ? `"${guarded.replace(/"/g, '""')}"` : guarded;
}

function csvLine(cells: readonly string[]): string {
  return cells.map(csvField).join(',');
}
