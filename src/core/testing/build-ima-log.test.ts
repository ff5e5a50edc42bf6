/**
 * The builder against independent truth: the spec's Appendix A vectors (computed with python3
 * hashlib by the spec's author, partly from keylime's unit tests), a python3 replay written
 * here from the spec, and evmctl.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HashAlgorithm } from '../hash/hash-algorithm';
import type { HashProvider } from '../hash/hash-provider';
import { createWasmHashProvider } from '../hash/hash-provider';
import { encodeText, fromHex, toHex } from '../util/bytes';
import type { BuildEntry, BuildOptions, BuiltLog, MeasuredEntry, PcrBanks } from './build-ima-log';
import {
  bootAggregateEntry,
  buildImaLog,
  formatEvmctlPcrFile,
  kexecRecord,
} from './build-ima-log';
import type { EvmctlResult } from './evmctl';
import { hasEvmctl, runEvmctlImaMeasurement } from './evmctl';
import { hypotheticalPlatformPcrs, imaSignature, kexecSoftReboot } from './ima-scenarios';

let provider: HashProvider;
beforeAll(async () => {
  provider = await createWasmHashProvider();
});

const build = (entries: readonly BuildEntry[], options: BuildOptions = {}): BuiltLog =>
  buildImaLog(entries, { ...options, provider });

const hex = (s: string): string => s.replace(/\s+/g, '');
const zeros = (n: number): string => '00'.repeat(n);
const pcrHex = (pcrs: PcrBanks, bank: HashAlgorithm, pcr = 10): string =>
  toHex(pcrs.get(bank)?.get(pcr) ?? new Uint8Array());
const digestHex = (entry: MeasuredEntry, bank: HashAlgorithm): string =>
  toHex(entry.templateDigests.get(bank) ?? new Uint8Array());

const HELLO: BuildEntry = { path: '/usr/bin/hello', fileDigest: { content: 'hello world\n' } };

function platformBootAggregate(): BuildEntry {
  const sha256 = provider.get('sha256');
  if (!sha256) throw new Error('no sha256');
  return bootAggregateEntry(sha256, hypotheticalPlatformPcrs(sha256));
}

/** Appendix A.3: boot_aggregate over the hypothetical PCRs, the A.1 file, a violation. */
const a3Entries = (): BuildEntry[] => [
  platformBootAggregate(),
  HELLO,
  { path: '/var/log/x', violation: true },
];

describe('Appendix A vectors', () => {
  const A1_TEMPLATE_DATA = hex(`
    28 00 00 00 73 68 61 32 35 36 3a 00 a9 48 90 4f 2f 0f 47 9b 8f 81 97 69 4b 30 18 4b
    0d 2e d1 c1 cd 2a 1e c0 fb 85 d2 99 a1 92 a4 47 0f 00 00 00 2f 75 73 72 2f 62 69 6e
    2f 68 65 6c 6c 6f 00`);
  const A1_NAME_AND_LENGTH = hex('06 00 00 00 69 6d 61 2d 6e 67 3f 00 00 00');

  it('A.1: the ima-ng entry, byte for byte, in the sha1 and sha256 lists', () => {
    const sha1List = build([HELLO]);
    expect(toHex(sha1List.binary)).toBe(
      hex('0a 00 00 00 5c b4 d0 d3 e4 6b 1d 58 25 3a 04 f4 a7 34 a4 e9 22 6e 39 10') +
        A1_NAME_AND_LENGTH +
        A1_TEMPLATE_DATA,
    );
    expect(sha1List.binary.length).toBe(101);
    expect(sha1List.ascii).toBe(
      '10 5cb4d0d3e46b1d58253a04f4a734a4e9226e3910 ima-ng ' +
        'sha256:a948904f2f0f479b8f8197694b30184b0d2ed1c1cd2a1ec0fb85d299a192a447 /usr/bin/hello\n',
    );
    const sha256List = build([HELLO], { listBank: 'sha256' });
    expect(sha256List.binary.length).toBe(113);
    expect(toHex(sha256List.binary.subarray(4, 36))).toBe(
      '307f540853298f44042608ad8f674a064f09936535402c032efa8f056ef82d96',
    );
    expect(toHex(sha256List.binary.subarray(36))).toBe(A1_NAME_AND_LENGTH + A1_TEMPLATE_DATA);
  });

  it('A.2: the legacy ima template (no length words in the hash, name padded to 256)', () => {
    const log = build([{ ...HELLO, template: 'ima' }]);
    expect(toHex(log.binary)).toBe(
      hex(`0a 00 00 00 63 66 80 65 42 a9 10 3c 2e bc 99 e7 b6 2a 8c 8e 99 4c 38 39 03 00 00 00
           69 6d 61 22 59 63 63 b3 de 40 b0 6f 98 1f b8 5d 82 31 2e 8c 0e d5 11 0e 00 00 00 2f
           75 73 72 2f 62 69 6e 2f 68 65 6c 6c 6f`),
    );
    expect(log.ascii).toBe(
      '10 6366806542a9103c2ebc99e7b62a8c8e994c3839 ima ' +
        '22596363b3de40b06f981fb85d82312e8c0ed511 /usr/bin/hello\n',
    );
  });

  it('A.3: listed digests and running PCR10 in both banks', () => {
    const log = build(a3Entries());
    expect(log.entries.map((e) => digestHex(e, 'sha1'))).toEqual([
      'f970952a9fd68b86a38c1a216babf66de190ac35',
      '5cb4d0d3e46b1d58253a04f4a734a4e9226e3910',
      zeros(20),
    ]);
    expect(log.entries.map((e) => digestHex(e, 'sha256'))).toEqual([
      '65805912c86894a5ab8283ba2e3e29c93ed78fa28d353d6208f805b91ef0c8f1',
      '307f540853298f44042608ad8f674a064f09936535402c032efa8f056ef82d96',
      zeros(32),
    ]);
    expect(log.ascii.split('\n')[0]).toBe(
      '10 f970952a9fd68b86a38c1a216babf66de190ac35 ima-ng ' +
        'sha256:3fc5d36b72f2bbafc50a2369037326b0f41718d676c9c78ad16d2e86a1f137bf boot_aggregate',
    );
    expect([1, 2, 3].map((n) => pcrHex(log.pcrsAfter(n), 'sha1'))).toEqual([
      '419ba319445022762d437fdb809c4999443da305',
      'facfbab1b67b7fdc7fa2f8a73d52d8619c95422a',
      '7786454b110d79e7baa0f06cf272ee99682a5303',
    ]);
    expect([1, 2, 3].map((n) => pcrHex(log.pcrsAfter(n), 'sha256'))).toEqual([
      '4c34c37f366733d7409360179146c86fec8363fca8837c28b72013f02ce9a560',
      '28f53365cb8cba727be6ae8005057a1ce3203b5fb094b03c1598393a23d67710',
      'cdcbf16b561f68646d14dd86d39d9038057b22d6ee23239ba30b9841bf737da4',
    ]);
    expect(pcrHex(log.pcrs, 'sha256')).toBe(pcrHex(log.pcrsAfter(3), 'sha256'));
  });

  it('A.3: a 5.1–5.7 kernel extends zero-padded SHA-1 digests', () => {
    const log = build(a3Entries(), { extend: 'padded-sha1' });
    expect(pcrHex(log.pcrs, 'sha256')).toBe(
      'aee26a94b985f91428362b682b68219de4271c3686b5e582ae39f09ff4353406',
    );
    expect(pcrHex(log.pcrs, 'sha1')).toBe('7786454b110d79e7baa0f06cf272ee99682a5303');
  });

  it('A.4: keylime vectors (TPM-less boot_aggregate, /usr/bin/kmod)', () => {
    const kmodDigest = '3e5e8ad9d8b4dd191413aba6166c7a975c3eab903d1fad77ecfa2d5810d6585c';
    const log = build([
      { path: 'boot_aggregate', fileDigest: { algorithm: 'sha256', hex: zeros(32) } },
      { path: 'boot_aggregate', fileDigest: { algorithm: 'sha1', hex: zeros(20) } },
      { path: '/usr/bin/kmod', fileDigest: { algorithm: 'sha256', hex: kmodDigest } },
    ]);
    const [zero256, zero1, kmod] = log.entries;
    expect(digestHex(zero256, 'sha1')).toBe('0adefe762c149c7cec19da62f0da1297fcfbffff');
    expect(digestHex(zero256, 'sha256')).toBe(
      '36f1cd67a730bc4137870c4d00dbc7430b51b1ebdaa130744297cf65339078a0',
    );
    expect(digestHex(zero1, 'sha1')).toBe('1d8d532d463c9f8c205d0df7787669a85f93e260');
    expect(digestHex(kmod, 'sha1')).toBe('cff3da2ff339a1f07bb0dbcbc0381e794ed09555');
    expect(log.ascii.split('\n')[0]).toBe(
      `10 0adefe762c149c7cec19da62f0da1297fcfbffff ima-ng sha256:${zeros(32)} boot_aggregate`,
    );
  });

  it('A.5: the kexec_load record', () => {
    const values = { segmentSize: 12288, binarySize: 9876, count: 42 };
    const log = build([kexecRecord('kexec_load', values)]);
    const buf =
      'kexec_segment_size=12288;ima_binary_runtime_size=9876;ima_runtime_measurements_count=42;';
    expect(log.entries[0].fields[2].data.length).toBe(88);
    const lengthOffset = 4 + 20 + 4 + 'ima-buf'.length;
    expect(new DataView(log.binary.buffer).getUint32(lengthOffset, true)).toBe(151);
    expect(log.ascii).toBe(
      '10 c1a6c2552d2e57c5c7af271ee9a4ad54d5151fb3 ima-buf ' +
        'sha256:6f5a53deb85acd2f9661e05432662caa74757bc3ba5f6dd82715a603766252e6 ' +
        `kexec_load ${toHex(encodeText(buf))}\n`,
    );
    const legacy = build([
      kexecRecord('kexec_load', { segmentSize: 1, binarySize: 2, count: 3 }, 'legacy'),
    ]);
    const legacyBuf =
      'kexec_segment_size=1;ima_binary_runtime_measurements_size=2;ima_runtime_measurements_count=3;';
    expect(legacy.ascii.trimEnd().split(' ').pop()).toBe(toHex(encodeText(legacyBuf)));
  });
});

/**
 * An independent replay written from the spec in python3 (hashlib): parses the binary list,
 * checks the sha1 digest column, recomputes sha1/sha256 template hashes, extends (0xFF for
 * violations) and renders ASCII lines.
 */
const PYTHON_REPLAY = String.raw`
import hashlib, json, struct, sys
path, order, extend = sys.argv[1], sys.argv[2], sys.argv[3]
E = '<' if order == 'little' else '>'
data = open(path, 'rb').read()
BUILTIN = {'ima-ng': 'd-ng|n-ng', 'ima-sig': 'd-ng|n-ng|sig', 'ima-buf': 'd-ng|n-ng|buf',
           'ima-ngv2': 'd-ngv2|n-ng', 'ima-sigv2': 'd-ngv2|n-ng|sig',
           'ima-modsig': 'd-ng|n-ng|sig|d-modsig|modsig',
           'evm-sig': 'd-ng|n-ng|evmsig|xattrnames|xattrlengths|xattrvalues|iuid|igid|imode'}
def render(fid, v):
    if fid in ('d-ng', 'd-ngv2', 'd-modsig'):
        i = v.index(0); return v[:i].decode() + v[i+1:].hex()
    if fid in ('n', 'n-ng', 'xattrnames'): return v.split(b'\0')[0].decode()
    if fid in ('iuid', 'igid', 'imode'):
        return str(int.from_bytes(v, 'little' if E == '<' else 'big'))
    return v.hex()
sizes = {'sha1': 20, 'sha256': 32}
pcrs = {b: {} for b in sizes}
out = []
off = 0
u32 = lambda buf, o: struct.unpack_from(E + 'I', buf, o)[0]
while off < len(data):
    pcr = u32(data, off); digest = data[off+4:off+24]; nlen = u32(data, off+24)
    name = data[off+28:off+28+nlen].decode(); off += 28 + nlen
    if name == 'ima':
        d = data[off:off+20]; n = u32(data, off+20); fname = data[off+24:off+24+n]; off += 24 + n
        hashed = d + fname + bytes(256 - n); fields = [('d', d), ('n', fname)]
    else:
        L = u32(data, off); hashed = data[off+4:off+4+L]; off += 4 + L
        ids = BUILTIN.get(name, name).split('|'); fields = []; o = 0
        while o < L:
            fl = u32(hashed, o); fields.append((ids[len(fields)], hashed[o+4:o+4+fl])); o += 4 + fl
    violation = digest == bytes(20)
    for b, size in sizes.items():
        if violation: v = b'\xff' * (size if extend == 'per-bank' else 20)
        elif extend == 'per-bank': v = hashlib.new(b, hashed).digest()
        else: v = hashlib.sha1(hashed).digest()
        v = v.ljust(size, b'\0')
        pcrs[b][pcr] = hashlib.new(b, pcrs[b].get(pcr, bytes(size)) + v).digest()
    line = '%2d %s %s' % (pcr, digest.hex(), name)
    line += ''.join(' ' + (render(f, v) if v else '') for f, v in fields)
    out.append({'digestOk': violation or hashlib.sha1(hashed).digest() == digest, 'line': line})
pcrs = {b: {str(k): v.hex() for k, v in m.items()} for b, m in pcrs.items()}
print(json.dumps({'pcrs': pcrs, 'entries': out}))
`;

interface PythonReplay {
  pcrs: Record<string, Record<string, string>>;
  entries: { digestOk: boolean; line: string }[];
}

const workDir = mkdtempSync(join(tmpdir(), 'build-ima-log-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));
let fileCounter = 0;
function writeTemp(name: string, data: Uint8Array | string): string {
  const path = join(workDir, `${fileCounter++}-${name}`);
  writeFileSync(path, data);
  return path;
}

function pythonReplay(log: BuiltLog, order: 'little' | 'big', extend = 'per-bank'): PythonReplay {
  const args = ['-c', PYTHON_REPLAY, writeTemp('list.bin', log.binary), order, extend];
  const run = spawnSync('python3', args, { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout) as PythonReplay;
}

function pcrsAsJson(pcrs: PcrBanks): Record<string, Record<string, string>> {
  const bankJson = (values: Map<number, Uint8Array>): Record<string, string> =>
    Object.fromEntries([...values].map(([i, v]) => [String(i), toHex(v)]));
  return Object.fromEntries([...pcrs].map(([bank, values]) => [bank, bankJson(values)]));
}

const asciiOf = (py: PythonReplay): string => py.entries.map((e) => `${e.line}\n`).join('');

/** A varied list: every template evmctl knows, violations, PCRs 10 and 11, spaces in names. */
const mixedEntries = (): BuildEntry[] => [
  platformBootAggregate(),
  { template: 'ima-buf', path: 'kernel_version', buf: '6.17.0-rc3' },
  { path: '/usr/lib/systemd/systemd', fileDigest: { content: 'systemd' } },
  { template: 'ima-sig', path: '/usr/bin/bash' },
  { template: 'ima-sig', path: '/usr/bin/ls', sig: imaSignature(0x1234abcd, new Uint8Array(64)) },
  { path: '/tmp/with space', fileDigest: { content: 'x', algorithm: 'sha1' } },
  { path: '/var/log/messages', violation: true },
  { pcr: 11, path: '/etc/hosts' },
  { pcr: 11, template: 'ima-buf', path: 'selinux-state', buf: 'initialized=1;enforcing=1;' },
  { pcr: 11, path: '/var/lib/x', violation: true },
  { template: 'ima-ngv2', path: '/usr/bin/true' },
  { path: '/usr/sbin/init' },
];

describe('python3 hashlib replay agrees', () => {
  it.each(['little', 'big'] as const)('mixed templates, %s-endian, per-bank', (order) => {
    const log = build(mixedEntries(), { byteOrder: order });
    const py = pythonReplay(log, order);
    expect(py.pcrs).toEqual(pcrsAsJson(log.pcrs));
    expect(py.entries.every((e) => e.digestOk)).toBe(true);
    expect(asciiOf(py)).toBe(log.ascii);
  });

  it('big-endian lists hash big-endian length words', () => {
    const le = build([HELLO]);
    const be = build([HELLO], { byteOrder: 'big' });
    expect(toHex(be.binary.subarray(0, 4))).toBe('0000000a');
    expect(digestHex(be.entries[0], 'sha1')).not.toBe(digestHex(le.entries[0], 'sha1'));
  });

  it('hashByteOrder: framing in one order, template hash in the other', () => {
    const log = build([{ ...HELLO, hashByteOrder: 'big' }]);
    expect(toHex(log.binary).slice(0, 8)).toBe('0a000000');
    expect(digestHex(log.entries[0], 'sha1')).toBe(
      digestHex(build([HELLO], { byteOrder: 'big' }).entries[0], 'sha1'),
    );
    expect(pythonReplay(log, 'little').entries[0].digestOk).toBe(false);
  });

  it('padded-sha1 extend and the legacy ima template', () => {
    const aggregate = { algorithm: 'sha1', hex: '11'.repeat(20) };
    const entries: BuildEntry[] = [
      { template: 'ima', path: 'boot_aggregate', fileDigest: aggregate },
      { template: 'ima', path: '/usr/bin/hello world', fileDigest: { content: 'hi' } },
      { template: 'ima', path: '/var/x', violation: true },
    ];
    const log = build(entries, { extend: 'padded-sha1' });
    const py = pythonReplay(log, 'little', 'padded-sha1');
    expect(py.pcrs).toEqual(pcrsAsJson(log.pcrs));
    expect(asciiOf(py)).toBe(log.ascii);
    expect(log.ascii).toContain(' /usr/bin/hello_world\n');
  });

  it('finds the corrupted template digest', () => {
    const entries = mixedEntries();
    entries[3] = { ...entries[3], corruptTemplateDigest: true };
    const log = build(entries);
    const py = pythonReplay(log, 'little');
    expect(py.entries.flatMap((e, i) => (e.digestOk ? [] : [i]))).toEqual([3]);
    // The TPM saw the true digest, which python recomputes from the template data.
    expect(py.pcrs).toEqual(pcrsAsJson(log.pcrs));
  });

  it('custom templates and evm-sig numeric fields', () => {
    const le32 = (n: number): Uint8Array => Uint8Array.of(n, n >>> 8, n >>> 16, n >>> 24);
    const log = build([
      { template: 'd-ng|n-ng|iuid', path: '/etc/shadow', extraFields: { iuid: le32(1000) } },
      {
        template: 'evm-sig',
        path: '/usr/bin/su',
        extraFields: {
          xattrnames: encodeText('security.ima\0'),
          iuid: le32(0),
          imode: Uint8Array.of(0xed, 0x81),
        },
      },
    ]);
    const py = pythonReplay(log, 'little');
    expect(py.pcrs).toEqual(pcrsAsJson(log.pcrs));
    expect(asciiOf(py)).toBe(log.ascii);
    const [custom, evm] = log.ascii.split('\n');
    expect(custom).toMatch(/^10 [0-9a-f]{40} d-ng\|n-ng\|iuid sha256:[0-9a-f]{64} \/etc\/shadow 1000$/);
    expect(evm).toMatch(/ \/usr\/bin\/su  security\.ima   0  33261$/);
  });
});

describe('ASCII details', () => {
  it('pads PCRs below 10 and keeps the space of an empty field', () => {
    const log = build([{ pcr: 9, template: 'ima-sig', path: '/bin/true' }]);
    expect(log.ascii).toMatch(/^ 9 [0-9a-f]{40} ima-sig sha256:[0-9a-f]{64} \/bin\/true \n$/);
  });

  it('writes d-ngv2 with its type prefix', () => {
    const [AB, CD] = ['ab'.repeat(32), 'cd'.repeat(32)];
    const log = build([
      { template: 'ima-ngv2', path: '/a', fileDigest: { algorithm: 'verity:sha256', hex: AB } },
      { template: 'ima-ngv2', path: '/b', fileDigest: { algorithm: 'sha256', hex: CD } },
    ]);
    expect(log.ascii).toContain(` verity:sha256:${AB} /a\n`);
    expect(log.ascii).toContain(` ima:sha256:${CD} /b\n`);
  });
});

describe('lists that do not match their PCRs', () => {
  it('omitFromList extends the TPM but leaves the entry out', () => {
    const full = build([HELLO, { path: '/lost' }, { path: '/after' }]);
    const omitted = build([HELLO, { path: '/lost', omitFromList: true }, { path: '/after' }]);
    expect(pcrsAsJson(omitted.pcrs)).toEqual(pcrsAsJson(full.pcrs));
    expect(omitted.ascii).not.toContain('/lost');
    expect(omitted.binary.length).toBeLessThan(full.binary.length);
    expect(pythonReplay(omitted, 'little').pcrs).not.toEqual(pcrsAsJson(omitted.pcrs));
  });

  it('initialPcrs continue a segment', () => {
    const whole = build([HELLO, { path: '/b' }, { path: '/c' }]);
    const tail = build([{ path: '/b' }, { path: '/c' }], { initialPcrs: whole.pcrsAfter(1) });
    expect(pcrsAsJson(tail.pcrs)).toEqual(pcrsAsJson(whole.pcrs));
  });
});

/** A soft reboot with one entry between kexec load and execute. */
const KEXEC_WINDOW = {
  firstBoot: [HELLO],
  afterLoad: [{ path: '/c' }],
  secondBoot: [{ path: 'boot_aggregate' }],
};

describe('kexec', () => {
  it('kexec records report the list as the kernel counts it', () => {
    const entries = kexecSoftReboot({
      firstBoot: [
        platformBootAggregate(),
        { path: '/a' },
        { template: 'ima-sig', path: '/b' },
        { path: '/v', violation: true },
      ],
      afterLoad: [{ path: '/c' }],
      secondBoot: [
        platformBootAggregate(),
        { template: 'ima-buf', path: 'kernel_version', buf: '6.16.0' },
      ],
    });
    const log = build(entries);
    const records = log.ascii.split('\n').filter((l) => / kexec_(load|execute) /.test(l));
    const values = records.map((l) => new TextDecoder().decode(fromHex(l.split(' ').pop() ?? '')));
    // Built-in templates: the kernel's size is the serialized sha1 list plus the 24-byte header.
    const sizeBefore = (n: number): number => 24 + build(entries.slice(0, n)).binary.length;
    const record = (n: number): string =>
      `kexec_segment_size=4096;ima_binary_runtime_size=${sizeBefore(n)};` +
      `ima_runtime_measurements_count=${n};`;
    expect(values).toEqual([record(4), record(6)]);
    expect(log.ascii.split('\n').filter((l) => l.endsWith(' boot_aggregate'))).toHaveLength(2);
  });

  it('a lost window drops the entries after kexec_load but the TPM keeps them', () => {
    const kept = build(kexecSoftReboot(KEXEC_WINDOW));
    const lost = build(kexecSoftReboot(KEXEC_WINDOW, { lose: true }));
    expect(pcrsAsJson(lost.pcrs)).toEqual(pcrsAsJson(kept.pcrs));
    expect(lost.ascii).toContain(' kexec_load ');
    expect(lost.ascii).not.toContain(' kexec_execute ');
    expect(lost.ascii).not.toContain(' /c\n');
  });

  it('pre-6.16 kernels write no markers', () => {
    const log = build(kexecSoftReboot(KEXEC_WINDOW, { markers: false, lose: true }));
    expect(log.ascii).not.toContain(' kexec_');
    expect(log.entries.map((e) => e.listed)).toEqual([true, false, true]);
  });
});

describe('formatEvmctlPcrFile', () => {
  it('lists PCR-00 up to the highest PCR, zero-filling gaps', () => {
    const text = formatEvmctlPcrFile(new Map([[2, new Uint8Array(20).fill(0xab)]]));
    expect(text).toBe(`PCR-00: ${zeros(20)}\nPCR-01: ${zeros(20)}\nPCR-02: ${'ab'.repeat(20)}\n`);
  });
});

describe.runIf(hasEvmctl())('evmctl ima_measurement oracle', () => {
  function evmctl(log: BuiltLog, pcrs: PcrBanks = log.pcrs): EvmctlResult {
    const listPath = writeTemp('list.bin', log.binary);
    const files = (['sha1', 'sha256'] as const).map((bank) => ({
      bank,
      path: writeTemp(`pcrs-${bank}.txt`, formatEvmctlPcrFile(pcrs.get(bank) ?? new Map())),
    }));
    return runEvmctlImaMeasurement(listPath, files);
  }

  const legacyEntries = (): BuildEntry[] => [
    { template: 'ima', path: 'boot_aggregate', fileDigest: { algorithm: 'sha1', hex: zeros(20) } },
    { ...HELLO, template: 'ima' },
    { template: 'ima', path: '/var/log/y', violation: true },
  ];
  const cases: [string, () => BuildEntry[]][] = [
    ['ima-ng + ima-sig + ima-buf + violations, PCRs 10 and 11', mixedEntries],
    ['Appendix A.3', a3Entries],
    ['legacy ima template', legacyEntries],
  ];

  it.each(cases)('matches per bank: %s', (_, entries) => {
    const result = evmctl(build(entries()));
    expect(result.stdout).toContain('Matched per TPM bank');
    expect(result.ok).toBe(true);
    expect(result.matched).toBe('per-bank');
  });

  it('matches the padded SHA-1 replay of a 5.1–5.7 kernel', () => {
    const result = evmctl(build(mixedEntries(), { extend: 'padded-sha1' }));
    expect(result.matched).toBe('padded-sha1');
    expect(result.ok).toBe(true);
  });

  it('says a tampered PCR file does not match', () => {
    const log = build(mixedEntries());
    const tampered = log.pcrsAfter(log.entries.length);
    const pcr10 = tampered.get('sha256')?.get(10);
    if (!pcr10) throw new Error('no PCR10');
    pcr10[0] ^= 1;
    const result = evmctl(log, tampered);
    expect(result.ok).toBe(false);
    expect(result.stdout).toContain('Failed to match');
  });

  it('finds the prefix of a list read after its quote', () => {
    const log = build(a3Entries());
    const result = evmctl(log, log.pcrsAfter(2));
    expect(result.ok).toBe(true);
    expect(result.succeeded).toContainEqual({ bank: 'sha256', pcr: 10, entry: 2 });
  });

  it('fails a list whose entries were lost across kexec', () => {
    const parts = { ...KEXEC_WINDOW, firstBoot: a3Entries() };
    expect(evmctl(build(kexecSoftReboot(parts))).ok).toBe(true);
    expect(evmctl(build(kexecSoftReboot(parts, { lose: true }))).ok).toBe(false);
  });
});
