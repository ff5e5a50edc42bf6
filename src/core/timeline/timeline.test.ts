/**
 * Lanes and buckets of the timeline on generated lists. The truth is the position of each
 * entry in the list we describe to the builder (boot at 0, the load after the old kernel's
 * files…) and brute-force counts over those positions, never the function's own output.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createWasmHashProvider, type HashProvider } from '../hash/hash-provider';
import { encodeText } from '../util/bytes';
import { buildImaLog, formatEvmctlPcrFile, type BuildEntry, type BuiltLog, type PcrBanks } from '../testing/build-ima-log';
import { imaSignature, kexecSoftReboot, numberedFiles, platformBootEntry } from '../testing/ima-scenarios';
import { readSharedData } from '../testing/shared-data';
import { analyzeRaw } from '../analysis/analyze';
import type { Analysis } from '../analysis/analysis-types';
import type { RawInput } from '../analysis/analysis-types';
import { parseImaLog } from '../ima/parse-ima-log';
import { computeKeyIds } from '../query/signature-key-ids';
import { readEntryName } from '../ima/template-digests';
import type { ImaLog } from '../model/ima-log';
import { computeTimelineMarks, entryAtOffset, type TimelineMarkerKind, type TimelineMarks } from './timeline-marks';
import { bucketOf, bucketStart, clampWindow, computeTimelineBuckets, listTimelineMarkers } from './timeline-buckets';

let provider: HashProvider;
beforeAll(async () => {
  provider = await createWasmHashProvider();
});

const boot = (): BuildEntry => platformBootEntry(provider);

function pcrInputs(pcrs: PcrBanks): RawInput[] {
  return (['sha1', 'sha256'] as const).map((bank) => ({
    name: `pcrs-${bank}.txt`,
    bytes: encodeText(formatEvmctlPcrFile(pcrs.get(bank) ?? new Map())),
  }));
}

interface Marked {
  readonly analysis: Analysis;
  readonly log: ImaLog;
  readonly marks: TimelineMarks;
}

async function mark(built: BuiltLog | Uint8Array, others: readonly RawInput[] = []): Promise<Marked> {
  const bytes = built instanceof Uint8Array ? built : built.binary;
  const analysis = await analyzeRaw([{ name: 'binary_runtime_measurements', bytes }, ...others], {}, provider);
  if (analysis.log === undefined) throw new Error('no log');
  return { analysis, log: analysis.log, marks: computeTimelineMarks(analysis.log, analysis, computeKeyIds(analysis.log)) };
}

function markerIndices(marks: TimelineMarks): Partial<Record<TimelineMarkerKind, number[]>> {
  const out: Partial<Record<TimelineMarkerKind, number[]>> = {};
  for (const [kind, indices] of Object.entries(marks.markers) as [TimelineMarkerKind, Int32Array][]) {
    if (indices.length > 0) out[kind] = [...indices];
  }
  return out;
}

describe('lanes of generated soft-reboot lists', () => {
  const parts = () => ({ firstBoot: [boot(), ...numberedFiles(5)], afterLoad: numberedFiles(3, '/x'), secondBoot: [boot(), ...numberedFiles(4, '/y')] });

  for (const keySpelling of ['6.16', 'legacy'] as const) {
    it(`6.16 records (${keySpelling} spelling): boots, load and execute where we wrote them, PCRs matched by the whole log`, async () => {
      const built = buildImaLog(kexecSoftReboot(parts(), { keySpelling }), { provider });
      const { marks } = await mark(built, pcrInputs(built.pcrs));
      // boot 0, files 1–5, load 6, files 7–9, execute 10, boot 11, files 12–15.
      expect(markerIndices(marks)).toEqual({ boot: [0, 11], kexec_load: [6], kexec_execute: [10], 'pcr-match': [15] });
      expect(marks.softReboots).toEqual([{ boot: 11, load: 6, execute: 10, outcome: 'complete' }]);
      expect(marks.matches).toEqual([{ matchedEntries: 16, sources: ['sha1 PCR 10', 'sha256 PCR 10'], wholeLog: true }]);
    });
  }

  it('load without execute: the load is marked and the window up to the new boot is suspect', async () => {
    const built = buildImaLog(kexecSoftReboot(parts(), { lose: true }), { provider });
    const { marks } = await mark(built, pcrInputs(built.pcrs));
    expect(markerIndices(marks)).toEqual({ boot: [0, 7], kexec_load: [6] });
    expect(marks.softReboots).toEqual([{ boot: 7, load: 6, outcome: 'no-execute', suspect: { first: 6, last: 6 } }]);
    expect(marks.matches).toEqual([]);
  });

  it('no records and lost entries: two boots, no kexec marker, the entry before the new boot suspect', async () => {
    const built = buildImaLog(kexecSoftReboot(parts(), { markers: false, lose: true }), { provider });
    const { marks } = await mark(built);
    expect(markerIndices(marks)).toEqual({ boot: [0, 6] });
    expect(marks.softReboots).toEqual([{ boot: 6, outcome: 'no-markers', suspect: { first: 5, last: 5 } }]);
  });

  it('a clean single boot has one boot marker and nothing else', async () => {
    const built = buildImaLog([boot(), ...numberedFiles(9)], { provider });
    const { marks } = await mark(built, pcrInputs(built.pcrs));
    expect(markerIndices(marks)).toEqual({ boot: [0], 'pcr-match': [9] });
    expect(marks.softReboots).toEqual([]);
    expect(marks.verified).toBe(true);
  });

  it('before verification only what the model knows is marked', () => {
    const built = buildImaLog([boot(), ...numberedFiles(3), { path: '/v', violation: true }], { provider });
    const log = parseImaLog(built.binary);
    const marks = computeTimelineMarks(log);
    expect(marks.verified).toBe(false);
    expect(markerIndices(marks)).toEqual({});
    expect(marks.pcrs).toEqual([10]);
  });
});

describe('violations, mismatches, byte order, signatures, PCRs', () => {
  it('violations and template-hash mismatches at their entries', async () => {
    const entries: BuildEntry[] = [boot(), ...numberedFiles(3), { path: '/tmp/a', violation: true }, ...numberedFiles(2, '/b'), { path: '/bad', corruptTemplateDigest: true }, { path: '/tmp/c', violation: true }];
    const { marks } = await mark(buildImaLog(entries, { provider }));
    // boot 0, files 1–3, violation 4, files 5–6, corrupted 7, violation 8.
    expect(markerIndices(marks)).toEqual({ boot: [0], violation: [4, 8], 'hash-mismatch': [7] });
  });

  it('big-endian list: no anomaly, the lane knows the order', async () => {
    const { marks } = await mark(buildImaLog([boot(), ...numberedFiles(5)], { provider, byteOrder: 'big' }));
    expect(marks.byteOrder).toBe('big');
    expect(marks.markers['byte-order'].length).toBe(0);
  });

  it('mixed list: one marker per run of opposite-order entries', async () => {
    const converted = (path: string): BuildEntry => ({ path, hashByteOrder: 'big' });
    const entries = [boot(), ...numberedFiles(2), converted('/a'), converted('/b'), ...numberedFiles(3, '/z'), converted('/c')];
    const { marks, log } = await mark(buildImaLog(entries, { provider }));
    expect(marks.byteOrderRuns).toEqual([{ first: 3, last: 4 }, { first: 8, last: 8 }]);
    expect([...marks.markers['byte-order']]).toEqual([3, 8]);
    const list = listTimelineMarkers(marks, { start: 0, end: 9, limit: 10 }, (i) => readEntryName(log, i));
    expect(list.markers.filter((m) => m.kind === 'byte-order').map((m) => m.label)).toEqual([
      'entries #3–4 hashed big-endian',
      'entry #8 hashed big-endian',
    ]);
  });

  it('signatures and PCR lanes count the entries that carry them', async () => {
    const sig = imaSignature(0x1234abcd, new Uint8Array(64).fill(7));
    const entries: BuildEntry[] = [boot(), { path: '/s1', template: 'ima-sig', sig }, { path: '/p11', pcr: 11 }, { path: '/s2', template: 'ima-sig', sig }, ...numberedFiles(2)];
    const { marks, log } = await mark(buildImaLog(entries, { provider }));
    expect(marks.signedCount).toBe(2);
    expect(marks.pcrs).toEqual([10, 11]);
    expect(marks.pcrCounts).toEqual([5, 1]);
    const b = computeTimelineBuckets(log, marks, { start: 0, end: 6, bucketCount: 6 }, computeKeyIds(log));
    const row = (id: string) => [...b.counts.subarray(b.series.indexOf(id as never) * 6, b.series.indexOf(id as never) * 6 + 6)];
    expect(row('signature')).toEqual([0, 1, 0, 1, 0, 0]);
    expect(row('pcr-11')).toEqual([0, 0, 1, 0, 0, 0]);
    expect(row('pcr-10')).toEqual([1, 1, 0, 1, 1, 1]);
  });

  it('policy and signature failures are series of their own, counted from the dry run\'s columns', async () => {
    const { marks, log, analysis } = await mark(buildImaLog([boot(), ...numberedFiles(7)], { provider }));
    // Codes as the dry run writes them (entry-verdicts.ts): policy 2 = fail; signature 2
    // invalid, 3 unknown key, 6 malformed fail, 1 valid, 4 unsigned and 5 unsupported do not.
    const policy = Uint8Array.from([0, 1, 2, 2, 3, 1, 2, 1]);
    const signature = Uint8Array.from([0, 1, 2, 3, 4, 5, 6, 1]);
    const judged = computeTimelineMarks(log, analysis, undefined, { policy, signature });
    const b = computeTimelineBuckets(log, judged, { start: 2, end: 8, bucketCount: 3 });
    const row = (id: string) => [...b.counts.subarray(b.series.indexOf(id as never) * 3, b.series.indexOf(id as never) * 3 + 3)];
    expect(row('policy-fail')).toEqual([2, 0, 1]);
    expect(row('signature-fail')).toEqual([2, 0, 1]);
    // Totals are over the whole log, not the window.
    expect(b.totals[b.series.indexOf('policy-fail')]).toBe(3);
    expect(b.totals[b.series.indexOf('signature-fail')]).toBe(3);
    // No dry run, no series: their lanes stay hidden.
    expect(computeTimelineBuckets(log, marks, { start: 0, end: 8, bucketCount: 8 }).series).not.toContain('policy-fail');
  });

  it('a log read after the PCRs: the match point sits on the last entry they cover', async () => {
    const built = buildImaLog([boot(), ...numberedFiles(29)], { provider });
    const { marks } = await mark(built, pcrInputs(built.pcrsAfter(25)));
    expect([...marks.markers['pcr-match']]).toEqual([24]);
    expect(marks.matches[0]).toMatchObject({ matchedEntries: 25, wholeLog: false });
  });

  it('a truncated list: the parse error lands on the entry it cuts', async () => {
    const built = buildImaLog([boot(), ...numberedFiles(5)], { provider });
    const { marks, log } = await mark(built.binary.subarray(0, built.binary.length - 10));
    expect(log.entries.length).toBe(5);
    expect(marks.parseErrors).toHaveLength(1);
    // The sixth entry (index 5) is cut, so the bytes follow entry 4's start.
    expect(marks.parseErrors[0].offset).toBeGreaterThanOrEqual(log.entries.sourceOffset[4]);
    expect([...marks.markers['parse-error']]).toEqual([4]);
    expect(entryAtOffset(log, 0)).toBe(0);
    expect(entryAtOffset(log, log.entries.sourceOffset[3] + 1)).toBe(3);
  });

  it('the firmware log gives the segment before entry 0', async () => {
    const { marks } = await mark(readSharedData('swtpm', 'binary_runtime_measurements'), [
      { name: 'binary_bios_measurements', bytes: readSharedData('swtpm', 'binary_bios_measurements') },
    ]);
    // binary_bios_measurements.tpm2_eventlog.yaml lists EventNum 0–17; the Spec ID header is event 0.
    expect(marks.firmwareEvents === 17 || marks.firmwareEvents === 18).toBe(true);
  });
});

describe('buckets', () => {
  it('bucket boundaries and bucketOf agree for every window shape', () => {
    for (const [start, end, count] of [[0, 3, 2], [5, 17, 5], [0, 1_000_003, 997], [10, 11, 1], [0, 640, 640]]) {
      let previous = -1;
      for (let b = 0; b <= count; b++) {
        const s = bucketStart(start, end, count, b);
        expect(s).toBeGreaterThan(previous);
        previous = s;
        if (b < count) {
          expect(bucketOf(start, end, count, s)).toBe(b);
          expect(bucketOf(start, end, count, bucketStart(start, end, count, b + 1) - 1)).toBe(b);
        }
      }
      expect(bucketStart(start, end, count, count)).toBe(end);
    }
  });

  it('requests are clamped: at least one entry per bucket, inside the log', () => {
    expect(clampWindow({ start: -5, end: 1e9, bucketCount: 50 }, 20)).toEqual({ start: 0, end: 20, bucketCount: 20 });
    expect(clampWindow({ start: 30, end: 40, bucketCount: 4 }, 20)).toEqual({ start: 19, end: 20, bucketCount: 1 });
    expect(clampWindow({ start: 0, end: 10, bucketCount: 4 }, 0)).toEqual({ start: 0, end: 1, bucketCount: 1 });
  });

  it('a window of many entries per bucket: counts equal a brute-force tally', async () => {
    const entries: BuildEntry[] = [boot()];
    for (let i = 1; i < 500; i++) entries.push(i % 7 === 0 ? { path: `/v${i}`, violation: true } : { path: `/f${i}`, pcr: i % 50 === 0 ? 11 : 10 });
    const { marks, log } = await mark(buildImaLog(entries, { provider }));
    const [start, end, count] = [13, 467, 37];
    const b = computeTimelineBuckets(log, marks, { start, end, bucketCount: count });
    const v = b.series.indexOf('violation');
    const p11 = b.series.indexOf('pcr-11');
    for (let k = 0; k < count; k++) {
      const from = bucketStart(start, end, count, k);
      const to = bucketStart(start, end, count, k + 1);
      let violations = 0;
      let pcr11 = 0;
      for (let i = from; i < to; i++) {
        if (i % 7 === 0) violations++;
        else if (i % 50 === 0) pcr11++;
      }
      expect(b.counts[v * count + k]).toBe(violations);
      expect(b.counts[p11 * count + k]).toBe(pcr11);
    }
    expect(b.totals[v]).toBe(71);
  });

  it('marker lists are capped per kind with exact counts in the range', async () => {
    const entries: BuildEntry[] = [boot()];
    for (let i = 1; i < 300; i++) entries.push({ path: `/v${i}`, violation: i % 2 === 0 });
    const { marks, log } = await mark(buildImaLog(entries, { provider }));
    const list = listTimelineMarkers(marks, { start: 100, end: 200, limit: 10 }, (i) => readEntryName(log, i));
    const violations = list.markers.filter((m) => m.kind === 'violation');
    expect(list.counts.violation).toBe(50);
    expect(violations.map((m) => m.index)).toEqual([100, 102, 104, 106, 108, 110, 112, 114, 116, 118]);
    expect(violations[0].label).toBe('violation at entry #100: /v100');
    expect(list.counts.boot).toBe(0);
  });
});
