/**
 * One pasted text often holds several artefacts: tpm2_quote's whole stdout (`quoted:` hex,
 * a `signature:` block, a `pcrs:` listing, `calcDigest:`: one part), a PEM key, a nonce line, a
 * Keylime string, hex dumps with or without a label (`quote: …`, `sig: …`, `ak: …`). This
 * splits it into parts, each fed to its kind's parser.
 *
 * `text` of a part is what that parser needs: the lines of a block, or for a labelled line
 * (`nonce: …`, `quote: …`) the value without its label. `lineStart` is the 0-based line of
 * the part's first line. Lines nothing recognises are kept as 'unknown' parts, so nothing
 * the user pasted disappears silently. A part that has a kind's shape or label (a `PCR-10:`
 * line, `quote: …`, `sig: …`) but that kind's parser refuses is `unreadable`: it goes to the
 * analysis as that kind, which refuses it with the reason (a red verdict, as the CLI's exit 2),
 * never quietly 'not understood'.
 */
import { encodeText } from '../util/bytes';
import { splitKeylimeQuoteString } from '../tpm/quote/keylime-string';
import { classifyPcrLine } from '../tpm/pcrs/pcr-text-forms';
import { isTpm2QuoteStdoutLine, QUOTED_LINE_RE } from '../tpm/quote/tpm2-quote-stdout';
import type { InputKind } from './input-kinds';
import { INPUT_KIND_MODULES, inputKindModule, recogniseInput } from './registry';

/** The kinds a part can be: those whose module reads pastes (registry order), a nonce, or none. */
export type PasteKind = InputKind | 'nonce' | 'unknown';

export interface PastePart {
  kind: PasteKind;
  text: string;
  lineStart: number;
  /** It has `kind`'s shape or label, but does not parse as one. */
  unreadable?: true;
  /** An `unknown` part known for what it is, and why it cannot be checked. */
  why?: string;
}

type Kind = PasteKind;

const PASTE_MODULES = INPUT_KIND_MODULES.filter((m) => m.paste !== undefined);

/**
 * The verifier's nonce (TPM2_Quote's qualifyingData). Never `extraData:`: that is the name
 * tpm2_print gives the nonce a quote holds, and taken as the verifier's the nonce check would
 * compare the quote with itself and pass.
 */
const NONCE_RE = /^\s*(?:nonce|qualifying[ _-]?data)\s*[:=]\s*(\S+)\s*$/i;
/** Why a pasted tpm2_print TPMS_ATTEST printout is refused, and what to give instead. */
const TPM2_PRINT_UNCHECKABLE = "a quote's fields as tpm2_print prints them, which cannot be checked: give the quote's bytes (tpm2_quote -m FILE, or the hex after its quoted:)";
const LABELLED_RE = /^\s*([A-Za-z][\w -]{0,20}?)\s*[:=]\s*(\S+)\s*$/;
const BLOB_LINE_RE = /^\s*(?:0x)?[A-Za-z0-9+/]{16,}={0,2}\s*$/;
const HEX_LINE_RE = /^\s*[0-9a-f]+\s*$/i;
/** tools/misc/tpm2_print.c print_TPMS_ATTEST: `magic: ff544347`, then `type:`, `extraData:`, … */
const TPM2_PRINT_ATTEST_RE = /^\s*magic:\s*(?:0x)?ff544347\s*$/i;
/**
 * A line print_TPMS_ATTEST prints after `magic:` (with print_clock_info and the printer of each
 * attested type): its keys with a value (an empty TPM2B prints none), and those that open a nested block (`quote:`,
 * `pcrSelections:`, a selection's index `0:`). A `nonce: …` or `quote: <hex>` after the block
 * is the user's own line, not the block's.
 */
const TPM2_PRINT_ATTEST_LINE_RE = new RegExp(
  '^\\s*(?:(?:type|qualifiedSigner|extraData|clock|resetCount|restartCount|safe|firmwareVersion|count|hash|sizeofSelect|pcrSelect|pcrDigest' +
    '|name|qualifiedName|objectName|creationHash|auditCounter|digestAlg|auditDigest|commandDigest|exclusiveSession|sessionDigest|time|indexName|offset|nvContents)' +
    ':(?:[ \\t].*)?' +
    '|(?:clockInfo|attested|quote|certify|creation|commandAudit|sessiondAudit|time|nv|pcrSelect|pcrSelections|\\d+):[ \\t]*)$',
);
const PEM_BEGIN_RE = /-----BEGIN [A-Z ]+-----/;
const PEM_END_RE = /-----END [A-Z ]+-----/;
const STDOUT_SIGNATURE_RE = /^signature:\s*$/;
/** A PCR value line whatever its value: `PCR-10: …`, `sha256 PCR-10: …`, `10 : 0x…`, `10: …`. */
const PCR_SHAPE_RE = /^\s*(?:(?:[\w-]+):?\s+(?:TPM\s+)?)?PCR[-_ ]?\d{1,2}\s*[:=]|^\s*\d{1,2}\s*:\s*(?:0x\S+|[0-9a-z]{16,})\s*$/i;

/** Does `text` parse as `kind`? (Labels guide, content decides.) */
function confirms(kind: InputKind, text: string): boolean {
  return inputKindModule(kind).paste?.confirms(text) ?? false;
}

/** The kind a line's label names (`quote: …`, `sig: …`), if any. */
function labelledKind(label: string): InputKind | undefined {
  return PASTE_MODULES.find((m) => m.paste?.labels?.test(label) === true)?.kind;
}

function sniffText(text: string): Kind {
  return recogniseInput(encodeText(text), true, PASTE_MODULES)?.module.kind ?? 'unknown';
}

/** Index just past a JSON value starting at line `i` (brace counting outside strings). */
function jsonEnd(lines: readonly string[], i: number): number {
  let depth = 0;
  let inString = false;
  let escaped = false;
  for (let j = i; j < lines.length; j++) {
    for (const ch of lines[j]) {
      if (inString) {
        if (escaped) escaped = false;
        else if (ch === '\\') escaped = true;
        else if (ch === '"') inString = false;
      } else if (ch === '"') inString = true;
      else if (ch === '{') depth++;
      else if (ch === '}' && --depth === 0) return j + 1;
    }
  }
  return lines.length;
}

/** Index just past the run of lines from `i` that satisfy `test`. */
function runEnd(lines: readonly string[], i: number, test: (line: string) => boolean): number {
  let j = i;
  while (j < lines.length && lines[j].trim() !== '' && test(lines[j])) j++;
  return j;
}

function isPcrLine(line: string): boolean {
  const c = classifyPcrLine(line);
  return (c !== undefined && !(c.kind === 'header' && /^\s*#/.test(line))) || PCR_SHAPE_RE.test(line);
}

export function splitPaste(text: string): PastePart[] {
  const lines = text.split(/\r?\n/);
  const parts: PastePart[] = [];
  const push = (kind: Kind, partText: string, lineStart: number): void => {
    const last = parts[parts.length - 1];
    const adjacent = last !== undefined && lineStart === last.lineStart + last.text.split('\n').length;
    if (kind === 'unknown' && last?.kind === 'unknown' && last.why === undefined && adjacent) {
      last.text += `\n${partText}`;
    } else {
      parts.push({ kind, text: partText, lineStart });
    }
  };
  /** `kind` when the text parses as one, else unreadable as `kind` when `shaped`, else unknown. */
  const pushAs = (kind: InputKind, partText: string, lineStart: number, shaped: boolean): void => {
    if (confirms(kind, partText)) push(kind, partText, lineStart);
    else if (shaped) parts.push({ kind, text: partText, lineStart, unreadable: true });
    else push('unknown', partText, lineStart);
  };
  const block = (from: number, to: number): string => lines.slice(from, to).join('\n');

  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    const trimmed = line.trim();
    if (trimmed === '') {
      i++;
      continue;
    }
    if (PEM_BEGIN_RE.test(line)) {
      let end = i;
      while (end < lines.length && !PEM_END_RE.test(lines[end])) end++;
      end = Math.min(end + 1, lines.length);
      const pem = block(i, end);
      push(confirms('ak-public', pem) ? 'ak-public' : 'unknown', pem, i);
      i = end;
      continue;
    }
    if (trimmed.startsWith('{')) {
      const end = jsonEnd(lines, i);
      const json = block(i, end);
      const kind: Kind = confirms('tpm-quote', json)
        ? 'tpm-quote'
        : confirms('pcr-values', json)
          ? 'pcr-values'
          : 'unknown';
      push(kind, json, i);
      i = end;
      continue;
    }
    if (splitKeylimeQuoteString(trimmed) !== undefined) {
      push(confirms('tpm-quote', trimmed) ? 'tpm-quote' : 'unknown', trimmed, i);
      i++;
      continue;
    }
    if (TPM2_PRINT_ATTEST_RE.test(line)) {
      // tpm2_print -t TPMS_ATTEST: the quote's own fields. Its `extraData:` is the nonce the
      // quote holds, never the verifier's: taken as one, the nonce check would compare the
      // quote with itself and pass. Kept whole, said not understood (the quote's bytes are
      // what is checked).
      const end = runEnd(lines, i + 1, (l) => TPM2_PRINT_ATTEST_LINE_RE.test(l));
      parts.push({ kind: 'unknown', text: block(i, end), lineStart: i, why: TPM2_PRINT_UNCHECKABLE });
      i = end;
      continue;
    }
    const nonce = NONCE_RE.exec(line);
    if (nonce !== null) {
      push('nonce', nonce[1], i);
      i++;
      continue;
    }
    if (QUOTED_LINE_RE.test(line)) {
      // tpm2_quote's stdout is one part, read whole as the file would be: its calcDigest is
      // checked against the PCR values printed above it (tpm2-quote-stdout.ts).
      // Its hex may go on over lines a terminal wrapped.
      const wrapped = runEnd(lines, i + 1, (l) => HEX_LINE_RE.test(l));
      const end = runEnd(lines, wrapped, isTpm2QuoteStdoutLine);
      const quoted = [line.trimEnd(), ...lines.slice(i + 1, wrapped).map((l) => l.trim())].join('');
      pushAs('tpm-quote', [quoted, ...lines.slice(wrapped, end)].join('\n'), i, true);
      i = end;
      continue;
    }
    if (STDOUT_SIGNATURE_RE.test(line)) {
      // tpm2_quote stdout: `signature:` then indented `alg:` and `sig:`.
      const end = runEnd(lines, i + 1, (l) => /^\s+(?:alg|sig):/.test(l));
      const sig = block(i, end);
      push(confirms('tpm-signature', sig) ? 'tpm-signature' : 'unknown', sig, i);
      i = end;
      continue;
    }
    if (isPcrLine(line)) {
      const end = runEnd(lines, i, isPcrLine);
      const listing = block(i, end);
      // Bank and section headers alone hold no value: chatter, not a listing.
      pushAs('pcr-values', listing, i, lines.slice(i, end).some((l) => PCR_SHAPE_RE.test(l) || classifyPcrLine(l)?.kind === 'value'));
      i = end;
      continue;
    }
    const labelled = LABELLED_RE.exec(line);
    const named = labelled === null ? undefined : labelledKind(labelled[1].trim());
    if (labelled !== null && named !== undefined && !BLOB_LINE_RE.test(labelled[2])) {
      // `quote: zzzz`: a kind's label on a value that is no hex or base64 blob.
      pushAs(named, labelled[2], i, true);
      i++;
      continue;
    }
    if (labelled !== null && BLOB_LINE_RE.test(labelled[2])) {
      // A labelled value may continue on following lines (wrapped hex / base64).
      const end = runEnd(lines, i + 1, (l) => BLOB_LINE_RE.test(l));
      const value = [labelled[2], ...lines.slice(i + 1, end).map((l) => l.trim())].join('');
      const sniffed = sniffText(value);
      // A lone digest under some other label (`calcDigest:`, `pcrDigest:`) is no PCR listing.
      const other = sniffed === 'pcr-values' ? 'unknown' : sniffed;
      if (named !== undefined && (confirms(named, value) || other === 'unknown')) pushAs(named, value, i, true);
      else push(other, value, i);
      i = end;
      continue;
    }
    if (BLOB_LINE_RE.test(line)) {
      const end = runEnd(lines, i, (l) => BLOB_LINE_RE.test(l));
      const value = lines.slice(i, end).map((l) => l.trim()).join('');
      push(sniffText(value), value, i);
      i = end;
      continue;
    }
    push('unknown', line, i);
    i++;
  }
  return parts;
}
