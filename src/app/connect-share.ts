/** The share and export views' worker requests (ShareSource) over the log client. */
import type { LogClient } from '../worker/log-client';
import type { ShareSource } from '../views/share/share-source';

export function createShareSource(client: LogClient): ShareSource {
  return {
    exportCsv: (query) => client.request('exportCsv', { query }),
    exportAsciiList: () => client.request('exportAsciiList', {}),
    exportPolicy: (kind) => client.request('exportPolicy', { kind }),
    getFindingEntries: (report) => client.request('getFindingEntries', { report }),
    getLogBytes: (maxBytes) => client.request('getLogBytes', { maxBytes }),
  };
}
