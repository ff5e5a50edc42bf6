import { useInspector } from '../../store/use-inspector';
import './share.css';

/**
 * A view link (the address's `#…&log=…`) names another list than the one opened: its
 * filters and selected entry were not applied. Said once the analysis has fingerprinted the
 * list, so a colleague's link that silently shows the whole log is not taken for their view.
 */
export function ViewLinkBanner() {
  const mismatch = useInspector((s) => s.viewLinkMismatch);
  const dismiss = useInspector((s) => s.setViewLinkMismatch);
  if (mismatch === undefined) return null;
  return (
    <section className="fingerprint-banner fingerprint-banner--differ" data-testid="view-link-mismatch" role="status">
      <div className="fingerprint-banner__text">
        <strong>The link’s view was not applied: it was made for another list.</strong>
        <p className="fingerprint-banner__view">
          The link names a list whose SHA-256 starts <code>{mismatch.linkLog}</code>;{' '}
          {mismatch.openLog === undefined ? (
            'the list opened here could not be fingerprinted.'
          ) : (
            <>
              the list opened here starts <code>{mismatch.openLog}</code>.
            </>
          )}{' '}
          Open the list the link was made for to see its filters and selected entry.
        </p>
      </div>
      <button type="button" className="button button--quiet" onClick={() => dismiss(undefined)}>
        Dismiss
      </button>
    </section>
  );
}
