/**
 * The permalink in the page's address: read on arrival and whenever the fragment changes
 * (a link pasted into the address bar of an open tab), decoded off the untrusted text by
 * decodePermalink, which never throws; a failure becomes a message, never an exception.
 * Closing the link removes the fragment, so a reload does not bring it back.
 */
import { useCallback, useEffect } from 'react';
import { decodePermalink } from '../../core/share/permalink';
import { useInspectorStoreApi } from '../../store/use-inspector';

const PERMALINK_FRAGMENT = /^#r=/;

export function usePermalinkFromLocation(): void {
  const store = useInspectorStoreApi();
  useEffect(() => {
    let serial = 0;
    const read = async (): Promise<void> => {
      const hash = window.location.hash;
      const mine = ++serial;
      if (!PERMALINK_FRAGMENT.test(hash)) {
        if (store.getState().permalink.kind !== 'none') store.getState().closePermalink();
        return;
      }
      store.getState().startPermalink();
      let decoded: Awaited<ReturnType<typeof decodePermalink>>;
      try {
        decoded = await decodePermalink(hash);
      } catch {
        decoded = { ok: false, error: 'This permalink could not be read.' };
      }
      if (mine !== serial) return;
      if (decoded.ok) store.getState().openPermalink(decoded.payload, decoded.notes);
      else store.getState().failPermalink(decoded.error);
    };
    const onHashChange = (): void => void read();
    void read();
    window.addEventListener('hashchange', onHashChange);
    return () => {
      serial++;
      window.removeEventListener('hashchange', onHashChange);
    };
  }, [store]);
}

/** Leaves the permalink: drops the fragment from the address and the link from the store. */
export function useClosePermalink(): () => void {
  const store = useInspectorStoreApi();
  return useCallback(() => {
    const url = new URL(window.location.href);
    url.hash = '';
    window.history.replaceState(null, '', url);
    store.getState().closePermalink();
  }, [store]);
}
