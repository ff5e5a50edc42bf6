/**
 * The page's side of the protocol: typed request/response over postMessage, with progress
 * events, cancellation through AbortSignal and a hard stop in dispose().
 *
 * Chain: request('open', {inputs}) → postMessage({type, id, params}) → log.worker.ts →
 * LogSession.handle → 'progress' events (onProgress) … → 'result' | 'error' event → the
 * pending promise for `id` settles. An aborted signal posts {type:'cancel', id}; the session
 * stops between parser pushes and answers error{code:'cancelled'}.
 */
import type {
  ProgressEvent,
  RequestId,
  RequestParams,
  RequestResult,
  RequestType,
  WorkerErrorCode,
  WorkerEvent,
  WorkerRequest,
} from './protocol';

/** What the client needs of a Worker (a fake in tests). */
export interface WorkerLike {
  postMessage(message: WorkerRequest, transfer: Transferable[]): void;
  onmessage: ((event: MessageEvent<WorkerEvent>) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
  terminate(): void;
}

export class WorkerRequestError extends Error {
  constructor(
    readonly code: WorkerErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'WorkerRequestError';
  }
}

export interface RequestOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (event: ProgressEvent) => void;
}

interface Pending {
  resolve(result: unknown): void;
  reject(error: WorkerRequestError): void;
  onProgress?: (event: ProgressEvent) => void;
}

export class LogClient {
  readonly #worker: WorkerLike;
  readonly #pending = new Map<RequestId, Pending>();
  readonly #onFatal: (message: string) => void;
  #nextId: RequestId = 1;
  #disposed = false;

  constructor(worker: WorkerLike, onFatal: (message: string) => void = () => {}) {
    this.#worker = worker;
    this.#onFatal = onFatal;
    worker.onmessage = (e) => this.#receive(e.data);
    worker.onerror = (e) => {
      const message = `The log worker failed: ${e.message || 'unknown error'}`;
      this.#rejectAll('internal', message);
      this.#onFatal(message);
    };
  }

  request<K extends RequestType>(
    type: K,
    params: RequestParams<K>,
    options: RequestOptions = {},
  ): Promise<RequestResult<K>> {
    if (this.#disposed) return Promise.reject(new WorkerRequestError('cancelled', 'The log worker was stopped'));
    const { signal, onProgress } = options;
    if (signal?.aborted === true) return Promise.reject(new WorkerRequestError('cancelled', 'Cancelled'));
    const id = this.#nextId++;
    return new Promise<RequestResult<K>>((resolve, reject) => {
      const onAbort = (): void => this.#worker.postMessage({ type: 'cancel', id }, []);
      signal?.addEventListener('abort', onAbort, { once: true });
      const settle = (): void => {
        signal?.removeEventListener('abort', onAbort);
        this.#pending.delete(id);
      };
      this.#pending.set(id, {
        resolve: (result) => {
          settle();
          resolve(result as RequestResult<K>);
        },
        reject: (error) => {
          settle();
          reject(error);
        },
        ...(onProgress ? { onProgress } : {}),
      });
      // The union of request shapes cannot be narrowed from a generic K; this is the one cast.
      this.#worker.postMessage({ type, id, params } as WorkerRequest, []);
    });
  }

  /** Stops the worker; every pending request fails with 'cancelled'. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#worker.terminate();
    this.#rejectAll('cancelled', 'The log worker was stopped');
  }

  #receive(event: WorkerEvent): void {
    const pending = this.#pending.get(event.id);
    // Answers to requests that were already settled (cancelled, disposed) are dropped.
    if (pending === undefined) return;
    switch (event.type) {
      case 'progress':
        pending.onProgress?.(event);
        return;
      case 'result':
        pending.resolve(event.result);
        return;
      case 'error':
        pending.reject(new WorkerRequestError(event.code, event.message));
        return;
    }
  }

  #rejectAll(code: WorkerErrorCode, message: string): void {
    for (const pending of [...this.#pending.values()]) pending.reject(new WorkerRequestError(code, message));
  }
}

/** A client with a real module worker (bundled by Vite from the URL below). */
export function createLogClient(onFatal?: (message: string) => void): LogClient {
  const worker = new Worker(new URL('./log.worker.ts', import.meta.url), { type: 'module', name: 'imascope-log' });
  return new LogClient(worker as WorkerLike, onFatal);
}
