import { describe, expect, it } from 'vitest';
import { digestDiffSegments, shortDigest } from './digest-diff';
import { firstDifference } from './hex-diff';

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
