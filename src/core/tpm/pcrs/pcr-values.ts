/**
 * PCR listings in every form a support engineer pastes or drops (CONTRACT §2 `pcr-values`;
 * quote-format.md §2.1, §2.2, §2.5). Binary forms live in `pcr-file-binary.ts`, text forms in
 * `pcr-text-forms.ts`; this module picks the form by content and never by name.
 *
 * Order of attempts: tpm2-tools serialized and marshaled files (self-describing), a values
 * file (only with `options.selection`, e.g. `sha1:10+sha256:10`, as tpm2_checkquote's `-l`),
 * then text: JSON, a single bare digest, and the line forms.
 */
import { asText } from '../binary-input';
import {
  parseMarshaledPcrFile,
  parseSerializedPcrFile,
  parseValuesPcrFile,
} from './pcr-file-binary';
import { parsePcrSelectionString, type PcrBankSelection } from './pcr-selection';
import { parseBareDigest, parseIndexedByLine, parsePcrJson, parsePcrLines, classifyPcrLine, isNearMissPcrLine } from './pcr-text-forms';
import type { PcrConflict, PcrValues } from './pcr-value-set';
import { hashAlgorithmFromTpmAlgId, type HashAlgorithm } from '../../hash/hash-algorithm';

export type { PcrValues };

export interface PcrValuesParse {
  values: PcrValues;
  /**
   * tpm2-serialized | tpm2-marshaled | tpm2-values | tpm2-pcrread-yaml | tpm2-quote-stdout | hirs-pcr-lines |
   * tss-pcrread | index-hex-lines | evmctl-pcrs | tpm12-sysfs-pcrs | ibmtss-pcrs | json |
   * sysfs-pcr-file
   */
  format: string;
  problems: string[];
  /**
   * The problems that leave a listed value unread (bad hex, no digest size, a value without
   * its PCR index): the listing as a whole cannot be trusted, and the analysis refuses it.
   */
  unreadable?: string[];
  /** PCRs the listing gives two values (each also in `unreadable`). */
  conflicts?: PcrConflict[];
  /** The selection a tpm2-tools PCR file states (compare it with the quote's). */
  selection?: PcrBankSelection[];
  /** Digests given without a PCR index (a bare sysfs `pcr-<alg>/<n>` value): ask the user. */
  unindexed?: { bank: HashAlgorithm; value: Uint8Array }[];
}

/** undefined = not a PCR listing. Never throws. */
export function parsePcrValues(
  input: Uint8Array | string,
  options?: { selection?: string },
): PcrValuesParse | undefined {
  const selection =
    options?.selection === undefined ? undefined : parsePcrSelectionString(options.selection);
  const problems =
    options?.selection !== undefined && selection === undefined
      ? [`selection "${options.selection}" is not of the form sha256:10 or sha1:0,1+sha256:10`]
      : [];
  const result = parseAnyForm(input, selection);
  if (result === undefined) return undefined;
  return { ...result, problems: [...problems, ...result.problems] };
}

function parseAnyForm(
  input: Uint8Array | string,
  selection: PcrBankSelection[] | undefined,
): PcrValuesParse | undefined {
  const text = asText(input);
  if (text === undefined) {
    if (typeof input === 'string') return undefined;
    return (
      parseSerializedPcrFile(input) ??
      parseMarshaledPcrFile(input) ??
      (selection === undefined ? undefined : parseValuesPcrFile(input, selection))
    );
  }
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) return parsePcrJson(trimmed);
  return parseBareDigest(trimmed, selection) ?? parseIndexedByLine(text) ?? parsePcrLines(text);
}

/**
 * A JSON object with a bank's member holding an object or array of values, at the top or
 * under `pcrs`, wherever it stands among the members (JSON's member order means nothing).
 * The kinds tried before this one (policies, agent responses, keyrings) have taken theirs.
 */
const JSON_OBJECT_HEAD_RE = /^\s*\{/;
const JSON_BANK_MEMBER_RE = /"(?:sha1|sha256|sha384|sha512|sm3_256|sm3)"\s*:\s*[{[]/i;

/**
 * Content sniff on the first bytes of a file (any length; 4 KiB is plenty): true for the
 * serialized/marshaled binary files and for text whose first meaningful line is a PCR bank
 * header or a PCR value. Values files are never claimed: without a selection they are just
 * bytes.
 */
const BARE_DIGEST_LINE_RE = /^\s*(?:0x)?(?:[0-9a-f]{40}|[0-9a-f]{64}|[0-9a-f]{96}|[0-9a-f]{128})\s*$/i;

export function looksLikePcrValues(head: Uint8Array): boolean {
  const text = asText(head);
  if (text === undefined) return looksLikeSerializedHead(head) || looksLikeMarshaledHead(head);
  if (JSON_OBJECT_HEAD_RE.test(text) && JSON_BANK_MEMBER_RE.test(text)) return true;
  const lines = text.split(/\r?\n/);
  // A head cut mid-line must not be judged by its last, partial line.
  if (lines.length > 1) lines.pop();
  for (const line of lines) {
    if (line.trim() === '' || line.startsWith('$ ')) continue;
    // One bare digest (a sysfs PCR file) or one per line (a HIRS expected-PCR list).
    if (BARE_DIGEST_LINE_RE.test(line)) return lines.every((l) => l.trim() === '' || BARE_DIGEST_LINE_RE.test(l));
    // A first value line that is not quite one is still a PCR listing: claimed, so that its
    // reading names the line and what was expected instead of "not recognised".
    const c = classifyPcrLine(line);
    if (c === undefined) return isNearMissPcrLine(line);
    if (c.kind === 'value') return true;
  }
  return false;
}

/** Serialized head: 1–16 slots of known banks with ≤ 4 bitmap bytes, unused slots zero. */
function looksLikeSerializedHead(head: Uint8Array): boolean {
  if (head.length < 136) return false;
  const v = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const count = v.getUint32(0, true);
  if (count < 1 || count > 16) return false;
  for (let i = 0; i < 16; i++) {
    const at = 4 + 8 * i;
    if (i < count) {
      if (hashAlgorithmFromTpmAlgId(v.getUint16(at, true)) === undefined) return false;
      if (head[at + 2] > 4) return false;
    } else if (v.getUint32(at, true) !== 0 || v.getUint32(at + 4, true) !== 0) {
      return false;
    }
  }
  const blocks = v.getUint32(132, true);
  return blocks >= 1 && blocks <= 64;
}

/** Marshaled head: BE count, known banks, then a digest block of a plausible first size. */
function looksLikeMarshaledHead(head: Uint8Array): boolean {
  if (head.length < 14) return false;
  const v = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const count = v.getUint32(0, false);
  if (count < 1 || count > 16) return false;
  let at = 4;
  for (let i = 0; i < count; i++) {
    if (at + 3 > head.length) return false;
    if (hashAlgorithmFromTpmAlgId(v.getUint16(at, false)) === undefined) return false;
    const size = head[at + 2];
    if (size > 4) return false;
    at += 3 + size;
  }
  if (at + 10 > head.length) return false;
  const blocks = v.getUint32(at, false);
  const firstCount = v.getUint32(at + 4, false);
  const firstSize = v.getUint16(at + 8, false);
  return (
    blocks >= 1 &&
    blocks <= 64 &&
    firstCount >= 1 &&
    firstCount <= 8 &&
    [20, 32, 48, 64].includes(firstSize)
  );
}
