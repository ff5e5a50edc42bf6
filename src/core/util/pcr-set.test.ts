import { describe, expect, it } from 'vitest';
import { formatPcrSet } from './pcr-set';

describe('formatPcrSet', () => {
  it('writes runs as ranges, in order', () => {
    expect(formatPcrSet([10, 0, 1, 2, 3, 7])).toBe('0–3, 7, 10');
    expect(formatPcrSet([0, 1, 2, 3, 7, 8])).toBe('0–3, 7–8');
    expect(formatPcrSet([10])).toBe('10');
    expect(formatPcrSet([])).toBe('');
  });
});
