/**
 * The log worker's entry point: wires messages to one LogSession (all logic lives there,
 * where Node tests can reach it). Results carry fresh buffers, transferred, never model
 * columns.
 */
import { LogSession } from './log-session';
import type { WorkerRequest } from './protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const session = new LogSession((event, transfer) => scope.postMessage(event, transfer));

scope.onmessage = (e: MessageEvent<WorkerRequest>) => {
  void session.handle(e.data);
};
