import type { Severity } from '../../core/report/report';
import './severity.css';

const ICONS: Readonly<Record<Severity | 'ok', string>> = { error: '✕', warning: '!', info: 'i', ok: '✓' };

export function SeverityIcon({ severity }: { readonly severity: Severity | 'ok' }) {
  return (
    <span className={`severity-icon severity-icon--${severity}`} aria-hidden="true">
      {ICONS[severity]}
    </span>
  );
}
