/**
 * How views reach the worker-owned log without importing the worker: the app provides one
 * typed `call(type, params)` (worker/protocol.ts WorkerCall, over LogClient) through context;
 * tests can provide a fake.
 */
import { createContext, useContext } from 'react';
import type { WorkerCall } from '../../worker/protocol';

export const WorkerCallContext = createContext<WorkerCall | undefined>(undefined);

export function useWorkerCall(): WorkerCall {
  const call = useContext(WorkerCallContext);
  if (call === undefined) throw new Error('useWorkerCall outside WorkerCallContext');
  return call;
}
