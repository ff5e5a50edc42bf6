/**
 * A pasted text often holds several artefacts: a quote's hex, a `nonce:` line, a PEM key,
 * tpm2_quote's whole stdout. core/inputs/split-paste.ts splits it into parts; each recognised
 * part goes to the analysis as one input of its kind, a nonce line becomes the nonce, and
 * every part is listed (with the lines nothing recognised), so the replay panel can say what
 * was not understood; a part nothing understood goes as an unreadable input, so the verdict
 * fails as for a file no kind fits. A part with a kind's shape that does not parse goes as that kind too:
 * its loader refuses it, and the verdict says so. A text recognised whole and holding one part stays one input.
 */
import type { RawInput } from '../core/analysis/analysis-types';
import type { InputKind } from '../core/report/report';
import { splitPaste, type PastePart } from '../core/inputs/split-paste';
import { encodeText } from '../core/util/bytes';
import type { InputSummary, PastedInput, PastePartSummary } from './protocol';

export interface SplitPastedInput {
  readonly raws: readonly RawInput[];
  readonly summary: InputSummary;
  readonly parts: readonly PastePartSummary[];
  /** From a `nonce: …` line. */
  readonly nonce?: string;
}

const PREVIEW_CHARS = 72;

function inputKindOf(kind: PastePart['kind']): InputKind | undefined {
  return kind === 'nonce' || kind === 'unknown' ? undefined : kind;
}

function partSummary(part: PastePart): PastePartSummary {
  const lines = part.text.split('\n');
  const first = lines[0].trim();
  return {
    kind: part.kind,
    lineStart: part.lineStart,
    lineCount: lines.length,
    preview: first.length > PREVIEW_CHARS ? `${first.slice(0, PREVIEW_CHARS)}…` : first,
    ...(part.unreadable === true ? { unreadable: true } : {}),
  };
}

/** `whole`: the paste classified as one input (what it is when it does not split). */
export function splitPastedInput(paste: PastedInput, whole: { readonly raw: RawInput; readonly summary: InputSummary }): SplitPastedInput {
  const parts = splitPaste(paste.text);
  const summaries = parts.map(partSummary);
  if (whole.summary.kind !== undefined && parts.length <= 1) return { raws: [whole.raw], summary: whole.summary, parts: summaries };
  const raws: RawInput[] = parts.flatMap((p, k): RawInput[] => {
    const name = `${paste.name}, line ${p.lineStart + 1}`;
    const kind = inputKindOf(p.kind);
    if (kind !== undefined) return [{ name, bytes: encodeText(p.text), kind }];
    if (p.kind !== 'unknown') return [];
    // Given as a check: text nothing understands fails the verdict as an unreadable file does.
    const lines = summaries[k].lineCount;
    const place = lines === 1 ? '' : ` (lines ${p.lineStart + 1}–${p.lineStart + lines})`;
    return [{ name, bytes: encodeText(p.text), unreadable: `${p.why ?? 'not recognised as any accepted input'}${place}` }];
  });
  const nonce = parts.find((p) => p.kind === 'nonce')?.text;
  const first = raws.find((r) => r.kind !== undefined)?.kind;
  const { looksLike: _unused, ...rest } = whole.summary;
  const summary: InputSummary = first === undefined ? whole.summary : { ...rest, kind: first, detectedKind: first };
  return { raws, summary, parts: summaries, ...(nonce === undefined ? {} : { nonce }) };
}
