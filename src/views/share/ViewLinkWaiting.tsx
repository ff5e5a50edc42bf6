import { useInspector } from '../../store/use-inspector';
import { describeViewLink } from './describe-share';
import './share.css';

/**
 * A view link (`#…&log=…`) opened with no list loaded: the link carries only the view
 * (selection, filter, zoom) and the first digits of its list's SHA-256, never the list, so
 * the first screen says what it is for and which list to drop. Nothing is fetched for it.
 */
export function ViewLinkWaiting() {
  const view = useInspector((s) => s.viewLinkWaiting);
  if (view === undefined) return null;
  const shows = describeViewLink(view);
  return (
    <section className="fingerprint-banner view-link-waiting" data-testid="view-link-waiting" role="status">
      <div className="fingerprint-banner__text">
        <strong>This link opens a view of an IMA measurement list{shows.length > 0 ? `: ${shows.join(', ')}` : ''}.</strong>
        <p className="fingerprint-banner__view">
          The list does not travel with the link and nothing is fetched: drop the list it was made for
          {view.log !== undefined ? (
            <>
              {' '}
              — the one whose SHA-256 starts <code data-testid="view-link-log">{view.log}</code> (<code>sha256sum</code> shows it)
            </>
          ) : null}{' '}
          and the view opens.
        </p>
      </div>
    </section>
  );
}
