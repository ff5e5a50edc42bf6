import { useEffect, useMemo, useRef, type MouseEvent } from 'react';
import './HexDump.css';

/** A run of a record's bytes that one field or framing word occupies. */
export interface ByteRegion {
  /** Stable key, shared with the field list's rows (`field-3`, `digest-0`, `data`). */
  readonly key: string;
  readonly label: string;
  /** Offsets from the record's first byte; `end` is exclusive. */
  readonly start: number;
  readonly end: number;
  readonly kind: 'framing' | 'digest' | 'name' | 'value' | 'length';
}

const BYTES_PER_ROW = 16;
/** Larger entries (a big ima-buf payload) show their start only. */
const MAX_BYTES_SHOWN = 16 * 1024;
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function printable(b: number): string {
  return b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '·';
}

/**
 * A record's bytes (an IMA entry, a firmware event) with each region tinted by kind; the
 * hovered region (from here or from the field list) is highlighted in both the hex and the
 * text column, and the pinned one stays marked (a click on a byte pins its region; a pin made
 * on the field list scrolls its bytes into view).
 */
export function HexDump({
  bytes,
  regions,
  hovered,
  onHover,
  pinned,
  onPin,
}: {
  readonly bytes: Uint8Array;
  readonly regions: readonly ByteRegion[];
  readonly hovered: string | undefined;
  readonly onHover: (key: string | undefined) => void;
  readonly pinned?: { readonly key: string; readonly from: 'field' | 'bytes' } | undefined;
  readonly onPin?: (key: string) => void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (pinned?.from !== 'field') return;
    // The whole run when it fits, its start at least.
    const run = ref.current?.querySelectorAll('.hex__bytes .hex__byte--pinned');
    run?.[run.length - 1]?.scrollIntoView({ block: 'nearest' });
    run?.[0]?.scrollIntoView({ block: 'nearest' });
  }, [pinned]);
  const shown = Math.min(bytes.length, MAX_BYTES_SHOWN);
  const regionAt = useMemo(() => {
    const at = new Int16Array(shown).fill(-1);
    regions.forEach((r, k) => at.fill(k, Math.min(r.start, shown), Math.min(r.end, shown)));
    return at;
  }, [regions, shown]);

  const regionOf = (e: MouseEvent<HTMLDivElement>): string | undefined => {
    const target = e.target instanceof HTMLElement ? e.target.closest<HTMLElement>('[data-r]') : null;
    const k = target === null ? -1 : Number(target.dataset.r);
    return k >= 0 ? regions[k]?.key : undefined;
  };

  const rows = [];
  for (let start = 0; start < shown; start += BYTES_PER_ROW) {
    const hex = [];
    const text = [];
    for (let i = start; i < Math.min(shown, start + BYTES_PER_ROW); i++) {
      const k = regionAt[i];
      const region = k >= 0 ? regions[k] : undefined;
      const className = `hex__byte${region ? ` hex__byte--${region.kind}` : ''}${region && region.key === hovered ? ' hex__byte--hovered' : ''}${
        region && region.key === pinned?.key ? ' hex__byte--pinned' : ''
      }`;
      hex.push(
        <span key={i} className={className} data-r={k}>
          {HEX[bytes[i]]}
        </span>,
      );
      text.push(
        <span key={i} className={className} data-r={k}>
          {printable(bytes[i])}
        </span>,
      );
    }
    rows.push(
      <div key={start} className="hex__row">
        <span className="hex__offset">{start.toString(16).padStart(4, '0')}</span>
        <span className="hex__bytes">{hex}</span>
        <span className="hex__text">{text}</span>
      </div>,
    );
  }
  const shownRegion = regions.find((r) => r.key === hovered) ?? regions.find((r) => r.key === pinned?.key);
  return (
    <div
      ref={ref}
      className="hex"
      data-testid="hex-view"
      onMouseOver={(e) => onHover(regionOf(e))}
      onMouseLeave={() => onHover(undefined)}
      onClick={(e) => {
        const key = regionOf(e);
        if (key !== undefined) onPin?.(key);
      }}
    >
      <div className="hex__caption">
        {shownRegion ? (
          <>
            {shownRegion.key === pinned?.key ? 'pinned: ' : ''}
            <strong>{shownRegion.label}</strong> · bytes {shownRegion.start}–{shownRegion.end - 1} ({shownRegion.end - shownRegion.start} bytes)
          </>
        ) : (
          <>{bytes.length} bytes · point at a byte or a field, click to pin</>
        )}
      </div>
      {rows}
      {shown < bytes.length ? <div className="hex__more">… {bytes.length - shown} more bytes not shown</div> : null}
    </div>
  );
}
