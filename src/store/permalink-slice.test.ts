import { describe, expect, it } from 'vitest';
import { DEFAULT_QUERY } from '../core/query/filter-entries';
import type { PermalinkPayload } from '../core/share/permalink';
import { createInspectorStore } from './inspector-store';

const PAYLOAD: PermalinkPayload = { v: 1, report: { schema: 'imascope.report/1', inputs: [], findings: [] } };

describe('permalink lifecycle', () => {
  it('goes none → decoding → open, and closes', () => {
    const store = createInspectorStore();
    const s = () => store.getState();
    expect(s().permalink).toEqual({ kind: 'none' });
    s().startPermalink();
    expect(s().permalink.kind).toBe('decoding');
    s().openPermalink(PAYLOAD, ['The link leaves out x.']);
    expect(s().permalink).toEqual({ kind: 'open', payload: PAYLOAD, notes: ['The link leaves out x.'], viewRestored: false });
    s().closePermalink();
    expect(s().permalink).toEqual({ kind: 'none' });
  });

  it('keeps a decoding failure as a message, apart from the load state', () => {
    const store = createInspectorStore();
    store.getState().failPermalink('damaged');
    expect(store.getState().permalink).toEqual({ kind: 'failed', message: 'damaged' });
    expect(store.getState().load).toEqual({ kind: 'idle' });
  });

  it('restores the sender’s query once per link, and never without an open link', () => {
    const store = createInspectorStore();
    const s = () => store.getState();
    const sender = { ...DEFAULT_QUERY, pcrs: [10] };
    s().restorePermalinkQuery(sender);
    expect(s().query).toBe(DEFAULT_QUERY);
    s().openPermalink(PAYLOAD, []);
    s().restorePermalinkQuery(sender);
    expect(s().query).toBe(sender);
    expect(s().permalink).toMatchObject({ viewRestored: true });
    s().setPcrFilter([]);
    s().restorePermalinkQuery(sender);
    expect(s().query.pcrs).toEqual([]);
  });

  it('marks the view restored without touching the query when the log differs', () => {
    const store = createInspectorStore();
    store.getState().setSearch('/usr');
    store.getState().openPermalink(PAYLOAD, []);
    store.getState().restorePermalinkQuery(undefined);
    expect(store.getState().query.search).toBe('/usr');
    expect(store.getState().permalink).toMatchObject({ viewRestored: true });
  });
});
