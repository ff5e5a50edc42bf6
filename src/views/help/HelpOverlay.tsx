import { useEffect, useRef } from 'react';
import { useInspector } from '../../store/use-inspector';
import { SHORTCUTS } from './shortcuts';
import './HelpOverlay.css';

/** `?`: every shortcut, grouped by where it works; Esc, `?` or a click outside closes it. */
export function HelpOverlay() {
  const open = useInspector((s) => s.helpOpen);
  const setOpen = useInspector((s) => s.setHelpOpen);
  const closeRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (open) closeRef.current?.focus();
  }, [open]);
  if (!open) return null;
  return (
    <div className="help-backdrop" onClick={(e) => e.target === e.currentTarget && setOpen(false)}>
      <div className="help" role="dialog" aria-modal="true" aria-labelledby="help-title" data-testid="help-overlay">
        <header className="help__head">
          <h2 className="help__title" id="help-title">
            Keyboard and mouse
          </h2>
          <button ref={closeRef} type="button" className="icon-button" aria-label="Close help" title="Close (Esc)" onClick={() => setOpen(false)}>
            ×
          </button>
        </header>
        <div className="help__groups">
          {SHORTCUTS.map((group) => (
            <section key={group.title} className="help__group" aria-label={group.title}>
              <h3 className="help__group-title">{group.title}</h3>
              <dl className="help__list">
                {group.shortcuts.map((s) => (
                  <div key={`${s.keys.join(' ')} ${s.does}`} className="help__row" data-testid="help-shortcut" data-keys={s.keys.join(' ')}>
                    <dt>
                      {s.keys.map((k) => (
                        <kbd key={k}>{k}</kbd>
                      ))}
                    </dt>
                    <dd>{s.does}</dd>
                  </div>
                ))}
              </dl>
            </section>
          ))}
        </div>
      </div>
    </div>
  );
}
