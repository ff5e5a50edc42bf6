import type { EntryStatus } from '../../core/query/entry-status';
import './StatusBadge.css';

export const STATUS_LABELS: Readonly<Record<EntryStatus, string>> = {
  verified: 'hash verified',
  mismatch: 'hash mismatch',
  violation: 'violation',
  'opposite-byte-order': 'opposite byte order',
  unchecked: 'unchecked',
  pending: 'verifying…',
};

const STATUS_HELP: Readonly<Record<EntryStatus, string>> = {
  verified: 'The recorded template digest equals the one recomputed from the template data.',
  mismatch: 'The recorded template digest differs from the one recomputed from the template data.',
  violation: 'All-zero template digest: a measurement violation (extended into the PCR as 0xFF).',
  'opposite-byte-order': 'The digest verifies only with the length words in the opposite byte order.',
  unchecked: 'The template digest could not be checked (unknown bank for this list).',
  pending: 'Template hashes are being verified.',
};

export function StatusBadge({ status }: { readonly status: EntryStatus }) {
  return (
    <span className={`status status--${status}`} title={STATUS_HELP[status]}>
      {STATUS_LABELS[status]}
    </span>
  );
}
