/**
 * Every reading of a log at once. The PCR values each reading must give are computed by an
 * independent replay in Python (hashlib), from the binary list alone: it parses the frames,
 * re-serialises the template data with big-endian length words for the byte-order flip, and
 * extends per-bank digests, zero-padded SHA-1 digests, violations as 0xFF or zeros.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createWasmHashProvider, type HashProvider } from '../hash/hash-provider';
import type { HashAlgorithm } from '../hash/hash-algorithm';
import { encodeText, fromHex } from '../util/bytes';
import { buildImaLog, bootAggregateEntry, formatEvmctlPcrFile, type BuildEntry } from '../testing/build-ima-log';
import { hypotheticalPlatformPcrs, kexecSoftReboot } from '../testing/ima-scenarios';
import { buildQuoteAttest } from '../testing/build-quote';
import { readSharedData } from '../testing/shared-data';
import type { RawInput } from './analysis-types';
import { analyze } from './analyze';
import { loadInputs } from './load-inputs';
import { replayAllHypotheses, type ReplayHypotheses } from './hypotheses';
import { BLOCK_ENTRIES } from '../replay/extend-values';

let provider: HashProvider;
beforeAll(async () => {
  provider = await createWasmHashProvider();
});

const ORACLE = String.raw`
import hashlib, json, struct, sys
data = sys.stdin.buffer.read()
prefix = int(sys.argv[1])
entries, off = [], 0
while off < len(data):
    pcr, = struct.unpack_from('<I', data, off); digest = data[off + 4:off + 24]; off += 24
    n, = struct.unpack_from('<I', data, off); off += 4 + n
    n, = struct.unpack_from('<I', data, off); tdata = data[off + 4:off + 4 + n]; off += 4 + n
    be, o = b'', 0
    while o < len(tdata):
        l, = struct.unpack_from('<I', tdata, o); be += struct.pack('>I', l) + tdata[o + 4:o + 4 + l]; o += 4 + l
    violation = digest == bytes(20)
    assert violation or hashlib.sha1(tdata).digest() == digest
    entries.append((pcr, digest, tdata, be, violation))

def replay(bank, value, count):
    size = hashlib.new(bank).digest_size
    pcr = bytes(size)
    for e in entries[:count]:
        pcr = hashlib.new(bank, pcr + value(e, size)).digest()
    return pcr.hex()

def per_bank(order, violation_byte):
    def value(e, size):
        if e[4]: return bytes([violation_byte]) * size
        return hashlib.new('sha1' if size == 20 else 'sha256', e[2] if order == 'little' else e[3]).digest()
    return value

def padded(e, size):
    return (b'\xff' * 20 if e[4] else e[1]) + bytes(size - 20)

readings = {
    'per-bank/ff/little': per_bank('little', 0xff),
    'per-bank/zero/little': per_bank('little', 0),
    'padded-sha1/ff/little': padded,
    'per-bank/ff/big': per_bank('big', 0xff),
}
out = {}
for key, value in readings.items():
    out[key] = {bank: replay(bank, value, len(entries)) for bank in ('sha1', 'sha256')}
    out[key + '@prefix'] = {bank: replay(bank, value, prefix) for bank in ('sha1', 'sha256')}
print(json.dumps(out))
`;

type Oracle = Record<string, Record<'sha1' | 'sha256', string>>;

function pythonReplay(list: Uint8Array, prefix: number): Oracle {
  return JSON.parse(execFileSync('python3', ['-c', ORACLE, String(prefix)], { input: list }).toString()) as Oracle;
}

function pcrFile(values: Partial<Record<HashAlgorithm, string>>, pcr = 10): RawInput[] {
  return Object.entries(values).map(([bank, hex]) => ({
    name: `pcrs-${bank}.txt`,
    bytes: encodeText(formatEvmctlPcrFile(new Map([[pcr, fromHex(hex) ?? new Uint8Array()]]))),
  }));
}

async function hypotheses(raw: readonly RawInput[]): Promise<ReplayHypotheses> {
  const loaded = await loadInputs(raw, provider);
  const { report } = await analyze(loaded, {}, provider);
  const result = await replayAllHypotheses(loaded, report, provider, { all: true });
  if (result === undefined) throw new Error('no log');
  return result;
}

/** Keys of the readings that reproduce target `t` (a prefix of the log counts). */
function reproducing(h: ReplayHypotheses, t = 0): string[] {
  return h.rows.filter((r) => r.pcrs[t].matchedEntries !== undefined).map((r) => r.key);
}

function files(n: number): BuildEntry[] {
  return Array.from({ length: n }, (_, i) => ({ path: `/usr/lib/x/lib${i}.so`, fileDigest: { content: `lib ${i}` } }));
}

describe('replayAllHypotheses against an independent Python replay', () => {
  let entries: BuildEntry[];
  let list: Uint8Array;
  let oracle: Oracle;
  const log = (): RawInput => ({ name: 'binary_runtime_measurements', bytes: list });
  beforeAll(() => {
    entries = [
      bootAggregateEntry(provider.get('sha256')!, hypotheticalPlatformPcrs(provider.get('sha256')!)),
      ...files(6),
      { path: '/var/log/audit/audit.log', violation: true },
      ...files(5),
    ];
    list = buildImaLog(entries, { provider }).binary;
    oracle = pythonReplay(list, 9);
  });

  it('the kernel default reproduces the default replay, after every entry', async () => {
    const h = await hypotheses([log(), ...pcrFile({ sha256: oracle['per-bank/ff/little'].sha256 })]);
    expect(h.rows.map((r) => r.key)).toEqual([
      'per-bank/ff/little',
      'padded-sha1/ff/little',
      'per-bank/zero/little',
      'padded-sha1/zero/little',
      'per-bank/ff/big',
      'padded-sha1/ff/big',
    ]);
    expect(h.rows[0]).toMatchObject({ isDefault: true, pcrs: [{ matchedEntries: 13, final: oracle['per-bank/ff/little'].sha256 }] });
    expect(reproducing(h)).toEqual(['per-bank/ff/little']);
    expect(h.unexplained).toBeUndefined();
  });

  it('replays only the default reading unless asked, when it reproduces every value', async () => {
    const loaded = await loadInputs([log(), ...pcrFile({ sha256: oracle['per-bank/ff/little'].sha256 })], provider);
    const { report } = await analyze(loaded, {}, provider);
    const h = await replayAllHypotheses(loaded, report, provider);
    expect(h?.othersSkipped).toBe(true);
    expect(h?.rows.map((r) => r.key)).toEqual(['per-bank/ff/little']);
    expect(h?.rows[0].pcrs[0].matchedEntries).toBe(13);
    // A value only another reading reproduces is never skipped.
    const padded = await loadInputs([log(), ...pcrFile({ sha256: oracle['padded-sha1/ff/little'].sha256 })], provider);
    const all = await replayAllHypotheses(padded, (await analyze(padded, {}, provider)).report, provider);
    expect(all?.othersSkipped).toBeUndefined();
    expect(all?.rows.length).toBe(6);
  });

  it('recognises a padded-SHA-1 kernel (5.1–5.7) in the sha256 bank', async () => {
    const h = await hypotheses([log(), ...pcrFile({ sha256: oracle['padded-sha1/ff/little'].sha256 })]);
    expect(reproducing(h)).toEqual(['padded-sha1/ff/little']);
    expect(h.rows[1].pcrs[0]).toEqual({ matchedEntries: 13, final: oracle['padded-sha1/ff/little'].sha256 });
    // Every other reading says where it ends instead.
    expect(h.rows[0].pcrs[0]).toEqual({ final: oracle['per-bank/ff/little'].sha256 });
  });

  it('recognises violations extended as zeros, in both banks (in sha1 padding changes nothing)', async () => {
    const zero = oracle['per-bank/zero/little'];
    const h = await hypotheses([log(), ...pcrFile({ sha1: zero.sha1, sha256: zero.sha256 })]);
    expect(h.targets.map((t) => `${t.bank}:${t.pcr}`)).toEqual(['sha1:10', 'sha256:10']);
    expect(reproducing(h, 0)).toEqual(['per-bank/zero/little', 'padded-sha1/zero/little']);
    expect(reproducing(h, 1)).toEqual(['per-bank/zero/little']);
    expect(h.rows[2].pcrs.map((p) => p.final)).toEqual([zero.sha1, zero.sha256]);
  });

  it('recognises template hashes over the opposite byte order', async () => {
    const big = oracle['per-bank/ff/big'];
    const h = await hypotheses([log(), ...pcrFile({ sha256: big.sha256 })]);
    expect(reproducing(h)).toEqual(['per-bank/ff/big']);
    expect(h.rows[4].pcrs[0].final).toBe(big.sha256);
  });

  it("names an ASCII list's readings by the byte order they hash in: a big-endian kernel's list is read big-endian by default", async () => {
    // The big-endian kernel's template hashes are the little-endian list's flipped reading (the oracle's 'big').
    const ascii: RawInput = { name: 'ascii_runtime_measurements', bytes: encodeText(buildImaLog(entries, { provider, byteOrder: 'big' }).ascii) };
    const own = await hypotheses([ascii, ...pcrFile({ sha256: oracle['per-bank/ff/big'].sha256 })]);
    expect(own.rows.map((r) => r.key)).toEqual([
      'per-bank/ff/big',
      'padded-sha1/ff/big',
      'per-bank/zero/big',
      'padded-sha1/zero/big',
      'per-bank/ff/little',
      'padded-sha1/ff/little',
    ]);
    expect(own.rows[0]).toMatchObject({ isDefault: true, pcrs: [{ matchedEntries: 13, final: oracle['per-bank/ff/big'].sha256 }] });
    expect(reproducing(own)).toEqual(['per-bank/ff/big']);
    const loaded = await loadInputs([ascii, ...pcrFile({ sha256: oracle['per-bank/ff/big'].sha256 })], provider);
    const { report } = await analyze(loaded, {}, provider);
    expect(report.pcrChecks?.map((c) => c.hypothesis)).toEqual([{ extend: 'per-bank', violations: 'ff', byteOrder: 'big' }]);
    // The default reading sufficed, named as the report's check names it: the others are skipped.
    expect((await replayAllHypotheses(loaded, report, provider))?.othersSkipped).toBe(true);
    // Values of a little-endian kernel: reproduced only by hashing little-endian, and named so.
    const flipped = await hypotheses([ascii, ...pcrFile({ sha256: oracle['per-bank/ff/little'].sha256 })]);
    expect(reproducing(flipped)).toEqual(['per-bank/ff/little']);
  });

  it('finds the prefix a value was read at, under its reading', async () => {
    const h = await hypotheses([log(), ...pcrFile({ sha256: oracle['padded-sha1/ff/little@prefix'].sha256 })]);
    expect(reproducing(h)).toEqual(['padded-sha1/ff/little']);
    expect(h.rows[1].pcrs[0].matchedEntries).toBe(9);
  });

  it('replays the quote under every reading: only the padded one reproduces its digest', async () => {
    const pcr10 = fromHex(oracle['padded-sha1/ff/little@prefix'].sha256) ?? new Uint8Array();
    const pcrDigest = new Uint8Array(createHash('sha256').update(pcr10).digest());
    const attest = buildQuoteAttest({ selection: [{ bank: 'sha256', pcrs: [10] }], pcrDigest });
    const h = await hypotheses([log(), { name: 'quote.msg', bytes: attest }]);
    expect(h.targets).toEqual([]);
    expect(h.quote).toMatchObject({ fromLog: [{ bank: 'sha256', pcr: 10 }], missing: [] });
    expect(h.rows.filter((r) => r.quote?.matchedEntries !== undefined).map((r) => [r.key, r.quote?.matchedEntries])).toEqual([
      ['padded-sha1/ff/little', 9],
    ]);
    const wholeLog = createHash('sha256').update(fromHex(oracle['per-bank/ff/little'].sha256) ?? new Uint8Array()).digest('hex');
    expect(h.rows[0].quote).toEqual({ final: wholeLog });
  });
});

describe('boot_aggregate and the causes of a value no reading reproduces', () => {
  it('compares boot_aggregate with PCRs 0–7 and 0–9 (swtpm: sha256 over 0–9, README value)', async () => {
    const h = await hypotheses([
      { name: 'binary_runtime_measurements', bytes: readSharedData('swtpm', 'binary_runtime_measurements') },
      { name: 'pcr0-9.yaml', bytes: readSharedData('swtpm', 'pcr0-9.yaml') },
    ]);
    expect(h.bootSource).toBe('supplied');
    expect(h.bootAggregates).toHaveLength(1);
    const row = h.bootAggregates[0];
    expect(row.logged).toBe('sha256:cca5873abd80e35f4440167d5f81899296289a6b97fe15a98be56f6514c095c2');
    expect(row.candidates.map((c) => [c.pcrs, c.matches])).toEqual([
      ['0-9', true],
      ['0-7', false],
    ]);
    expect(row.candidates[0].digest).toBe('cca5873abd80e35f4440167d5f81899296289a6b97fe15a98be56f6514c095c2');
  });

  it('entries lost at kexec: the likely cause, with the kexec records as evidence', async () => {
    const sha256 = provider.get('sha256')!;
    const boot = bootAggregateEntry(sha256, hypotheticalPlatformPcrs(sha256));
    const entries = kexecSoftReboot(
      { firstBoot: [boot, ...files(4)], afterLoad: files(2), secondBoot: [boot, ...files(3)] },
      { lose: true },
    );
    const built = buildImaLog(entries, { provider });
    const pcr10 = built.pcrs.get('sha256')?.get(10) ?? new Uint8Array();
    const h = await hypotheses([
      { name: 'log', bytes: built.binary },
      { name: 'pcrs', bytes: encodeText(formatEvmctlPcrFile(new Map([[10, pcr10]]))) },
    ]);
    expect(reproducing(h)).toEqual([]);
    const causes = h.unexplained?.causes ?? [];
    expect(causes[0]).toMatchObject({ kind: 'kexec-lost', likelihood: 'likely' });
    expect(causes[0].evidence.join(' ')).toContain('kexec');
    expect(h.unexplained?.lastVerifiedEntry).toBe(h.entryCount - 1);
  });

  it('a log of another boot: boot_aggregate disagrees with the supplied PCRs 0–9', async () => {
    const sha256 = provider.get('sha256')!;
    const built = buildImaLog([bootAggregateEntry(sha256, hypotheticalPlatformPcrs(sha256)), ...files(3)], { provider });
    const otherBoot = new Map<number, Uint8Array>(Array.from({ length: 10 }, (_, i) => [i, sha256.digest(encodeText(`other ${i}`))]));
    otherBoot.set(10, sha256.digest(encodeText('another boot’s PCR 10')));
    const h = await hypotheses([{ name: 'log', bytes: built.binary }, { name: 'pcrs', bytes: encodeText(formatEvmctlPcrFile(otherBoot)) }]);
    const cause = h.unexplained?.causes.find((c) => c.kind === 'other-boot');
    expect(cause).toMatchObject({ likelihood: 'likely', entries: [0] });
    expect(h.unexplained?.causes[0].likelihood).toBe('likely');
    expect(h.unexplained?.causes.find((c) => c.kind === 'kexec-lost')?.likelihood).toBe('ruled-out');
  });

  it('a quote of another bank, and a quote of PCRs the log does not extend', async () => {
    const built = buildImaLog(files(4), { provider });
    const sha256Pcr10 = built.pcrs.get('sha256')?.get(10) ?? new Uint8Array();
    const pcrs = { name: 'pcrs', bytes: encodeText(formatEvmctlPcrFile(new Map([[10, sha256Pcr10]]))) };
    const otherBank = buildQuoteAttest({ selection: [{ bank: 'sha1', pcrs: [10] }], pcrDigest: new Uint8Array(32).fill(7) });
    const h = await hypotheses([{ name: 'log', bytes: built.binary }, pcrs, { name: 'q', bytes: otherBank }]);
    // No violations: 0xFF or zeros makes no difference.
    expect(reproducing(h)).toEqual(['per-bank/ff/little', 'per-bank/zero/little']);
    expect(h.unexplained?.causes.find((c) => c.kind === 'other-bank')).toMatchObject({ likelihood: 'likely' });

    const notExtended = buildQuoteAttest({ selection: [{ bank: 'sha256', pcrs: [11] }], pcrDigest: new Uint8Array(32).fill(7) });
    const h2 = await hypotheses([{ name: 'log', bytes: built.binary }, { name: 'q', bytes: notExtended }]);
    expect(h2.quote).toMatchObject({ fromLog: [], missing: [{ bank: 'sha256', pcr: 11 }] });
    expect(h2.unexplained).toBeUndefined(); // nothing to compare: PCR 11 has no value
  });

  it('names the last entry whose template hash verified before the first altered one', async () => {
    const entries = files(8);
    entries[5] = { ...entries[5], corruptTemplateDigest: true };
    const built = buildImaLog(entries, { provider });
    const h = await hypotheses([
      { name: 'log', bytes: built.binary },
      ...pcrFile({ sha1: Buffer.from(built.pcrs.get('sha1')?.get(10) ?? []).toString('hex') }),
    ]);
    expect(reproducing(h)).toEqual([]);
    expect(h.unexplained?.lastVerifiedEntry).toBe(4);
    expect(h.unexplained?.causes[0]).toMatchObject({ kind: 'altered-entries', likelihood: 'likely', entries: [5] });
  });
});

describe('readings of a log longer than one replay block', () => {
  // The replay makes extend values a block at a time (BLOCK_ENTRIES): values, violations
  // and prefixes must come out the same on both sides of every block edge.
  const COUNT = 2 * BLOCK_ENTRIES + 300;
  const PREFIX = 2 * BLOCK_ENTRIES + 7;
  let list: Uint8Array;
  let oracle: Oracle;
  beforeAll(() => {
    // Violations here and there, and on both sides of the first block edge.
    const violation = (i: number) => i % 1000 === 95 || i === BLOCK_ENTRIES - 1 || i === BLOCK_ENTRIES;
    const entries: BuildEntry[] = files(COUNT).map((e, i) => (violation(i) ? { path: `/tmp/v${i}`, violation: true } : e));
    list = buildImaLog(entries, { provider }).binary;
    oracle = pythonReplay(list, PREFIX);
  });
  const log = (): RawInput => ({ name: 'binary_runtime_measurements', bytes: list });

  it('every reading reproduces the Python replay, at the end and at a prefix in the last block', async () => {
    for (const key of ['per-bank/ff/little', 'padded-sha1/ff/little', 'per-bank/zero/little', 'per-bank/ff/big']) {
      const end = await hypotheses([log(), ...pcrFile({ sha1: oracle[key].sha1, sha256: oracle[key].sha256 })]);
      const row = end.rows.find((r) => r.key === key);
      expect(row?.pcrs.map((p) => p.matchedEntries), key).toEqual([COUNT, COUNT]);
      const prefix = await hypotheses([log(), ...pcrFile({ sha256: oracle[`${key}@prefix`].sha256 })]);
      expect(prefix.rows.find((r) => r.key === key)?.pcrs[0].matchedEntries, key).toBe(PREFIX);
    }
  });

  it('probes a quote in the same pass as the PCR values: one pass over the log, not two', async () => {
    const pcr10 = fromHex(oracle['per-bank/ff/little'].sha256) ?? new Uint8Array();
    const pcrDigest = new Uint8Array(createHash('sha256').update(pcr10).digest());
    const attest = buildQuoteAttest({ selection: [{ bank: 'sha256', pcrs: [10] }], pcrDigest });
    const loaded = await loadInputs([log(), ...pcrFile({ sha256: oracle['per-bank/ff/little'].sha256 }), { name: 'quote.msg', bytes: attest }], provider);
    let pauses = 0;
    const { report } = await analyze(loaded, { pause: async () => void pauses++ }, provider);
    expect(report.quote).toMatchObject({ digestMatches: true, matchedEntries: COUNT });
    expect(report.pcrChecks?.map((c) => c.status)).toEqual(['match']);
    expect(pauses).toBe(Math.ceil(COUNT / BLOCK_ENTRIES));
  });

  it('pauses between blocks when asked (the app yields there), with the same result', async () => {
    const loaded = await loadInputs([log(), ...pcrFile({ sha256: oracle['per-bank/ff/little'].sha256 })], provider);
    const { report } = await analyze(loaded, {}, provider);
    let pauses = 0;
    const paused = await replayAllHypotheses(loaded, report, provider, { pause: async () => void pauses++ });
    // One pass of the default reading over three blocks.
    expect(pauses).toBe(Math.ceil(COUNT / BLOCK_ENTRIES));
    expect(paused).toEqual(await replayAllHypotheses(loaded, report, provider));
  });
});
