import { useMemo } from 'react';
import type { ByteOrder } from '../../core/model/ima-log';
import { useInspector } from '../../store/use-inspector';
import type { EntryDetail, WorkerCall } from '../../worker/protocol';
import { CopyButton } from '../shared/CopyButton';
import { Digest } from '../shared/Digest';
import { entryNumber, formatOffset } from '../shared/format';
import { StatusBadge } from '../shared/StatusBadge';
import { DetailsMessage, DetailsPane, useFieldHover } from './DetailsPane';
import { entryRegions, fieldKey } from './entry-regions';
import { FieldValue } from './FieldValue';
import { useDetail } from './use-detail';

const fetchEntryDetail = (call: WorkerCall, index: number): Promise<EntryDetail> => call('getEntryDetail', { index });

/** Every decoded field of the selected entry beside its bytes. */
export function EntryDetails() {
  const entryIndex = useInspector((s) => s.selection.entryIndex);
  const clearSelection = useInspector((s) => s.clearSelection);
  const log = useInspector((s) => (s.load.kind === 'ready' ? s.load.summary.log : undefined));
  const analysis = useInspector((s) => (s.load.kind === 'ready' ? s.load.analysis : undefined));
  const detail = useDetail(entryIndex, analysis?.kind === 'done' ? analysis.summary : log, fetchEntryDetail);
  const hover = useFieldHover(entryIndex);
  const byteOrder: ByteOrder = log?.byteOrder ?? 'little';
  const regions = useMemo(() => (detail ? entryRegions(detail, byteOrder) : []), [detail, byteOrder]);

  if (entryIndex === undefined) {
    return (
      <DetailsMessage testId="entry-details">
        Select an entry to see every field and its bytes. Keys: ↑ ↓ PgUp PgDn Home End move, / filters, Esc clears.
      </DetailsMessage>
    );
  }
  if (detail === undefined || detail.index !== entryIndex) {
    return (
      <DetailsMessage testId="entry-details" loading>
        Loading entry {entryNumber(entryIndex)}…
      </DetailsMessage>
    );
  }
  const d = detail.decoded;
  return (
    <DetailsPane
      testId="entry-details"
      index={detail.index}
      label={`Entry ${detail.index}`}
      title={`Entry ${entryNumber(detail.index)}`}
      badge={<StatusBadge status={detail.status} />}
      meta={
        <>
          PCR {detail.pcr} · {detail.templateName} · {detail.raw.length} bytes at {formatOffset(detail.sourceOffset)}
          {log?.format === 'ascii' ? ' (line start)' : ''}
        </>
      }
      closeTitle="Close (Esc)"
      onClose={() => clearSelection()}
      problems={d.problems}
      bytes={detail.raw}
      regions={regions}
      hover={hover}
    >
      <tr {...hover.row('template-digest')}>
        <th scope="row">
          template digest
          <span className="fields__sub">{log?.digestBank ?? `${d.templateDigest.length / 2} bytes`}</span>
        </th>
        <td>
          <span className="value-line">
            <Digest hex={d.templateDigest} />
            <CopyButton value={d.templateDigest} label="Copy template digest" />
          </span>
        </td>
      </tr>
      {detail.policy !== undefined && detail.policy.length > 0 ? (
        <tr data-testid="entry-policy">
          <th scope="row">policy</th>
          <td>
            {detail.policy.map((line, k) => (
              <div key={k}>{line}</div>
            ))}
          </td>
        </tr>
      ) : null}
      {d.fields.map((f, k) => (
        <tr key={k} {...hover.row(fieldKey(k), `${fieldKey(k)}-length`)} data-testid="detail-field" data-field={f.id}>
          <th scope="row">
            {f.id}
            <span className="fields__sub">{f.length} bytes</span>
          </th>
          <td>
            <FieldValue field={f} />
          </td>
        </tr>
      ))}
    </DetailsPane>
  );
}
