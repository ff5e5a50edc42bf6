import { useEffect } from 'react';
import { useInspector } from '../store/use-inspector';
import { useAppCommands } from '../views/shared/app-commands';
import { Welcome } from '../views/loading/Welcome';
import { LoadProgress } from '../views/loading/LoadProgress';
import { Inspector } from '../views/Inspector';
import { DropZone } from './DropZone';
import { ErrorBanner } from './ErrorBanner';
import { TopBar } from './TopBar';
import { useResolvedTheme } from './use-resolved-theme';
import { FILE_INPUT_ID } from '../views/shared/OpenFilesButton';
import { usePermalinkFromLocation } from '../views/share/permalink-location';
import { PermalinkView } from '../views/share/PermalinkView';
import { PermalinkError } from '../views/share/PermalinkError';
import { FingerprintBanner } from '../views/share/FingerprintBanner';
import { ViewLinkBanner } from '../views/share/ViewLinkBanner';
import { ViewLinkWaiting } from '../views/share/ViewLinkWaiting';
import type { PermalinkState } from '../store/permalink-slice';

/** CONTRACT §4 state while no file is loaded: an opened permalink shows its report (ready). */
const PERMALINK_APP_STATE: Readonly<Record<PermalinkState['kind'], 'idle' | 'loading' | 'ready' | 'error'>> = {
  none: 'idle',
  decoding: 'loading',
  open: 'ready',
  failed: 'error',
};

export function App() {
  const loadKind = useInspector((s) => s.load.kind);
  // A list's first rows show while it is still read: the app is loading until it is read.
  const reading = useInspector((s) => s.load.kind === 'ready' && s.load.reading === true);
  const linkKind = useInspector((s) => s.permalink.kind);
  const commands = useAppCommands();
  usePermalinkFromLocation();
  const appState = loadKind === 'idle' ? PERMALINK_APP_STATE[linkKind] : reading ? 'loading' : loadKind;
  const theme = useResolvedTheme();

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  // ?sample=NAME opens a bundled sample on arrival (a link a colleague can follow).
  useEffect(() => {
    const name = new URL(window.location.href).searchParams.get('sample');
    if (name !== null && name !== '') commands.loadSample(name);
  }, [commands]);

  return (
    <div className="app" data-app-state={appState}>
      <TopBar />
      {loadKind === 'ready' ? (
        <>
          {linkKind === 'open' ? <FingerprintBanner /> : null}
          <ViewLinkBanner />
          {linkKind === 'failed' ? <PermalinkError /> : null}
          <Inspector />
        </>
      ) : linkKind === 'open' && loadKind !== 'loading' ? (
        <PermalinkView notice={loadKind === 'error' ? <ErrorBanner /> : undefined} />
      ) : (
        <main className="app__center">
          {loadKind === 'error' ? <ErrorBanner /> : null}
          {loadKind === 'idle' && linkKind === 'failed' ? <PermalinkError /> : null}
          {loadKind === 'loading' ? <LoadProgress /> : (
            <>
              <ViewLinkWaiting />
              <Welcome />
            </>
          )}
        </main>
      )}
      <input
        id={FILE_INPUT_ID}
        className="visually-hidden"
        type="file"
        multiple
        data-testid="file-input"
        onChange={(e) => {
          const files = e.currentTarget.files;
          if (files !== null) commands.openFiles([...files]);
          // Choosing the same file again must fire change again.
          e.currentTarget.value = '';
        }}
      />
      <DropZone />
    </div>
  );
}
