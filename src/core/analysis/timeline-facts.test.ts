/**
 * Boots, kexec records and byte order as the findings and the timeline read them, on lists
 * the builder writes: it plays the kernel (ImaListSimulator counts every measured entry and
 * keeps `ima_binary_runtime_size` as the kernel does), so its counters are the independent
 * truth our recomputed counters must agree with.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createWasmHashProvider, type HashProvider } from '../hash/hash-provider';
import { encodeText } from '../util/bytes';
import type { Finding, FindingCode } from '../report/report';
import { buildImaLog, formatEvmctlPcrFile, kexecRecord, type BuildEntry, type BuiltLog } from '../testing/build-ima-log';
import { kexecSoftReboot, numberedFiles, platformBootEntry } from '../testing/ima-scenarios';
import { analyzeRaw } from './analyze';
import type { Analysis } from './analysis-types';
import { formatIndexRun, toIndexRuns } from './index-runs';
import { computeSoftReboots } from './soft-reboots';

let provider: HashProvider;
beforeAll(async () => {
  provider = await createWasmHashProvider();
});

const boot = (): BuildEntry => platformBootEntry(provider);

const cmdline = (text: string): BuildEntry => ({ template: 'ima-buf', path: 'kexec-cmdline', buf: text });

async function analyzeBuilt(built: BuiltLog, withPcrs = false): Promise<Analysis> {
  const pcrs = withPcrs
    ? (['sha1', 'sha256'] as const).map((bank) => ({
        name: `pcrs-${bank}.txt`,
        bytes: encodeText(formatEvmctlPcrFile(built.pcrs.get(bank) ?? new Map())),
      }))
    : [];
  return analyzeRaw([{ name: 'binary_runtime_measurements', bytes: built.binary }, ...pcrs], {}, provider);
}

function findings(a: Analysis, code: FindingCode): Finding[] {
  return a.report.findings.filter((f) => f.code === code);
}

function rebootsOf(a: Analysis) {
  if (a.logFacts === undefined) throw new Error('no log facts');
  return computeSoftReboots(a.logFacts);
}

describe('soft reboots with 6.16 kexec records', () => {
  for (const keySpelling of ['6.16', 'legacy'] as const) {
    it(`a complete kexec (${keySpelling} key spelling): counters agree with the kernel's, cmdline found`, async () => {
      const entries = kexecSoftReboot(
        { firstBoot: [boot(), ...numberedFiles(5), cmdline('root=/dev/vda1 ro ima_policy=critical_data')], afterLoad: numberedFiles(3, '/x'), secondBoot: [boot(), ...numberedFiles(4, '/y')] },
        { keySpelling },
      );
      const built = buildImaLog(entries, { provider });
      const a = await analyzeBuilt(built, true);
      // Positions in the list we wrote: boot 0, files 1–5, cmdline 6, load 7, files 8–10, execute 11, boot 12.
      expect(a.report.log?.boots.map((b) => b.index)).toEqual([0, 12]);
      expect(a.report.log?.kexec.map((k) => [k.event, k.index])).toEqual([['kexec_load', 7], ['kexec_execute', 11]]);
      const [r] = rebootsOf(a);
      expect(r).toMatchObject({ ordinal: 2, outcome: 'complete', cmdline: { index: 6, text: 'root=/dev/vda1 ro ima_policy=critical_data' } });
      expect(r.suspect).toBeUndefined();
      // The builder's simulated kernel wrote these counters; our recomputation must agree.
      expect(r.notes).toEqual([]);
      expect(r.load?.binarySize).toBe(r.load?.runtimeSizeBefore);
      expect(r.execute?.count).toBe(11);
      expect(findings(a, 'kexec-window-lost')).toEqual([]);
      expect(findings(a, 'kexec-soft-reboot')[0].message).toContain('root=/dev/vda1 ro ima_policy=critical_data');
      expect(a.report.pcrChecks?.every((c) => c.status === 'match')).toBe(true);
    });
  }

  it('custom-template entries: the kernel counts no name for them, and so do we', async () => {
    const custom = numberedFiles(4, '/custom').map((e) => ({ ...e, template: 'd-ng|n-ng' }));
    const built = buildImaLog(kexecSoftReboot({ firstBoot: [boot(), ...custom], secondBoot: [boot()] }), { provider });
    const [r] = rebootsOf(await analyzeBuilt(built));
    expect(r.load?.binarySize).toBe(r.load?.runtimeSizeBefore);
    expect(r.load?.runtimeSizeBefore).toBeLessThan(r.load?.bytesBefore ?? 0);
    expect(r.notes).toEqual([]);
  });

  it('kexec_load without kexec_execute: loss window from the load to the last carried entry', async () => {
    const built = buildImaLog(
      kexecSoftReboot({ firstBoot: [boot(), ...numberedFiles(5)], afterLoad: numberedFiles(3, '/x'), secondBoot: [boot(), ...numberedFiles(4, '/y')] }, { lose: true }),
      { provider },
    );
    const a = await analyzeBuilt(built, true);
    const [r] = rebootsOf(a);
    expect(r.outcome).toBe('no-execute');
    expect(r.suspect).toEqual({ first: 6, last: 6 });
    // The segment reserved at load is page-aligned list size + half a page: room to spare.
    expect(r.notes.join(' ')).toMatch(/the segment had room/);
    const lost = findings(a, 'kexec-window-lost');
    expect(lost).toHaveLength(1);
    expect(lost[0].entries).toEqual([6, 7]);
    expect(lost[0].message).toContain('stops after entry 6');
    expect(findings(a, 'pcr-mismatch').length).toBeGreaterThan(0);
  });

  it('a segment filled to the brim: the list was cut at execute', async () => {
    // The load reserves exactly the list plus its own record plus 100 bytes.
    const load = kexecRecord('kexec_load', (list) => ({ segmentSize: list.runtimeSize + 40 + 'ima-buf'.length + 4 + 200 + 100 }));
    const entries = [boot(), ...numberedFiles(3), load, ...numberedFiles(2, '/x').map((e) => ({ ...e, omitFromList: true })), boot()];
    const a = await analyzeBuilt(buildImaLog(entries, { provider }));
    const [r] = rebootsOf(a);
    expect(r.outcome).toBe('no-execute');
    expect(r.notes.join(' ')).toMatch(/filled the \d+-byte segment .* to within \d+ bytes: it was cut/);
  });

  it('entries dropped before kexec_execute: its count exceeds the entries before it', async () => {
    const entries = kexecSoftReboot({ firstBoot: [boot(), ...numberedFiles(3)], afterLoad: numberedFiles(2, '/x').map((e) => ({ ...e, omitFromList: true })), secondBoot: [boot()] });
    const a = await analyzeBuilt(buildImaLog(entries, { provider }));
    const [r] = rebootsOf(a);
    expect(r.outcome).toBe('complete');
    expect(r.notes.join(' ')).toContain('kexec_execute at entry 5 counts 7 entries but 5 precede it: 2 measured before it are missing');
    // Entries the kernel counted are missing: an error, not a note on the soft reboot (review).
    expect(findings(a, 'kexec-soft-reboot')[0].message).not.toContain('missing');
    const [lost] = findings(a, 'kexec-window-lost');
    expect(lost).toMatchObject({ severity: 'error', entries: [5, 6] });
    expect(lost.message).toContain('2 measured before it are missing');
  });

  it('a staged kexec at the end of the list whose count exceeds the entries before it', async () => {
    const load = kexecRecord('kexec_load', (list) => ({ count: list.count + 3 }));
    const a = await analyzeBuilt(buildImaLog([boot(), ...numberedFiles(3), load], { provider }));
    expect(rebootsOf(a)).toHaveLength(0);
    const [lost] = findings(a, 'kexec-window-lost');
    expect(lost).toMatchObject({ severity: 'error', entries: [4] });
    expect(lost.message).toBe('kexec_load at entry 4 counts 7 entries but 4 precede it: 3 measured before it are missing from the list (lost or cut out). If the PCR replay fails, this is the likely cause.');
  });

  it('a reported size that is not the list before the record, and an execute larger than its segment', async () => {
    const load = kexecRecord('kexec_load', (list) => ({ binarySize: list.runtimeSize + 7, segmentSize: 512 }));
    const execute = kexecRecord('kexec_execute', { segmentSize: 512 });
    const a = await analyzeBuilt(buildImaLog([boot(), ...numberedFiles(3), load, execute, boot()], { provider }));
    const notes = rebootsOf(a)[0].notes.join(' ');
    expect(notes).toMatch(/kexec_load at entry 4 reports a (\d+)-byte list, but the entries before it serialize to \d+ bytes/);
    expect(notes).toMatch(/At kexec_execute \(entry 5\) the list needed \d+ bytes but the segment reserved at load holds 512: its tail was cut/);
  });

  it('a pre-6.16 soft reboot without records: the last carried entry is suspect', async () => {
    const built = buildImaLog(kexecSoftReboot({ firstBoot: [boot(), ...numberedFiles(3)], afterLoad: numberedFiles(2, '/x'), secondBoot: [boot()] }, { markers: false, lose: true }), { provider });
    const a = await analyzeBuilt(built);
    const [r] = rebootsOf(a);
    expect(r).toMatchObject({ outcome: 'no-markers', suspect: { first: 3, last: 3 } });
    expect(findings(a, 'kexec-window-lost')[0].entries).toEqual([4]);
  });

  it('a single clean boot has no soft reboot and no kexec finding', async () => {
    const a = await analyzeBuilt(buildImaLog([boot(), ...numberedFiles(6)], { provider }), true);
    expect(rebootsOf(a)).toEqual([]);
    expect(a.report.findings.map((f) => f.code).filter((c) => c.startsWith('kexec'))).toEqual([]);
  });
});

describe('byte order', () => {
  it('runs of entries hashed in the other order are named as ranges', async () => {
    const converted = (path: string): BuildEntry => ({ path, hashByteOrder: 'big' });
    const entries = [boot(), ...numberedFiles(2), converted('/a'), converted('/b'), converted('/c'), ...numberedFiles(2, '/z'), converted('/d')];
    const a = await analyzeBuilt(buildImaLog(entries, { provider }), true);
    const mixed = findings(a, 'byte-order-mixed')[0];
    expect(mixed.entries).toEqual([3, 4, 5, 8]);
    expect(mixed.message).toContain('(#3–5, #8)');
    expect(a.report.pcrChecks?.every((c) => c.status === 'match')).toBe(true);
  });

  it('a big-endian list is big, not mixed', async () => {
    const a = await analyzeBuilt(buildImaLog([boot(), ...numberedFiles(4)], { provider, byteOrder: 'big' }), true);
    expect(a.report.log?.byteOrder).toBe('big');
    expect(findings(a, 'byte-order-big')).toHaveLength(1);
    expect(findings(a, 'byte-order-mixed')).toEqual([]);
  });

  it('index runs', () => {
    expect(toIndexRuns([])).toEqual([]);
    expect(toIndexRuns([3, 4, 5, 9, 11, 12]).map(formatIndexRun)).toEqual(['#3–5', '#9', '#11–12']);
  });
});
