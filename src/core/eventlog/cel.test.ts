import { beforeAll, describe, expect, it } from 'vitest';
import { createWasmHashProvider, type HashProvider } from '../hash/hash-provider';
import { readSharedData, readSharedText } from '../testing/shared-data';
import { xorshift32 } from '../testing/xorshift';
import { encodeText, toHex } from '../util/bytes';
import { isCelText, parseBlockYaml, parseCel } from './cel';
import { parseFirmwareLog, type FirmwareLog } from './event-log';
import { replayFirmwareLog } from './replay-firmware';

let provider: HashProvider;
beforeAll(async () => {
  provider = await createWasmHashProvider();
});

const binary = (): FirmwareLog => parseFirmwareLog(readSharedData('realdata', 'tpm2-tools', 'event-moklisttrusted.bin'));

/** FAPI's CEL-JSON of a binary log (ifapi_json_eventlog_serialize.c: recnum per PCR, type names). */
function fapiCelJson(log: FirmwareLog): string {
  const recnums = new Map<number, number>();
  return JSON.stringify(
    log.events.map((e) => {
      const recnum = recnums.get(e.pcr) ?? 0;
      recnums.set(e.pcr, recnum + 1);
      return {
        recnum,
        pcr: e.pcr,
        digests: e.digests.map((d) => ({ hashAlg: d.bank, digest: toHex(d.digest) })),
        content_type: 'pcclient_std',
        content: { event_type: e.typeName, event_data: toHex(e.data) },
      };
    }),
    null,
    2,
  );
}

function expectSameLog(a: FirmwareLog, b: FirmwareLog): void {
  expect(a.errors).toEqual([]);
  expect(a.specId).toEqual(b.specId);
  expect(a.events.map((e) => [e.pcr, e.type, toHex(e.data), e.digests.map((d) => toHex(d.digest))])).toEqual(
    b.events.map((e) => [e.pcr, e.type, toHex(e.data), e.digests.map((d) => toHex(d.digest))]),
  );
  const ra = replayFirmwareLog(a, provider);
  const rb = replayFirmwareLog(b, provider);
  expect([...ra.banks].map(([k, m]) => [k, [...m].map(([p, v]) => [p, toHex(v)])])).toEqual([...rb.banks].map(([k, m]) => [k, [...m].map(([p, v]) => [p, toHex(v)])]));
  expect(ra.digestMismatches).toEqual(rb.digestMismatches);
}

describe('CEL-JSON firmware logs', () => {
  it('reads tpm2-tools\' YAML rendering of a log as the binary log it came from', () => {
    const text = readSharedText('realdata', 'tpm2-tools', 'event-moklisttrusted-hex.yaml');
    expect(isCelText(text)).toBe(true);
    expectSameLog(parseCel(text), binary());
  });

  it('reads FAPI\'s JSON of the same log', () => {
    const json = fapiCelJson(binary());
    expect(isCelText(json)).toBe(true);
    expectSameLog(parseCel(json), binary());
  });

  it('keeps records of other content types as extends, and skips management records', () => {
    const digest = 'ab'.repeat(32);
    const json = JSON.stringify([
      { recnum: 0, pcr: 11, digests: [{ hashAlg: 'sha256', digest }], content_type: 'systemd', content: { string: 'enter-initrd' } },
      { recnum: 1, content_type: 'cel', content: { type: 'firmware_end' }, digests: [] },
    ]);
    const log = parseCel(json);
    expect(log.errors).toEqual([]);
    expect(log.events.map((e) => [e.pcr, e.typeName, e.printed])).toEqual([[11, 'CEL systemd', '{"string":"enter-initrd"}']]);
    expect(log.notes.map((n) => n.message)).toEqual(['record 1 is a CEL management record: nothing is extended by it']);
  });

  it('stops at a record it cannot read, saying which and why, keeping the ones before', () => {
    const records = JSON.parse(fapiCelJson(binary())) as Array<Record<string, unknown>>;
    records[3] = { ...records[3], digests: [{ hashAlg: 'sha256', digest: '00' }] };
    const log = parseCel(JSON.stringify(records));
    expect(log.events).toHaveLength(3);
    expect(log.errors.map((e) => e.message)).toEqual(['record 3: its sha256 digest has 1 bytes, not 32; reading stopped']);
    expect(parseCel('[1').errors[0].message).toBe('not a CEL-JSON array (nor its YAML form) of records');
  });

  it('a log cut short keeps the whole records before the cut, and says where it stopped', () => {
    const yaml = readSharedText('realdata', 'tpm2-tools', 'event-moklisttrusted-hex.yaml');
    const json = fapiCelJson(binary());
    for (const text of [yaml, json]) {
      const cut = text.slice(0, Math.floor(text.length / 2));
      const log = parseCel(cut);
      const whole = binary().events;
      expect(log.events.length).toBeGreaterThan(10);
      expect(log.events.map((e) => toHex(e.data))).toEqual(whole.slice(0, log.events.length).map((e) => toHex(e.data)));
      // Cut inside a record: either its text no longer reads (the cut is said where it is) or it
      // reads as a record without its members (that record is said).
      expect(log.errors).toHaveLength(1);
      const [error] = log.errors;
      if (error.message.startsWith('record ')) expect(error.message).toBe(`record ${log.events.length}: no "pcr" number; reading stopped`);
      else {
        expect(error.message).toBe(`the text from byte ${error.offset} is not a whole record (a log cut short?): the ${log.events.length} records before it are read`);
        expect(cut.slice(error.offset)).toMatch(/^(- |,?\s*\{)/);
      }
    }
    // A JSON log cut inside a record's digests: the text no longer reads.
    const json2 = fapiCelJson(binary());
    const cutJson = parseCel(json2.slice(0, json2.indexOf('"digest"', json2.length / 2) + 12));
    expect(cutJson.errors[0].message).toMatch(/is not a whole record \(a log cut short\?\): the \d+ records before it are read/);
    expect(cutJson.events.length).toBeGreaterThan(10);
  });

  it('never takes a member from Object.prototype or lets a key reach one', () => {
    const yaml = '- __proto__: x\n  constructor: y\n  pcr: 1\n  content_type: pcclient_std\n';
    const doc = parseBlockYaml(yaml) as Array<Record<string, unknown>>;
    expect(Object.keys(doc[0])).toEqual(['__proto__', 'constructor', 'pcr', 'content_type']);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    // "toString" is no digest list: the record lacks "digests".
    expect(parseCel('[{"pcr": 0, "content_type": "pcclient_std", "toString": 1}]').errors[0].message).toBe('record 0: no "digests"; reading stopped');
  });

  // A value `.*` stops at U+2028, and the `\s+` before it was retried at every space: minutes.
  it('reads a value holding U+2028 after a megabyte of spaces', { timeout: 5000 }, () => {
    const spaces = ' '.repeat(1 << 20);
    expect(parseBlockYaml(`- pcr: 1\n  note:${spaces}a\u2028b\n`)).toEqual([Object.assign(Object.create(null) as object, { pcr: 1, note: 'a\u2028b' })]);
  });

  it('never throws on damaged text', () => {
    const texts = [readSharedText('realdata', 'tpm2-tools', 'event-moklisttrusted-hex.yaml'), fapiCelJson(binary())];
    const next = xorshift32(7);
    for (let i = 0; i < 300; i++) {
      const text = texts[i % 2];
      const at = next() % text.length;
      const damaged = `${text.slice(0, at)}${String.fromCharCode(32 + (next() % 95))}${text.slice(at + 1 + (next() % 40))}`;
      const log = parseCel(damaged);
      // An offset points into the text: at its start, or where the records stop being whole.
      for (const e of log.errors) expect(e.offset >= 0 && e.offset <= encodeText(damaged).length).toBe(true);
    }
  });
});
