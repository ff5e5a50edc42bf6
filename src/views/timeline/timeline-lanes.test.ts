/** Which lanes the timeline shows for generated lists, and what it says is absent. */
import { describe, expect, it } from 'vitest';
import { analyzeRaw } from '../../core/analysis/analyze';
import { createNobleHashProvider } from '../../core/hash/hash-provider';
import { computeKeyIds } from '../../core/query/signature-key-ids';
import { buildImaLog, type BuildEntry } from '../../core/testing/build-ima-log';
import { kexecSoftReboot, platformBootEntry } from '../../core/testing/ima-scenarios';
import { computeTimelineBuckets } from '../../core/timeline/timeline-buckets';
import { computeTimelineMarks } from '../../core/timeline/timeline-marks';
import { absentLanes, timelineLanes } from './timeline-lanes';

const provider = createNobleHashProvider();

async function lanesOf(entries: readonly BuildEntry[]) {
  const analysis = await analyzeRaw([{ name: 'log', bytes: buildImaLog(entries, { provider }).binary }], {}, provider);
  if (analysis.log === undefined) throw new Error('no log');
  const keyIds = computeKeyIds(analysis.log);
  const buckets = computeTimelineBuckets(analysis.log, computeTimelineMarks(analysis.log, analysis, keyIds), { start: 0, end: 1e9, bucketCount: 100 }, keyIds);
  return { lanes: timelineLanes(buckets).map((l) => [l.id, l.total]), absent: absentLanes(buckets) };
}

const boot = (): BuildEntry => platformBootEntry(provider);

const files = (n: number, prefix: string): BuildEntry[] => Array.from({ length: n }, (_, i) => ({ path: `${prefix}${i}` }));

describe('timeline lanes', () => {
  it('a clean boot: boots and PCRs only, the rest named as absent', async () => {
    const { lanes, absent } = await lanesOf([boot(), ...files(5, '/a'), { path: '/p11', pcr: 11 }]);
    expect(lanes).toEqual([['boots', 1], ['pcr-10', 6], ['pcr-11', 1]]);
    expect(absent).toEqual(['kexec', 'violations', 'hash mismatch', 'byte order', 'parse errors']);
  });

  it('a soft reboot without kexec records keeps the kexec lane for its loss window', async () => {
    const { lanes, absent } = await lanesOf(kexecSoftReboot({ firstBoot: [boot(), ...files(3, '/a')], secondBoot: [boot()] }, { markers: false }));
    expect(lanes).toEqual([['boots', 2], ['kexec', 0], ['pcr-10', 5]]);
    expect(absent).not.toContain('kexec');
  });

  it('violations get their lane', async () => {
    const { lanes } = await lanesOf([boot(), { path: '/tmp/v', violation: true }, ...files(2, '/a')]);
    expect(lanes).toContainEqual(['violations', 1]);
  });
});

describe('lanes that follow the data', () => {
  it('a breakdown lane when the buckets carry one; policy and signature failure lanes when their series are there', async () => {
    const analysis = await analyzeRaw([{ name: 'log', bytes: buildImaLog([boot(), ...files(3, '/usr/bin/a')], { provider }).binary }], {}, provider);
    if (analysis.log === undefined) throw new Error('no log');
    const keyIds = computeKeyIds(analysis.log);
    const b = computeTimelineBuckets(analysis.log, computeTimelineMarks(analysis.log, analysis, keyIds), { start: 0, end: 4, bucketCount: 4 }, keyIds);
    expect(timelineLanes(b).map((l) => l.id)).toEqual(['boots', 'pcr-10']);
    const withBreakdown = { ...b, breakdown: { mode: 'measured' as const, names: ['boot', 'executable'], counts: new Uint32Array(8), totals: [1, 3] } };
    expect(timelineLanes(withBreakdown).map((l) => [l.id, l.style])).toEqual([
      ['boots', 'marker'],
      ['breakdown', 'breakdown'],
      ['pcr-10', 'density'],
    ]);
    // The failure series another check adds (a policy, signatures): lanes when any entry fails.
    const withFailures = {
      ...b,
      series: [...b.series, 'policy-fail' as const, 'signature-fail' as const],
      counts: new Uint32Array((b.series.length + 2) * b.bucketCount),
      totals: [...b.totals, 2, 0],
    };
    expect(timelineLanes(withFailures).map((l) => [l.id, l.total])).toEqual([['boots', 1], ['policy-fail', 2], ['pcr-10', 4]]);
    expect(absentLanes(withFailures)).toContain('sig. fail');
  });
});
