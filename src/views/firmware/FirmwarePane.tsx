import { useInspector } from '../../store/use-inspector';
import { selectAnalysis } from '../../store/selectors';
import type { FirmwareEventPage } from '../../worker/protocol';
import { formatCount } from '../shared/format';
import { usePagedRows, useVisibleRange, type PagedRowsSpec } from '../shared/use-paged-rows';
import { FirmwareEventDetails } from './FirmwareEventDetails';
import { FirmwareTable } from './FirmwareTable';

/** The firmware log's events in order, unfiltered: no query. */
const FIRMWARE_ROWS: PagedRowsSpec<undefined, FirmwareEventPage> = {
  fetch: (call, range) => call('getFirmwareEvents', { range }),
  rowsIn: (page) => page.rows.length,
  overscanRows: 64,
};

/** The firmware log's events (PCR, type, digests, decoded data) over the selected event's detail. */
export function FirmwarePane({
  selected,
  onSelect,
}: {
  readonly selected: number | undefined;
  readonly onSelect: (index: number | undefined) => void;
}) {
  const summary = useInspector((s) => (s.load.kind === 'ready' ? s.load.summary : undefined));
  const firmware = useInspector(selectAnalysis)?.report.firmware;
  const [visible, onVisibleRangeChange] = useVisibleRange();
  // A new open is a new summary: the rows may come from another file.
  const { page, error } = usePagedRows(FIRMWARE_ROWS, undefined, visible, summary);
  const name = summary?.inputs.find((i) => i.kind === 'tcg-eventlog')?.name;
  const totalRows = page?.totalRows ?? 0;
  const aggregates = Object.entries(firmware?.bootAggregates ?? {});
  return (
    <>
      <section className="entries fw-pane" aria-label="Firmware log">
        <div className="fw-pane__bar">
          <strong>{name}</strong>
          <span className="muted">
            {formatCount(totalRows)} events
            {firmware?.ccRegisters !== undefined
              ? ` · a TDX event log: indices are measurement registers (1–4 = RTMR[0]–RTMR[3]), not TPM PCRs`
              : firmware !== undefined
                ? ` · replayed ${Object.keys(firmware.replay).join(', ')}`
                : ''}
          </span>
          {aggregates.length > 0 ? (
            <span className="fw-pane__aggregates muted" title="boot_aggregate values the replay gives (SHA-1 over PCRs 0–7, other banks over 0–9)">
              boot_aggregate from it:{' '}
              {aggregates.map(([bank, hex]) => (
                <span key={bank} className="fw-digests__one">
                  <span className="fw-digests__bank">{bank}</span> {hex?.slice(0, 16)}…
                </span>
              ))}
            </span>
          ) : null}
        </div>
        {error !== undefined ? <p className="entries__error">{error}</p> : null}
        <FirmwareTable page={page} totalRows={totalRows} selected={selected} onSelect={onSelect} onVisibleRangeChange={onVisibleRangeChange} />
      </section>
      <FirmwareEventDetails index={selected} dataKey={summary} onClose={() => onSelect(undefined)} />
    </>
  );
}
