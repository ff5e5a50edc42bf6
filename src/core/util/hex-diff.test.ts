import { describe, expect, it } from 'vitest';
import { describeDifference, firstDifference } from './hex-diff';

const A = 'f8a50c287e1d4b39b95d449242783b20d01c5114c2528014749c19d95fdc9bdc';

describe('where two digests part', () => {
  it('finds the first differing digit, also in the last byte', () => {
    const b = `${A.slice(0, 63)}d`;
    expect(firstDifference(A, b)).toBe(63);
    expect(firstDifference(A, A.toUpperCase())).toBe(-1);
    expect(firstDifference(A, A.slice(0, 40))).toBe(40);
  });

  it('shows values that differ only at the end apart, with the position', () => {
    const b = `${A.slice(0, 63)}d`;
    const text = describeDifference(A, b);
    expect(text).toBe('f8a50c28…9bdc vs f8a50c28…9bdd (first difference at hex digit 64 of 64, byte 32)');
    // The shown parts differ: the reader cannot mistake them for equal.
    const [x, y] = text.split(' (')[0].split(' vs ');
    expect(x).not.toBe(y);
  });

  it('keeps the 16-digit form when the difference is early', () => {
    expect(describeDifference(A, `0${A.slice(1)}`)).toBe(`${A.slice(0, 16)}… vs 0${A.slice(1, 16)}… (first difference at hex digit 1 of 64, byte 1)`);
    expect(describeDifference(A, A)).toBe(`${A.slice(0, 16)}… (equal)`);
  });
});
