import { useEffect, useMemo, useState } from 'react';
import type { ByteOrder } from '../../core/model/ima-log';
import { useInspector } from '../../store/use-inspector';
import type { EntryDetail } from '../../worker/protocol';
import { CopyButton } from '../shared/CopyButton';
import { Digest } from '../shared/Digest';
import { useEntrySource } from '../shared/entry-source';
import { formatCount, formatOffset } from '../shared/format';
import { StatusBadge } from '../shared/StatusBadge';
import { entryRegions, fieldKey } from './entry-regions';
import { FieldValue } from './FieldValue';
import { HexDump } from './HexDump';
import './EntryDetails.css';

/** Fetches one entry's detail; latest selection wins. */
function useEntryDetail(index: number | undefined, dataKey: unknown): EntryDetail | undefined {
  const source = useEntrySource();
  const [detail, setDetail] = useState<EntryDetail | undefined>(undefined);
  useEffect(() => {
    if (index === undefined) return;
    let live = true;
    source.getEntryDetail(index).then(
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

/** Every decoded field of the selected entry beside its bytes. */
export function EntryDetails() {
  const entryIndex = useInspector((s) => s.selection.entryIndex);
  const clearSelection = useInspector((s) => s.clearSelection);
  const log = useInspector((s) => (s.load.kind === 'ready' ? s.load.summary.log : undefined));
  const analysis = useInspector((s) => (s.load.kind === 'ready' ? s.load.analysis : undefined));
  const detail = useEntryDetail(entryIndex, analysis?.kind === 'done' ? analysis.summary : log);
  const [hovered, setHovered] = useState<string | undefined>(undefined);
  const byteOrder: ByteOrder = log?.byteOrder ?? 'little';
  const regions = useMemo(() => (detail ? entryRegions(detail, byteOrder) : []), [detail, byteOrder]);

  if (entryIndex === undefined) {
    return (
      <aside className="details details--empty" data-testid="entry-details">
        <p>Select an entry to see every field and its bytes. Keys: ↑ ↓ PgUp PgDn Home End move, / searches, Esc clears.</p>
      </aside>
    );
  }
  if (detail === undefined || detail.index !== entryIndex) {
    return (
      <aside className="details details--loading" data-testid="entry-details" aria-busy="true">
        <p>Loading entry #{formatCount(entryIndex)}…</p>
      </aside>
    );
  }
  const d = detail.decoded;
  const hover = (key: string | undefined) => () => setHovered(key);
  return (
    <aside className="details" data-testid="entry-details" data-index={detail.index} aria-label={`Entry ${detail.index}`}>
      <header className="details__head">
        <h2 className="details__title">Entry #{formatCount(detail.index)}</h2>
        <StatusBadge status={detail.status} />
        <span className="details__meta">
          PCR {detail.pcr} · {detail.templateName} · {detail.raw.length} bytes at {formatOffset(detail.sourceOffset)}
          {log?.format === 'ascii' ? ' (line start)' : ''}
        </span>
        <button type="button" className="icon-button details__close" aria-label="Close details" title="Close (Esc)" onClick={() => clearSelection()}>
          ×
        </button>
      </header>
      {d.problems.length > 0 ? (
        <ul className="details__problems">
          {d.problems.map((p, k) => (
            <li key={k}>{p}</li>
          ))}
        </ul>
      ) : null}
      <div className="details__body">
        <div className="details__fields">
          <table className="fields">
            <tbody>
              <tr className={hovered === 'template-digest' ? 'fields__row fields__row--hovered' : 'fields__row'} onMouseEnter={hover('template-digest')} onMouseLeave={hover(undefined)}>
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
              {d.fields.map((f, k) => (
                <tr
                  key={k}
                  className={hovered === fieldKey(k) || hovered === `${fieldKey(k)}-length` ? 'fields__row fields__row--hovered' : 'fields__row'}
                  data-testid="detail-field"
                  data-field={f.id}
                  onMouseEnter={hover(fieldKey(k))}
                  onMouseLeave={hover(undefined)}
                >
                  <th scope="row">
                    {f.id}
                    <span className="fields__sub">{f.length} bytes</span>
                  </th>
                  <td>
                    <FieldValue field={f} />
                  </td>
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
