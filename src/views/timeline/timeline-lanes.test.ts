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
