/**
 * How many entries the entry table's filter keeps in each bucket of a timeline window, so
 * the timeline can dim the stretches where nothing matches (as Wireshark greys filtered-out
 * packets). Same buckets as computeTimelineBuckets: entry i is in bucketOf(start, end,
 * count, i).
 */
import type { EntryPredicate } from '../query/filter-compile';
import { scanMatches, type FilterBudget, DEFAULT_BUDGET } from '../query/filter-entries';
import { bucketOf, type TimelineBuckets } from './timeline-buckets';

/** A timeline window with, when a filter is active, the matching entries per bucket. */
export type FilteredTimelineBuckets = TimelineBuckets & { readonly matchCounts?: Uint32Array };

export function countMatchesPerBucket(
  window: Pick<TimelineBuckets, 'start' | 'end' | 'bucketCount'>,
  matches: EntryPredicate,
  budget: FilterBudget = DEFAULT_BUDGET,
): Uint32Array {
  const { start, end, bucketCount } = window;
  const counts = new Uint32Array(bucketCount);
  scanMatches(start, end, matches, (i) => counts[bucketOf(start, end, bucketCount, i)]++, budget);
  return counts;
}
