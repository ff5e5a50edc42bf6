import { describe, expect, it } from 'vitest';
import { describeDifference, digestDiffSegments, firstDifference, shortDigest } from './digest-diff';

const A = '7fac48c81837d6d29046008aef0cdad8c2745cc98c3340cbba9bfdf39b4124b8';
/** A with its last two digits changed. */
const B = `${A.slice(0, 62)}00`;

describe('digests that differ only at the end', () => {
  it('finds the first differing digit', () => {
    expect(firstDifference(A, B)).toBe(62);
    expect(firstDifference(A, A.toUpperCase())).toBe(-1);
    expect(firstDifference(A, A.slice(0, 40))).toBe(40);
  });

  it('shortened, they no longer look the same', () => {
    const a = shortDigest(A, B);
    const b = shortDigest(B, A);
    expect(a).not.toBe(b);
    expect(a).toBe('7fac48…4124b8');
    expect(b).toBe('7fac48…412400');
    // Cut at 16 digits, as before, they would have been identical.
    expect(A.slice(0, 16)).toBe(B.slice(0, 16));
  });

  it('marks only the digits that differ, and keeps the start', () => {
    expect(digestDiffSegments(B, A)).toEqual([
      { text: '7fac48', kind: 'same' },
      { text: '…', kind: 'gap' },
      { text: '4124', kind: 'same' },
      { text: '00', kind: 'differ' },
    ]);
  });

  it('a difference in the first digits shows the first width digits, marked, then a gap', () => {
    const C = `0${A.slice(1)}`;
    expect(digestDiffSegments(C, A)).toEqual([
      { text: '0', kind: 'differ' },
      { text: 'fac48c81837d6d2', kind: 'same' },
      { text: '…', kind: 'gap' },
    ]);
  });

  it('equal values are simply cut', () => {
    expect(shortDigest(A, A)).toBe(`${A.slice(0, 16)}…`);
    expect(shortDigest('abcd', 'abcd')).toBe('abcd');
  });

  it('a difference in the middle shows the stretch around it', () => {
    const D = `${A.slice(0, 30)}ff${A.slice(32)}`;
    expect(shortDigest(D, A)).toBe(`7fac48…${D.slice(26, 36)}…`);
  });
});

const P = 'f8a50c287e1d4b39b95d449242783b20d01c5114c2528014749c19d95fdc9bdc';

describe('where two digests part', () => {
  it('finds the first differing digit, also in the last byte', () => {
    const b = `${P.slice(0, 63)}d`;
    expect(firstDifference(P, b)).toBe(63);
    expect(firstDifference(P, P.toUpperCase())).toBe(-1);
    expect(firstDifference(P, P.slice(0, 40))).toBe(40);
  });

  it('shows values that differ only at the end apart, with the position', () => {
    const b = `${P.slice(0, 63)}d`;
    const text = describeDifference(P, b);
    expect(text).toBe('f8a50c…c9bdc vs f8a50c…c9bdd (first difference at hex digit 64 of 64, byte 32)');
    // The shown parts differ: the reader cannot mistake them for equal.
    const [x, y] = text.split(' (')[0].split(' vs ');
    expect(x).not.toBe(y);
  });

  it('keeps the 16-digit form when the difference is early', () => {
    expect(describeDifference(P, `0${P.slice(1)}`)).toBe(`${P.slice(0, 16)}… vs 0${P.slice(1, 16)}… (first difference at hex digit 1 of 64, byte 1)`);
    expect(describeDifference(P, P)).toBe(`${P.slice(0, 16)}… (equal)`);
  });
});
