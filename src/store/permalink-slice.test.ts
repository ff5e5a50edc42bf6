import { describe, expect, it } from 'vitest';
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

  it('marks the sender’s view restored once per link, never without an open link, and leaves the query alone', () => {
    const store = createInspectorStore();
    const s = () => store.getState();
    s().setSearch('/usr');
    s().markPermalinkViewRestored();
    expect(s().permalink).toEqual({ kind: 'none' });
    s().openPermalink(PAYLOAD, []);
    expect(s().permalink).toMatchObject({ viewRestored: false });
    s().markPermalinkViewRestored();
    expect(s().permalink).toMatchObject({ viewRestored: true });
    expect(s().query.search).toBe('/usr');
  });
});
