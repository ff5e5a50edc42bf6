/**
 * A digest in monospace, grouped in blocks of 8 hex digits so long SHA-256/384 values stay
 * scannable, with an optional algorithm prefix. The text itself stays one unbroken string for
 * copy and select.
 */
import './Digest.css';

export function Digest({
  hex,
  algorithm,
  truncate,
}: {
  readonly hex: string;
  readonly algorithm?: string;
  /** Show only the first N hex digits (full value in the tooltip). */
  readonly truncate?: number;
}) {
  const shown = truncate !== undefined && hex.length > truncate ? `${hex.slice(0, truncate)}…` : hex;
  return (
    <span className="digest" title={algorithm ? `${algorithm}:${hex}` : hex}>
      {algorithm ? <span className="digest__alg">{algorithm}:</span> : null}
      <span className="digest__hex">{shown}</span>
    </span>
  );
}
