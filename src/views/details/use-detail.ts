/**
 * Fetches the detail of the selected row (an IMA entry, a firmware event) from the worker;
 * the latest selection wins. Chain: selection → call('getEntryDetail') /
 * call('getFirmwareEventDetail') → LogClient → LogSession → the detail.
 */
import { useEffect, useState } from 'react';
import type { WorkerCall } from '../../worker/protocol';
import { useWorkerCall } from '../shared/worker-call';

/**
 * `fetchDetail` must be stable (a module-level function); `dataKey` changes whenever the rows'
 * content may have changed (another log, a finished verification), which fetches again.
 */
export function useDetail<T>(index: number | undefined, dataKey: unknown, fetchDetail: (call: WorkerCall, index: number) => Promise<T>): T | undefined {
  const call = useWorkerCall();
  const [detail, setDetail] = useState<T | undefined>(undefined);
  useEffect(() => {
    if (index === undefined) return;
    let live = true;
    fetchDetail(call, index).then(
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
  }, [index, call, dataKey, fetchDetail]);
  return index === undefined ? undefined : detail;
}
