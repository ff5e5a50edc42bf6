import { useInspector } from '../store/use-inspector';
import type { ThemeChoice } from '../store/view-slice';
import { useAppCommands } from '../views/shared/app-commands';
import { useSamples } from '../views/shared/use-samples';
import { OpenFilesButton } from '../views/shared/OpenFilesButton';
import { CompareButton } from '../views/compare/ComparePanel';
import { ShareMenu } from '../views/share/ShareMenu';
import { ExportMenu } from '../views/share/ExportMenu';
import './TopBar.css';

const NEXT_THEME: Readonly<Record<ThemeChoice, ThemeChoice>> = { system: 'light', light: 'dark', dark: 'system' };
const THEME_LABEL: Readonly<Record<ThemeChoice, string>> = {
  system: '◐ Auto',
  light: '☀ Light',
  dark: '☾ Dark',
};

export function TopBar() {
  const commands = useAppCommands();
  const samples = useSamples();
  const theme = useInspector((s) => s.theme);
  const setTheme = useInspector((s) => s.setTheme);
  const current = new URL(window.location.href).searchParams.get('sample') ?? '';
  const caseOpen = useInspector((s) => s.inputs.length > 0 || s.permalink.kind !== 'none');

  return (
    <header className="topbar">
      <a className="brand" href="./" title="imascope: start over">
        <span className="brand__mark" aria-hidden="true" />
        <span className="brand__name">imascope</span>
        <span className="brand__tag">why attestation fails</span>
      </a>
      <div className="topbar__spacer" />
      <ShareMenu />
      <ExportMenu />
      <label className="topbar__samples">
        <span className="visually-hidden">Open a bundled sample</span>
        <select
          data-testid="sample-picker"
          value={samples.some((s) => s.name === current) ? current : ''}
          onChange={(e) => {
            if (e.currentTarget.value !== '') commands.loadSample(e.currentTarget.value);
          }}
        >
          <option value="">Samples…</option>
          {samples.map((s) => (
            <option key={s.name} value={s.name} title={s.description}>
              {s.title}
            </option>
          ))}
        </select>
      </label>
      <OpenFilesButton label="Open files…" />
      <CompareButton />
      {caseOpen ? (
        <button
          type="button"
          className="button button--quiet"
          data-testid="new-case"
          title="Close every input, the pasted text and the nonce, and start again"
          onClick={() => commands.newCase()}
        >
          New case
        </button>
      ) : null}
      <button
        type="button"
        className="button button--quiet"
        data-testid="theme-toggle"
        title="Theme: follow the system, light or dark"
        onClick={() => setTheme(NEXT_THEME[theme])}
      >
        {THEME_LABEL[theme]}
      </button>
    </header>
  );
}
