/**
 * What each entry measured, as a small category column, so the timeline can show a
 * million-entry PCR 10 lane as "executables here, then libraries, kernel modules at boot"
 * instead of one solid bar. Three ways to cut the log (the user picks one):
 *
 * - `measured`: the kind of object, told from the name alone (IMA does not record the hook
 *   that measured it): boot_aggregate; keys (an ima-buf of a keyring such as `.ima`, or a
 *   key/certificate file); critical data (any other ima-buf: kernel_version, selinux-state,
 *   dm-table…); kernel modules (under /lib/modules or *.ko[.xz|.zst|.gz]); firmware (under
 *   /lib/firmware); libraries (*.so, *.so.N); scripts (*.sh, *.py, *.pl…); executables
 *   (under a bin/sbin/libexec directory); everything else.
 * - `template`: the entry's template (ima-ng, ima-sig, ima-buf…).
 * - `directory`: the top-level directory of the path (/usr, /etc…); names that are not paths
 *   share one category.
 *
 * Names are compared as bytes (no string is made per entry): a million entries classify in
 * ~150 ms (Node, names in memory; the app's worker also reads them back from the file). At most MAX_CATEGORIES categories: the rarest template
 * or directory values are counted together as "other".
 */
import type { ImaLog } from '../model/ima-log';
import { bucketStart } from './timeline-buckets';

export type BreakdownMode = 'measured' | 'template' | 'directory';
export const BREAKDOWN_MODES: readonly BreakdownMode[] = ['measured', 'template', 'directory'];

export const MEASURED_KINDS = [
  'boot',
  'executable',
  'library',
  'kernel-module',
  'firmware',
  'script',
  'key',
  'critical-data',
  'other',
] as const;
export type MeasuredKind = (typeof MEASURED_KINDS)[number];

/** Template or directory values beyond this many share an "other" category. */
export const MAX_CATEGORIES = 12;

export interface CategoryColumn {
  readonly mode: BreakdownMode;
  /** Category names, in the order their index is used in `column`. */
  readonly names: readonly string[];
  /** Entry i is in category `column[i]`. */
  readonly column: Uint8Array;
  /** Whole-log entries per category. */
  readonly totals: readonly number[];
}

function withTotals(mode: BreakdownMode, names: readonly string[], column: Uint8Array): CategoryColumn {
  const totals = new Array<number>(names.length).fill(0);
  for (let i = 0; i < column.length; i++) totals[column[i]]++;
  return { mode, names, column, totals };
}

/** Counts of one window cut into buckets, by category. */
export interface TimelineBreakdown {
  readonly mode: BreakdownMode;
  readonly names: readonly string[];
  /** Category-major: `counts[c * bucketCount + b]` entries of category c in bucket b. */
  readonly counts: Uint32Array;
  /** Whole-log entries per category. */
  readonly totals: readonly number[];
}

const bytes = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const KIND_INDEX = new Map<MeasuredKind, number>(MEASURED_KINDS.map((k, i) => [k, i]));
const kind = (k: MeasuredKind): number => KIND_INDEX.get(k) ?? MEASURED_KINDS.length - 1;

const BOOT_AGGREGATE = bytes('boot_aggregate');
const MODULE_DIRS = ['/lib/modules/', '/usr/lib/modules/'].map(bytes);
const MODULE_SUFFIXES = ['.ko', '.ko.xz', '.ko.zst', '.ko.gz'].map(bytes);
const FIRMWARE_DIRS = ['/lib/firmware/', '/usr/lib/firmware/'].map(bytes);
const SCRIPT_SUFFIXES = ['.sh', '.bash', '.py', '.pl', '.rb', '.lua', '.tcl', '.awk'].map(bytes);
const KEY_SUFFIXES = ['.pem', '.der', '.crt', '.cer', '.key', '.x509'].map(bytes);
const EXEC_DIRS = ['/bin/', '/sbin/', '/usr/bin/', '/usr/sbin/', '/usr/libexec/', '/usr/local/bin/', '/usr/local/sbin/', '/usr/lib/systemd/'].map(bytes);
const SO = bytes('.so');
const SO_DOT = bytes('.so.');
const KEY_WORD = bytes('key');

function startsWith(data: Uint8Array, at: number, length: number, prefix: Uint8Array): boolean {
  if (length < prefix.length) return false;
  for (let k = 0; k < prefix.length; k++) if (data[at + k] !== prefix[k]) return false;
  return true;
}

function endsWith(data: Uint8Array, at: number, length: number, suffix: Uint8Array): boolean {
  return length >= suffix.length && startsWith(data, at + length - suffix.length, suffix.length, suffix);
}

// Plain loops that compare a first byte before calling: a million names make tens of
// millions of these checks, which closures and a call per position made ~3× slower.
function includes(data: Uint8Array, at: number, length: number, part: Uint8Array): boolean {
  const first = part[0];
  for (let k = 0; k + part.length <= length; k++) {
    if (data[at + k] === first && startsWith(data, at + k, part.length, part)) return true;
  }
  return false;
}

function anyPrefix(d: Uint8Array, at: number, n: number, list: readonly Uint8Array[]): boolean {
  for (const p of list) if (startsWith(d, at, n, p)) return true;
  return false;
}

function anySuffix(d: Uint8Array, at: number, n: number, list: readonly Uint8Array[]): boolean {
  if (n === 0) return false;
  const last = d[at + n - 1];
  for (const p of list) if (p[p.length - 1] === last && endsWith(d, at, n, p)) return true;
  return false;
}

/** The kind of object a name (bytes `data[at, at + length)`) of template `template` measured. */
export function measuredKindOf(data: Uint8Array, at: number, length: number, template: string): MeasuredKind {
  if (length === BOOT_AGGREGATE.length && startsWith(data, at, length, BOOT_AGGREGATE)) return 'boot';
  if (template === 'ima-buf' || (length > 0 && data[at] !== 0x2f)) {
    // A buffer measurement: a key when the name is a keyring (".ima") or says so.
    if (template !== 'ima-buf' && length === 0) return 'other';
    return (length > 0 && data[at] === 0x2e) || includes(data, at, length, KEY_WORD) ? 'key' : 'critical-data';
  }
  if (anyPrefix(data, at, length, MODULE_DIRS) || anySuffix(data, at, length, MODULE_SUFFIXES)) return 'kernel-module';
  if (anyPrefix(data, at, length, FIRMWARE_DIRS)) return 'firmware';
  if (endsWith(data, at, length, SO) || includes(data, at, length, SO_DOT)) return 'library';
  if (anySuffix(data, at, length, SCRIPT_SUFFIXES)) return 'script';
  if (anySuffix(data, at, length, KEY_SUFFIXES)) return 'key';
  if (anyPrefix(data, at, length, EXEC_DIRS)) return 'executable';
  return 'other';
}

function classifyMeasured(log: ImaLog): CategoryColumn {
  const e = log.entries;
  const column = new Uint8Array(e.length);
  const templateNames = log.templates.map((t) => t.name);
  const source = log.bytes;
  for (let i = 0; i < e.length; i++) {
    const at = source.at(e.nameOffset[i], e.nameLength[i]);
    column[i] = kind(measuredKindOf(source.bytes, at, e.nameLength[i], templateNames[e.template[i]]));
  }
  return withTotals('measured', MEASURED_KINDS, column);
}

/**
 * Keeps the MAX_CATEGORIES − 1 most frequent values of a raw value column (with `labels`), and
 * folds the rest into "other", renumbering so category 0 is the most frequent.
 */
function keepMostFrequent(mode: BreakdownMode, raw: Uint32Array, labels: readonly string[]): CategoryColumn {
  const counts = new Array<number>(labels.length).fill(0);
  for (let i = 0; i < raw.length; i++) counts[raw[i]]++;
  const order = labels.map((_, k) => k).filter((k) => counts[k] > 0);
  order.sort((a, b) => counts[b] - counts[a] || a - b);
  const fits = order.length <= MAX_CATEGORIES;
  const kept = fits ? order : order.slice(0, MAX_CATEGORIES - 1);
  const category = new Uint8Array(labels.length).fill(kept.length);
  kept.forEach((k, c) => {
    category[k] = c;
  });
  const column = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) column[i] = category[raw[i]];
  return withTotals(mode, [...kept.map((k) => labels[k]), ...(fits ? [] : ['other'])], column);
}

function classifyTemplate(log: ImaLog): CategoryColumn {
  return keepMostFrequent('template', Uint32Array.from(log.entries.template), log.templates.map((t) => t.name));
}

/** "/usr" for "/usr/bin/bash"; the file itself for a file at the root; NOT_A_PATH otherwise. */
const NOT_A_PATH = '(not a path)';

/** Longest first component kept (bytes): deeper differences do not split a category. */
const MAX_DIRECTORY_BYTES = 64;

/**
 * Entries grouped by the first component of their name. The component's bytes are hashed and
 * compared in place: a label string is made only for a component not seen before, never per entry.
 */
function classifyDirectory(log: ImaLog): CategoryColumn {
  const e = log.entries;
  const source = log.bytes;
  const labels: string[] = [];
  // Each label's bytes (a copy: the list may be read in chunks), and the labels per hash (collisions chain).
  const labelBytes: Uint8Array[] = [];
  const byHash = new Map<number, number[]>();
  const raw = new Uint32Array(e.length);
  let notAPath = -1;
  for (let i = 0; i < e.length; i++) {
    const n = e.nameLength[i];
    const at = source.at(e.nameOffset[i], n);
    const d = source.bytes;
    if (n === 0 || d[at] !== 0x2f) {
      if (notAPath < 0) {
        notAPath = labels.length;
        labels.push(NOT_A_PATH);
        labelBytes.push(new Uint8Array(0));
      }
      raw[i] = notAPath;
      continue;
    }
    let end = 1;
    while (end < n && d[at + end] !== 0x2f) end++;
    const length = Math.min(end, MAX_DIRECTORY_BYTES);
    let hash = 0x811c9dc5;
    for (let k = 0; k < length; k++) hash = Math.imul(hash ^ d[at + k], 0x01000193);
    const chain = byHash.get(hash);
    let id = chain?.find((c) => sameBytes(labelBytes[c], d, at, length));
    if (id === undefined) {
      id = labels.length;
      // Latin-1, one character per byte, as the label has always read.
      labels.push(String.fromCharCode(...d.subarray(at, at + length)));
      labelBytes.push(d.slice(at, at + length));
      if (chain === undefined) byHash.set(hash, [id]);
      else chain.push(id);
    }
    raw[i] = id;
  }
  return keepMostFrequent('directory', raw, labels);
}

function sameBytes(label: Uint8Array, d: Uint8Array, at: number, length: number): boolean {
  if (label.length !== length) return false;
  for (let k = 0; k < length; k++) if (label[k] !== d[at + k]) return false;
  return true;
}

export function classifyEntries(log: ImaLog, mode: BreakdownMode): CategoryColumn {
  switch (mode) {
    case 'measured':
      return classifyMeasured(log);
    case 'template':
      return classifyTemplate(log);
    case 'directory':
      return classifyDirectory(log);
  }
}

/** Entries of each category in each bucket of `[start, end)` cut into `bucketCount` buckets. */
export function computeBreakdown(categories: CategoryColumn, start: number, end: number, bucketCount: number): TimelineBreakdown {
  const C = categories.names.length;
  const B = bucketCount;
  const counts = new Uint32Array(C * B);
  const column = categories.column;
  const stop = Math.min(end, column.length);
  for (let b = 0; b < B; b++) {
    const to = Math.min(stop, bucketStart(start, end, B, b + 1));
    for (let i = bucketStart(start, end, B, b); i < to; i++) counts[column[i] * B + b]++;
  }
  return { mode: categories.mode, names: categories.names, counts, totals: categories.totals };
}
