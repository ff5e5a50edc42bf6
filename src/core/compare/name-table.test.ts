import { describe, expect, it } from 'vitest';
import { memoryByteSource } from '../model/byte-source';
import { encodeText } from '../util/bytes';
import { NameTable, WARM_BATCH, type SideBytes } from './name-table';

/** A side whose entries are `names`, laid end to end (no digests). */
function sideOf(names: readonly string[]): SideBytes {
  const encoded = names.map(encodeText);
  const data = new Uint8Array(encoded.reduce((n, b) => n + b.length, 0));
  const nameOffset = new Uint32Array(names.length);
  const nameLength = new Uint32Array(names.length);
  let at = 0;
  encoded.forEach((b, i) => {
    data.set(b, at);
    nameOffset[i] = at;
    nameLength[i] = b.length;
    at += b.length;
  });
  const none = new Uint32Array(names.length);
  return { source: memoryByteSource(data), nameOffset, nameLength, digestOffset: none, digestLength: new Uint16Array(names.length) };
}

describe('NameTable', () => {
  it('gives each distinct name one id across both sides, sized for far fewer names than it gets', () => {
    // Sized for 4 names, given thousands: it grows (and hashes every name again) many times.
    const reference = Array.from({ length: 3000 }, (_, k) => `/r/${k % 1700}`);
    const failing = Array.from({ length: 5000 }, (_, k) => (k % 2 === 0 ? `/r/${k % 1700}` : `/f/${k}`));
    const table = new NameTable([sideOf(reference), sideOf(failing)], 4);
    const ids = new Map<string, number>();
    const check = (side: 0 | 1, names: readonly string[]) => {
      names.forEach((name, i) => {
        if (side === 0 && i % WARM_BATCH === 7) table.warm(side, i, Math.min(names.length, i + WARM_BATCH));
        const id = table.intern(side, i);
        if (!ids.has(name)) ids.set(name, id);
        expect(id, name).toBe(ids.get(name));
        expect(table.first[side][id], name).toBe(names.indexOf(name));
      });
    };
    check(0, reference);
    check(1, failing);
    expect(table.size).toBe(ids.size);
    expect(new Set(ids.values()).size).toBe(ids.size);
    for (const [name, id] of ids) expect(new TextDecoder().decode(table.bytes(id))).toBe(name);
  });
});
