import { useInspector } from '../../store/use-inspector';
import { useClosePermalink } from './permalink-location';
import './share.css';

/** A permalink that could not be read: what was wrong with it, and the page still works. */
export function PermalinkError() {
  const permalink = useInspector((s) => s.permalink);
  const close = useClosePermalink();
  if (permalink.kind !== 'failed') return null;
  return (
    <section className="error-banner" role="alert" data-testid="permalink-error">
      <h2 className="error-banner__title">Could not open this permalink</h2>
      <p className="error-banner__message">{permalink.message}</p>
      <p className="error-banner__hint">
        Nothing from it was run or shown. Ask for the link again, or drop the original files to inspect them.{' '}
        <button type="button" className="link-button" onClick={close}>
          Dismiss
        </button>
      </p>
    </section>
  );
}
