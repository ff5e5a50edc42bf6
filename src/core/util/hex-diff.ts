/**
 * Two digests shown side by side, cut to their first 16 hex digits, look equal when they
 * differ only at the end (issue 11). Wherever a supplied and a replayed value are shown
 * together, this names where they part, so the eye is sent to the right digit.
 */

/** Index of the first differing hex digit (case-insensitive), or -1 when equal. */
export function firstDifference(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return i;
  return x.length === y.length ? -1 : n;
}

/**
 * `a…` when the values are equal; else both cut just past their first difference, with the
 * position: `1234…89ab vs 1234…89ac (first difference at hex digit 64 of 64, byte 32)`.
 * Digits are counted from 1, as a reader counts them.
 */
export function describeDifference(a: string, b: string): string {
  const at = firstDifference(a, b);
  if (at < 0) return `${a.slice(0, 16)}… (equal)`;
  const shown = (v: string): string => {
    if (at < 16) return v.length > 16 ? `${v.slice(0, 16)}…` : v;
    const end = Math.min(v.length, at + 4);
    return `${v.slice(0, 8)}…${v.slice(at - 3, end)}${end < v.length ? '…' : ''}`;
  };
  return `${shown(a)} vs ${shown(b)} (first difference at hex digit ${at + 1} of ${Math.max(a.length, b.length)}, byte ${Math.floor(at / 2) + 1})`;
}
