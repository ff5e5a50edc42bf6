/**
 * What the share and export views need from the worker-owned log, provided by the app
 * through context (like EntrySource): files made from the whole log, the entries a report's
 * findings name, and the log's own bytes when small enough to embed in a link.
 */
import { createContext, useContext } from 'react';
import type { RowQuery } from '../../core/query/filter-entries';
import type { Report } from '../../core/report/report';
import type { PermalinkEntry } from '../../core/share/permalink';
import type { ExportedFile, LogFileBytes, PolicyExport } from '../../worker/protocol';

export interface ShareSource {
  exportCsv(query: RowQuery): Promise<ExportedFile>;
  exportAsciiList(): Promise<ExportedFile>;
  exportPolicy(kind: 'from-log' | 'add-failing'): Promise<PolicyExport>;
  getFindingEntries(report: Report): Promise<readonly PermalinkEntry[]>;
  getLogBytes(maxBytes: number): Promise<LogFileBytes>;
}

export const ShareSourceContext = createContext<ShareSource | undefined>(undefined);

export function useShareSource(): ShareSource {
  const source = useContext(ShareSourceContext);
  if (source === undefined) throw new Error('useShareSource outside ShareSourceContext');
  return source;
}
