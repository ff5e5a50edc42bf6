import { useEffect, useMemo, useState } from 'react';
import type { FirmwareEventDetail } from '../../worker/protocol';
import { CopyButton } from '../shared/CopyButton';
import { Digest } from '../shared/Digest';
import { useEntrySource } from '../shared/entry-source';
import { formatOffset } from '../shared/format';
import { HexDump } from '../details/HexDump';
import { firmwareRegions } from './firmware-regions';

/** Fetches one event's detail; latest selection wins. */
function useFirmwareEventDetail(index: number | undefined, dataKey: unknown): FirmwareEventDetail | undefined {
  const source = useEntrySource();
  const [detail, setDetail] = useState<FirmwareEventDetail | undefined>(undefined);
  useEffect(() => {
    if (index === undefined) return;
    let live = true;
    source.getFirmwareEventDetail(index).then(
      (d) => {
        if (live) setDetail(d);
      },
      () => {
        if (live) setDetail(undefined);
      },
    );
    return () => {
      live = false;
    };
  }, [index, source, dataKey]);
  return index === undefined ? undefined : detail;
}

function hex32(n: number): string {
  return `0x${(n >>> 0).toString(16).padStart(8, '0')}`;
}

/** Every decoded field of the selected firmware event beside its bytes. */
export function FirmwareEventDetails({
  index,
  dataKey,
  onClose,
}: {
  readonly index: number | undefined;
  readonly dataKey: unknown;
  readonly onClose: () => void;
}) {
  const detail = useFirmwareEventDetail(index, dataKey);
  const [hovered, setHovered] = useState<string | undefined>(undefined);
  const regions = useMemo(() => (detail ? firmwareRegions(detail) : []), [detail]);

  if (index === undefined) {
    return (
      <aside className="details details--empty" data-testid="firmware-details">
        <p>Select an event to see every decoded field and its bytes. Keys: ↑ ↓ PgUp PgDn Home End move.</p>
      </aside>
    );
  }
  if (detail === undefined || detail.row.index !== index) {
    return (
      <aside className="details details--loading" data-testid="firmware-details" aria-busy="true">
        <p>Loading event #{index}…</p>
      </aside>
    );
  }
  const { row } = detail;
  const rowClass = (key: string): string => (hovered === key ? 'fields__row fields__row--hovered' : 'fields__row');
  const hover = (key: string | undefined) => () => setHovered(key);
  const dataRegion = regions.find((r) => r.key === 'data');
  const dataSize = dataRegion === undefined ? 0 : dataRegion.end - dataRegion.start;
  return (
    <aside className="details" data-testid="firmware-details" data-index={row.index} aria-label={`Firmware event ${row.index}`}>
      <header className="details__head">
        <h2 className="details__title">Event #{row.index}</h2>
        <span className="details__meta">
          PCR {row.pcr === 0xffffffff ? '0xFFFFFFFF (none)' : row.pcr} · {row.typeName} · {row.size} bytes at {formatOffset(row.offset)}
        </span>
        <button type="button" className="icon-button details__close" aria-label="Close details" title="Close" onClick={onClose}>
          ×
        </button>
      </header>
      {row.digestMismatch ? (
        <ul className="details__problems">
          <li>The logged digest is not the hash of this event&apos;s data: the data does not describe what was extended.</li>
        </ul>
      ) : null}
      <div className="details__body">
        <div className="details__fields">
          <table className="fields">
            <tbody>
              <tr className={rowClass('pcr')} onMouseEnter={hover('pcr')} onMouseLeave={hover(undefined)}>
                <th scope="row">PCR</th>
                <td>{row.pcr === 0xffffffff ? '0xFFFFFFFF (not a PCR; not replayed)' : row.pcr}</td>
              </tr>
              <tr className={rowClass('type')} onMouseEnter={hover('type')} onMouseLeave={hover(undefined)}>
                <th scope="row">type</th>
                <td>
                  <span className="name-value">{row.typeName}</span> <span className="muted">{hex32(row.type)}</span>
                </td>
              </tr>
              {row.digests.map((d, k) => (
                <tr key={`${d.bank}-${k}`} className={rowClass(`digest-${k}`)} onMouseEnter={hover(`digest-${k}`)} onMouseLeave={hover(undefined)} data-testid="firmware-digest">
                  <th scope="row">
                    digest
                    <span className="fields__sub">{d.bank}</span>
                  </th>
                  <td>
                    <span className="value-line">
                      <Digest hex={d.hex} />
                      <CopyButton value={d.hex} label={`Copy ${d.bank} digest`} />
                    </span>
                  </td>
                </tr>
              ))}
              <tr className={rowClass('data')} onMouseEnter={hover('data')} onMouseLeave={hover(undefined)}>
                <th scope="row">
                  data
                  <span className="fields__sub">{dataSize} bytes</span>
                </th>
                <td className="fw-summary">{row.summary}</td>
              </tr>
              {Object.entries(row.details).map(([key, value]) => (
                <tr key={key} className={rowClass('data')} onMouseEnter={hover('data')} onMouseLeave={hover(undefined)} data-testid="firmware-field" data-field={key}>
                  <th scope="row">
                    <span className="fw-field-name">{key}</span>
                  </th>
                  <td className="fw-field-value">{value}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <HexDump bytes={detail.raw} regions={regions} hovered={hovered} onHover={setHovered} />
      </div>
    </aside>
  );
}
