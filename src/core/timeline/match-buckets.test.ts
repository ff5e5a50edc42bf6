import { describe, expect, it } from 'vitest';
import { createNobleHashProvider } from '../hash/hash-provider';
import { parseImaLog } from '../ima/parse-ima-log';
import { DEFAULT_QUERY, rowPredicate } from '../query/filter-entries';
import { computeKeyIds } from '../query/signature-key-ids';
import { buildImaLog } from '../testing/build-ima-log';
import { numberedFiles } from '../testing/ima-scenarios';
import { countMatchesPerBucket } from './match-buckets';

describe('countMatchesPerBucket', () => {
  const log = parseImaLog(buildImaLog(numberedFiles(50), { provider: createNobleHashProvider() }).binary);
  const keyIds = computeKeyIds(log);

  it('counts the filter’s entries in the timeline’s buckets', () => {
    const matches = rowPredicate(log, { ...DEFAULT_QUERY, search: 'index in {3 17 40 41} or index == 49' }, { keyIds });
    // Bucket of entry i over [0, 50) in 5 buckets: floor(i · 5 / 50).
    expect([...countMatchesPerBucket({ start: 0, end: 50, bucketCount: 5 }, matches)]).toEqual([1, 1, 0, 0, 3]);
    // A window: [10, 45) in 7 buckets of 5 entries.
    expect([...countMatchesPerBucket({ start: 10, end: 45, bucketCount: 7 }, matches)]).toEqual([0, 1, 0, 0, 0, 0, 2]);
  });
});
