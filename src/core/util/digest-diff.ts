/**
 * Where two hex digests differ, for showing them shortened side by side. Cut to their first
 * 16 digits, a supplied and a replayed PCR value that differ only in their last digits look
 * the same (issue 11); these helpers keep the start and show the stretch where they part, as
 * segments (the app marks the differing digits), as text, and as a sentence with the position.
 */

/** Index of the first differing hex digit (case-insensitive), or -1 when equal. */
export function firstDifference(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return i;
  return x.length === y.length ? -1 : n;
}

export interface DigestSegment {
  readonly text: string;
  /** 'same' digits, digits that 'differ' from the other value, or a 'gap' (…) of digits left out. */
  readonly kind: 'same' | 'differ' | 'gap';
}

/** Digits kept from the start when the difference lies beyond the first `width`. */
const HEAD = 6;
/** Digits shown before the first difference, for context. */
const LEAD = 4;

/**
 * `value` shortened to about `width` digits, compared with `other`: the first `width` digits
 * when they already differ there, else its first digits, a gap, and the stretch from just
 * before the first difference. Digits that differ from `other` at the same place are 'differ'.
 */
export function digestDiffSegments(value: string, other: string, width = 16): DigestSegment[] {
  const d = firstDifference(value, other);
  const windows: Array<[number, number]> = [];
  if (d < 0 || d < width) windows.push([0, Math.min(value.length, width)]);
  else {
    const start = d - LEAD;
    const end = Math.min(value.length, start + width - HEAD);
    if (start <= HEAD) windows.push([0, end]);
    else windows.push([0, HEAD], [start, end]);
  }
  const lower = other.toLowerCase();
  const out: DigestSegment[] = [];
  const push = (text: string, kind: DigestSegment['kind']): void => {
    const last = out[out.length - 1];
    if (last !== undefined && last.kind === kind && kind !== 'gap') out[out.length - 1] = { text: last.text + text, kind };
    else out.push({ text, kind });
  };
  let at = 0;
  for (const [start, end] of windows) {
    if (start > at) push('…', 'gap');
    for (let i = start; i < end; i++) push(value[i], value[i].toLowerCase() === lower[i] ? 'same' : 'differ');
    at = end;
  }
  if (at < value.length) push('…', 'gap');
  return out;
}

/** `value` shortened as digestDiffSegments does, as plain text (for messages). */
export function shortDigest(value: string, other: string, width = 16): string {
  return digestDiffSegments(value, other, width)
    .map((s) => s.text)
    .join('');
}

/**
 * `a…` when the values are equal; else both shortened around their first difference, with the
 * position: `f8a50c…c9bdc vs f8a50c…c9bdd (first difference at hex digit 64 of 64, byte 32)`.
 * Digits are counted from 1, as a reader counts them.
 */
export function describeDifference(a: string, b: string): string {
  const at = firstDifference(a, b);
  if (at < 0) return `${a.slice(0, 16)}… (equal)`;
  return `${shortDigest(a, b)} vs ${shortDigest(b, a)} (first difference at hex digit ${at + 1} of ${Math.max(a.length, b.length)}, byte ${Math.floor(at / 2) + 1})`;
}
