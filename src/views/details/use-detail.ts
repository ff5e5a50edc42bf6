/**
 * Fetches the detail of the selected row (an IMA entry, a firmware event) from the worker;
 * the latest selection wins. Chain: selection → EntrySource.getEntryDetail /
 * getFirmwareEventDetail → LogClient → LogSession → the detail.
 */
import { useEffect, useState } from 'react';
import { useEntrySource, type EntrySource } from '../shared/entry-source';

/**
 * `fetchDetail` must be stable (a module-level function); `dataKey` changes whenever the rows'
 * content may have changed (another log, a finished verification), which fetches again.
 */
export function useDetail<T>(index: number | undefined, dataKey: unknown, fetchDetail: (source: EntrySource, index: number) => Promise<T>): T | undefined {
  const source = useEntrySource();
  const [detail, setDetail] = useState<T | undefined>(undefined);
  useEffect(() => {
    if (index === undefined) return;
    let live = true;
    fetchDetail(source, index).then(
      (d) => {
        if (live) setDetail(d);
      },
      () => {
        if (live) setDetail(undefined);
      },
    );
    return () => {
      live = false;
    };
  }, [index, source, dataKey, fetchDetail]);
  return index === undefined ? undefined : detail;
}
