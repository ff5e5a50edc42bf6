/**
 * The pane under a table that shows the selected row's every decoded field beside its bytes:
 * the shell the IMA entry and the firmware event details share (header, problems, fields
 * table, hex view), and the hover that ties a field's row to its bytes. A click pins a field
 * (Wireshark's packet details ↔ bytes): on its row it marks and scrolls to its bytes, on a
 * byte it marks and scrolls to the field's row; a second click unpins.
 */
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { HexDump, type ByteRegion } from '../shared/HexDump';
import './DetailsPane.css';

/** Which byte region is pointed at or pinned, from the fields table or from the hex view. */
export interface FieldHover {
  readonly hovered: string | undefined;
  readonly setHovered: (key: string | undefined) => void;
  /** The pinned region and where the pin was made (the other side scrolls to it). */
  readonly pinned: Pin | undefined;
  /** Pins region `key` (or unpins it when it is pinned already). */
  readonly togglePin: (key: string, from: Pin['from']) => void;
  /** Props of the fields-table row of region `key`, also marked while `alsoKey` is hovered or pinned. */
  row(key: string, alsoKey?: string): FieldRowProps;
}

export interface Pin {
  readonly key: string;
  readonly from: 'field' | 'bytes';
}

interface FieldRowProps {
  readonly className: string;
  readonly 'data-pinned': boolean;
  readonly onMouseEnter: () => void;
  readonly onMouseLeave: () => void;
  readonly onClick: () => void;
}

/** `record` names the record shown: a pin made on one record does not carry to the next. */
export function useFieldHover(record: number | undefined): FieldHover {
  const [hovered, setHovered] = useState<string | undefined>(undefined);
  const [pin, setPin] = useState<(Pin & { readonly record: number | undefined }) | undefined>(undefined);
  const pinned = pin?.record === record ? pin : undefined;
  const togglePin = (key: string, from: Pin['from']): void => setPin(pinned?.key === key ? undefined : { key, from, record });
  return {
    hovered,
    setHovered,
    pinned,
    togglePin,
    row: (key, alsoKey) => {
      const is = (k: string | undefined): boolean => k !== undefined && (k === key || k === alsoKey);
      const isPinned = is(pinned?.key);
      return {
        className: `fields__row${is(hovered) ? ' fields__row--hovered' : ''}${isPinned ? ' fields__row--pinned' : ''}`,
        'data-pinned': isPinned,
        onMouseEnter: () => setHovered(key),
        onMouseLeave: () => setHovered(undefined),
        onClick: () => {
          // Selecting text in a value (to copy it) is not a click on the field.
          if (window.getSelection()?.isCollapsed === false) return;
          togglePin(key, 'field');
        },
      };
    },
  };
}

/** A pin made on the bytes brings its field's row into view in the fields table. */
function useScrollPinnedRow(pinned: Pin | undefined) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (pinned?.from !== 'bytes') return;
    ref.current?.querySelector('.fields__row--pinned')?.scrollIntoView({ block: 'nearest' });
  }, [pinned]);
  return ref;
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
  const fieldsRef = useScrollPinnedRow(hover.pinned);
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
        <div className="details__fields" ref={fieldsRef}>
          <table className="fields">
            <tbody>{children}</tbody>
          </table>
        </div>
        <HexDump
          bytes={bytes}
          regions={regions}
          hovered={hover.hovered}
          onHover={hover.setHovered}
          pinned={hover.pinned}
          onPin={(key) => hover.togglePin(key, 'bytes')}
        />
      </div>
    </aside>
  );
}
