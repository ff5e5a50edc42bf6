import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { decodeExactText, escapedText, fromHex, toHex } from './bytes';

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

describe('escapedText and decodeExactText', () => {
  it("escape the bytes that are not UTF-8 as python's backslashreplace does", () => {
    const cases = ['2f746d702fff fe2d626164', 'c3a9c0c1e282', 'f09f9880e2', 'eda080', '616263', '', 'efbbbf2f61', 'efbbbf2fff'].map((h) => fromHex(h.replace(/ /g, '')) ?? new Uint8Array(0));
    const python = (b: Uint8Array): string =>
      execFileSync('python3', ['-c', `import sys; sys.stdout.write(bytes.fromhex('${toHex(b)}').decode('utf-8', 'backslashreplace'))`], { encoding: 'utf8' });
    for (const b of cases) expect(escapedText(b)).toBe(python(b));
    expect(decodeExactText(cases[0])).toBeUndefined();
    expect(decodeExactText(cases[4])).toBe('abc');
    // A leading BOM is part of the name, as Python's decode('utf-8') keeps it: "\uFEFF/a" is not "/a".
    expect(decodeExactText(cases[6])).toBe('\ufeff/a');
  });
});
