import { digestDiffSegments, firstDifference } from '../../core/util/digest-diff';
import './DigestDiff.css';

/**
 * A digest shortened beside another it is compared with (supplied and replayed PCR values):
 * where they differ shows, digits that differ are marked and the rest dimmed, so values that
 * part only in their last digits do not look alike. The full value is in the tooltip.
 */
export function DigestDiff({ hex, other, width = 16 }: { readonly hex: string; readonly other: string; readonly width?: number }) {
  const at = firstDifference(hex, other);
  return (
    <span
      className={`digest digest-diff${at < 0 ? '' : ' digest-diff--differs'}`}
      title={at < 0 ? hex : `${hex}\nfirst differs at hex digit ${at + 1}`}
      data-testid="digest-diff"
      data-differs-at={at < 0 ? '' : at}
    >
      {digestDiffSegments(hex, other, width).map((s, k) =>
        s.kind === 'differ' ? (
          <mark key={k} className="digest-diff__differ">
            {s.text}
          </mark>
        ) : (
          <span key={k} className={at < 0 ? undefined : `digest-diff__${s.kind}`}>
            {s.text}
          </span>
        ),
      )}
    </span>
  );
}
