/**
 * How views reach the worker-owned log without importing the worker: the app provides an
 * implementation (over LogClient) through context; tests can provide a fake.
 */
import { createContext, useContext } from 'react';
import type { IndexIntoEntryTable } from '../../core/model/ima-log';
import type { RowFilter, RowQuery } from '../../core/query/filter-entries';
import type { ViewState } from '../../core/share/view-state';
import type { FilteredTimelineBuckets } from '../../core/timeline/match-buckets';
import type {
  TimelineMarkerList,
  TimelineMarkerRequest,
  TimelineWindowRequest,
} from '../../core/timeline/timeline-buckets';
import type { EntryDetail, FirmwareEventDetail, FirmwareEventPage, PolicyUpdate, ReplayDetails, RowPage, RowRange } from '../../worker/protocol';

export interface EntrySource {
  getRows(range: RowRange, query: RowQuery): Promise<RowPage>;
  findRow(index: IndexIntoEntryTable, query: RowQuery): Promise<number>;
  getEntryDetail(index: IndexIntoEntryTable): Promise<EntryDetail>;
  /** Timeline density over a window of entries (the whole log), with the filter's matches per bucket. */
  getTimeline(window: TimelineWindowRequest, filter?: RowFilter): Promise<FilteredTimelineBuckets>;
  getTimelineMarkers(range: TimelineMarkerRequest): Promise<TimelineMarkerList>;
  /** A window of the firmware event log's decoded events (rejects without a firmware log). */
  getFirmwareEvents(range: RowRange): Promise<FirmwareEventPage>;
  getFirmwareEventDetail(index: number): Promise<FirmwareEventDetail>;
  /** The last analysis replayed under every reading, and its quote field by field (on demand). */
  getReplayDetails(allReadings?: boolean): Promise<ReplayDetails>;
  /** "Accept these changes": the policy accepting the compare groups `groups` (keys). */
  acceptChanges(groups: readonly string[]): Promise<PolicyUpdate>;
}

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
  /** Reads `file` as the known-good reference (a list or a runtime policy) and compares the open log with it. */
  compareWith(file: File): void;
  /** Shows a view (filter, sort, selection, zoom, panels) of the loaded log, clamped to it. */
  applyView(view: ViewState): void;
}

export const EntrySourceContext = createContext<EntrySource | undefined>(undefined);
export const AppCommandsContext = createContext<AppCommands | undefined>(undefined);

export function useEntrySource(): EntrySource {
  const source = useContext(EntrySourceContext);
  if (source === undefined) throw new Error('useEntrySource outside EntrySourceContext');
  return source;
}

export function useAppCommands(): AppCommands {
  const commands = useContext(AppCommandsContext);
  if (commands === undefined) throw new Error('useAppCommands outside AppCommandsContext');
  return commands;
}
