import { describe, expect, it } from 'vitest';
import { fromHex } from './bytes';
import { decodeDerString, decodeDerTime, decodeOid, DerError, DerTag, readDer, readDerChildren, readDerElement } from './der';

const hex = (h: string): Uint8Array => fromHex(h) ?? new Uint8Array();

function errorOf(fn: () => unknown): DerError | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof DerError) return e;
    throw e;
  }
  return undefined;
}

describe('readDerElement', () => {
  it('reads short and long form lengths (X.690 §8.1.3)', () => {
    const short = readDerElement(hex('3003020101'), 0, 5);
    expect(short).toMatchObject({ tagClass: 'universal', constructed: true, tagNumber: 16 });
    expect([short.contentOffset, short.end]).toEqual([2, 5]);
    const bytes = new Uint8Array(4 + 300);
    bytes.set(hex('04 82 01 2c'), 0); // OCTET STRING of 300 bytes
    const long = readDerElement(bytes, 0, bytes.length);
    expect([long.tagNumber, long.contentOffset, long.end]).toEqual([4, 4, 304]);
  });

  it('reads context-specific and high-tag-number identifiers', () => {
    expect(readDerElement(hex('a0 03 02 01 02'), 0, 5)).toMatchObject({
      tagClass: 'context',
      constructed: true,
      tagNumber: 0,
    });
    // [APPLICATION 201] primitive: 0x5f, then 0x81 0x49 (201 = 1·128 + 73).
    expect(readDerElement(hex('5f 81 49 01 ff'), 0, 5)).toMatchObject({
      tagClass: 'application',
      tagNumber: 201,
      contentOffset: 4,
      end: 5,
    });
  });

  it('refuses indefinite, oversized, overrunning and truncated encodings', () => {
    expect(errorOf(() => readDerElement(hex('30 80 00 00'), 0, 4))?.message).toMatch(/indefinite/);
    expect(errorOf(() => readDerElement(hex('04 85 00 00 00 00 01 00'), 0, 8))?.message).toMatch(
      /length field of 5 octets/,
    );
    expect(errorOf(() => readDerElement(hex('04 84 ff ff ff ff'), 0, 6))?.message).toMatch(/exceeds/);
    expect(errorOf(() => readDerElement(hex('30 05 02 01'), 0, 4))?.message).toMatch(/exceeds/);
    expect(errorOf(() => readDerElement(hex('30'), 0, 1))?.message).toMatch(/no length/);
    expect(errorOf(() => readDerElement(hex('1f 81'), 0, 2))?.message).toMatch(/high-tag/);
    expect(errorOf(() => readDerElement(hex('04 82 01'), 0, 3))?.message).toMatch(/truncated length/);
    // The limit, not the buffer size, bounds the element.
    expect(errorOf(() => readDerElement(hex('04 02 aa bb'), 0, 3))?.offset).toBe(0);
  });
});

describe('decodeOid', () => {
  it('decodes arcs, including the 40·X+Y first octet and multi-octet arcs', () => {
    expect(decodeOid(hex('2a864886f70d01010b'), 0)).toBe('1.2.840.113549.1.1.11');
    expect(decodeOid(hex('550403'), 0)).toBe('2.5.4.3');
    expect(decodeOid(hex('0992268993f22c640119'), 0)).toBe('0.9.2342.19200300.100.1.25');
    // 2.25.<128-bit UUID arc> needs more than 53 bits.
    expect(decodeOid(hex('6983ffffffffffffffffffffffffffffffffff7f'), 0)).toBe(
      `2.25.${(1n << 128n) - 1n}`,
    );
  });

  it('rejects empty, truncated and non-minimal encodings', () => {
    expect(errorOf(() => decodeOid(new Uint8Array(), 7))?.offset).toBe(7);
    expect(errorOf(() => decodeOid(hex('2a86'), 0))?.message).toMatch(/truncated/);
    expect(errorOf(() => decodeOid(hex('2a8001'), 0))?.message).toMatch(/minimal/);
    expect(errorOf(() => decodeOid(hex(`2a${'ff'.repeat(20)}7f`), 0))?.message).toMatch(/too long/);
  });
});

describe('decodeDerTime', () => {
  it('maps UTCTime years 50-99 to 19xx and 00-49 to 20xx (RFC 5280 §4.1.2.5.1)', () => {
    const utc = (t: string): string | undefined => decodeDerTime(DerTag.UtcTime, new TextEncoder().encode(t));
    expect(utc('210611135816Z')).toBe('2021-06-11T13:58:16Z');
    expect(utc('500101000000Z')).toBe('1950-01-01T00:00:00Z');
    expect(utc('491231235959Z')).toBe('2049-12-31T23:59:59Z');
  });

  it('reads GeneralizedTime and rejects impossible or non-Z times', () => {
    const gen = (t: string): string | undefined =>
      decodeDerTime(DerTag.GeneralizedTime, new TextEncoder().encode(t));
    expect(gen('20500101000000Z')).toBe('2050-01-01T00:00:00Z');
    expect(gen('20240229120000.5Z')).toBe('2024-02-29T12:00:00.5Z');
    expect(gen('20230229120000Z')).toBeUndefined(); // not a leap year
    expect(gen('20231301000000Z')).toBeUndefined();
    expect(gen('20230101000000+0100')).toBeUndefined();
    expect(decodeDerTime(DerTag.Utf8String, new TextEncoder().encode('210611135816Z'))).toBeUndefined();
  });
});

describe('decodeDerString', () => {
  it('decodes the X.509 string types', () => {
    expect(decodeDerString(DerTag.Utf8String, hex('4a6f73c3a9'))).toBe('José');
    expect(decodeDerString(DerTag.PrintableString, hex('5553'))).toBe('US');
    expect(decodeDerString(DerTag.BmpString, hex('004a00e9d83dde00'))).toBe('Jé😀');
    expect(decodeDerString(DerTag.UniversalString, hex('0000004a0001f600'))).toBe('J😀');
    // A lone surrogate and an odd trailing byte become U+FFFD instead of broken text.
    expect(decodeDerString(DerTag.BmpString, hex('d83d0041ff'))).toBe('\ufffdA\ufffd');
    expect(decodeDerString(DerTag.Integer, hex('01'))).toBeUndefined();
  });
});

describe('readDer (strict, no throw)', () => {
  it('reads short and minimal long forms, refuses what DER does not allow', () => {
    expect(readDer(fromHex('0403aabbcc') ?? new Uint8Array(), 0)).toMatchObject({ tag: 0x04, end: 5 });
    const long = new Uint8Array([0x04, 0x81, 0x80, ...new Uint8Array(0x80)]);
    expect(readDer(long, 0)?.content.length).toBe(0x80);
    // 0x81 0x05: a long form for a length under 128; 0x82 0x00 0x80: a leading zero octet.
    expect(readDer(fromHex('048105aabbccddee') ?? new Uint8Array(), 0)).toBeUndefined();
    expect(readDer(new Uint8Array([0x04, 0x82, 0x00, 0x80, ...new Uint8Array(0x80)]), 0)).toBeUndefined();
    expect(readDer(fromHex('0480') ?? new Uint8Array(), 0)).toBeUndefined(); // indefinite
    expect(readDer(fromHex('1f0101') ?? new Uint8Array(), 0)).toBeUndefined(); // high tag number
    expect(readDer(fromHex('0405aabb') ?? new Uint8Array(), 0)).toBeUndefined(); // truncated
    expect(readDerChildren(fromHex('02010102010203') ?? new Uint8Array())).toBeUndefined(); // trailing byte
    expect(readDerChildren(fromHex('020101020102')?? new Uint8Array())?.map((c) => c.content[0])).toEqual([1, 2]);
  });
});
