/**
 * The view in the page's address (core/share/view-state.ts), both ways:
 *
 * - store → address: whenever the selection, the table query, the timeline's zoom or the
 *   open panels change, the fragment is rewritten. A change of a different kind than the
 *   last, or after a pause, is a history entry (back/forward move between views); a burst of
 *   the same kind (typing a filter, holding ↓, zooming with the wheel) replaces the entry it
 *   started, so history does not fill with keystrokes.
 * - address → store: on arrival, the fragment's view waits for the files (`?sample=` loads
 *   them; dropped files must be dropped again) and is applied once they are loaded, if they
 *   are the files it names (`log=`, a prefix of the log's SHA-256, known after the analysis);
 *   back/forward apply the view they return to.
 *
 * The permalink's fragment (`#r=`) belongs to permalink-location.ts: nothing is written over it.
 */
import type { IndexIntoEntryTable } from '../core/model/ima-log';
import { DEFAULT_QUERY, type RowQuery } from '../core/query/filter-entries';
import { decodeViewState, encodeViewState, isViewFragment, VIEW_LOG_KEY_DIGITS, type ViewState } from '../core/share/view-state';
import type { InspectorState, InspectorStore } from '../store/inspector-store';
import { selectAnalysis } from '../store/selectors';
import type { WorkerCall } from '../worker/protocol';

/** Changes of one kind closer together than this make one history entry. */
const BURST_MS = 1200;
const LOG_INPUT_KINDS: ReadonlySet<string> = new Set(['ima-binary', 'ima-ascii']);

export interface LocationConnection {
  /** Applies a view to the loaded log now (a permalink's, restored by the fingerprint banner). */
  applyView(view: ViewState): void;
  /**
   * A new case: the address forgets the old case's view or permalink (a reload or a copied
   * address would bring it back), and a view still waiting for its files is dropped.
   */
  clear(): void;
  dispose(): void;
}

/** The open log's key in a view (`log=`): known once the analysis has fingerprinted the file. */
function logKeyOf(state: InspectorState): string | undefined {
  const input = selectAnalysis(state)?.report.inputs.find((i) => LOG_INPUT_KINDS.has(i.kind));
  return input?.sha256 ? input.sha256.slice(0, VIEW_LOG_KEY_DIGITS) : undefined;
}

/** The view the store shows (what the address should say). */
export function viewOfState(state: InspectorState): ViewState {
  const log = state.load.kind === 'ready' ? state.load.summary.log : undefined;
  const q = state.query;
  const logKey = logKeyOf(state);
  return {
    ...(state.selection.entryIndex !== undefined && { entry: state.selection.entryIndex }),
    ...(q.search.trim() !== '' && { filter: q.search }),
    sort: q.sort,
    pcrs: q.pcrs,
    templates: q.templates.flatMap((k) => (log?.templates[k] !== undefined ? [log.templates[k].name] : [])),
    statuses: q.statuses,
    ...(q.range !== undefined && { range: q.range }),
    ...(state.timelineZoom !== undefined && { zoom: state.timelineZoom }),
    ...(state.logTab !== undefined && { tab: state.logTab }),
    replayOpen: state.replayOpen,
    ...(logKey !== undefined && { log: logKey }),
  };
}

/** The store's query for a view over a log of `entryCount` entries and these templates. */
export function queryOfView(view: ViewState, entryCount: number, templateNames: readonly string[]): RowQuery {
  const index = new Map(templateNames.map((name, k) => [name, k]));
  const range = view.range !== undefined && view.range.start < entryCount ? { start: view.range.start, end: Math.min(view.range.end, entryCount) } : undefined;
  return {
    search: view.filter ?? '',
    templates: (view.templates ?? []).flatMap((name) => {
      const k = index.get(name);
      return k === undefined ? [] : [k];
    }),
    pcrs: view.pcrs ?? [],
    statuses: view.statuses ?? [],
    sort: view.sort ?? DEFAULT_QUERY.sort,
    ...(range !== undefined && { range }),
  };
}

/** Keys whose values differ between two encoded views. */
function changedKeys(a: string, b: string): string[] {
  const pa = new URLSearchParams(a);
  const pb = new URLSearchParams(b);
  const keys = new Set([...pa.keys(), ...pb.keys()]);
  return [...keys].filter((k) => pa.getAll(k).join('\n') !== pb.getAll(k).join('\n')).sort();
}

function fragmentText(): string {
  return window.location.hash.replace(/^#/, '');
}

export function connectLocation(store: InspectorStore, call: WorkerCall): LocationConnection {
  /** A view from the address still waiting for its files (also in the store, for the first screen). */
  let pending: ViewState | undefined;
  function wait(view: ViewState | undefined): void {
    pending = view !== undefined && Object.keys(view).length > 0 ? view : undefined;
    if (store.getState().viewLinkWaiting !== pending) store.getState().setViewLinkWaiting(pending);
  }
  /** Writes are held while a view is being applied (its selection arrives asynchronously). */
  let applying = 0;
  let last: { readonly keys: string; readonly at: number } | undefined;

  const arrival = fragmentText();
  if (isViewFragment(arrival)) wait(decodeViewState(arrival));

  function write(): void {
    const state = store.getState();
    if (state.load.kind !== 'ready' || pending !== undefined || applying > 0 || !isViewFragment(fragmentText())) return;
    const text = encodeViewState(viewOfState(state));
    const current = fragmentText();
    if (text === current) return;
    const keys = changedKeys(current, text);
    const now = Date.now();
    const burst = last !== undefined && now - last.at < BURST_MS && last.keys === keys.join();
    const onlyLog = keys.length === 1 && keys[0] === 'log';
    const url = new URL(window.location.href);
    url.hash = text === '' ? '' : `#${text}`;
    if (burst || onlyLog || last === undefined) window.history.replaceState(null, '', url);
    else window.history.pushState(null, '', url);
    last = { keys: keys.join(), at: now };
  }

  async function reveal(index: IndexIntoEntryTable, query: RowQuery): Promise<void> {
    const row = await call('findRow', { index, query }).catch(() => -1);
    store.getState().revealEntry(index, row < 0 ? undefined : row);
  }

  function applyView(view: ViewState): void {
    const state = store.getState();
    if (state.load.kind !== 'ready') return;
    const log = state.load.summary.log;
    const entryCount = log?.entryCount ?? 0;
    const query = queryOfView(view, entryCount, log?.templates.map((t) => t.name) ?? []);
    applying++;
    state.setViewLinkMismatch(undefined);
    state.setQuery(query);
    state.setLogTab(view.tab);
    state.setReplayOpen(view.replayOpen ?? true);
    const zoom = view.zoom !== undefined && view.zoom.start < entryCount ? { start: view.zoom.start, end: Math.min(view.zoom.end, entryCount) } : undefined;
    const done = (): void => {
      // After the selection: revealing an entry centres the timeline on it, the view's zoom wins.
      store.getState().setTimelineZoom(zoom);
      applying--;
      // The applied view, clamped to this log, replaces the address's (no new history entry).
      last = undefined;
      write();
    };
    if (view.entry !== undefined && view.entry < entryCount) {
      void reveal(view.entry, query).finally(done);
    } else {
      state.clearSelection();
      done();
    }
  }

  /** Applies the waiting view once the files are loaded and known to be the ones it names. */
  function settlePending(): void {
    const state = store.getState();
    if (pending === undefined || state.load.kind !== 'ready') return;
    const view = pending;
    if (view.log !== undefined) {
      const analysis = state.load.analysis.kind;
      if (analysis === 'pending') return;
      const key = logKeyOf(state);
      wait(undefined);
      if (key !== view.log) {
        // Said, not silently dropped: the user followed a link and expects its view.
        state.setViewLinkMismatch({ linkLog: view.log, openLog: key });
        write();
        return;
      }
    }
    wait(undefined);
    applyView(view);
  }

  const unsubscribe = store.subscribe((state, previous) => {
    // Another list is being opened: what was said of the last one's link no longer holds.
    if (state.load.kind === 'loading' && previous.load.kind !== 'loading' && state.viewLinkMismatch !== undefined) {
      state.setViewLinkMismatch(undefined);
    }
    if (pending !== undefined) {
      if (state.load !== previous.load) settlePending();
      return;
    }
    if (
      state.load !== previous.load ||
      state.query !== previous.query ||
      state.selection.entryIndex !== previous.selection.entryIndex ||
      state.timelineZoom !== previous.timelineZoom ||
      state.logTab !== previous.logTab ||
      state.replayOpen !== previous.replayOpen
    ) {
      write();
    }
  });

  // Back / forward (and a fragment edited by hand): show the view the address now holds.
  const onPopState = (): void => {
    const text = fragmentText();
    if (!isViewFragment(text)) return;
    const view = decodeViewState(text);
    const state = store.getState();
    if (state.load.kind !== 'ready') {
      wait(view);
      return;
    }
    const key = logKeyOf(state);
    if (view.log !== undefined && key !== undefined && view.log !== key) {
      state.setViewLinkMismatch({ linkLog: view.log, openLog: key });
      return;
    }
    last = undefined;
    applyView(view);
  };
  window.addEventListener('popstate', onPopState);
  settlePending();

  return {
    applyView,
    clear() {
      wait(undefined);
      last = undefined;
      store.getState().setViewLinkMismatch(undefined);
      const url = new URL(window.location.href);
      url.hash = '';
      window.history.replaceState(null, '', url);
    },
    dispose() {
      unsubscribe();
      window.removeEventListener('popstate', onPopState);
    },
  };
}
