import { describe, expect, it } from 'vitest';
import { readSharedData, readSharedText } from '../testing/shared-data';
import { createWasmHashProvider } from '../hash/hash-provider';
import { toHex } from '../util/bytes';
import { decodeFirmwareEvent, eventTypeName } from './decode-event';
import { FirmwareLogParser, parseFirmwareLog, sniffFirmwareLog, type FirmwareLog } from './event-log';
import { replayFirmwareLog } from './replay-firmware';

/** Every TCG firmware log in shared/data (realdata/PROVENANCE.md, swtpm/README.md). */
const FIRMWARE_LOGS: ReadonlyArray<readonly [string, string]> = [
  ['swtpm', 'binary_bios_measurements'],
  ['realdata', 'cmc/binary_bios_measurements'],
  ['realdata', 'global-trust-authority/binary_bios_measurements'],
  ['realdata', 'go-attestation/coreos_36_shielded_vm_no_secure_boot_eventlog'],
  ['realdata', 'go-attestation/crypto_agile_eventlog'],
  ['realdata', 'go-attestation/ebs_event_missing_eventlog'],
  ['realdata', 'go-attestation/linux_tpm12.Log.Raw.bin'],
  ['realdata', 'go-attestation/option_rom_eventlog'],
  ['realdata', 'go-attestation/sb_cert_eventlog'],
  ['realdata', 'go-attestation/short_no_action_eventlog'],
  ['realdata', 'go-attestation/windows_gcp_shielded_vm.Log.Raw.bin'],
  ['realdata', 'go-eventlog/arch-linux-workstation.bin'],
  ['realdata', 'go-eventlog/cos-101-amd-sev.bin'],
  ['realdata', 'go-eventlog/cos-113-intel-tdx-dupe-separator-unpadded.bin'],
  ['realdata', 'go-eventlog/cos-113-intel-tdx-dupe-separator.bin'],
  ['realdata', 'go-eventlog/cos-113-intel-tdx.bin'],
  ['realdata', 'go-eventlog/CCEL_unpadded.data.bin'],
  ['realdata', 'go-eventlog/cos-85-amd-sev.bin'],
  ['realdata', 'go-eventlog/cos-93-amd-sev.bin'],
  ['realdata', 'go-eventlog/debian-10.bin'],
  ['realdata', 'go-eventlog/event_log.bin'],
  ['realdata', 'go-eventlog/glinux-alex.bin'],
  ['realdata', 'go-eventlog/rhel8-uefi.bin'],
  ['realdata', 'go-eventlog/ubuntu-1804-amd-sev.bin'],
  ['realdata', 'go-eventlog/ubuntu-2104-no-dbx.bin'],
  ['realdata', 'go-eventlog/ubuntu-2104-no-secure-boot.bin'],
  ...['amd635', 'deb1', 'deb2', 'dell1', 'hp1', 'ideapad1', 'p511', 'sm1', 'sm2', 'sm3', 'sm4']
    .concat(['ubuntu1', 'ubuntu2', 'ubuntu3'])
    .map((n) => ['realdata', `ibmtss/${n}.log`] as const),
  ['realdata', 'ima-evm-utils/sample-binary_bios_measurements-pcrs-8-9'],
  ['realdata', 'ima-evm-utils/test_binary_bios_measurements'],
  ['realdata', 'ima-verify/2025-02-27-root/binary_bios_measurements'],
  ['realdata', 'ima-verify/2025-03-01/binary_bios_measurements'],
  ['realdata', 'keylime/binary_bios_measurements'],
  ['realdata', 'keylime/binary_bios_measurements-secureboot'],
  ['realdata', 'rust-keylime/uefi_log.bin'],
  ['realdata', 'tcglog-parser/binary_bios_measurements'],
  ...['arch-linux', 'bootorder', 'gce-ubuntu-2104-log', 'moklisttrusted', 'postcode', 'sd-boot-fedora37']
    .concat(['uefi-sha1-log', 'uefiaction', 'uefiservices', 'uefivar'])
    .map((n) => ['realdata', `tpm2-tools/event-${n}.bin`] as const),
  ['realdata', 'tpm2-tools/event.bin'],
  ['realdata', 'tpm2-tss/binary_measurements_hcrtm.bin'],
  ['realdata', 'tpm2-tss/binary_measurements_pc_client.bin'],
  ['realdata', 'tpm2-tss/specid-vendordata.bin'],
];

function read(dir: string, path: string): Uint8Array {
  return readSharedData(dir, ...path.split('/'));
}

/** Everything a parse produced, as plain comparable data. */
function summarize(log: FirmwareLog): unknown {
  return {
    format: log.format,
    specId: log.specId && { ...log.specId, vendorInfo: toHex(log.specId.vendorInfo) },
    size: log.size,
    errors: log.errors,
    notes: log.notes,
    events: log.events.map((e) => ({
      ...e,
      digests: e.digests.map((d) => `${d.bank ?? d.algId}:${toHex(d.digest)}`),
      data: toHex(e.data),
    })),
  };
}

function parseInChunks(bytes: Uint8Array, chunkSize: number): FirmwareLog {
  const parser = new FirmwareLogParser();
  for (let at = 0; at < bytes.length; at += chunkSize) parser.push(bytes.slice(at, at + chunkSize));
  return parser.finish();
}

describe('parseFirmwareLog on every real log', () => {
  it.each(FIRMWARE_LOGS)('%s/%s parses without errors and is sniffed', (dir, path) => {
    const bytes = read(dir, path);
    const log = parseFirmwareLog(bytes);
    expect(log.errors).toEqual([]);
    expect(log.events.length).toBeGreaterThan(0);
    expect(sniffFirmwareLog(bytes.subarray(0, 64 * 1024))).toBe(true);
    // The events tile the file (tcglog-parser's test re-writes this log byte for byte).
    log.events.forEach((e, i) => expect(e.offset).toBe(i === 0 ? 0 : log.events[i - 1].offset + log.events[i - 1].size));
    const last = log.events[log.events.length - 1];
    const tail = log.notes.find((n) => n.message.includes('padding'));
    expect(tail?.offset ?? last.offset + last.size).toBe(last.offset + last.size);
    if (tail === undefined) expect(last.offset + last.size).toBe(bytes.length);
  });

  it('tells the two formats apart and reads the Spec ID table', () => {
    const agile = parseFirmwareLog(read('realdata', 'tpm2-tss/binary_measurements_hcrtm.bin'));
    expect(agile.format).toBe('crypto-agile');
    expect(agile.specId).toMatchObject({ specVersion: '2.0.0', uintnSize: 2, platformClass: 0 });
    expect(agile.specId?.algorithms).toEqual([
      { algId: 0x0004, bank: 'sha1', digestSize: 20 },
      { algId: 0x000b, bank: 'sha256', digestSize: 32 },
      { algId: 0x0012, bank: 'sm3', digestSize: 32 },
    ]);
    expect(agile.events).toHaveLength(204); // PROVENANCE.md: 204 events
    const tpm12 = parseFirmwareLog(read('realdata', 'go-attestation/linux_tpm12.Log.Raw.bin'));
    expect(tpm12.format).toBe('tpm12');
    expect(tpm12.specId).toBeUndefined();
    expect(tpm12.events).toHaveLength(40); // PROVENANCE.md: 40 events
    const vendor = parseFirmwareLog(read('realdata', 'tpm2-tss/specid-vendordata.bin'));
    expect(toHex(vendor.specId?.vendorInfo ?? new Uint8Array())).toBe('deadbeef');
  });

  it('keeps the PCR 0xFFFFFFFF trailer events of option_rom and ideapad1 and notes them', () => {
    for (const [path, count] of [
      ['go-attestation/option_rom_eventlog', 61],
      ['ibmtss/ideapad1.log', 40],
    ] as const) {
      const log = parseFirmwareLog(read('realdata', path));
      expect(log.events).toHaveLength(count);
      expect(log.events[count - 1].pcr).toBe(0xffffffff);
      expect(log.notes.map((n) => n.message)).toEqual([
        `event ${count - 1} (EV_NO_ACTION) is on PCR index 0xFFFFFFFF: not a PCR, not replayed`,
      ]);
    }
  });

  it('stops cleanly at 0xFF padding (CC event log padded to 256 KiB)', () => {
    const log = parseFirmwareLog(read('realdata', 'go-eventlog/cos-113-intel-tdx.bin'));
    const unpadded = parseFirmwareLog(read('realdata', 'go-eventlog/cos-113-intel-tdx-dupe-separator-unpadded.bin'));
    expect(log.events).toHaveLength(unpadded.events.length);
    expect(log.notes).toEqual([{ offset: 18101, message: 'log ends with 244043 bytes of 0xff padding' }]);
  });

  it('reports tpm2-tools specid-vendordata.bin (vendorInfoSize past the event) without giving up', () => {
    const log = parseFirmwareLog(read('realdata', 'tpm2-tools/specid-vendordata.bin'));
    expect(log.format).toBe('crypto-agile');
    expect(log.events).toHaveLength(1);
    expect(log.specId?.algorithms.map((a) => a.bank)).toEqual(['sha1', 'sha256']);
    expect(log.errors).toEqual([
      { offset: 68, message: 'Spec ID vendorInfoSize 4 runs past the event (0 bytes present)' },
      { offset: 69, message: 'truncated event: 4 bytes remain, at least 12 needed' },
    ]);
  });
});

describe('agreement with tpm2-tools golden output (event-pretty/*.yaml)', () => {
  const names = ['arch-linux', 'bootorder', 'gce-ubuntu-2104-log', 'moklisttrusted', 'postcode'].concat([
    'sd-boot-fedora37',
    'uefi-sha1-log',
    'uefiaction',
    'uefiservices',
    'uefivar',
  ]);
  it.each(names)('event-%s.bin: every event, digest, type name and decoded field', (name) => {
    const log = parseFirmwareLog(read('realdata', `tpm2-tools/event-${name}.bin`));
    const yaml = readSharedText('realdata', 'tpm2-tools', 'event-pretty', `event-${name}.bin.yaml`);
    // Crypto-agile output numbers events ("- EventNum: n"); SHA-1 log output does not.
    const blocks = yaml.split(/^(?:- EventNum: \d+\n)?  PCRIndex: /m).slice(1);
    expect(log.events).toHaveLength(blocks.length);
    let decodedChecks = 0;
    for (const [i, block] of blocks.entries()) {
      const event = log.events[i];
      const field = (key: string): string | undefined =>
        new RegExp(`^\\s+${key}: (.*)$`, 'm').exec(block)?.[1].replace(/^["']|["']$/g, '');
      expect(event.pcr).toBe(parseInt(block, 10));
      expect(event.typeName).toBe(field('EventType'));
      expect(event.data.length).toBe(Number(field('EventSize')));
      const digests = [...block.matchAll(/AlgorithmId: (\w+)\n\s+Digest: "([0-9a-f]+)"/g)].map((m) => `${m[1]}:${m[2]}`);
      const sha1Digest = /^  Digest: "([0-9a-f]+)"/m.exec(block)?.[1];
      expect(event.digests.map((d) => `${d.bank}:${toHex(d.digest)}`)).toEqual(
        sha1Digest === undefined ? digests : [`sha1:${sha1Digest}`],
      );
      const decoded = decodeFirmwareEvent(event);
      const unicodeName = field('UnicodeName');
      if (unicodeName !== undefined) {
        expect(decoded.details.variable).toBe(unicodeName);
        expect(decoded.details.guid.startsWith(field('VariableName') ?? '?')).toBe(true);
        decodedChecks++;
      }
      const enabled = field('Enabled');
      if (enabled !== undefined && unicodeName === 'SecureBoot') {
        expect(decoded.summary).toMatch(`SecureBoot = ${enabled === 'Yes' ? 'enabled' : 'disabled'}`);
      }
      if (field('BlobBase') !== undefined) {
        expect([decoded.details.base, decoded.details.length]).toEqual([field('BlobBase'), field('BlobLength')]);
        decodedChecks++;
      }
      const devicePath = field('DevicePath');
      if (devicePath !== undefined) {
        // tpm2-tools writes File(\path) and decimal Sata numbers; compare what both must name.
        for (const m of devicePath.matchAll(/File\(([^)]*)\)|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g)) {
          expect(decoded.details.devicePath).toContain(m[1] ?? m[0]);
        }
        decodedChecks++;
      }
      const action = /Event: \|-\n\s+(.*)/.exec(block)?.[1];
      if (action !== undefined) {
        expect(decoded.summary).toBe(action);
        decodedChecks++;
      }
      const text = yamlString(block, 'String');
      if (event.typeName === 'EV_IPL' && text !== undefined && !/^.\0/.test(text)) {
        // tpm2-tools prints UTF-16 as escaped bytes; compare the UTF-8 strings.
        expect(decoded.details.text).toBe(text.replace(/\0+$/, ''));
        decodedChecks++;
      }
    }
    expect(decodedChecks).toBeGreaterThan(0);
  });

  it('names event types as tpm2-tools does, and unknown ones by number', () => {
    expect(eventTypeName(0x80000010)).toBe('EV_EFI_HCRTM_EVENT');
    expect(eventTypeName(0x11)).toBe('EV_NONHOST_INFO');
    const log = parseFirmwareLog(read('realdata', 'rust-keylime/uefi_log.bin'));
    expect(log.events.some((e) => e.typeName === '0x00008401')).toBe(true); // PROVENANCE: unusual type 0x8401
  });
});

describe('streaming', () => {
  const samples: ReadonlyArray<readonly [string, string]> = [
    ['swtpm', 'binary_bios_measurements'],
    ['realdata', 'go-attestation/option_rom_eventlog'],
    ['realdata', 'tpm2-tss/binary_measurements_hcrtm.bin'],
    ['realdata', 'go-eventlog/event_log.bin'],
    ['realdata', 'tpm2-tools/specid-vendordata.bin'],
  ];
  it.each(samples)('%s/%s: any chunk boundaries give the same log', (dir, path) => {
    const bytes = read(dir, path);
    const whole = summarize(parseFirmwareLog(bytes));
    for (const size of [1, 2, 3, 7, 64, 4096, 1 << 20]) {
      expect(summarize(parseInChunks(bytes, size)), `chunk size ${size}`).toEqual(whole);
    }
  });

  // A quadratic walk would run into the test's time-out (a hang guard, not a timing figure).
  it('parses a padded log byte by byte', () => {
    const bytes = read('realdata', 'go-eventlog/cos-113-intel-tdx.bin');
    const log = parseInChunks(bytes, 1);
    expect(log.notes).toHaveLength(1);
  });
});

describe('truncation and corruption', () => {
  const small: ReadonlyArray<readonly [string, string]> = [
    ['realdata', 'tpm2-tools/event-uefiaction.bin'],
    ['realdata', 'go-attestation/short_no_action_eventlog'],
    ['swtpm', 'binary_bios_measurements'],
    ['realdata', 'cmc/binary_bios_measurements'],
  ];
  it.each(small)('%s/%s cut at every byte keeps the complete events and reports the cut', (dir, path) => {
    const bytes = read(dir, path);
    const full = parseFirmwareLog(bytes);
    for (let n = 0; n <= bytes.length; n++) {
      const log = parseFirmwareLog(bytes.subarray(0, n));
      const complete = full.events.filter((e) => e.offset + e.size <= n);
      expect(log.events.map((e) => e.offset)).toEqual(complete.map((e) => e.offset));
      const boundary = complete.length === 0 ? 0 : complete[complete.length - 1].offset + complete[complete.length - 1].size;
      if (n > boundary) {
        // A cut inside zeros (a PCR index, a zero digest) reads as zero padding; anything else is an error.
        const reported = [...log.errors, ...log.notes].map((p) => p.offset);
        expect(reported, `cut at ${n}`).toContain(boundary);
      } else if (n > 0) {
        expect(log.errors, `cut at ${n}`).toEqual([]);
      }
    }
  });

  it('refuses implausible sizes and counts without allocating them', () => {
    const header = specIdEvent([[0x0004, 20]]);
    const hugeSize = agileEvent(0, 0x80000007, [[0x0004, new Uint8Array(20)]], new Uint8Array(0));
    new DataView(hugeSize.buffer).setUint32(hugeSize.length - 4, 0xfffffff0, true);
    const log = parseFirmwareLog(concat(header, hugeSize));
    expect(log.events).toHaveLength(1);
    expect(log.errors).toEqual([
      { offset: header.length + 34, message: `event 1 at offset ${header.length}: event data size 4294967280 is implausible (at most 16777216); parsing stopped` },
    ]);
    const hugeCount = agileEvent(0, 4, [], new Uint8Array(4));
    new DataView(hugeCount.buffer).setUint32(8, 0xffffffff, true);
    const counted = parseFirmwareLog(concat(header, hugeCount, agileEvent(0, 4, [], new Uint8Array(4))));
    expect(counted.events).toHaveLength(1);
    expect(counted.errors[0].message).toContain('digest count 4294967295 is implausible');
    const sha1Huge = new Uint8Array(32);
    new DataView(sha1Huge.buffer).setUint32(28, 0x7fffffff, true);
    expect(parseFirmwareLog(sha1Huge).errors[0].offset).toBe(28);
  });

  it('sizes unknown algorithms from the Spec ID table, and stops at ones it cannot size', () => {
    const header = specIdEvent([
      [0x0004, 20],
      [0x0027, 32], // sha3_256: not a bank this tool hashes
    ]);
    const event = agileEvent(4, 0x80000007, [[0x0004, new Uint8Array(20).fill(1)], [0x0027, new Uint8Array(32).fill(2)]], new Uint8Array([65]));
    const log = parseFirmwareLog(concat(header, event, event));
    expect(log.errors).toEqual([]);
    expect(log.events[1].digests.map((d) => [d.bank, d.algId, d.digest.length])).toEqual([
      ['sha1', 0x0004, 20],
      [undefined, 0x0027, 32],
    ]);
    const stray = agileEvent(4, 4, [[0x0099, new Uint8Array(8)]], new Uint8Array(4));
    const broken = parseFirmwareLog(concat(header, event, stray, event));
    expect(broken.events).toHaveLength(2);
    expect(broken.errors).toEqual([
      {
        offset: header.length + event.length + 12,
        message: `event 2 at offset ${header.length + event.length}: digest algorithm 0x0099 is neither in the Spec ID event nor a known hash, so its size is unknown; parsing stopped`,
      },
    ]);
  });

  it('treats trailing zeros as padding and zeros followed by data as events', () => {
    const header = specIdEvent([[0x0004, 20]]);
    const event = agileEvent(4, 0x80000007, [[0x0004, new Uint8Array(20)]], new Uint8Array([65]));
    const padded = parseFirmwareLog(concat(header, event, new Uint8Array(100)));
    expect(padded.errors).toEqual([]);
    expect(padded.notes).toEqual([{ offset: header.length + event.length, message: 'log ends with 100 bytes of 0x00 padding' }]);
    const preboot = agileEvent(0, 0, [], new Uint8Array(0)); // 16 zero bytes: EV_PREBOOT_CERT, no digests
    const real = parseFirmwareLog(concat(header, preboot, event));
    expect(real.events.map((e) => e.typeName)).toEqual(['EV_NO_ACTION', 'EV_PREBOOT_CERT', 'EV_EFI_ACTION']);
  });

  it('never throws or hangs on mutated logs (seeded fuzz), through parse, replay and decode', async () => {
    const provider = await createWasmHashProvider();
    const sources = [read('swtpm', 'binary_bios_measurements'), read('realdata', 'cmc/binary_bios_measurements')];
    let seed = 12345;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed % n;
    };
    for (let round = 0; round < 400; round++) {
      const bytes = sources[round % 2].slice();
      for (let k = 0; k < 1 + random(6); k++) {
        const at = random(bytes.length - 4);
        if (random(2) === 0) bytes[at] = random(256);
        else new DataView(bytes.buffer).setUint32(at, [0xffffffff, 0, 0x7fffffff, 3][random(4)], true);
      }
      const log = parseFirmwareLog(bytes.subarray(0, random(bytes.length + 1)));
      replayFirmwareLog(log, provider);
      for (const e of log.events) decodeFirmwareEvent(e);
    }
  });
});

describe('sniffFirmwareLog', () => {
  it('refuses the other inputs in shared/data', () => {
    const others: Array<[string, string]> = [
      ['realdata', 'tpm2-tss/sml-ima-ng-sha1.bin'],
      ['realdata', 'tpm2-tss/sml-ima-sha1.bin'],
      ['realdata', 'ibmtss/sha256.log'],
      ['realdata', 'ibmtss/imatest.log'],
      ['realdata', 'global-trust-authority/ima.bin'],
      ['realdata', 'embrave-2023-06-07/binary_runtime_measurements'],
      ['realdata', 'ima-verify/2025-03-01/binary_runtime_measurements_sha256'],
      ['realdata', 'ima-evm-utils/sample-ascii_runtime_measurements-pcrs-8-9'],
      ['realdata', 'ima-evm-utils/sample-tpm-2.0-pcrs-8-9'],
      ['realdata', 'fwupd/tpm0-pcrs'],
      ['realdata', 'keylime/quote.out'],
      ['realdata', 'keylime/quotepcr.out'],
      ['realdata', 'keylime/quotesig.out'],
      ['realdata', 'go-attestation/windows_gcp_shielded_vm.Quote.bin'],
      ['realdata', 'go-eventlog/CCEL.bin'],
      ['swtpm', 'binary_runtime_measurements'],
      ['swtpm', 'q1_rsassa_sha256_10.msg'],
      ['swtpm', 'q1_rsassa_sha256_10.pcrs.serialized'],
      ['swtpm', 'pcrread_sha1_sha256_10.values.bin'],
      ['swtpm', 'ak_rsa.pub'],
      ['swtpm', 'ak_rsa.pem'],
    ];
    for (const [dir, path] of others) expect(sniffFirmwareLog(read(dir, path).subarray(0, 65536)), path).toBe(false);
    expect(sniffFirmwareLog(new Uint8Array(4096))).toBe(false);
  });
});

/** A YAML double-quoted scalar (escapes, escaped line breaks, folding), enough for tpm2-tools output. */
function yamlString(block: string, key: string): string | undefined {
  const m = new RegExp(`^\\s+${key}: "((?:[^"\\\\]|\\\\[\\s\\S])*)"`, 'm').exec(block);
  if (m === null) return undefined;
  const escapes: Record<string, string> = { n: '\n', t: '\t', '0': '\0', '"': '"', '\\': '\\', '/': '/' };
  return m[1]
    .replace(/\\\n\s*/g, '')
    .replace(/\n\s*/g, ' ')
    .replace(/\\(x[0-9a-fA-F]{2}|.)/g, (_, e: string) =>
      e.length === 3 ? String.fromCharCode(parseInt(e.slice(1), 16)) : (escapes[e] ?? e),
    );
}

// Synthetic logs, built field by field (PFP §10.2.1/§10.2.2 layouts).

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function u32(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n, true);
  return b;
}

function u16(n: number): Uint8Array {
  return new Uint8Array([n & 0xff, n >> 8]);
}

function specIdEvent(algorithms: Array<[number, number]>): Uint8Array {
  const data = concat(
    new TextEncoder().encode('Spec ID Event03\0'),
    u32(0),
    new Uint8Array([0, 2, 0, 2]),
    u32(algorithms.length),
    ...algorithms.map(([id, size]) => concat(u16(id), u16(size))),
    new Uint8Array([0]),
  );
  return concat(u32(0), u32(3), new Uint8Array(20), u32(data.length), data);
}

function agileEvent(pcr: number, type: number, digests: Array<[number, Uint8Array]>, data: Uint8Array): Uint8Array {
  return concat(
    u32(pcr),
    u32(type),
    u32(digests.length),
    ...digests.map(([id, d]) => concat(u16(id), d)),
    u32(data.length),
    data,
  );
}
