/**
 * What the live replay panel's PCR table and the permalink view's PCR cards share: the status
 * pill and the CONTRACT §4 attributes of a drawn PCR check.
 */
import type { PcrCheck } from '../../core/report/report';
import './PcrStatus.css';

const STATUS_TEXT: Readonly<Record<PcrCheck['status'], string>> = { match: 'match', prefix: 'prefix match', mismatch: 'mismatch' };

export function PcrStatus({ status }: { readonly status: PcrCheck['status'] }) {
  return <span className={`status status--pcr-${status}`}>{STATUS_TEXT[status]}</span>;
}

/** CONTRACT §4: `data-testid="pcr-check"` with `data-bank`, `data-pcr`, `data-status`, `data-matched-entries`. */
export function pcrCheckAttributes(c: PcrCheck) {
  return {
    'data-testid': 'pcr-check',
    'data-bank': c.bank,
    'data-pcr': c.pcr,
    'data-status': c.status,
    'data-matched-entries': c.matchedEntries ?? '',
  } as const;
}
