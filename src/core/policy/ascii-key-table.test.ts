/**
 * The byte-keyed lookup gives what `Map.get(decodeText(name))` gives for every name of plain
 * ASCII, and sends every other name back to be looked up as text.
 */
import { describe, expect, it } from 'vitest';
import { decodeText, encodeText } from '../util/bytes';
import { AsciiKeyTable, NOT_ASCII } from './ascii-key-table';

const keys = ['/usr/bin/a', '/usr/bin/ab', '/usr/bin/', '', '/A\u0000B', '/tab\tname', '/ü.so', '/\ufffd', '/usr/bin/b'];
const map = new Map(keys.map((k, i) => [k, [`digest-${i}`]]));
// A few thousand more, so that probes run past occupied slots.
for (let i = 0; i < 5000; i++) map.set(`/many/file-${i}`, [`many-${i}`]);

/** `bytes` at an offset inside a larger buffer, as names lie in a list. */
function lookup(table: AsciiKeyTable<readonly string[]>, bytes: Uint8Array): ReturnType<AsciiKeyTable<readonly string[]>['get']> {
  const buffer = new Uint8Array(bytes.length + 7).fill(0x2f);
  buffer.set(bytes, 3);
  return table.get(buffer, 3, bytes.length);
}

describe('AsciiKeyTable', () => {
  const table = AsciiKeyTable.of(map);

  it('finds every ASCII key by its bytes and nothing for names that only share a prefix', () => {
    const names = [...keys, '/usr/bin/abc', '/usr/bin', '/usr/bin/c', '/A\u0000C', '/many/file-4999', '/many/file-5000', '/many/file-12'].filter((n) => [...n].every((c) => c.charCodeAt(0) < 0x80));
    for (const name of names) expect(lookup(table, encodeText(name))).toBe(map.get(name));
    expect(lookup(table, encodeText('/usr/bin/abc'))).toBeUndefined();
  });

  it('sends names with a byte ≥ 0x80 (UTF-8 or not) to the text lookup', () => {
    for (const bytes of [encodeText('/ü.so'), new Uint8Array([0x2f, 0xff]), new Uint8Array([0x2f, 0xef, 0xbf, 0xbd])]) {
      expect(lookup(table, bytes)).toBe(NOT_ASCII);
      // …where the Map answers as Keylime's decoded name would.
      expect(map.get(decodeText(bytes))).toBeDefined();
    }
  });

  it('sees a byte ≥ 0x80 wherever it is in the name: in any of the four bytes hashed together, or after them', () => {
    for (let length = 1; length <= 11; length++) {
      for (let at = 0; at < length; at++) {
        const bytes = new Uint8Array(length).fill(0x61);
        bytes[at] = 0x80 + at;
        expect(lookup(table, bytes), `${length}/${at}`).toBe(NOT_ASCII);
      }
    }
  });

  it('holds no non-ASCII key: an ASCII name never equals one', () => {
    const only = AsciiKeyTable.of(new Map([['/ü', ['x']]]));
    expect(lookup(only, encodeText('/u'))).toBeUndefined();
    expect(lookup(only, encodeText('/ü'))).toBe(NOT_ASCII);
  });
});
