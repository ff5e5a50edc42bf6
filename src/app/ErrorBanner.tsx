import { useInspector } from '../store/use-inspector';
import { ACCEPTED_INPUTS } from '../core/inputs/input-kinds';
import './ErrorBanner.css';

/** The failed state, in words: what went wrong and what the app accepts. */
export function ErrorBanner() {
  const load = useInspector((s) => s.load);
  if (load.kind !== 'error') return null;
  return (
    <section className="error-banner" role="alert" data-testid="load-error">
      <h2 className="error-banner__title">Could not open that</h2>
      <p className="error-banner__message">{load.message}</p>
      <p className="error-banner__hint">imascope reads {ACCEPTED_INPUTS}.</p>
    </section>
  );
}
