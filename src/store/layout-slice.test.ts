import { describe, expect, it } from 'vitest';
import { createInspectorStore } from './inspector-store';

describe('layout slice', () => {
  it('folds what a short window cannot show, once, and leaves the user’s later choice alone', () => {
    const store = createInspectorStore();
    const s = () => store.getState();
    expect([s().replayOpen, s().timelineFolded]).toEqual([true, false]);
    s().fitLayout({ replay: true, timeline: true });
    expect([s().replayOpen, s().timelineFolded]).toEqual([false, true]);
    s().setReplayOpen(true);
    s().setTimelineFolded(false);
    // The inspector mounts again for the next log: the fit is not applied twice.
    s().fitLayout({ replay: true, timeline: true });
    expect([s().replayOpen, s().timelineFolded]).toEqual([true, false]);
  });

  it('a tall window folds nothing', () => {
    const store = createInspectorStore();
    store.getState().fitLayout({ replay: false, timeline: false });
    expect([store.getState().replayOpen, store.getState().timelineFolded]).toEqual([true, false]);
  });
});
