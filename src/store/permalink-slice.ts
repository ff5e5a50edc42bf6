/**
 * A permalink the page was opened with (`#r=1.…`): decoding, the read-only diagnosis it
 * carries, or why it could not be read. It lives beside the load lifecycle, not in it: the
 * read-only view shows while no file is loaded, and once the user drops the original files
 * the payload stays, so the full view can say whether their fingerprints match the link and
 * restore the sender's view (once).
 */
import type { StateCreator } from 'zustand/vanilla';
import type { PermalinkPayload } from '../core/share/permalink';
import type { InspectorState } from './inspector-store';

export type PermalinkState =
  | { readonly kind: 'none' }
  | { readonly kind: 'decoding' }
  | { readonly kind: 'failed'; readonly message: string }
  | {
      readonly kind: 'open';
      /** Validated by decodePermalink: every field is within the schema. */
      readonly payload: PermalinkPayload;
      /** What the link leaves out, and what decoding ignored, in plain words. */
      readonly notes: readonly string[];
      /** The sender's filters and selection were applied to the full view already. */
      readonly viewRestored: boolean;
    };

export interface PermalinkSlice {
  readonly permalink: PermalinkState;
  startPermalink(): void;
  openPermalink(payload: PermalinkPayload, notes: readonly string[]): void;
  failPermalink(message: string): void;
  /** Notes that the sender's view was applied to the full view (or could not be): once per link. */
  markPermalinkViewRestored(): void;
  closePermalink(): void;
}

export const createPermalinkSlice: StateCreator<InspectorState, [], [], PermalinkSlice> = (set) => ({
  permalink: { kind: 'none' },
  startPermalink: () => set({ permalink: { kind: 'decoding' } }),
  openPermalink: (payload, notes) => set({ permalink: { kind: 'open', payload, notes, viewRestored: false } }),
  failPermalink: (message) => set({ permalink: { kind: 'failed', message } }),
  markPermalinkViewRestored: () =>
    set((s) => (s.permalink.kind === 'open' && !s.permalink.viewRestored ? { permalink: { ...s.permalink, viewRestored: true } } : {})),
  closePermalink: () => set({ permalink: { kind: 'none' } }),
});
