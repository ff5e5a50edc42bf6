import { beforeAll, describe, expect, it } from 'vitest';
import { createWasmHashProvider, type HashProvider } from '../hash/hash-provider';
import { parseImaLog } from '../ima/parse-ima-log';
import { readSharedData } from '../testing/shared-data';
import { buildImaLog, type BuildEntry } from '../testing/build-ima-log';
import { bytesEqual, concatBytes, decodeText, encodeText, fromHex } from '../util/bytes';
import type { ByteOrder } from '../model/ima-log';
import { exportAsciiList } from './ascii-list';

let provider: HashProvider;
beforeAll(async () => {
  provider = await createWasmHashProvider();
});

/** Byte equality, with a readable text diff when it fails. */
function expectSameBytes(actual: Uint8Array, expected: Uint8Array): void {
  if (!bytesEqual(actual, expected)) expect(decodeText(actual)).toBe(decodeText(expected));
  expect(bytesEqual(actual, expected)).toBe(true);
}

/** Binary lists captured with their kernel-written ASCII twin (realdata/PROVENANCE.md). */
const PAIRS: readonly (readonly [string, string, string])[] = [
  ['embrave-2023-06-26', 'binary_runtime_measurements', 'ascii_runtime_measurements'],
  ['ima-verify/2025-03-01', 'binary_runtime_measurements_sha256', 'ascii_runtime_measurements_sha256'],
  ['global-trust-authority', 'ima.bin', 'ima.log'],
];

describe('exportAsciiList', () => {
  it.each(PAIRS)('%s: equals the kernel ASCII list byte for byte', (dir, binary, ascii) => {
    const log = parseImaLog(readSharedData('realdata', ...dir.split('/'), binary));
    expect(log.errors).toEqual([]);
    const expected = readSharedData('realdata', ...dir.split('/'), ascii);
    expectSameBytes(exportAsciiList(log), expected);
  });

  it('swtpm: equals the ASCII list read from securityfs beside the binary one', () => {
    const log = parseImaLog(readSharedData('swtpm', 'binary_runtime_measurements'));
    expectSameBytes(exportAsciiList(log), readSharedData('swtpm', 'ascii_runtime_measurements'));
  });

  // Kernel-written ASCII lines (keylime's captures): legacy `ima` with violations, ima-sig with
  // and without signatures, ima-buf. Parsed into the model and rendered back unchanged.
  it.each([
    ['keylime-archive', 'ascii_runtime_measurements_ima'],
    ['keylime-tests', 'test_ima_ast-VALID_ENTRIES.ascii'],
    ['keylime-tests', 'test_ima_verification-SIGNATURES.ascii'],
    ['keylime-tests', 'test_ima_dm-entries.ascii'],
    ['embrave-2023-06-26', 'ascii_runtime_measurements'],
  ])('%s/%s: ASCII list → model → the same ASCII list', (dir, file) => {
    const expected = readSharedData('realdata', dir, file);
    const log = parseImaLog(expected);
    expect(log.errors).toEqual([]);
    expectSameBytes(exportAsciiList(log), expected);
  });

  // The project's independent list writer renders every field kind (testing/build-ima-log.ts).
  it.each<ByteOrder>(['little', 'big'])('every field kind, %s-endian, equals the DSL writer', (byteOrder) => {
    const entries: BuildEntry[] = [
      { pcr: 9, path: '/boot/vmlinuz' },
      { template: 'ima', path: '/usr/bin/kmod' },
      { template: 'ima', path: '/tmp/opened-for-write', violation: true },
      { template: 'ima-sig', path: '/usr/bin/dd', sig: fromHex('030204f3452d230004deadbeef')! },
      { template: 'ima-sig', path: '/usr/bin/unsigned' },
      { template: 'ima-ngv2', path: '/usr/bin/verity', fileDigest: { algorithm: 'verity:sha256', hex: 'ab'.repeat(32) } },
      { template: 'ima-buf', path: 'kexec-cmdline', buf: 'root=/dev/sda1 ro' },
      {
        template: 'ima-modsig',
        path: '/lib/modules/x.ko',
        sig: fromHex('0302040011223300020102')!,
        extraFields: { 'd-modsig': concatBytes([encodeText('sha256:\0'), new Uint8Array(32).fill(0x5a)]), modsig: fromHex('3082000130')! },
      },
      {
        template: 'evm-sig',
        path: '/etc/passwd',
        extraFields: {
          evmsig: fromHex('050204aabbccdd0002ffee')!,
          xattrnames: encodeText('security.selinux|security.ima\0'),
          xattrlengths: byteOrder === 'little' ? fromHex('0300000002000000')! : fromHex('0000000300000002')!,
          xattrvalues: fromHex('6c3a00ff01')!,
          iuid: byteOrder === 'little' ? fromHex('e8030000')! : fromHex('000003e8')!,
          igid: fromHex('ffffffff')!,
          imode: byteOrder === 'little' ? fromHex('a481')! : fromHex('81a4')!,
        },
      },
      { template: 'd-ng|n-ng|iuid', path: '/custom', extraFields: { iuid: fromHex('0102030405060708')! } },
      { template: 'd-ng|n-ng|iuid', path: '/odd-width', extraFields: { iuid: fromHex('010203')! } },
      { pcr: 11, path: '/name/with\nnewline' },
    ];
    const built = buildImaLog(entries, { provider, byteOrder });
    const log = parseImaLog(built.binary);
    expect(log.byteOrder).toBe(byteOrder);
    expect(decodeText(exportAsciiList(log))).toBe(built.ascii);
  });

  it('keeps names that are not UTF-8 as raw bytes (the binary list is authoritative)', () => {
    const built = buildImaLog([{ path: 'x' }], { provider });
    const log = parseImaLog(built.binary);
    const nameAt = log.entries.nameOffset[0];
    log.data[nameAt] = 0xff; // the parser keeps `data` as given; patch the name's byte
    const line = exportAsciiList(log);
    expect(line.includes(0xff)).toBe(true);
    expect(line[line.length - 2]).toBe(0xff);
  });
});
