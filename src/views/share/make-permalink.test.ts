import { describe, expect, it } from 'vitest';
import { DEFAULT_QUERY } from '../../core/query/filter-entries';
import type { Report } from '../../core/report/report';
import { decodePermalink, type PermalinkEntry } from '../../core/share/permalink';
import { fromBase64 } from '../../core/util/bytes';
import { makePermalink, permalinkView, viewStateOfPermalink } from './make-permalink';
import type { RequestParams, WorkerCall } from '../../worker/protocol';

const REPORT: Report = {
  schema: 'imascope.report/1',
  inputs: [{ name: 'binary_runtime_measurements', kind: 'ima-binary', size: 5, sha256: 'ab'.repeat(32) }],
  findings: [{ code: 'template-hash-mismatch', severity: 'error', message: 'entry 1 /usr/bin/x', entries: [1] }],
};

const ENTRY: PermalinkEntry = {
  index: 1,
  pcr: 10,
  template: 'ima-ng',
  templateDigest: '00'.repeat(20),
  status: 'mismatch',
  fileDigestAlgorithm: 'sha256',
  fileDigest: '11'.repeat(32),
  name: '/usr/bin/x',
  keyId: '',
};

const LOG = new Uint8Array([1, 2, 3, 4, 5]);

/** Answers like the worker would; counts what the encoder asked for. */
function fakeWorker(): { readonly call: WorkerCall; readonly asked: string[] } {
  const asked: string[] = [];
  const answer = (type: string, params: unknown): Promise<unknown> => {
    switch (type) {
      case 'getFindingEntries':
        asked.push('entries');
        return Promise.resolve([ENTRY]);
      case 'getLogBytes':
        asked.push(`log ≤ ${(params as RequestParams<'getLogBytes'>).maxBytes}`);
        return Promise.resolve({ size: LOG.length, bytes: LOG });
      default:
        return Promise.reject(new Error(`not used: ${type}`));
    }
  };
  // One fake for every request type: the generic signature cannot be met case by case.
  return { call: answer as WorkerCall, asked };
}

describe('permalinkView', () => {
  it('keeps only what differs from a fresh table; the brush becomes the timeline window', () => {
    expect(permalinkView(undefined, DEFAULT_QUERY)).toBeUndefined();
    expect(permalinkView(3, { ...DEFAULT_QUERY, pcrs: [10], range: { start: 2, end: 9 } })).toEqual({
      selectedEntry: 3,
      filter: { ...DEFAULT_QUERY, pcrs: [10] },
      timeline: { start: 2, end: 9 },
    });
  });

  it('carries the panels, and reads back as the view the address writes, through the schema', async () => {
    const query = { ...DEFAULT_QUERY, search: 'pcr == 10', templates: [1], sort: { column: 'name' as const, descending: true }, range: { start: 2, end: 9 } };
    const view = permalinkView(4, query, { zoom: { start: 1.5, end: 20 }, tab: 'firmware', replayOpen: false });
    expect(view).toMatchObject({ zoom: { start: 1.5, end: 20 }, tab: 'firmware', replayOpen: false });
    const link = await makePermalink(REPORT, view, { includeEntries: false, redactPaths: false, embedLog: false }, fakeWorker().call, 'https://x.test/');
    const decoded = await decodePermalink(link.url);
    if (!decoded.ok || decoded.payload.view === undefined) throw new Error('no view came back');
    expect(viewStateOfPermalink(decoded.payload.view, ['ima-ng', 'ima-sig'])).toEqual({
      entry: 4,
      filter: 'pcr == 10',
      sort: { column: 'name', descending: true },
      pcrs: [],
      statuses: [],
      templates: ['ima-sig'],
      range: { start: 2, end: 9 },
      zoom: { start: 1.5, end: 20 },
      tab: 'firmware',
      replayOpen: false,
    });
  });
});

describe('makePermalink', () => {
  it('carries the report and view by default, and asks the worker for nothing', async () => {
    const source = fakeWorker();
    const link = await makePermalink(REPORT, { selectedEntry: 1 }, { includeEntries: false, redactPaths: false, embedLog: false }, source.call, 'https://x.test/app/');
    expect(link.url.startsWith('https://x.test/app/#r=1.')).toBe(true);
    expect(link.fragmentLength).toBe(link.url.length - 'https://x.test/app/'.length);
    expect(source.asked).toEqual([]);
    const decoded = await decodePermalink(link.url);
    if (!decoded.ok) throw new Error(decoded.error);
    expect(decoded.payload).toEqual({ v: 1, report: REPORT, view: { selectedEntry: 1 } });
  });

  it('adds the entries and the log on request, and redacts the paths in both', async () => {
    const source = fakeWorker();
    const link = await makePermalink(REPORT, undefined, { includeEntries: true, redactPaths: true, embedLog: true }, source.call, 'https://x.test/');
    expect(source.asked).toEqual(['entries', `log ≤ ${512 * 1024}`]);
    const decoded = await decodePermalink(link.url);
    if (!decoded.ok) throw new Error(decoded.error);
    expect(decoded.payload.entries?.map((e) => e.name)).toEqual(['<path#2>']);
    expect(decoded.payload.report.inputs[0].name).toBe('<path#1>');
    expect(decoded.payload.report.findings[0].message).toBe('entry 1 <path#2>');
    expect(fromBase64(decoded.payload.log ?? '')).toEqual(LOG);
    expect(link.dropped).toEqual([]);
  });
});
