/**
 * Text from a log shown so that it cannot spoof what is around it: bidirectional overrides
 * and isolates (U+202A–U+202E, U+2066–U+2069) can make `/tmp/evil\u202Eos.fdp` read as
 * `/tmp/evilpdf.so`, and other invisible controls (C0/C1, zero-width and format characters)
 * hide in plain sight. Each becomes a visible mark naming its code point; the views also
 * isolate the whole text (`<bdi>`), so what surrounds it keeps its own direction.
 */

/** C0/C1 controls, bidi marks/embeddings/overrides/isolates, zero-width and other format characters. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const INVISIBLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]/u;
const INVISIBLE_ALL = new RegExp(INVISIBLE.source, 'gu');

export interface TextPart {
  readonly text: string;
  /** A control character, shown as its mark (`text` is then "⟨U+202E⟩"). */
  readonly control: boolean;
}

/** "⟨U+202E⟩" for a code point. */
export function controlMark(ch: string): string {
  return `⟨U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}⟩`;
}

export function hasInvisibleControls(text: string): boolean {
  return INVISIBLE.test(text);
}

/** `text` split into plain runs and marked controls. */
export function visibleParts(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let at = 0;
  for (const m of text.matchAll(INVISIBLE_ALL)) {
    const i = m.index ?? 0;
    if (i > at) parts.push({ text: text.slice(at, i), control: false });
    parts.push({ text: controlMark(m[0]), control: true });
    at = i + m[0].length;
  }
  if (at < text.length || parts.length === 0) parts.push({ text: text.slice(at), control: false });
  return parts;
}

/** `text` with every control replaced by its mark (for titles, messages and exports). */
export function visibleText(text: string): string {
  return text.replace(INVISIBLE_ALL, controlMark);
}
