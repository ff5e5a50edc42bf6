/**
 * The pane under a table that shows the selected row's every decoded field beside its bytes:
 * the shell the IMA entry and the firmware event details share (header, problems, fields
 * table, hex view), and the hover that ties a field's row to its bytes.
 */
import { useState, type ReactNode } from 'react';
import { HexDump, type ByteRegion } from '../shared/HexDump';
import './DetailsPane.css';

/** Which byte region is pointed at, from the fields table or from the hex view. */
export interface FieldHover {
  readonly hovered: string | undefined;
  readonly setHovered: (key: string | undefined) => void;
  /** Props of the fields-table row of region `key`, also highlighted while `alsoKey` is hovered. */
  row(key: string, alsoKey?: string): { readonly className: string; readonly onMouseEnter: () => void; readonly onMouseLeave: () => void };
}

export function useFieldHover(): FieldHover {
  const [hovered, setHovered] = useState<string | undefined>(undefined);
  return {
    hovered,
    setHovered,
    row: (key, alsoKey) => ({
      className: hovered === key || (alsoKey !== undefined && hovered === alsoKey) ? 'fields__row fields__row--hovered' : 'fields__row',
      onMouseEnter: () => setHovered(key),
      onMouseLeave: () => setHovered(undefined),
    }),
  };
}

/** The pane while no row is selected, or while the selected row's detail loads. */
export function DetailsMessage({ testId, loading = false, children }: { readonly testId: string; readonly loading?: boolean; readonly children: ReactNode }) {
  return (
    <aside className={`details details--${loading ? 'loading' : 'empty'}`} data-testid={testId} aria-busy={loading ? 'true' : undefined}>
      <p>{children}</p>
    </aside>
  );
}

export function DetailsPane({
  testId,
  index,
  label,
  title,
  badge,
  meta,
  closeTitle,
  onClose,
  problems,
  bytes,
  regions,
  hover,
  children,
}: {
  readonly testId: string;
  readonly index: number;
  /** The pane's accessible name. */
  readonly label: string;
  readonly title: string;
  readonly badge?: ReactNode;
  readonly meta: ReactNode;
  readonly closeTitle: string;
  readonly onClose: () => void;
  /** What is wrong with the record, one sentence each. */
  readonly problems: readonly string[];
  readonly bytes: Uint8Array;
  readonly regions: readonly ByteRegion[];
  readonly hover: FieldHover;
  /** The rows of the fields table. */
  readonly children: ReactNode;
}) {
  return (
    <aside className="details" data-testid={testId} data-index={index} aria-label={label}>
      <header className="details__head">
        <h2 className="details__title">{title}</h2>
        {badge}
        <span className="details__meta">{meta}</span>
        <button type="button" className="icon-button details__close" aria-label="Close details" title={closeTitle} onClick={onClose}>
          ×
        </button>
      </header>
      {problems.length > 0 ? (
        <ul className="details__problems">
          {problems.map((p, k) => (
            <li key={k}>{p}</li>
          ))}
        </ul>
      ) : null}
      <div className="details__body">
        <div className="details__fields">
          <table className="fields">
            <tbody>{children}</tbody>
          </table>
        </div>
        <HexDump bytes={bytes} regions={regions} hovered={hover.hovered} onHover={hover.setHovered} />
      </div>
    </aside>
  );
}
