import { SafeText } from '../shared/SafeText';
import type { PcrCheck } from '../../core/report/report';
import { CopyButton } from '../shared/CopyButton';
import { DigestDiff } from '../shared/DigestDiff';
import { useAppCommands } from '../shared/app-commands';
import { entryNumber, formatCount } from '../shared/format';
import { hypothesisWords } from './replay-text';
import { PcrStatus, pcrCheckAttributes } from './PcrStatus';
import type { ByteOrder } from '../../core/model/ima-log';

/** Per bank and PCR: supplied (or quote-attested) value, replayed value, status, and after how many entries they met. */
export function PcrTable({
  checks,
  entryCount,
  listOrder,
}: {
  readonly checks: readonly PcrCheck[];
  readonly entryCount: number;
  readonly listOrder: ByteOrder;
}) {
  const commands = useAppCommands();
  return (
    <div className="replay__card replay__card--wide">
      <h3 className="replay__card-title">PCR values</h3>
      <table className="replay-table">
        <thead>
          <tr>
            <th>Bank</th>
            <th>PCR</th>
            <th>Supplied or attested</th>
            <th>Replayed</th>
            <th>Status</th>
            <th>Matched entries</th>
          </tr>
        </thead>
        <tbody>
          {checks.map((c) => {
            const reading = c.hypothesis === undefined ? undefined : hypothesisWords(c.hypothesis, listOrder);
            const unusual = c.hypothesis !== undefined && (c.hypothesis.extend !== 'per-bank' || c.hypothesis.violations !== 'ff' || c.hypothesis.byteOrder !== listOrder);
            return (
              <tr key={`${c.bank}-${c.pcr}`} className={`pcr-row pcr-row--${c.status}`} {...pcrCheckAttributes(c)}>
                <td className="mono">{c.bank}</td>
                <td className="mono">{c.pcr}</td>
                <td>
                  <span className="replay-table__digest">
                    <DigestDiff hex={c.expected} other={c.replayed} />
                    <CopyButton value={c.expected} label={c.fromQuote === undefined ? 'Copy supplied value' : 'Copy attested value'} />
                  </span>
                  {c.fromQuote !== undefined ? (
                    <span className="muted" data-testid="pcr-from-quote">
                      {' '}
                      what quote <SafeText text={c.fromQuote} /> attests
                    </span>
                  ) : null}
                </td>
                <td>
                  <span className="replay-table__digest">
                    <DigestDiff hex={c.replayed} other={c.expected} />
                    <CopyButton value={c.replayed} label="Copy replayed value" />
                  </span>
                </td>
                <td>
                  <PcrStatus status={c.status} />
                </td>
                <td>
                  {c.matchedEntries === undefined ? (
                    <span className="muted">none of {formatCount(entryCount)}</span>
                  ) : c.matchedEntries === entryCount ? (
                    <>all {formatCount(entryCount)}</>
                  ) : (
                    <>
                      {formatCount(c.matchedEntries)} of {formatCount(entryCount)}
                      {c.matchedEntries > 0 ? (
                        <>
                          {' '}
                          <button type="button" className="link-button" onClick={() => commands.goToEntry(c.matchedEntries === undefined ? 0 : c.matchedEntries - 1)}>
                            {entryNumber(c.matchedEntries - 1)}
                          </button>
                        </>
                      ) : null}
                    </>
                  )}
                  {unusual && reading !== undefined ? (
                    <div className="replay-table__note">
                      {reading.extend}, {reading.violations}, {reading.byteOrder}
                    </div>
                  ) : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
