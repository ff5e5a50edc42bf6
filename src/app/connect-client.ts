/**
 * Where worker events become store actions, and store changes become worker requests (the
 * only place the two meet, STYLE §7.5).
 *
 * Chain: inputs change in the store → open(inputs) → LogClient.request('open') → progress
 * events → reportProgress → result → finishLoad → analyze(pastes, nonce) → finishAnalysis.
 * Every request carries a serial: an answer for anything but the latest request is dropped
 * (a newer drop, paste or cancel already replaced it).
 */
import type { IndexIntoEntryTable } from '../core/model/ima-log';
import type { InspectorStore } from '../store/inspector-store';
import type { UserInput } from '../store/inputs-slice';
import { WorkerRequestError, type LogClient } from '../worker/log-client';
import type { LoadSummary, PastedInput, WorkerCall } from '../worker/protocol';

/** Quiet time after the last keystroke in the paste box before re-analysing. */
const PASTE_DEBOUNCE_MS = 250;

export interface ClientConnection {
  /** Any request, for the views (WorkerCallContext) and the address (connect-location). */
  readonly call: WorkerCall;
  cancelLoad(): void;
  goToEntry(index: IndexIntoEntryTable): void;
  /** Reads `file` as the known-good reference and compares the open log with it. */
  compareWith(file: File): void;
  dispose(): void;
}

/**
 * Resolves after the next frame has painted (or 100 ms, in a hidden tab without frames).
 * The worker answers in order, and verification holds it for seconds on a big log: the
 * first rows' request must reach it before the analysis does.
 */
function afterNextPaint(): Promise<void> {
  return new Promise((resolve) => {
    const timer = window.setTimeout(resolve, 100);
    requestAnimationFrame(() =>
      window.setTimeout(() => {
        window.clearTimeout(timer);
        resolve();
      }, 0),
    );
  });
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export function connectClient(store: InspectorStore, client: LogClient): ClientConnection {
  let openSerial = 0;
  let compareSerial = 0;
  let analyzeSerial = 0;
  let openController: AbortController | undefined;
  let pasteTimer: number | undefined;
  /** The list the table shows (its input's id), as the last open or analysis answered. */
  let shownLogId: string | undefined;

  // An open's preview or answer, or the case an analysis showed: a log not shown before starts afresh.
  const show = (summary: LoadSummary): void => {
    const s = store.getState();
    if (summary.log?.inputId !== shownLogId) {
      s.clearSelection();
      s.clearFilters();
      compareSerial++;
      s.clearCompare();
      s.setTimelineZoom(undefined);
      s.setLogTab(undefined);
    }
    shownLogId = summary.log?.inputId;
    s.finishLoad(summary);
  };

  const call: WorkerCall = (type, params) => client.request(type, params);

  async function analyze(): Promise<void> {
    const serial = ++analyzeSerial;
    const { paste, nonce, keylimeCompat } = store.getState();
    const pastes: PastedInput[] = paste.trim() === '' ? [] : [{ id: 'paste', name: 'pasted text', text: paste }];
    store.getState().startAnalysis();
    try {
      const total = store.getState().load;
      const entries = total.kind === 'ready' ? (total.summary.log?.entryCount ?? 0) : 0;
      const summary = await client.request(
        'analyze',
        { pastes, nonce, ...(keylimeCompat ? { keylimeCompat } : {}) },
        {
          onProgress: (p) => {
            if (serial !== analyzeSerial) return;
            if (p.phase === 'verifying') store.getState().reportAnalysisProgress(p.entryCount, entries);
            else if (p.phase === 'judging') store.getState().reportPolicyProgress(p.bytesRead, p.bytesTotal);
          },
        },
      );
      if (serial !== analyzeSerial) return;
      // The analysis chose another list of the shown one's bank (its replay reproduces the
      // PCR values or quote): the table shows the list analysed.
      if (summary.shown !== undefined) show(summary.shown);
      store.getState().finishAnalysis(summary);
    } catch (e) {
      if (serial === analyzeSerial) store.getState().failAnalysis(errorMessage(e));
    }
  }

  async function open(inputs: readonly UserInput[]): Promise<void> {
    const serial = ++openSerial;
    // An analysis still running is of the inputs before these: its answer must not land.
    analyzeSerial++;
    openController?.abort();
    const controller = new AbortController();
    openController = controller;
    const state = store.getState();
    if (inputs.length === 0) {
      state.resetLoad();
      state.clearSelection();
      return;
    }
    shownLogId = state.load.kind === 'ready' ? state.load.summary.log?.inputId : undefined;
    const names = inputs.map((i) => i.name);
    const started = performance.now();
    try {
      const summary = await client.request(
        'open',
        { inputs: inputs.map(({ id, name, file, kind, drop }) => ({ id, name, file, drop, ...(kind ? { kind } : {}) })) },
        {
          signal: controller.signal,
          onProgress: (progress) => {
            if (serial !== openSerial) return;
            if (progress.preview !== undefined) show(progress.preview);
            // Only a log that is actually being parsed shows the progress screen; adding a
            // PCR file to an open log re-analyses without leaving the table.
            const s = store.getState();
            if (s.load.kind !== 'loading' && !(s.load.kind === 'ready' && s.load.reading === true)) s.startLoad(names, progress.bytesTotal, started);
            s.reportProgress(progress);
          },
        },
      );
      if (serial !== openSerial) return;
      const s = store.getState();
      show(summary);
      const superseded = summary.inputs.filter((i) => i.supersededBy !== undefined).map((i) => i.id);
      // A log that starts a new case replaces every input of the old one, and the paste; the
      // re-open that follows reuses the parsed log. (A second list of a bank in the same case
      // stays: the analysis says it is not used.)
      if (superseded.length > 0) {
        s.leaveCase(superseded);
        return;
      }
      await afterNextPaint();
      if (serial === openSerial) await analyze();
    } catch (e) {
      if (serial !== openSerial) return;
      if (e instanceof WorkerRequestError && e.code === 'cancelled') {
        store.getState().clearInputs();
        return;
      }
      store.getState().failLoad(errorMessage(e), undefined);
    }
  }

  // A new sort or filter keeps the selected entry: its row in the new view is looked up (the
  // store dropped the old row, so that no other entry takes its place meanwhile).
  async function relocateSelection(): Promise<void> {
    const { query, selection } = store.getState();
    const index = selection.entryIndex;
    if (index === undefined || store.getState().load.kind !== 'ready') return;
    const row = await call('findRow', { index, query });
    const now = store.getState();
    if (now.query === query && now.selection.entryIndex === index && now.selection.row === undefined && row >= 0) now.selectRow(row, index);
  }

  const unsubscribe = store.subscribe((state, previous) => {
    if (state.query !== previous.query) void relocateSelection().catch(() => undefined);
    if (state.inputs !== previous.inputs) void open(state.inputs);
    else if (state.paste !== previous.paste || state.nonce !== previous.nonce || state.keylimeCompat !== previous.keylimeCompat) {
      window.clearTimeout(pasteTimer);
      pasteTimer = window.setTimeout(() => {
        if (store.getState().load.kind === 'ready') void analyze();
      }, PASTE_DEBOUNCE_MS);
    }
  });

  async function goToEntry(index: IndexIntoEntryTable): Promise<void> {
    let row = await call('findRow', { index, query: store.getState().query });
    if (row < 0) {
      store.getState().clearFilters();
      row = await call('findRow', { index, query: store.getState().query });
    }
    store.getState().revealEntry(index, row < 0 ? undefined : row);
  }

  async function compareWith(file: File): Promise<void> {
    const serial = ++compareSerial;
    store.getState().startCompare(file.name);
    try {
      const document = await client.request('compareWith', { file, name: file.name });
      if (serial === compareSerial) store.getState().finishCompare(document);
    } catch (e) {
      if (serial === compareSerial) store.getState().failCompare(file.name, errorMessage(e));
    }
  }

  return {
    call,
    compareWith: (file) => void compareWith(file),
    cancelLoad: () => openController?.abort(),
    goToEntry: (index) => void goToEntry(index).catch(() => undefined),
    dispose: () => {
      unsubscribe();
      window.clearTimeout(pasteTimer);
      openController?.abort();
      client.dispose();
    },
  };
}
