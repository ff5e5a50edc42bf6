/**
 * The firmware log's events as a virtualised table (TanStack Virtual, fixed row heights): PCR,
 * event type, the digest of every bank and the decoded data. Row position is the event index
 * (the log is shown in order, unfiltered); rows not fetched yet are placeholders.
 */
import type { FirmwareEventPage, FirmwareEventRow, RowRange } from '../../worker/protocol';
import { handleTableKey } from '../shared/table-keys';
import { rowPosition, useRowWindow } from '../shared/use-row-window';
import { RowWindowBody } from '../shared/RowWindowBody';
import '../shared/row-table.css';

/** Hex digits of each digest shown in the table; the detail view has them whole. */
const DIGEST_PREFIX = 8;

export interface FirmwareTableProps {
  readonly page: FirmwareEventPage | undefined;
  readonly totalRows: number;
  readonly selected: number | undefined;
  readonly onSelect: (index: number) => void;
  readonly onVisibleRangeChange: (range: RowRange) => void;
}

function pcrText(pcr: number): string {
  return pcr === 0xffffffff ? '—' : String(pcr);
}

function Digests({ row }: { readonly row: FirmwareEventRow }) {
  return (
    <span className="fw-digests" title={row.digests.map((d) => `${d.bank}:${d.hex}`).join('\n')}>
      {row.digests.map((d) => (
        <span key={d.bank} className="fw-digests__one">
          <span className="fw-digests__bank">{d.bank}</span> {d.hex.slice(0, DIGEST_PREFIX)}
        </span>
      ))}
    </span>
  );
}

export function FirmwareTable({ page, totalRows, selected, onSelect, onVisibleRangeChange }: FirmwareTableProps) {
  const { scrollRef, windowRef, windowTop, items, totalSize } = useRowWindow(totalRows, onVisibleRangeChange, selected);

  const rowAt = (position: number): FirmwareEventRow | undefined => {
    if (page === undefined) return undefined;
    return page.rows[position - page.start];
  };

  return (
    <div className="row-table fw-table" data-testid="firmware-table" role="grid" aria-rowcount={totalRows} aria-colcount={5}>
      <div className="row-table__head fw-row fw-row--head" role="row">
        <div role="columnheader" className="fw-cell fw-cell--index">#</div>
        <div role="columnheader" className="fw-cell fw-cell--pcr">PCR</div>
        <div role="columnheader" className="fw-cell fw-cell--type">Type</div>
        <div role="columnheader" className="fw-cell fw-cell--digests">Digests</div>
        <div role="columnheader" className="fw-cell fw-cell--data">Decoded data</div>
      </div>
      <div className="row-table__scroll fw-table__scroll" tabIndex={0} ref={scrollRef} onKeyDown={(e) => handleTableKey(e, selected, totalRows, onSelect)}>
        <RowWindowBody totalSize={totalSize} windowRef={windowRef} windowTop={windowTop}>
          {items.map((item) => {
            const row = rowAt(item.index);
            const position = rowPosition(item);
            if (row === undefined) {
              return <div key={`placeholder-${item.index}`} className="row-table__row fw-row fw-row--placeholder" style={position} aria-hidden="true" />;
            }
            const isSelected = row.index === selected;
            const noAction = row.typeName === 'EV_NO_ACTION';
            return (
              <div
                key={row.index}
                role="row"
                aria-rowindex={item.index + 1}
                aria-selected={isSelected}
                className={`row-table__row fw-row${isSelected ? ' row-table__row--selected' : ''}${row.digestMismatch ? ' fw-row--mismatch' : ''}${noAction ? ' fw-row--no-action' : ''}`}
                data-testid="firmware-row"
                data-index={row.index}
                data-pcr={row.pcr}
                data-type={row.typeName}
                style={position}
                onClick={() => onSelect(row.index)}
              >
                <div role="gridcell" className="fw-cell fw-cell--index">{row.index}</div>
                <div role="gridcell" className="fw-cell fw-cell--pcr">{pcrText(row.pcr)}</div>
                <div role="gridcell" className="fw-cell fw-cell--type" title={row.typeName}>
                  {row.typeName}
                </div>
                <div role="gridcell" className="fw-cell fw-cell--digests">
                  <Digests row={row} />
                </div>
                <div role="gridcell" className="fw-cell fw-cell--data" title={row.summary}>
                  {row.digestMismatch ? (
                    <span className="fw-flag" title="The logged digest is not the hash of this data">
                      digest ≠ data
                    </span>
                  ) : null}
                  {row.summary}
                </div>
              </div>
            );
          })}
        </RowWindowBody>
        {totalRows === 0 && page !== undefined ? <p className="fw-table__empty">The firmware log has no events.</p> : null}
      </div>
    </div>
  );
}
