import type { PcrConflict } from '../../core/tpm/pcrs/pcr-value-set';
import { CopyButton } from '../shared/CopyButton';
import { SafeText } from '../shared/SafeText';

/**
 * PCRs given different values, in one listing or by two inputs: every reading with where it
 * came from. None is compared with the replay (which is the machine's cannot be told), so no
 * reading is shown as a match; the inputs that gave a second value are refused (the verdict).
 */
export function PcrConflicts({ conflicts }: { readonly conflicts: readonly PcrConflict[] }) {
  return (
    <div className="replay__card replay__card--wide" data-testid="pcr-conflicts">
      <h3 className="replay__card-title replay-bad">Conflicting PCR values: not compared</h3>
      <table className="replay-table">
        <thead>
          <tr>
            <th>Bank</th>
            <th>PCR</th>
            <th>Value</th>
            <th>Given in</th>
          </tr>
        </thead>
        <tbody>
          {conflicts.flatMap((c) =>
            c.readings.map((r, k) => (
              <tr key={`${c.bank}-${c.pcr}-${k}`} className="pcr-row pcr-row--mismatch" data-testid="pcr-conflict" data-bank={c.bank} data-pcr={c.pcr}>
                <td className="mono">{k === 0 ? c.bank : ''}</td>
                <td className="mono">{k === 0 ? c.pcr : ''}</td>
                <td>
                  <span className="replay-table__digest mono">
                    {r.value}
                    <CopyButton value={r.value} label="Copy this value" />
                  </span>
                </td>
                <td>
                  <SafeText text={r.source} />
                </td>
              </tr>
            )),
          )}
        </tbody>
      </table>
      <p className="quote-field__note">
        Give the values read with this log and quote only: remove the listing that is not the machine’s, or fix the line that repeats a PCR.
      </p>
    </div>
  );
}
