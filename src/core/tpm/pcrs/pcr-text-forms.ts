/**
 * PCR listings as text. Each line form, with its producer (quote-format.md §2.2, §2.5;
 * realdata/PROVENANCE.md lists one real file of each):
 *
 *   tpm2_pcrread YAML      `  sha256:` then `    10: 0xF8A5…` (`0 : ` padded; old releases
 *                          print `sha1 :` and no `0x`). The same block is the `pcrs:` part of
 *                          tpm2_quote / tpm2_checkquote output and of tpm2_eventlog output.
 *   tsspcrread (IBM TSS)   `pcrread: tsspcrread -halg sha1` then `0: 92c1…` per line
 *   `N hex` per line       `10 f8a5…`
 *   evmctl --pcrs file     `PCR-10: f8a5…` (one bank per file; evmctl's hex2bin allows one
 *                          space before each byte, so the TPM 1.2 sysfs form also works)
 *   TPM 1.2 sysfs `pcrs`   `PCR-00: 3C 97 99 …` (upper-case spaced bytes, SHA-1)
 *   with a bank prefix     `sha256 PCR-10: …`, `sha256: TPM PCR-10: …` (evmctl -v output);
 *                          go-attestation dumps prefix Go's crypto.Hash number (`3 PCR-00:`)
 *   IBM TSS imaextend      ` PCR 10: 9b e6 ba …` (one line per bank)
 *   JSON                   `{"sha256": {"10": "f8a5…"}}` (CONTRACT §2; also the report's
 *                          `replay` object), optionally wrapped as `{"pcrs": {…}}`
 *   bare hex line          one `/sys/class/tpm/tpm0/pcr-<alg>/<n>` file (Linux ≥ 5.12)
 *   bare hex lines         HIRS expected-PCR lists: one value per line, the line number
 *                          (0-based) is the PCR index; two lines or more, all one length
 *
 * Bank resolution, most explicit first: a bank name on the line, the YAML bank header above
 * it, tsspcrread's `-halg`, else the digest length (20 sha1, 32 sha256, 48 sha384,
 * 64 sha512 — a 32-byte SM3 value in an unlabelled listing reads as sha256).
 *
 * A bare hex line carries no PCR index. With a `selection` naming exactly one PCR (`sha256:10`)
 * it is that PCR; otherwise it is returned in `unindexed` so the caller can ask which PCR it is.
 */
import { parseHashAlgorithm, digestSize, type HashAlgorithm } from '../../hash/hash-algorithm';
import { fromHex } from '../../util/bytes';
import { formatCount } from '../../util/count-text';
import { JsonEntries, parseJsonEntries } from '../json-entries';
import { isObject, parseJsonObject } from '../json-value';
import type { PcrBankSelection } from './pcr-selection';
import { bankForDigestLength, PcrValuesBuilder, type PcrConflict, type PcrValues } from './pcr-value-set';

export interface PcrTextParse {
  format: string;
  values: PcrValues;
  problems: string[];
  /** The problems that leave a listed value unread (PcrValuesBuilder.unreadable). */
  unreadable?: string[];
  /** PCRs listed twice with different values (PcrValuesBuilder.conflicts). */
  conflicts?: PcrConflict[];
  unindexed?: { bank: HashAlgorithm; value: Uint8Array }[];
}

/** What one line of a PCR listing is. */
export type PcrLine =
  | { kind: 'bank'; bank: HashAlgorithm }
  | {
      kind: 'value';
      form: string;
      pcr: number;
      /** undefined when the hex is malformed */
      value: Uint8Array | undefined;
      bank?: HashAlgorithm;
    }
  /** `pcrs:` section key, a `tsspcrread -halg` header, a `#` comment */
  | { kind: 'header'; bankHint?: HashAlgorithm };

const BANK_RE = /^\s*(sha1|sha256|sha384|sha512|sm3_256|sm3)\s*:\s*$/i;
const INDEX_COLON_RE = /^\s*(\d{1,3})\s*:\s*(?:0x)?([0-9a-f]+)\s*$/i;
const INDEX_SPACE_RE = /^\s*(\d{1,3})\s+(?:0x)?([0-9a-f]{40,128})\s*$/i;
const PCR_DASH_RE = /^\s*(?:([\w-]+):?\s+(?:TPM\s+)?)?PCR-(\d{1,3}):\s*((?:\s?[0-9a-f]{2})+)\s*$/i;
const IBM_RE = /^\s*PCR\s+(\d{1,3}):\s*((?:\s?[0-9a-f]{2})+)\s*$/i;
const TSS_HEADER_RE = /^\s*pcrread:.*-halg\s+(\w+)/i;
const SECTION_RE = /^\s*pcrs\s*:\s*$/i;
const COMMENT_RE = /^\s*#/;
/**
 * Lines that try to be a PCR value but are not one (bad hex, `10: 0xZZ…`): the listing cannot
 * be read, since the value the user meant for that PCR is lost (fail closed).
 */
const NEAR_MISS_RE = /^\s*(?:[\w-]+:?\s+)?(?:PCR-\d+:|PCR\s+\d+:)|^\s*\d{1,3}\s*:/i;
/** A YAML key (`quoted: …`, `calcDigest:`, `  alg: rsassa`): tpm2-tools' own structure around the values. */
const YAML_KEY_RE = /^\s*[\w.@-]+\s*:/;
/** Line forms of their own (evmctl, ibmtss, sysfs): no YAML around their values. */
const PLAIN_FORMS: ReadonlySet<string> = new Set(['evmctl-pcrs', 'ibmtss-pcrs', 'tpm12-sysfs-pcrs']);
/** Unread lines quoted in the note that says so; the count says the rest. */
const UNREAD_LINES_QUOTED = 3;

/** A line that tries to be a PCR value and is not one (`PCR-10: 0x…`, `10: zz`). */
export function isNearMissPcrLine(line: string): boolean {
  return NEAR_MISS_RE.test(line);
}

function spacedHex(text: string): Uint8Array | undefined {
  return fromHex(text.replace(/\s+/g, ''));
}

export function classifyPcrLine(line: string): PcrLine | undefined {
  let m = BANK_RE.exec(line);
  if (m !== null) {
    const bank = parseHashAlgorithm(m[1]);
    return bank === undefined ? undefined : { kind: 'bank', bank };
  }
  m = INDEX_COLON_RE.exec(line);
  if (m !== null) {
    return { kind: 'value', form: 'index-colon', pcr: Number(m[1]), value: fromHex(m[2]) };
  }
  m = INDEX_SPACE_RE.exec(line);
  if (m !== null) {
    return { kind: 'value', form: 'index-space', pcr: Number(m[1]), value: fromHex(m[2]) };
  }
  m = PCR_DASH_RE.exec(line);
  if (m !== null) {
    const spaced = /[0-9a-f]{2}\s[0-9a-f]{2}/i.test(m[3]);
    return {
      kind: 'value',
      form: spaced ? 'tpm12-sysfs-pcrs' : 'evmctl-pcrs',
      pcr: Number(m[2]),
      value: spacedHex(m[3]),
      bank: m[1] === undefined ? undefined : parseHashAlgorithm(m[1]),
    };
  }
  m = IBM_RE.exec(line);
  if (m !== null) {
    return { kind: 'value', form: 'ibmtss-pcrs', pcr: Number(m[1]), value: spacedHex(m[2]) };
  }
  m = TSS_HEADER_RE.exec(line);
  if (m !== null) return { kind: 'header', bankHint: parseHashAlgorithm(m[1]) };
  if (SECTION_RE.test(line) || COMMENT_RE.test(line)) return { kind: 'header' };
  return undefined;
}

const FORM_NAMES: Readonly<Record<string, string>> = {
  'index-colon': 'tss-pcrread',
  'index-space': 'index-hex-lines',
};

/** Line-oriented listings; undefined when no line holds a PCR value. */
export function parsePcrLines(text: string): PcrTextParse | undefined {
  const builder = new PcrValuesBuilder();
  let format: string | undefined;
  let headerBank: HashAlgorithm | undefined;
  let hintBank: HashAlgorithm | undefined;
  let sawBankHeader = false;
  // Text that is neither a value nor YAML structure. tpm2-tools' YAML documents hold much
  // besides the values (event lists, block scalars), so only a plain listing's are said.
  const unread: string[] = [];
  let yaml = false;
  const lines = text.split(/\r?\n/);
  // Byte offset of each line, for messages (UTF-8 lengths: a listing may hold other text).
  let lineStart = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const where = `line ${i + 1} (byte ${lineStart})`;
    lineStart += new TextEncoder().encode(line).length + (text.startsWith('\r\n', lineStart + line.length) ? 2 : 1);
    if (line.trim() === '') continue;
    const c = classifyPcrLine(line);
    if (c === undefined) {
      if (NEAR_MISS_RE.test(line)) {
        builder.reject(`${where}: not a PCR value (expected \`PCR-NN: <hex>\` as evmctl reads, or \`N: <hex>\` / \`N: 0x<hex>\` as tpm2_pcrread prints): ${line.trim().slice(0, 80)}`);
      } else if (YAML_KEY_RE.test(line)) {
        yaml = true;
        unread.push(`${where} \`${line.trim().slice(0, 80)}\``);
      } else {
        unread.push(`${where} \`${line.trim().slice(0, 80)}\``);
      }
      // Anything else ends a YAML bank block (`calcDigest:` after tpm2_quote's `pcrs:`).
      headerBank = undefined;
      continue;
    }
    if (c.kind === 'bank') {
      headerBank = c.bank;
      sawBankHeader = true;
      continue;
    }
    if (c.kind === 'header') {
      if (c.bankHint !== undefined) hintBank = c.bankHint;
      continue;
    }
    if (c.value === undefined) {
      builder.reject(`${where}: PCR ${c.pcr}: not a hex value of whole bytes (expected an even number of hex digits)`);
      continue;
    }
    format ??= sawBankHeader ? 'tpm2-pcrread-yaml' : (FORM_NAMES[c.form] ?? c.form);
    const bank = c.bank ?? headerBank ?? hintBank ?? bankForDigestLength(c.value.length);
    if (bank === undefined) {
      builder.reject(`${where}: PCR ${c.pcr}: ${c.value.length} bytes is no digest size`);
      continue;
    }
    builder.add(bank, c.pcr, c.value, where);
  }
  // Lines that tried to be values and none that was one: a listing, unreadable.
  if (format === undefined && builder.unreadable.length > 0) format = 'unreadable';
  if (format === undefined) return undefined;
  // A listing of PCR-NN lines is no YAML: a line there that looks like a key is still unread.
  if (unread.length > 0 && (!yaml || PLAIN_FORMS.has(format))) {
    const more = unread.length > UNREAD_LINES_QUOTED ? ` and ${unread.length - UNREAD_LINES_QUOTED} more` : '';
    const what = unread.length === 1 ? '1 line is not a PCR value and was not read' : `${formatCount(unread.length)} lines are not PCR values and were not read`;
    builder.problems.push(`${what}: ${unread.slice(0, UNREAD_LINES_QUOTED).join(', ')}${more}`);
  }
  if (/^quoted:/m.test(text)) format = 'tpm2-quote-stdout';
  return { format, values: builder.values, problems: builder.problems, unreadable: builder.unreadable, conflicts: builder.conflicts };
}

const BARE_HEX_RE = /^\s*(?:0x)?([0-9a-f]+)\s*$/i;

/** One digest alone, as in a sysfs `pcr-sha256/10` file. */
export function parseBareDigest(
  text: string,
  selection: readonly PcrBankSelection[] | undefined,
): PcrTextParse | undefined {
  const value = readBareDigestText(text);
  return value === undefined ? undefined : placeBareDigest(value, selection);
}

/** The value of a text that is one hex digest alone (trimmed); undefined for any other text. */
export function readBareDigestText(text: string): Uint8Array | undefined {
  const m = BARE_HEX_RE.exec(text);
  return m === null ? undefined : fromHex(m[1]);
}

/**
 * A bare digest as the PCR of a `selection` naming exactly one PCR of a bank of its size;
 * otherwise returned in `unindexed` with the bank its length tells (undefined: no digest size).
 */
export function placeBareDigest(
  value: Uint8Array,
  selection: readonly PcrBankSelection[] | undefined,
): PcrTextParse | undefined {
  const single =
    selection?.length === 1 && selection[0].pcrs.length === 1 ? selection[0] : undefined;
  const builder = new PcrValuesBuilder();
  if (single?.bank !== undefined && digestSize(single.bank) === value.length) {
    builder.add(single.bank, single.pcrs[0], value, 'line 1');
    return { format: 'sysfs-pcr-file', values: builder.values, problems: builder.problems, unreadable: builder.unreadable, conflicts: builder.conflicts };
  }
  const bank = bankForDigestLength(value.length);
  if (bank === undefined) return undefined;
  return {
    format: 'sysfs-pcr-file',
    values: builder.values,
    problems: [
      `a single ${bank} value without its PCR index: give the selection (for example ${bank}:10)`,
    ],
    unindexed: [{ bank, value }],
  };
}

const PCR_KEY_RE = /^\d{1,3}$/;

/**
 * `{"sha256": {"10": "hex"}}`, `{"pcrs": {…}}`, or `{"10": "hex"}` (bank from length). Read
 * member by member (json-entries.ts): a repeated PCR keeps its first value and is said, as
 * in the line forms; a member that is neither a bank nor a PCR index is said, not dropped.
 */
export function parsePcrJson(text: string): PcrTextParse | undefined {
  const fast = parseJsonObject(text);
  if (fast === undefined) return undefined;
  const fastDoc = isObject(fast.pcrs) ? fast.pcrs : fast;
  if (!Object.keys(fastDoc).some((k) => parseHashAlgorithm(k) !== undefined || PCR_KEY_RE.test(k))) return undefined;
  const top = parseJsonEntries(text);
  if (!(top instanceof JsonEntries)) return undefined;
  const wrapped = top.entries.find(([k]) => k === 'pcrs')?.[1];
  const doc = wrapped instanceof JsonEntries ? wrapped : top;
  const builder = new PcrValuesBuilder();
  let seen = 0;
  for (const [key, entry] of doc.entries) {
    const bank = parseHashAlgorithm(key);
    const members = entry instanceof JsonEntries ? entry.entries : Array.isArray(entry) ? entry.map((v, i) => [String(i), v] as const) : undefined;
    if (bank !== undefined && members !== undefined) {
      for (const [pcrKey, hex] of members) {
        seen++;
        addJsonValue(builder, bank, pcrKey, hex, `"${key}"."${pcrKey}"`);
      }
    } else if (PCR_KEY_RE.test(key) && typeof entry === 'string') {
      seen++;
      addJsonValue(builder, undefined, key, entry, `"${key}"`);
    } else {
      builder.problems.push(`${JSON.stringify(key)}: neither a bank of PCR values (sha1, sha256, sha384, sha512, sm3_256) nor a PCR index with a hex value: not read`);
    }
  }
  if (seen === 0) return undefined;
  return { format: 'json', values: builder.values, problems: builder.problems, unreadable: builder.unreadable, conflicts: builder.conflicts };
}

function addJsonValue(
  builder: PcrValuesBuilder,
  bank: HashAlgorithm | undefined,
  pcrKey: string,
  hex: unknown,
  where: string,
): void {
  const value = typeof hex === 'string' ? fromHex(hex) : undefined;
  if (!PCR_KEY_RE.test(pcrKey) || value === undefined) {
    builder.reject(`${where}: not a PCR index and hex value`);
    return;
  }
  const b = bank ?? bankForDigestLength(value.length);
  if (b === undefined) {
    builder.reject(`${where}: ${value.length} bytes is no digest size`);
    return;
  }
  builder.add(b, Number(pcrKey), value, where);
}

const BARE_HEX_LINE_RE = /^(?:0x)?([0-9a-f]{40}|[0-9a-f]{64}|[0-9a-f]{96}|[0-9a-f]{128})$/i;

/**
 * A HIRS expected-PCR list: one bare digest per line, line N (0-based) holding PCR N, every
 * value of one bank (told by its length). Two lines at least: one bare line is a sysfs PCR
 * file, which names no index (parseBareDigest). Empty lines keep their index unlisted.
 */
export function parseIndexedByLine(text: string): PcrTextParse | undefined {
  const lines = text.replace(/\r?\n$/, '').split(/\r?\n/);
  const values = lines.map((l) => BARE_HEX_LINE_RE.exec(l.trim())?.[1]);
  const listed = values.filter((v) => v !== undefined);
  if (listed.length < 2 || values.some((v, i) => v === undefined && lines[i].trim() !== '')) return undefined;
  const bank = bankForDigestLength(listed[0].length / 2);
  if (bank === undefined || listed.some((v) => v.length !== listed[0].length)) return undefined;
  const builder = new PcrValuesBuilder();
  values.forEach((hex, pcr) => {
    const value = hex === undefined ? undefined : fromHex(hex);
    if (value !== undefined) builder.add(bank, pcr, value, `line ${pcr + 1}`);
  });
  return { format: 'hirs-pcr-lines', values: builder.values, problems: builder.problems, unreadable: builder.unreadable, conflicts: builder.conflicts };
}
