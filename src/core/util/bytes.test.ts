import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from './bytes';

const plainHex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

describe('toHex', () => {
  it('writes every byte value as two lower-case digits, at any length (runs of 4096 bytes joined)', () => {
    expect(toHex(Uint8Array.from({ length: 256 }, (_, i) => i))).toBe(plainHex(Uint8Array.from({ length: 256 }, (_, i) => i)));
    for (const n of [0, 1, 20, 32, 4095, 4096, 4097, 10_000]) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 131 + (i >> 8)) & 0xff);
      expect(toHex(bytes)).toBe(plainHex(bytes));
      expect(fromHex(toHex(bytes))).toEqual(bytes);
    }
  });
});
