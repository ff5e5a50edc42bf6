import { readdirSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseHashAlgorithm, type HashAlgorithm } from '../hash/hash-algorithm';
import { createWasmHashProvider, type HashProvider } from '../hash/hash-provider';
import { readSharedData, readSharedText, sharedDataPath } from '../testing/shared-data';
import { encodeText, toHex } from '../util/bytes';
import { parseFirmwareLog } from './event-log';
import { isEventlogYaml, parseEventlogYaml } from './eventlog-yaml';
import { replayFirmwareLog } from './replay-firmware';

let provider: HashProvider;
beforeAll(async () => {
  provider = await createWasmHashProvider();
});

/** tpm2-tools' golden tpm2_eventlog outputs beside the binary logs they were printed from. */
const PAIRS: Array<[yaml: string[], binary: string[]]> = [
  ...readdirSync(sharedDataPath('realdata', 'tpm2-tools', 'event-pretty')).map(
    (f): [string[], string[]] => [['realdata', 'tpm2-tools', 'event-pretty', f], ['realdata', 'tpm2-tools', f.replace(/\.yaml$/, '')]],
  ),
  [['realdata', 'tpm2-tools', 'event.bin.yaml'], ['realdata', 'tpm2-tools', 'event.bin']],
  [['realdata', 'tpm2-tools', 'specid-vendordata.bin.yaml'], ['realdata', 'tpm2-tools', 'specid-vendordata.bin']],
  [['swtpm', 'binary_bios_measurements.tpm2_eventlog.yaml'], ['swtpm', 'binary_bios_measurements']],
];

/** "<alg> PCR-NN: hex" lines of the *.expected-pcrs.txt files (tpm2-tools' asserted values). */
function expectedPcrs(text: string): Array<{ bank: HashAlgorithm; pcr: number; hex: string }> {
  return [...text.matchAll(/^(\w+) PCR-(\d+): ([0-9a-f]+)$/gm)].map((m) => ({
    bank: parseHashAlgorithm(m[1]) ?? 'sha1',
    pcr: Number(m[2]),
    hex: m[3],
  }));
}

describe('tpm2_eventlog YAML', () => {
  it('is recognised by its first lines only', () => {
    expect(isEventlogYaml(readSharedText('swtpm', 'binary_bios_measurements.tpm2_eventlog.yaml'))).toBe(true);
    expect(isEventlogYaml('version: 2\nevents:\n')).toBe(true);
    expect(isEventlogYaml(readSharedText('swtpm', 'pcrread_all.yaml'))).toBe(false);
    expect(isEventlogYaml('---\nversion: 1\n')).toBe(false);
  });

  it.each(PAIRS)('%j reads as the binary log it was printed from: events, digests, data where printed exactly, replay', (yaml, binary) => {
    const fromYaml = parseEventlogYaml(readSharedText(...yaml));
    const fromBinary = parseFirmwareLog(readSharedData(...binary));
    // The binary log may show more (bytes past the last event, which the YAML does not print).
    expect(fromBinary.errors.map((e) => e.message)).toEqual(expect.arrayContaining(fromYaml.errors.map((e) => e.message)));
    expect(fromYaml.errors.length > 0).toBe(fromBinary.errors.length > 0);
    expect(fromYaml.format).toBe(fromBinary.format);
    expect(fromYaml.specId).toEqual(fromBinary.specId);
    expect(fromYaml.events).toHaveLength(fromBinary.events.length);
    fromYaml.events.forEach((event, i) => {
      const truth = fromBinary.events[i];
      expect({ index: event.index, pcr: event.pcr, type: event.type }).toEqual({ index: truth.index, pcr: truth.pcr, type: truth.type });
      expect(event.digests.map((d) => [d.bank, toHex(d.digest)])).toEqual(truth.digests.map((d) => [d.bank, toHex(d.digest)]));
      if (event.printed === undefined) expect(toHex(event.data)).toBe(toHex(truth.data));
      else expect(event.data).toHaveLength(0);
    });
    const a = replayFirmwareLog(fromYaml, provider);
    const b = replayFirmwareLog(fromBinary, provider);
    expect([...a.banks].map(([bank, pcrs]) => [bank, [...pcrs].map(([p, v]) => [p, toHex(v)])])).toEqual(
      [...b.banks].map(([bank, pcrs]) => [bank, [...pcrs].map(([p, v]) => [p, toHex(v)])]),
    );
    expect(a.locality).toBe(b.locality);
  });

  it.each(PAIRS.filter(([yaml]) => yaml[2] === 'event-pretty'))('%j replays to the PCRs tpm2-tools asserts', (yaml, binary) => {
    const replay = replayFirmwareLog(parseEventlogYaml(readSharedText(...yaml)), provider);
    const expected = expectedPcrs(readSharedText(...binary.slice(0, -1), `${binary[binary.length - 1]}.expected-pcrs.txt`));
    expect(expected.length).toBeGreaterThan(0);
    for (const { bank, pcr, hex } of expected) {
      const value = replay.banks.get(bank)?.get(pcr);
      // PCRs the log never extends are printed at their reset value.
      if (value === undefined) expect(hex).toMatch(/^(0+|f+)$/);
      else expect(toHex(value)).toBe(hex);
    }
  });

  it('rebuilds the bytes of UEFI variables, blobs, strings and StartupLocality from version 1 output', () => {
    const log = parseEventlogYaml(readSharedText('swtpm', 'binary_bios_measurements.tpm2_eventlog.yaml'));
    const kinds = log.events.filter((e) => e.printed === undefined).map((e) => e.typeName);
    expect(kinds).toEqual(expect.arrayContaining(['EV_EFI_VARIABLE_DRIVER_CONFIG', 'EV_EFI_PLATFORM_FIRMWARE_BLOB', 'EV_EFI_ACTION', 'EV_NO_ACTION', 'EV_SEPARATOR']));
  });

  it('says when the printed pcrs: are tpm2-tools < 5.6 values, and offers them as that tool\'s replay', () => {
    // tpm2-tools 5.4 printed PCR 0 with the StartupLocality event extended (quote-format.md §3.6);
    // the TPM (pcrread_all.yaml, read from the same swtpm) holds the replayed value.
    const replay = replayFirmwareLog(parseEventlogYaml(readSharedText('swtpm', 'binary_bios_measurements.tpm2_eventlog.yaml')), provider);
    expect(replay.notes.join('\n')).toContain('tpm2_eventlog printed other values than this replay for sha1 PCR 0, sha256 PCR 0: they are what tpm2-tools before 5.6 computes');
    const tpm = readSharedText('swtpm', 'pcrread_all.yaml');
    expect(tpm).toContain(`0 : 0x${toHex(replay.banks.get('sha256')?.get(0) ?? new Uint8Array()).toUpperCase()}`);
    const old = replay.alternatives.find((a) => a.id === 'tpm2-eventlog-no-action-extended' && a.pcr === 0);
    expect(old !== undefined && toHex(old.values.get('sha256') ?? new Uint8Array())).toBe('0a384fe3fcb50e8e6f8c7d401ccc39f55a2f9dc179cbe2085a275a9957eb1dce');
    expect(old !== undefined && toHex(old.values.get('sha1') ?? new Uint8Array())).toBe('03301b39368a8f434cedfef68008b8dbfb629a4f');
  });

  it('stops at an event it cannot read, with its byte offset, keeping the events before it', () => {
    const text = readSharedText('swtpm', 'binary_bios_measurements.tpm2_eventlog.yaml');
    const at = text.indexOf('- EventNum: 5\n');
    const broken = `${text.slice(0, at)}- EventNum: 5\n  PCRIndex: 0\n  EventType: EV_SEPARATOR\n  DigestCount: 1\n  Digests:\n  - AlgorithmId: sha1\n    Digest: "zz"\n  EventSize: 4\n`;
    const log = parseEventlogYaml(broken);
    expect(log.events).toHaveLength(5);
    expect(log.errors).toEqual([{ offset: at, message: `event 5 at offset ${at}: the sha1 digest ""zz"" is not hex; parsing stopped` }]);
    const cut = parseEventlogYaml(text.slice(0, at + 40));
    expect(cut.events).toHaveLength(5);
    expect(cut.errors[0].message).toBe(`event 5 at offset ${at}: no EventSize number; parsing stopped`);
  });

  it('is cut short when it ends before its pcrs: section, even between two whole events', () => {
    const text = readSharedText('swtpm', 'binary_bios_measurements.tpm2_eventlog.yaml');
    for (const end of [text.indexOf('- EventNum: 11\n'), text.indexOf('pcrs:')]) {
      const log = parseEventlogYaml(text.slice(0, end));
      expect(log.errors).toHaveLength(1);
      expect(log.errors[0].message).toMatch(/^the tpm2_eventlog output ends before its "pcrs:" section, .* it was cut short/);
    }
    expect(parseEventlogYaml(text).errors).toEqual([]);
  });

  // A field's value `.*` stops at a lone \r, and the `\s*` before it was retried at every space.
  it('reads a field holding a lone CR after a megabyte of spaces', { timeout: 5000 }, () => {
    const spaces = ' '.repeat(1 << 20);
    const text = `version: 1\nevents:\n- EventNum: 0\n  PCRIndex: 0\n  EventType: EV_SEPARATOR\n  DigestCount: 1\n  Digests:\n  - AlgorithmId:${spaces}sha1\n    Digest: "00"\n  EventSize: 4\n  Note:${spaces}a\rb\n`;
    expect(parseEventlogYaml(text).errors[0].message).toBe('event 0 at offset 19: the sha1 digest has 1 bytes, not 20; parsing stopped');
  });

  it('counts offsets in the file\'s bytes (a BOM included) and gives raw string bytes back exactly, UTF-8 or not', () => {
    const file = readSharedData('swtpm', 'binary_bios_measurements.tpm2_eventlog.yaml');
    const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...file]);
    const plain = parseEventlogYaml(file);
    const bom = parseEventlogYaml(withBom);
    expect(bom.events.map((e) => e.offset)).toEqual(plain.events.map((e) => e.offset + 3));
    const e5 = bom.events[5];
    expect(new TextDecoder().decode(withBom.subarray(e5.offset, e5.offset + 14))).toBe('- EventNum: 5\n');
    // EV_EFI_ACTION prints its bytes raw (%.*s): a byte that is not UTF-8 comes back as itself.
    const text = new TextDecoder().decode(file);
    const at = text.indexOf('Calling EFI Application from Boot Option');
    const prefix = encodeText(text.slice(0, at).replace('EventSize: 40\n  Event: |-', 'EventSize: 41\n  Event: |-'));
    const raw = new Uint8Array([...prefix, 0xff, ...encodeText(text.slice(at))]);
    const action = parseEventlogYaml(raw).events.find((e) => e.typeName === 'EV_EFI_ACTION');
    expect(action?.printed).toBeUndefined();
    expect(action !== undefined && toHex(action.data)).toBe(toHex(new Uint8Array([0xff, ...encodeText('Calling EFI Application from Boot Option')])));
  });

  it('refuses text that is not tpm2_eventlog output, and a digest of the wrong size', () => {
    expect(parseEventlogYaml('version: 1\nevents:\n').errors[0].message).toBe('the tpm2_eventlog output lists no event');
    const short = 'version: 1\nevents:\n- EventNum: 0\n  PCRIndex: 0\n  EventType: EV_SEPARATOR\n  DigestCount: 1\n  Digests:\n  - AlgorithmId: sha256\n    Digest: "00"\n  EventSize: 0\n';
    expect(parseEventlogYaml(short).errors[0].message).toContain('the sha256 digest has 1 bytes, not 32');
  });
});
