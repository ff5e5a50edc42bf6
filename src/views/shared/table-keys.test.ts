import { describe, expect, test } from 'vitest';
import { rowForKey } from './table-keys';

describe('rowForKey', () => {
  test('moves by one, by a page, to either end, within the table', () => {
    expect(rowForKey('ArrowDown', 3, 10, 4)).toBe(4);
    expect(rowForKey('ArrowUp', 3, 10, 4)).toBe(2);
    expect(rowForKey('PageDown', 3, 10, 4)).toBe(7);
    expect(rowForKey('PageDown', 8, 10, 4)).toBe(9);
    expect(rowForKey('PageUp', 3, 10, 4)).toBe(0);
    expect(rowForKey('Home', 7, 10, 4)).toBe(0);
    expect(rowForKey('End', 0, 10, 4)).toBe(9);
    expect(rowForKey('ArrowDown', 9, 10, 4)).toBe(9);
  });

  test('with nothing selected, down and up both start at the first row', () => {
    expect(rowForKey('ArrowDown', -1, 10, 4)).toBe(0);
    expect(rowForKey('ArrowUp', -1, 10, 4)).toBe(0);
  });

  test('other keys and an empty table move nothing', () => {
    expect(rowForKey('Enter', 3, 10, 4)).toBeUndefined();
    expect(rowForKey('constructor', 3, 10, 4)).toBeUndefined();
    expect(rowForKey('ArrowDown', -1, 0, 4)).toBeUndefined();
  });
});
