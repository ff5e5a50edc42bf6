/**
 * The timeline's rows, top to bottom, and where each sits: the canvas draws them, the label
 * column names them and the marker overlay places its buttons in them, all from this one
 * layout. Marker lanes hold CONTRACT §4 marker kinds; density lanes (signatures, one per PCR)
 * shade how many of the entries under each pixel they hold.
 *
 * Only lanes with something in them are shown (the timeline must not crowd out the table);
 * boots and PCRs always, the quote lane whenever values were compared (no match point there
 * is the failure). What was looked for and not found is listed by `absentLanes`.
 */
import type { TimelineBuckets, TimelineSeriesId } from '../../core/timeline/timeline-buckets';
import type { TimelineMarkerKind } from '../../core/timeline/timeline-marks';

export const AXIS_HEIGHT = 14;
const LANE_HEIGHT = 13;
/** The breakdown lane stacks categories: tall enough to tell three of them apart in a pixel. */
const BREAKDOWN_HEIGHT = 24;

/** `breakdown`: every entry under a pixel, stacked by what it measured (buckets.breakdown). */
export type LaneStyle = 'marker' | 'density' | 'breakdown';

/**
 * Lanes of failures that other checks report (a runtime policy, IMA signatures): shown
 * whenever the worker's buckets carry their series, so they appear with the data.
 */
const FAILURE_LANES: readonly LaneSpec[] = [
  { id: 'policy-fail', label: 'Policy fail', description: 'Entries the runtime policy rejects', style: 'marker', series: ['policy-fail'], kinds: [] },
  { id: 'signature-fail', label: 'Sig. fail', description: 'Entries whose IMA signature does not verify or names an unknown key', style: 'marker', series: ['signature-fail'], kinds: [] },
];

interface LaneSpec {
  readonly id: string;
  readonly label: string;
  /** Read by screen readers and shown on hover of the label. */
  readonly description: string;
  readonly style: LaneStyle;
  readonly series: readonly TimelineSeriesId[];
  /** Marker kinds listed as DOM markers in this lane. */
  readonly kinds: readonly TimelineMarkerKind[];
}

export interface Lane extends LaneSpec {
  /** Entries (or markers) of the lane in the whole log. */
  readonly total: number;
  readonly y: number;
  readonly height: number;
}

function specs(b: TimelineBuckets): LaneSpec[] {
  const other = b.byteOrder === 'little' ? 'big' : 'little';
  return [
    { id: 'boots', label: 'Boots', description: 'boot_aggregate entries: where each boot starts', style: 'marker', series: ['boot'], kinds: ['boot'] },
    {
      id: 'kexec',
      label: 'kexec',
      description: 'kexec_load (▼) and kexec_execute (▲) records; red where entries may be lost',
      style: 'marker',
      series: ['kexec_load', 'kexec_execute'],
      kinds: ['kexec_load', 'kexec_execute'],
    },
    { id: 'violations', label: 'Violations', description: 'Measurement violations (all-zero template digest)', style: 'marker', series: ['violation'], kinds: ['violation'] },
    { id: 'hash', label: 'Hash mismatch', description: 'Template digest differs from the hash of the template data', style: 'marker', series: ['hash-mismatch'], kinds: ['hash-mismatch'] },
    {
      id: 'byte-order',
      label: `Byte order${b.byteOrder === 'big' ? ' (BE)' : ''}`,
      description: `Runs of entries hashed ${other}-endian in a ${b.byteOrder}-endian list`,
      style: 'marker',
      series: ['byte-order'],
      kinds: ['byte-order'],
    },
    ...FAILURE_LANES.filter((l) => l.series.every((id) => b.series.includes(id))),
    { id: 'signatures', label: 'Signed', description: 'Entries carrying an IMA signature (sig field)', style: 'density', series: ['signature'], kinds: [] },
    ...(b.breakdown !== undefined
      ? [
          {
            id: 'breakdown',
            label: 'Measured',
            description: 'Every entry under each pixel, stacked by what it measured (the legend names the colours)',
            style: 'breakdown' as const,
            series: [],
            kinds: [],
          },
        ]
      : []),
    ...b.pcrs.map((pcr) => ({
      id: `pcr-${pcr}`,
      label: `PCR ${pcr}`,
      description: `Entries extending PCR ${pcr}`,
      style: 'density' as const,
      series: [`pcr-${pcr}` as const],
      kinds: [],
    })),
    {
      id: 'match',
      label: 'Quote / PCRs',
      description: 'Where the replay reproduces the quote or the supplied PCR values; hatched: measured after them',
      style: 'marker',
      series: ['pcr-match'],
      kinds: ['pcr-match'],
    },
    { id: 'parse-errors', label: 'Parse errors', description: 'Bytes that are not a valid entry, at the entry they follow', style: 'marker', series: ['parse-error'], kinds: ['parse-error'] },
  ];
}

function totalOf(b: TimelineBuckets, s: LaneSpec): number {
  return s.series.reduce((n, id) => n + (b.totals[b.series.indexOf(id)] ?? 0), 0);
}

function isShown(b: TimelineBuckets, s: LaneSpec, total: number): boolean {
  if (s.id === 'boots' || s.id === 'breakdown' || s.id.startsWith('pcr-')) return true;
  if (s.id === 'match') return b.valuesChecked || total > 0;
  // A soft reboot without records still has its loss window drawn in the kexec lane.
  if (s.id === 'kexec') return total > 0 || b.softReboots.length > 0;
  return total > 0;
}

export function timelineLanes(b: TimelineBuckets): Lane[] {
  let y = AXIS_HEIGHT;
  const lanes: Lane[] = [];
  for (const s of specs(b)) {
    const total = totalOf(b, s);
    if (!isShown(b, s, total)) continue;
    const height = s.style === 'breakdown' ? BREAKDOWN_HEIGHT : LANE_HEIGHT;
    lanes.push({ ...s, total: s.style === 'breakdown' ? b.entryCount : total, y, height });
    y += height;
  }
  return lanes;
}

/** Labels of the marker lanes left out because the verified log has none of them. */
export function absentLanes(b: TimelineBuckets): string[] {
  if (!b.verified) return [];
  return specs(b)
    .filter((s) => s.style === 'marker' && s.id !== 'match' && !isShown(b, s, totalOf(b, s)))
    .map((s) => s.label.replace(/ \(BE\)$/, '').toLowerCase());
}

export function lanesHeight(lanes: readonly Lane[]): number {
  const last = lanes[lanes.length - 1];
  return last === undefined ? AXIS_HEIGHT : last.y + last.height + 1;
}
