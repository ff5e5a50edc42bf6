import type { PolicyExport } from '../../worker/protocol';
import { formatCount } from '../shared/format';
import { SafeText } from '../shared/SafeText';

interface Props {
  readonly patch: PolicyExport;
  readonly policyName: string;
  readonly fileName: string;
  readonly onDownload: () => void;
  readonly onBack: () => void;
}

/**
 * The reviewed patch of "add the failing entries to the policy": every digest the updated
 * policy would accept that the judged one did not, for the user to read before downloading.
 * Paths come from the log: SafeText only.
 */
export function PolicyPatchReview({ patch, policyName, fileName, onDownload, onBack }: Props) {
  const shown = patch.added.length;
  return (
    <div className="policy-patch" data-testid="policy-patch" role="group" aria-label="Policy update to review">
      <p className="policy-patch__summary" data-testid="policy-patch-summary" data-added={patch.addedCount}>
        {patch.addedCount === 0
          ? `No failing entry can be fixed by adding to ${policyName}.`
          : `${formatCount(patch.addedCount)} ${patch.addedCount === 1 ? 'digest' : 'digests'} would be added to ${policyName}. Accept them only if these files changed on purpose.`}
      </p>
      {shown > 0 ? (
        <table className="policy-patch__table">
          <thead>
            <tr>
              <th scope="col">List</th>
              <th scope="col">Path or name</th>
              <th scope="col">Digest added</th>
            </tr>
          </thead>
          <tbody>
            {patch.added.map((m) => (
              <tr key={`${m.list}\u0000${m.name}\u0000${m.digest}`} data-testid="policy-patch-entry" data-list={m.list}>
                <td>{m.list}</td>
                <td className="policy-patch__name">
                  <SafeText text={m.name} />
                </td>
                <td className="policy-patch__digest">{m.digest}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {patch.addedCount > shown ? <p className="export-menu__note">and {formatCount(patch.addedCount - shown)} more in the file.</p> : null}
      {patch.notFixable.length > 0 ? (
        <p className="export-menu__note" data-testid="policy-patch-not-fixable">
          {formatCount(patch.notFixable.length)} failing {patch.notFixable.length === 1 ? 'entry' : 'entries'} no policy change can fix (
          {[...new Set(patch.notFixable.map((n) => n.reason))].join(', ')}): entry {patch.notFixable.slice(0, 5).map((n) => n.index).join(', ')}
          {patch.notFixable.length > 5 ? ', …' : ''}.
        </p>
      ) : null}
      {patch.skipped.length > 0 ? <p className="export-menu__note">Left out: {patch.skipped.slice(0, 3).join('; ')}{patch.skipped.length > 3 ? '; …' : ''}</p> : null}
      {patch.wasSigned ? <p className="export-menu__note">The judged policy was DSSE-signed; the updated one is not until you sign it again (keylime-policy sign runtime).</p> : null}
      <div className="policy-patch__actions">
        <button type="button" className="button" data-testid="policy-patch-download" disabled={patch.addedCount === 0} onClick={onDownload}>
          Download {fileName}
        </button>
        <button type="button" className="button" data-testid="policy-patch-back" onClick={onBack}>
          Back
        </button>
      </div>
    </div>
  );
}
