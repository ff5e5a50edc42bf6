/**
 * A packed `digests` answers as the Map it was made from, after crossing to another thread's
 * structured clone with its buffers transferred (as the CLI's policy thread hands it over).
 */
import { describe, expect, it } from 'vitest';
import { encodeText } from '../util/bytes';
import { NOT_ASCII } from './ascii-key-table';
import { digestPartsBuffers, packDigests, PackedDigests } from './packed-digests';

const map = new Map<string, readonly string[]>([
  ['/usr/bin/a', ['aa'.repeat(32)]],
  ['', ['bb'.repeat(20), 'cc'.repeat(20)]],
  ['/ü.so', ['dd'.repeat(32)]],
  ['__proto__', ['ee'.repeat(32)]],
  ['/no digests', []],
  ['/\ufffd', ['Not Hex', '']],
  ['/usr/bin/b', ['ff'.repeat(32), 'ff'.repeat(32)]],
]);
for (let i = 0; i < 3000; i++) map.set(`/many/file-${i}`, [`${i}`.padStart(64, '0')]);

/** The Map packed, and the parts as the other thread receives them. */
function packedAcross(): PackedDigests {
  const parts = packDigests(map);
  return new PackedDigests(structuredClone(parts, { transfer: digestPartsBuffers(parts) }));
}

describe('PackedDigests', () => {
  const packed = packedAcross();

  it('gets and has what the Map gets and has, for its keys and for others', () => {
    expect(packed.size).toBe(map.size);
    for (const name of [...map.keys(), '/usr/bin/c', '/ü', '/\ufffd.', 'constructor', '/many/file-3000']) {
      expect(packed.get(name), name).toEqual(map.get(name));
      expect(packed.has(name), name).toBe(map.has(name));
    }
    // One array per key, as a Map holds it.
    expect(packed.get('/usr/bin/b')).toBe(packed.get('/usr/bin/b'));
  });

  it('iterates as the Map does, in its order', () => {
    expect([...packed]).toEqual([...map]);
    expect([...packed.keys()]).toEqual([...map.keys()]);
    expect([...packed.values()]).toEqual([...map.values()]);
    const seen: string[] = [];
    packed.forEach((value, key, self) => {
      expect(self).toBe(packed);
      expect(value).toEqual(map.get(key));
      seen.push(key);
    });
    expect(seen).toEqual([...map.keys()]);
  });

  it('looks ASCII names up by their bytes, and sends the others to the text lookup', () => {
    expect(packed.table.get(encodeText('/usr/bin/a'), 0, 10)).toEqual(map.get('/usr/bin/a'));
    expect(packed.table.get(encodeText('/many/file-12'), 0, 13)).toEqual(map.get('/many/file-12'));
    expect(packed.table.get(encodeText('/usr/bin/c'), 0, 10)).toBeUndefined();
    const u = encodeText('/ü.so');
    expect(packed.table.get(u, 0, u.length)).toBe(NOT_ASCII);
  });

  it('packs an empty Map', () => {
    const empty = new PackedDigests(packDigests(new Map()));
    expect(empty.size).toBe(0);
    expect(empty.get('/a')).toBeUndefined();
    expect([...empty]).toEqual([]);
  });
});
