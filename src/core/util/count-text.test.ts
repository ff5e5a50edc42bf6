import { describe, expect, it } from 'vitest';
import { formatCount, plural } from './count-text';

describe('formatCount', () => {
  const en = new Intl.NumberFormat('en-US');

  it('groups whole numbers as en-US does, without constructing Intl for them', () => {
    const values = [0, 1, 9, 10, 99, 100, 999, 1000, 1001, 9999, 10000, 99999, 100000, 123456, 999999, 1000000, 200001, 1234567, 12345678, 123456789, 2 ** 31, 2 ** 32 + 7, Number.MAX_SAFE_INTEGER];
    for (const n of values) expect(formatCount(n)).toBe(en.format(n));
  });

  it('leaves what is not a count to Intl', () => {
    for (const n of [-0, -1, -1234, 1.5, 1234.5678, 2 ** 53, 1e21, Number.NaN, Infinity]) expect(formatCount(n)).toBe(en.format(n));
  });

  it('says one and many', () => {
    expect(plural(1, 'entry', 'entries')).toBe('1 entry');
    expect(plural(200001, 'entry', 'entries')).toBe('200,001 entries');
  });
});
