/**
 * What views may ask the app to do (load, cancel, navigate), provided by the app through
 * context: views never import src/app.
 */
import { createContext, useContext } from 'react';
import type { IndexIntoEntryTable } from '../../core/model/ima-log';
import type { ViewState } from '../../core/share/view-state';

/** A bundled sample scenario (public/samples/index.json). */
export interface SampleInfo {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  /** File names inside the sample's folder, samples/<name>/. */
  readonly files: readonly string[];
  /** The nonce its quote answers (hex), filled into the nonce field when it loads. */
  readonly nonce?: string;
}

/** What views may ask the app to do (load, cancel, navigate). */
export interface AppCommands {
  /** The bundled samples' index (fetched once; empty when none are bundled). */
  samples(): Promise<readonly SampleInfo[]>;
  openFiles(files: readonly File[]): void;
  loadSample(name: string): void;
  /** Clears every input, the paste, the view and a permalink: a fresh start. */
  newCase(): void;
  cancelLoad(): void;
  /** Selects an entry and scrolls to it, clearing filters that hide it. */
  goToEntry(index: IndexIntoEntryTable): void;
  /** Reads `file` as the known-good reference list and compares the open log with it. */
  compareWith(file: File): void;
  /** Shows a view (filter, sort, selection, zoom, panels) of the loaded log, clamped to it. */
  applyView(view: ViewState): void;
}

export const AppCommandsContext = createContext<AppCommands | undefined>(undefined);

export function useAppCommands(): AppCommands {
  const commands = useContext(AppCommandsContext);
  if (commands === undefined) throw new Error('useAppCommands outside AppCommandsContext');
  return commands;
}
