/** The timeline's brush as a table filter: a half-open range of entry positions. */
import { describe, expect, it } from 'vitest';
import { createNobleHashProvider } from '../hash/hash-provider';
import { parseImaLog } from '../ima/parse-ima-log';
import { buildImaLog, type BuildEntry } from '../testing/build-ima-log';
import { DEFAULT_QUERY, filterEntries, isIdentityQuery, rowOfEntry, type RowQuery } from './filter-entries';
import { computeKeyIds } from './signature-key-ids';

const ENTRIES: BuildEntry[] = Array.from({ length: 20 }, (_, i) => ({ path: `/f/${i % 2 === 0 ? 'even' : 'odd'}${i}`, pcr: i < 10 ? 10 : 11 }));
const log = parseImaLog(buildImaLog(ENTRIES, { provider: createNobleHashProvider() }).binary);

function run(overrides: Partial<RowQuery>): number[] {
  return [...filterEntries(log, { ...DEFAULT_QUERY, ...overrides }, { keyIds: computeKeyIds(log) })];
}

describe('range filter', () => {
  it('keeps entries start…end-1 and is not the identity view', () => {
    expect(run({ range: { start: 5, end: 9 } })).toEqual([5, 6, 7, 8]);
    expect(isIdentityQuery({ ...DEFAULT_QUERY, range: { start: 0, end: 20 } })).toBe(false);
  });

  it('combines with the other filters and the sort', () => {
    expect(run({ range: { start: 6, end: 14 }, pcrs: [11], search: 'even' })).toEqual([10, 12]);
    expect(run({ range: { start: 0, end: 4 }, sort: { column: 'index', descending: true } })).toEqual([3, 2, 1, 0]);
  });

  it('is clamped to the log, and an empty range shows nothing', () => {
    expect(run({ range: { start: 17, end: 99 } })).toEqual([17, 18, 19]);
    expect(run({ range: { start: -3, end: 2 } })).toEqual([0, 1]);
    expect(run({ range: { start: 8, end: 8 } })).toEqual([]);
  });

  it('rows of entries outside the range are hidden', () => {
    const rows = filterEntries(log, { ...DEFAULT_QUERY, range: { start: 5, end: 9 } }, { keyIds: computeKeyIds(log) });
    expect(rowOfEntry(rows, 7, 20)).toBe(2);
    expect(rowOfEntry(rows, 12, 20)).toBe(-1);
  });
});
