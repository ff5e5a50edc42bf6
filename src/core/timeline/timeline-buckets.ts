/**
 * One window of the timeline at one resolution: how many entries of each series fall in each
 * bucket (density, when many entries share a pixel), plus the bands that cross the window.
 * A pure function of the model and the marks, answered in the worker (STYLE §7.4): the page
 * asks for `[start, end)` cut into `bucketCount` buckets and draws what comes back.
 *
 * Bucket b covers entries [bucketStart(b), bucketStart(b + 1)): boundaries are
 * ceil(b · length / count), so entry i lies in bucket floor((i − start) · count / length).
 */
import type { IndexRun } from '../analysis/index-runs';
import type { BreakdownMode, TimelineBreakdown } from './timeline-categories';
import type { ImaLog, IndexIntoEntryTable } from '../model/ima-log';
import { NO_KEY_ID, type KeyIdColumn } from '../query/signature-key-ids';
import {
  TIMELINE_MARKER_KINDS,
  type TimelineMarkerKind,
  type TimelineMarks,
  type TimelineMatch,
  type TimelineParseError,
  type TimelineSoftReboot,
} from './timeline-marks';

/**
 * A counted series: a marker kind, signed entries, or the entries of one PCR (`pcr-10`);
 * `policy-fail` and `signature-fail` when the analysis judged a policy or signatures (their
 * lanes appear whenever the series is present).
 */
export type TimelineSeriesId = TimelineMarkerKind | 'signature' | 'policy-fail' | 'signature-fail' | `pcr-${number}`;

export interface TimelineWindowRequest {
  /** Half-open range of entry positions. */
  readonly start: number;
  readonly end: number;
  readonly bucketCount: number;
  /** How to cut the density by what was measured (answered in `breakdown`); none when absent. */
  readonly breakdown?: BreakdownMode;
}

export interface TimelineBuckets {
  readonly entryCount: number;
  /** The window answered (the request clamped to the log). */
  readonly start: number;
  readonly end: number;
  /** At most the window's length: a bucket never holds less than one entry. */
  readonly bucketCount: number;
  readonly series: readonly TimelineSeriesId[];
  /** Series-major counts: `counts[s * bucketCount + b]` entries of series s in bucket b. */
  readonly counts: Uint32Array;
  /** Whole-log totals per series, in `series` order. */
  readonly totals: readonly number[];
  /** Opposite-byte-order runs crossing the window (at most MAX_WINDOW_RUNS). */
  readonly byteOrderRuns: readonly IndexRun[];
  readonly byteOrderRunsTruncated: boolean;
  readonly softReboots: readonly TimelineSoftReboot[];
  readonly matches: readonly TimelineMatch[];
  readonly valuesChecked: boolean;
  readonly parseErrors: readonly TimelineParseError[];
  readonly pcrs: readonly number[];
  readonly firmwareEvents?: number;
  readonly byteOrder: 'little' | 'big';
  readonly verified: boolean;
  /** The window's entries by category, when the request asked for a breakdown. */
  readonly breakdown?: TimelineBreakdown;
}

/** Runs beyond this many in one window are drawn as density only. */
export const MAX_WINDOW_RUNS = 2000;

/** First entry of bucket `b` of a window (b = count gives the window's end). */
export function bucketStart(start: number, end: number, bucketCount: number, b: number): number {
  const length = end - start;
  return start + Math.floor((b * length + bucketCount - 1) / bucketCount);
}

/** Bucket of entry `i` in a window. */
export function bucketOf(start: number, end: number, bucketCount: number, i: number): number {
  return Math.floor(((i - start) * bucketCount) / (end - start));
}

/** Position of the first value ≥ `value` in an ascending array. */
export function lowerBound(sorted: ArrayLike<number>, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Clamps a request to the log: a non-empty window of whole entries, at least one per bucket. */
export function clampWindow(request: TimelineWindowRequest, entryCount: number): TimelineWindowRequest {
  const total = Math.max(1, entryCount);
  const start = Math.min(Math.max(0, Math.floor(request.start)), total - 1);
  const end = Math.max(start + 1, Math.min(total, Math.ceil(request.end)));
  const bucketCount = Math.max(1, Math.min(Math.floor(request.bucketCount), end - start));
  return { start, end, bucketCount };
}

export function computeTimelineBuckets(log: ImaLog, marks: TimelineMarks, request: TimelineWindowRequest, keyIds?: KeyIdColumn): TimelineBuckets {
  const { start, end, bucketCount: B } = clampWindow(request, marks.entryCount);
  const series: TimelineSeriesId[] = [
    ...TIMELINE_MARKER_KINDS,
    'signature',
    ...marks.pcrs.map((p) => `pcr-${p}` as const),
    ...marks.verdictSeries.map((v) => v.id),
  ];
  const counts = new Uint32Array(series.length * B);
  const totals: number[] = [
    ...TIMELINE_MARKER_KINDS.map((k) => marks.markers[k].length),
    marks.signedCount,
    ...marks.pcrCounts,
    ...marks.verdictSeries.map((v) => v.total),
  ];

  // Sparse kinds: only the marked entries inside the window are visited.
  TIMELINE_MARKER_KINDS.forEach((kind, s) => {
    const indices = marks.markers[kind];
    for (let k = lowerBound(indices, start); k < indices.length && indices[k] < end; k++) {
      counts[s * B + bucketOf(start, end, B, indices[k])]++;
    }
  });
  // Dense series: one pass over the window's entries, bucket by bucket.
  const e = log.entries;
  const entryCount = Math.min(end, e.length);
  const signatureRow = TIMELINE_MARKER_KINDS.length * B;
  const pcrRow = new Int32Array(256).fill(-1);
  marks.pcrs.forEach((pcr, k) => {
    pcrRow[pcr] = (TIMELINE_MARKER_KINDS.length + 1 + k) * B;
  });
  const verdictRows = marks.verdictSeries.map((v, k) => ({ ...v, row: (TIMELINE_MARKER_KINDS.length + 1 + marks.pcrs.length + k) * B }));
  for (let b = 0; b < B; b++) {
    const to = Math.min(entryCount, bucketStart(start, end, B, b + 1));
    for (let i = bucketStart(start, end, B, b); i < to; i++) {
      counts[pcrRow[e.pcr[i]] + b]++;
      if (keyIds !== undefined && keyIds.at(i) !== NO_KEY_ID) counts[signatureRow + b]++;
    }
    for (const v of verdictRows) {
      const last = Math.min(to, v.column.length);
      let failed = 0;
      for (let i = bucketStart(start, end, B, b); i < last; i++) failed += v.failing[v.column[i]];
      counts[v.row + b] += failed;
    }
  }

  const runs = marks.byteOrderRuns;
  const byteOrderRuns: IndexRun[] = [];
  // Runs are ascending and disjoint: the first crossing the window is the first ending in it.
  let r = 0;
  for (let hi = runs.length; r < hi; ) {
    const mid = (r + hi) >> 1;
    if (runs[mid].last < start) r = mid + 1;
    else hi = mid;
  }
  for (; r < runs.length && runs[r].first < end && byteOrderRuns.length < MAX_WINDOW_RUNS; r++) byteOrderRuns.push(runs[r]);
  const byteOrderRunsTruncated = r < runs.length && runs[r].first < end;

  return {
    entryCount: marks.entryCount,
    start,
    end,
    bucketCount: B,
    series,
    counts,
    totals,
    byteOrderRuns,
    byteOrderRunsTruncated,
    softReboots: marks.softReboots,
    matches: marks.matches,
    valuesChecked: marks.valuesChecked,
    parseErrors: marks.parseErrors,
    pcrs: marks.pcrs,
    ...(marks.firmwareEvents !== undefined && { firmwareEvents: marks.firmwareEvents }),
    byteOrder: marks.byteOrder,
    verified: marks.verified,
  };
}

/** One marker for the DOM list (CONTRACT §4): a kind, an entry and what to read aloud. */
export interface TimelineMarker {
  readonly kind: TimelineMarkerKind;
  readonly index: IndexIntoEntryTable;
  /** For a byte-order run: its last entry. */
  readonly last?: IndexIntoEntryTable;
  readonly label: string;
}

export interface TimelineMarkerList {
  readonly start: number;
  readonly end: number;
  /** At most `limit` markers per kind, the first ones in the range. */
  readonly markers: readonly TimelineMarker[];
  /** Markers of each kind in the range, listed or not. */
  readonly counts: Readonly<Record<TimelineMarkerKind, number>>;
}

export interface TimelineMarkerRequest {
  readonly start: number;
  readonly end: number;
  /** Markers listed per kind. */
  readonly limit: number;
}

/** Names are read only for the few markers listed, never for the whole log. */
export type EntryNameReader = (index: IndexIntoEntryTable) => string;

export function describeTimelineMarker(
  marks: TimelineMarks,
  kind: TimelineMarkerKind,
  index: IndexIntoEntryTable,
  nameOf: EntryNameReader,
  ordinal: number,
): TimelineMarker {
  const at = `entry #${index}`;
  switch (kind) {
    case 'boot': {
      const reboot = marks.softReboots.find((s) => s.boot === index);
      const how = reboot === undefined ? 'cold boot' : reboot.outcome === 'complete' ? 'after kexec' : 'after kexec, entries may be lost';
      return { kind, index, label: `boot_aggregate #${ordinal + 1} at ${at} (${how})` };
    }
    case 'kexec_load': {
      const lost = marks.softReboots.some((s) => s.load === index && s.outcome === 'no-execute');
      return { kind, index, label: `kexec_load at ${at}${lost ? ', no kexec_execute follows: entries lost' : ''}` };
    }
    case 'kexec_execute':
      return { kind, index, label: `kexec_execute at ${at}` };
    case 'violation':
      return { kind, index, label: `violation at ${at}: ${nameOf(index)}` };
    case 'hash-mismatch':
      return { kind, index, label: `template hash mismatch at ${at}: ${nameOf(index)}` };
    case 'byte-order': {
      const run = marks.byteOrderRuns[ordinal];
      const other = marks.byteOrder === 'little' ? 'big' : 'little';
      const span = run.first === run.last ? `entry #${run.first}` : `entries #${run.first}–${run.last}`;
      return { kind, index, last: run.last, label: `${span} hashed ${other}-endian` };
    }
    case 'pcr-match': {
      const m = marks.matches[ordinal];
      const what = m.sources.join(', ');
      return {
        kind,
        index,
        label: m.wholeLog
          ? `${what} reproduced by the whole log (${m.matchedEntries} entries)`
          : `${what} reproduced after ${at}: ${marks.entryCount - m.matchedEntries} later entries not covered`,
      };
    }
    case 'parse-error': {
      const p = marks.parseErrors[ordinal];
      return { kind, index, label: `parse error at byte ${p.offset} (after ${at}): ${p.message}` };
    }
  }
}

/** The first `limit` markers of each kind in [start, end), with the count of each kind there. */
export function listTimelineMarkers(marks: TimelineMarks, request: TimelineMarkerRequest, nameOf: EntryNameReader): TimelineMarkerList {
  const { start, end } = request;
  const markers: TimelineMarker[] = [];
  const counts = {} as Record<TimelineMarkerKind, number>;
  for (const kind of TIMELINE_MARKER_KINDS) {
    const indices = marks.markers[kind];
    const first = lowerBound(indices, start);
    const stop = lowerBound(indices, end);
    counts[kind] = stop - first;
    for (let k = first; k < stop && k < first + request.limit; k++) {
      markers.push(describeTimelineMarker(marks, kind, indices[k], nameOf, k));
    }
  }
  return { start, end, markers, counts };
}
