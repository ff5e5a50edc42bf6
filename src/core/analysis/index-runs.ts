/**
 * Runs of consecutive entry indices: a list converted or carried across architectures has
 * whole stretches of entries hashed in the other byte order, and "entries 40–52" says that in
 * one phrase where 13 indices would not. Findings and the timeline both read runs.
 */
import type { IndexIntoEntryTable } from '../model/ima-log';

/** Entries `first`…`last`, both included. */
export interface IndexRun {
  readonly first: IndexIntoEntryTable;
  readonly last: IndexIntoEntryTable;
}

/** Runs of an ascending index list (`[3,4,5,9]` → 3–5, 9–9). */
export function toIndexRuns(indices: ArrayLike<number>): IndexRun[] {
  const runs: IndexRun[] = [];
  let k = 0;
  while (k < indices.length) {
    const first = indices[k];
    let last = first;
    while (k + 1 < indices.length && indices[k + 1] === last + 1) last = indices[++k];
    runs.push({ first, last });
    k++;
  }
  return runs;
}

/** "#7", "#40–52": a run as the findings write it. */
export function formatIndexRun(run: IndexRun): string {
  return run.first === run.last ? `#${run.first}` : `#${run.first}–${run.last}`;
}
