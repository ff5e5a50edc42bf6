/** The timeline's requests: series density over a window (with the table filter's matches) and its DOM markers. */
import { readEntryName } from '../../core/ima/template-digests';
import { budgetFor, isUnfiltered, rowPredicate } from '../../core/query/filter-entries';
import { countMatchesPerBucket } from '../../core/timeline/match-buckets';
import { computeTimelineBuckets, listTimelineMarkers } from '../../core/timeline/timeline-buckets';
import { computeBreakdown } from '../../core/timeline/timeline-categories';
import { categoriesOf, expressionOf, filterColumnsOf, keyIdsOf, timelineMarksOf, withinBudget } from '../open-state';
import type { Handlers } from '../session';

export const timelineHandlers: Handlers<'getTimeline' | 'getTimelineMarkers'> = {
  /** With `filter` (the table's, when it is not empty), also the matching entries per bucket. */
  getTimeline: (session, { window, filter }) => {
    const state = session.state;
    const opened = session.requireLog();
    const log = opened.log;
    const buckets = computeTimelineBuckets(log, timelineMarksOf(state, opened), window, keyIdsOf(opened));
    const filtered =
      filter === undefined || isUnfiltered(filter)
        ? buckets
        : {
            ...buckets,
            matchCounts: withinBudget(() => {
              const expression = expressionOf(state, opened, filter.search);
              return countMatchesPerBucket(buckets, rowPredicate(log, filter, filterColumnsOf(state, opened), expression), budgetFor(expression));
            }),
          };
    if (window.breakdown === undefined) return filtered;
    const categories = categoriesOf(opened, window.breakdown);
    return { ...filtered, breakdown: computeBreakdown(categories, buckets.start, buckets.end, buckets.bucketCount) };
  },

  getTimelineMarkers: (session, { range }) => {
    const opened = session.requireLog();
    return listTimelineMarkers(timelineMarksOf(session.state, opened), range, (i) => readEntryName(opened.log, i));
  },
};
