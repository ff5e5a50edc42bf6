/**
 * Categories of the timeline's density on a generated list: the truth is the description
 * given to the builder (which path is a module, which buffer a keyring), counted by brute
 * force over that description, never the classifier's own output.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createWasmHashProvider, type HashProvider } from '../hash/hash-provider';
import { buildImaLog, type BuildEntry } from '../testing/build-ima-log';
import { platformBootEntry } from '../testing/ima-scenarios';
import { parseImaLog } from '../ima/parse-ima-log';
import { encodeText } from '../util/bytes';
import type { ImaLog } from '../model/ima-log';
import { bucketOf } from './timeline-buckets';
import { MAX_CATEGORIES, MEASURED_KINDS, classifyEntries, computeBreakdown, type MeasuredKind } from './timeline-categories';

let provider: HashProvider;
beforeAll(async () => {
  provider = await createWasmHashProvider();
});

/** Each described entry with the kind a reader of its path would say it is. */
const DESCRIBED: readonly (readonly [BuildEntry, MeasuredKind])[] = [
  [{ path: '/usr/bin/bash' }, 'executable'],
  [{ path: '/usr/sbin/sshd' }, 'executable'],
  [{ path: '/usr/lib/systemd/systemd' }, 'executable'],
  [{ path: '/usr/lib64/libc.so.6' }, 'library'],
  [{ path: '/usr/lib/x86_64-linux-gnu/libssl.so' }, 'library'],
  [{ path: '/lib/modules/6.17.0/kernel/fs/xfs/xfs.ko.zst' }, 'kernel-module'],
  [{ path: '/tmp/out-of-tree.ko' }, 'kernel-module'],
  [{ path: '/usr/lib/firmware/i915/tgl_dmc.bin' }, 'firmware'],
  [{ path: '/etc/rc.d/rc.local.sh' }, 'script'],
  [{ path: '/usr/share/foo/run.py' }, 'script'],
  [{ path: '/etc/pki/ca.pem' }, 'key'],
  [{ template: 'ima-buf', path: '.ima', buf: new Uint8Array([1, 2, 3]) }, 'key'],
  [{ template: 'ima-buf', path: 'kernel_version', buf: encodeText('6.17.0') }, 'critical-data'],
  [{ template: 'ima-buf', path: 'selinux-state', buf: encodeText('enforcing=1') }, 'critical-data'],
  [{ path: '/etc/fstab' }, 'other'],
];

function built(entries: readonly BuildEntry[]): ImaLog {
  return parseImaLog(buildImaLog(entries, { provider }).binary);
}

describe('timeline categories', () => {
  it('tells what each entry measured from its name', () => {
    const log = built([platformBootEntry(provider), ...DESCRIBED.map(([e]) => e)]);
    const { names, column } = classifyEntries(log, 'measured');
    const expected: MeasuredKind[] = ['boot', ...DESCRIBED.map(([, k]) => k)];
    expect([...column].map((c) => names[c])).toEqual(expected);
  });

  it('counts categories per bucket and in the whole log', () => {
    const entries: BuildEntry[] = [platformBootEntry(provider)];
    for (let i = 0; i < 300; i++) entries.push(DESCRIBED[(i * 7) % DESCRIBED.length][0]);
    const log = built(entries);
    const kinds = ['boot', ...entries.slice(1).map((e) => DESCRIBED.find(([d]) => d === e)?.[1])];
    const categories = classifyEntries(log, 'measured');
    const [start, end, B] = [17, 290, 40];
    const b = computeBreakdown(categories, start, end, B);
    const brute = new Uint32Array(MEASURED_KINDS.length * B);
    for (let i = start; i < end; i++) brute[MEASURED_KINDS.indexOf(kinds[i] as MeasuredKind) * B + bucketOf(start, end, B, i)]++;
    expect([...b.counts]).toEqual([...brute]);
    expect(b.totals).toEqual(MEASURED_KINDS.map((k) => kinds.filter((x) => x === k).length));
  });

  it('cuts by template and by top-level directory, most frequent first, the rest as other', () => {
    const entries: BuildEntry[] = [];
    // 15 directories, directory d holding 20 − d entries: the 4 rarest fold into "other".
    for (let d = 0; d < 15; d++) for (let k = 0; k < 20 - d; k++) entries.push({ path: `/d${d}/f${k}` });
    entries.push({ template: 'ima-sig', path: '/usr/bin/x' }, { template: 'ima-buf', path: 'kernel_version', buf: encodeText('x') });
    const log = built(entries);
    const dirs = classifyEntries(log, 'directory');
    expect(dirs.names).toHaveLength(MAX_CATEGORIES);
    expect(dirs.names.slice(0, 11)).toEqual(Array.from({ length: 11 }, (_, d) => `/d${d}`));
    expect(dirs.names[11]).toBe('other');
    expect(dirs.totals[11]).toBe([11, 12, 13, 14].reduce((n, d) => n + 20 - d, 0) + 2);
    const templates = classifyEntries(log, 'template');
    expect(templates.names).toEqual(['ima-ng', 'ima-sig', 'ima-buf']);
    expect(templates.totals).toEqual([entries.length - 2, 1, 1]);
  });
});
