import { HASH_ALGORITHMS } from '../../core/hash/hash-algorithm';
import type { PcrBankValues } from '../../core/report/report';
import { CopyButton } from '../shared/CopyButton';
import { formatCount } from '../shared/format';

/**
 * A log with nothing to compare it with: the PCR values it replays to, per bank, in full
 * and copyable, to compare by hand with what a verifier or `tpm2_pcrread` reports.
 */
export function ReplayedValues({ replay, entryCount }: { readonly replay: PcrBankValues; readonly entryCount: number }) {
  const rows = HASH_ALGORITHMS.flatMap((bank) =>
    Object.entries(replay[bank] ?? {})
      .sort((a, b) => Number(a[0]) - Number(b[0]))
      .map(([pcr, hex]) => ({ bank, pcr, hex })),
  );
  if (rows.length === 0) return null;
  return (
    <section className="replay replay--open" data-testid="replayed-values" aria-labelledby="replayed-values-title">
      <header className="panel__head">
        <h2 className="panel__title" id="replayed-values-title">
          Replay
        </h2>
        <p className="panel__headline">
          All {formatCount(entryCount)} entries replay to these values. Paste a quote or PCR values to compare.
        </p>
      </header>
      <div className="panel__body">
        <table className="replay-table replay__card replay__card--wide">
          <thead>
            <tr>
              <th>Bank</th>
              <th>PCR</th>
              <th>Replayed value</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(({ bank, pcr, hex }) => (
              <tr key={`${bank}-${pcr}`} data-testid="replayed-pcr" data-bank={bank} data-pcr={pcr}>
                <td className="mono">{bank}</td>
                <td className="mono">{pcr}</td>
                <td>
                  <span className="replay-table__digest">
                    <span className="mono replayed-values__hex">{hex}</span>
                    <CopyButton value={hex} label={`Copy ${bank} PCR ${pcr}`} />
                  </span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
