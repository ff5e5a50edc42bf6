/**
 * The human compare output on a list carried across kexec: verdict first, a line per boot of
 * the failing list, the kernels of both sides. Expected counts follow from the built entries.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createWasmHashProvider, type HashProvider } from '../core/hash/hash-provider';
import { parseImaLog } from '../core/ima/parse-ima-log';
import { buildImaLog, type BuildEntry } from '../core/testing/build-ima-log';
import { bootAggregateEntry } from '../core/testing/build-ima-log';
import { hypotheticalPlatformPcrs, kexecSoftReboot, numberedFiles, platformBootEntry } from '../core/testing/ima-scenarios';
import { compareLogs } from '../core/compare/compare-logs';
import { compareDocument } from '../core/compare/compare-json';
import { formatCompare } from './format-compare';

let provider: HashProvider;
beforeAll(async () => {
  provider = await createWasmHashProvider();
});

const kernel = (v: string): BuildEntry => ({ template: 'ima-buf', path: 'kernel_version', buf: v });

describe('formatCompare', () => {
  it('reads as a diagnosis of a second boot after kexec', () => {
    const boot = platformBootEntry(provider);
    const files = numberedFiles(6, '/usr/sbin/daemon');
    const reference = buildImaLog([boot, kernel('6.1.0-31-amd64'), ...files], { provider });
    const failing = buildImaLog(
      kexecSoftReboot({
        firstBoot: [boot, kernel('6.1.0-31-amd64'), ...files],
        secondBoot: [boot, kernel('6.1.0-32-amd64'), ...files.slice(0, 3), { path: '/usr/sbin/daemon4', fileDigest: { content: 'rebuilt' } }],
      }),
      { provider },
    );
    const doc = compareDocument(compareLogs(parseImaLog(reference.binary), parseImaLog(failing.binary)), { reference: 'good', failing: 'bad' });
    const text = formatCompare(doc);
    const lines = text.split('\n');
    // daemon4 and kernel_version changed; kexec_load and kexec_execute are new records.
    expect(lines[0]).toBe('CHANGED — 2 changed, 2 new, 0 gone, 5 same (paths). Biggest: 1 changed, 2 new in (records without a path); 1 changed under /usr/sbin');
    expect(text).toContain('Kernel: 6.1.0-31-amd64 → 6.1.0-31-amd64 + 6.1.0-32-amd64');
    expect(text).toMatch(/^boot_aggregate: sha256:\S+ on both sides$/m);
    // Boot 1: boot_aggregate, kernel_version, 6 files (same), kexec_load and _execute (new).
    expect(text).toMatch(/^Failing boot 1 \(from entry 0, 10 entries\): 2 new, 7 same$/m);
    // Boot 2: boot_aggregate, kernel_version and daemon4 (changed), daemon0–2 (same).
    expect(text).toMatch(/^Failing boot 2 \(from entry 10, 6 entries\): 2 changed, 3 same$/m);
  });

  it('boot_aggregates of different algorithms are said to be incomparable, not a changed boot chain', () => {
    const sha1 = provider.get('sha1');
    if (sha1 === undefined) throw new Error('no sha1');
    const files = numberedFiles(3);
    const reference = buildImaLog([bootAggregateEntry(sha1, hypotheticalPlatformPcrs(sha1)), ...files], { provider });
    const failing = buildImaLog([platformBootEntry(provider), ...files], { provider });
    const doc = compareDocument(compareLogs(parseImaLog(reference.binary), parseImaLog(failing.binary)), { reference: 'good', failing: 'bad' });
    expect(formatCompare(doc)).toMatch(/^boot_aggregate: sha1:\S+ → sha256:\S+ \(hashed with different algorithms: these cannot be compared\)$/m);
    const sameAlgorithm = buildImaLog([bootAggregateEntry(sha1, hypotheticalPlatformPcrs(sha1).map((p, i) => (i === 0 ? p.map((b) => b ^ 1) : p))), ...files], { provider });
    const doc2 = compareDocument(compareLogs(parseImaLog(reference.binary), parseImaLog(sameAlgorithm.binary)), { reference: 'good', failing: 'bad' });
    expect(formatCompare(doc2)).toMatch(/^boot_aggregate: sha1:\S+ → sha1:\S+ \(firmware or boot chain differs\)$/m);
  });
});
