import { useSyncExternalStore } from 'react';
import { useInspector } from '../store/use-inspector';

const DARK_QUERY = '(prefers-color-scheme: dark)';

function subscribe(onChange: () => void): () => void {
  const media = window.matchMedia(DARK_QUERY);
  media.addEventListener('change', onChange);
  return () => media.removeEventListener('change', onChange);
}

/** The theme in force: the user's choice, else the system's preference. */
export function useResolvedTheme(): 'light' | 'dark' {
  const choice = useInspector((s) => s.theme);
  const systemDark = useSyncExternalStore(subscribe, () => window.matchMedia(DARK_QUERY).matches);
  if (choice !== 'system') return choice;
  return systemDark ? 'dark' : 'light';
}
