/**
 * The worker's side of the protocol: takes each request, runs its handler (requests/, one
 * module per subject, keyed by type in requests/handlers.ts) and posts the result or the
 * error back. No worker globals here, so tests drive it directly in Node with Blobs.
 *
 * Chain: LogClient.request → postMessage({type, id, params}) → log.worker.ts →
 * LogSession.handle → HANDLERS[type](session, params, {id, signal}) → 'progress' events … →
 * 'result' (fresh buffers, transferred) | 'error' {code, message}. A 'cancel' aborts the
 * signal of the request it names.
 */
import { HANDLERS } from './requests/handlers';
import { transferablesOf, type RequestId, type RequestType, type WorkerRequest } from './protocol';
import { Session, SessionError, type Handler, type LogSessionOptions, type PostEvent } from './session';

export { SessionError, type LogSessionOptions, type PostEvent } from './session';

export class LogSession {
  readonly #session: Session;
  readonly #inflight = new Map<RequestId, AbortController>();

  constructor(post: PostEvent, options: LogSessionOptions = {}) {
    this.#session = new Session(post, options);
  }

  /**
   * Starts what the first open needs besides reading (the verification pool's workers, the
   * hash provider's WebAssembly) now, before a file is chosen: their start-up then takes no
   * core from the first rows.
   */
  warmUp(): void {
    this.#session.verifyPool();
    void this.#session.hashProvider().catch(() => undefined);
  }

  async handle(request: WorkerRequest): Promise<void> {
    if (request.type === 'cancel') {
      this.#inflight.get(request.id)?.abort();
      return;
    }
    const controller = new AbortController();
    this.#inflight.set(request.id, controller);
    try {
      // The union of request shapes cannot be narrowed from its type field to a generic K;
      // the handler table is keyed so that HANDLERS[type] takes exactly these params.
      const handler = HANDLERS[request.type] as Handler<RequestType>;
      const result = await handler(this.#session, request.params as never, { id: request.id, signal: controller.signal });
      this.#session.post({ type: 'result', id: request.id, result }, transferablesOf(result));
    } catch (e) {
      const error =
        e instanceof SessionError
          ? e
          : controller.signal.aborted
            ? new SessionError('cancelled', 'Cancelled')
            : new SessionError('internal', e instanceof Error ? e.message : String(e));
      this.#session.post({ type: 'error', id: request.id, code: error.code, message: error.message }, []);
    } finally {
      this.#inflight.delete(request.id);
    }
  }
}
