/**
 * Where two hex digests differ, for showing them shortened side by side. Cut to their first
 * 16 digits, a supplied and a replayed PCR value that differ only in their last digits look
 * the same; these helpers keep the start and show the stretch where they part.
 */
import { firstDifference } from './hex-diff';

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
