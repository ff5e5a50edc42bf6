/**
 * The firmware log as a TCG Canonical Event Log in its JSON form (CEL-JSON), as tpm2-tss'
 * FAPI writes it (`tss2 quote --pcrLog`, Fapi_GetEventLog; `src/tss2-fapi/
 * ifapi_json_eventlog_serialize.c`), and the same records written as YAML (tpm2-tools'
 * `event-moklisttrusted-hex.yaml` fixture):
 *
 *   [{"recnum": 0, "pcr": 7, "content_type": "pcclient_std",
 *     "content": {"event_type": "EV_SEPARATOR", "event_data": "00000000"},
 *     "digests": [{"hashAlg": "sha256", "digest": "…"}]}, …]
 *
 * `recnum` counts per PCR in FAPI's output, so the records' own order is the log's order.
 * Records carry the whole event data, so the events are exactly the binary log's. Records of
 * another content type (FAPI's `ima_template`, systemd's) are kept as events that extend their
 * digests, their content shown as printed; CEL management records (`cel`) extend nothing.
 */
import { digestSize, parseHashAlgorithm, tpmAlgId } from '../hash/hash-algorithm';
import { isObject } from '../tpm/json-value';
import { encodeText, fromHex } from '../util/bytes';
import type { FirmwareDigest, FirmwareEvent, FirmwareLog, FirmwareLogProblem } from './event-log';
import { EV_NO_ACTION, eventTypeFromName, eventTypeName } from './event-types';
import { isSpecIdEventData, parseSpecIdEvent } from './spec-id';

/** A JSON array or YAML sequence whose first record has CEL's members. */
export function isCelText(text: string): boolean {
  const head = text.slice(0, 4096);
  return /"?content_type"?\s*:/.test(head) && /"?digests"?\s*:/.test(head) && /^\s*(?:\[|---|- )/.test(head);
}

export function parseCel(text: string): FirmwareLog {
  const errors: FirmwareLogProblem[] = [];
  const read = readRecords(text);
  const size = encodeText(text).length;
  if (read === undefined) {
    return { format: 'crypto-agile', events: [], errors: [{ offset: 0, message: 'not a CEL-JSON array (nor its YAML form) of records' }], notes: [], size };
  }
  const { records, cutAt } = read;
  if (cutAt !== undefined) {
    const offset = encodeText(text.slice(0, cutAt)).length;
    errors.push({ offset, message: `the text from byte ${offset} is not a whole record (a log cut short?): the ${records.length} records before it are read` });
  }
  const events: FirmwareEvent[] = [];
  const notes: FirmwareLogProblem[] = [];
  for (const [n, record] of records.entries()) {
    const event = readRecord(record, events.length);
    if (typeof event === 'string') {
      errors.push({ offset: 0, message: `record ${n}: ${event}; reading stopped` });
      break;
    }
    if (event !== undefined) events.push(event);
    else notes.push({ offset: 0, message: `record ${n} is a CEL management record: nothing is extended by it` });
  }
  if (records.length === 0) errors.push({ offset: 0, message: 'the CEL log holds no record' });
  const first = events[0];
  const spec = first !== undefined && first.type === EV_NO_ACTION && isSpecIdEventData(first.data) ? parseSpecIdEvent(first.data) : undefined;
  for (const p of spec?.problems ?? []) errors.push({ offset: 0, message: p.message });
  const log: FirmwareLog = { format: spec?.specId !== undefined || first?.type !== EV_NO_ACTION ? 'crypto-agile' : 'tpm12', events, errors, notes, size, printedBy: 'cel' };
  if (spec?.specId !== undefined) log.specId = spec.specId;
  return log;
}

/** How many record starts, from the end, a damaged text is cut back to before it is refused. */
const MAX_CUTS = 8;

/**
 * The records of the whole text; or, when it does not read (a log cut short), of the text up to
 * one of its last record starts, with `cutAt` there: the records before the damage are kept.
 */
function readRecords(text: string): { records: unknown[]; cutAt?: number } | undefined {
  const json = text.trimStart().startsWith('[');
  const whole = recordsOf(text, json);
  if (whole !== undefined) return { records: whole };
  // A record starts at "{" after "[" or "," (JSON), or at a "- " line (YAML). Cut there, JSON
  // closes its array before the separator, so it reads as the records before it.
  const starts = [...text.matchAll(json ? /[[,]\s*\{/g : /^- /gm)].map((m) => m.index);
  for (const at of starts.reverse().slice(0, MAX_CUTS)) {
    const kept = json ? `${text.slice(0, at)}${text[at] === '[' ? '[]' : ']'}` : text.slice(0, at);
    const records = recordsOf(kept, json);
    if (records !== undefined) return { records, cutAt: json ? at + 1 : at };
  }
  return undefined;
}

function recordsOf(text: string, json: boolean): unknown[] | undefined {
  if (!json) {
    const doc = parseBlockYaml(text);
    return Array.isArray(doc) ? doc : undefined;
  }
  try {
    const doc: unknown = JSON.parse(text);
    return Array.isArray(doc) ? doc : undefined;
  } catch {
    return undefined;
  }
}

/** One record as an event; undefined for a management record; a string says what is wrong. */
function readRecord(record: unknown, index: number): FirmwareEvent | undefined | string {
  if (!isObject(record)) return 'not an object';
  const pcr = member(record, 'pcr');
  const contentType = member(record, 'content_type');
  const content = member(record, 'content');
  const digestList = member(record, 'digests');
  if (contentType === 'cel') return undefined;
  if (typeof pcr !== 'number' || !Number.isInteger(pcr) || pcr < 0 || pcr > 0xffffffff) return 'no "pcr" number';
  if (!Array.isArray(digestList) || digestList.length === 0) return 'no "digests"';
  const digests: FirmwareDigest[] = [];
  for (const d of digestList) {
    const alg = isObject(d) ? member(d, 'hashAlg') : undefined;
    const hex = isObject(d) ? member(d, 'digest') : undefined;
    const bank = typeof alg === 'string' ? parseHashAlgorithm(alg) : undefined;
    const digest = typeof hex === 'string' ? fromHex(hex) : undefined;
    if (bank === undefined || digest === undefined) return `a digest is not {"hashAlg": a known hash, "digest": hex}`;
    if (digest.length !== digestSize(bank)) return `its ${bank} digest has ${digest.length} bytes, not ${digestSize(bank)}`;
    digests.push({ bank, algId: tpmAlgId(bank), digest });
  }
  const event: FirmwareEvent = { index, offset: 0, size: 0, pcr, type: -1, typeName: '', digests, data: new Uint8Array(0) };
  if (contentType === 'pcclient_std' && isObject(content)) {
    const typeText = member(content, 'event_type');
    const type = typeof typeText === 'number' ? typeText : typeof typeText === 'string' ? eventTypeFromName(typeText) : undefined;
    const data = member(content, 'event_data');
    const bytes = typeof data === 'string' ? fromHex(data) : undefined;
    if (type === undefined) return `event_type ${JSON.stringify(typeText)} is not an event type`;
    if (bytes === undefined) return 'its event_data is not hex';
    return { ...event, type, typeName: eventTypeName(type), data: bytes, size: bytes.length };
  }
  // Another content type: its digests still extend the PCR; its content is shown as given.
  return { ...event, typeName: `CEL ${typeof contentType === 'string' ? contentType : 'record'}`, printed: JSON.stringify(content ?? null) };
}

/** A member the record itself holds (never one inherited from Object.prototype). */
function member(o: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(o, key) ? o[key] : undefined;
}

/**
 * The subset of block YAML that a dump of CEL records uses: sequences (`- `), mappings
 * (`key: value`), and plain, single- or double-quoted scalars; integers become numbers.
 * Undefined for anything else (flow collections, anchors, multi-line scalars).
 */
export function parseBlockYaml(text: string): unknown {
  const lines = text
    .split('\n')
    .map((l) => l.replace(/\r$/, ''))
    .filter((l) => l.trim() !== '' && l.trim() !== '---' && !l.trimStart().startsWith('#'));
  let at = 0;
  const indentOf = (l: string): number => l.length - l.trimStart().length;

  const scalar = (raw: string): unknown => {
    const v = raw.trim();
    if (/^'.*'$/.test(v)) return v.slice(1, -1).replace(/''/g, "'");
    if (/^".*"$/.test(v)) {
      try {
        return JSON.parse(v) as unknown;
      } catch {
        throw new SyntaxError('bad string');
      }
    }
    if (/^-?\d+$/.test(v)) return Number(v);
    if (/^[[{&*!|>]/.test(v)) throw new SyntaxError('unsupported YAML');
    return v;
  };

  // A block at `indent`: a sequence when its first line starts with "- ", else a mapping.
  const block = (indent: number): unknown => {
    if (lines[at].trimStart().startsWith('- ') || lines[at].trim() === '-') return sequence(indent);
    return mapping(indent, new Map());
  };
  const sequence = (indent: number): unknown[] => {
    const items: unknown[] = [];
    while (at < lines.length && indentOf(lines[at]) === indent && lines[at].trimStart().startsWith('-')) {
      const rest = lines[at].trimStart().slice(1);
      const inner = indent + 1 + (rest.length - rest.trimStart().length);
      if (rest.trim() === '') {
        at++;
        items.push(at < lines.length && indentOf(lines[at]) > indent ? block(indentOf(lines[at])) : null);
      } else if (/^[^'"][^:]*:(\s|$)/.test(rest.trim())) {
        // "- key: value" opens a mapping whose keys sit at the column after "- ".
        lines[at] = ' '.repeat(inner) + rest.trim();
        items.push(mapping(inner, new Map()));
      } else {
        items.push(scalar(rest));
        at++;
      }
    }
    return items;
  };
  const mapping = (indent: number, into: Map<string, unknown>): Record<string, unknown> => {
    while (at < lines.length && indentOf(lines[at]) === indent && !lines[at].trimStart().startsWith('- ')) {
      // `[^]*`, not `.*`: one stopping at U+2028 makes `\s+` retry at every space (quadratic).
      const m = /^([^:]+):(?:\s+([^]*))?$/.exec(lines[at].trim());
      if (m === null) throw new SyntaxError(`not a mapping line: ${lines[at]}`);
      at++;
      const value = m[2] === undefined || m[2] === '' ? (at < lines.length && indentOf(lines[at]) >= indent && (indentOf(lines[at]) > indent || lines[at].trimStart().startsWith('- ')) ? block(indentOf(lines[at])) : null) : scalar(m[2]);
      into.set(m[1].trim(), value);
    }
    // Keys become own data properties of a null-prototype object: "__proto__" is a key like any other.
    const o = Object.create(null) as Record<string, unknown>;
    for (const [k, v] of into) Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
    return o;
  };
  try {
    if (lines.length === 0) return undefined;
    const doc = block(indentOf(lines[0]));
    return at === lines.length ? doc : undefined;
  } catch {
    return undefined;
  }
}
