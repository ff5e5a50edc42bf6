import { useMemo } from 'react';
import type { FirmwareEventDetail, WorkerCall } from '../../worker/protocol';
import { CopyButton } from '../shared/CopyButton';
import { Digest } from '../shared/Digest';
import { formatOffset } from '../shared/format';
import { DetailsMessage, DetailsPane, useFieldHover } from '../details/DetailsPane';
import { useDetail } from '../details/use-detail';
import { firmwareRegions } from './firmware-regions';

const fetchEventDetail = (call: WorkerCall, index: number): Promise<FirmwareEventDetail> => call('getFirmwareEventDetail', { index });

const DIGEST_MISMATCH = "The logged digest is not the hash of this event's data: the data does not describe what was extended.";

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
  const detail = useDetail(index, dataKey, fetchEventDetail);
  const hover = useFieldHover(index);
  const regions = useMemo(() => (detail ? firmwareRegions(detail) : []), [detail]);

  if (index === undefined) {
    return <DetailsMessage testId="firmware-details">Select an event to see every decoded field and its bytes. Keys: ↑ ↓ PgUp PgDn Home End move.</DetailsMessage>;
  }
  if (detail === undefined || detail.row.index !== index) {
    return (
      <DetailsMessage testId="firmware-details" loading>
        Loading event #{index}…
      </DetailsMessage>
    );
  }
  const { row } = detail;
  const dataRegion = regions.find((r) => r.key === 'data');
  const dataSize = dataRegion === undefined ? 0 : dataRegion.end - dataRegion.start;
  return (
    <DetailsPane
      testId="firmware-details"
      index={row.index}
      label={`Firmware event ${row.index}`}
      title={`Event #${row.index}`}
      meta={
        <>
          PCR {row.pcr === 0xffffffff ? '0xFFFFFFFF (none)' : row.pcr} · {row.typeName} · {row.size} bytes at {formatOffset(row.offset)}
        </>
      }
      closeTitle="Close"
      onClose={onClose}
      problems={row.digestMismatch ? [DIGEST_MISMATCH] : []}
      bytes={detail.raw}
      regions={regions}
      hover={hover}
    >
      <tr {...hover.row('pcr')}>
        <th scope="row">PCR</th>
        <td>{row.pcr === 0xffffffff ? '0xFFFFFFFF (not a PCR; not replayed)' : row.pcr}</td>
      </tr>
      <tr {...hover.row('type')}>
        <th scope="row">type</th>
        <td>
          <span className="name-value">{row.typeName}</span> <span className="muted">{hex32(row.type)}</span>
        </td>
      </tr>
      {row.digests.map((d, k) => (
        <tr key={`${d.bank}-${k}`} {...hover.row(`digest-${k}`)} data-testid="firmware-digest">
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
      <tr {...hover.row('data')}>
        <th scope="row">
          data
          <span className="fields__sub">{detail.framing === 'text' ? 'as printed' : `${dataSize} bytes`}</span>
        </th>
        <td className="fw-summary">{row.summary}</td>
      </tr>
      {Object.entries(row.details).map(([key, value]) => (
        <tr key={key} {...hover.row('data')} data-testid="firmware-field" data-field={key}>
          <th scope="row">
            <span className="fw-field-name">{key}</span>
          </th>
          <td className="fw-field-value">{value}</td>
        </tr>
      ))}
    </DetailsPane>
  );
}
