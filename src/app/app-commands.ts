/**
 * The user's verbs that span store, worker and network: open files, load a bundled sample,
 * cancel, jump to an entry. Views call them through AppCommandsContext.
 */
import type { InspectorStore } from '../store/inspector-store';
import type { AppCommands, SampleInfo } from '../views/shared/app-commands';
import type { ClientConnection } from './connect-client';
import type { LocationConnection } from './connect-location';
import { fetchSampleFiles, fetchSampleIndex } from './samples';

function setSampleParam(name: string | undefined): void {
  const url = new URL(window.location.href);
  if (name === undefined) url.searchParams.delete('sample');
  else url.searchParams.set('sample', name);
  window.history.replaceState(null, '', url);
}

export function createAppCommands(store: InspectorStore, connection: ClientConnection, location: LocationConnection): AppCommands {
  let index: Promise<readonly SampleInfo[]> | undefined;
  const samples = (): Promise<readonly SampleInfo[]> => {
    index ??= fetchSampleIndex().catch(() => []);
    return index;
  };
  return {
    samples,
    openFiles(files) {
      if (files.length === 0) return;
      const entries = files.map((file) => ({ name: file.name, file }));
      setSampleParam(undefined);
      // With a log open, more files join its case (a quote, PCR values, another bank's list;
      // a different log starts a new case: case-logs.ts); otherwise they start afresh.
      if (store.getState().load.kind === 'ready') store.getState().addFiles(entries);
      else store.getState().replaceInputs(entries);
    },
    loadSample(name) {
      void (async () => {
        const sample = (await samples()).find((s) => s.name === name);
        if (sample === undefined) {
          store.getState().failLoad(`There is no bundled sample named “${name}”.`);
          return;
        }
        try {
          const files = await fetchSampleFiles(sample);
          setSampleParam(name);
          store.getState().replaceInputs(files.map((file) => ({ name: file.name, file })));
          if (typeof sample.nonce === 'string') store.getState().setNonce(sample.nonce);
        } catch (e) {
          store.getState().failLoad(e instanceof Error ? e.message : String(e));
        }
      })();
    },
    newCase() {
      setSampleParam(undefined);
      const s = store.getState();
      s.clearInputs();
      s.clearSelection();
      s.clearFilters();
      s.closePermalink();
      location.clear();
    },
    cancelLoad: () => connection.cancelLoad(),
    goToEntry: (index) => connection.goToEntry(index),
    compareWith: (file) => connection.compareWith(file),
    applyView: (view) => location.applyView(view),
  };
}
