/**
 * The firmware event log as `tpm2_eventlog` prints it (quote-format.md §3.6; tpm2-tools
 * `lib/tpm2_eventlog_yaml.c`): a YAML document, `---`, `version: N`, `events:`, one block
 * per event, then a `pcrs:` section with the tool's own replay.
 *
 *   - EventNum: 1                      (absent for a TPM 1.2 "SHA1 log": PCRIndex opens it)
 *     PCRIndex: 0
 *     EventType: EV_S_CRTM_VERSION     ("Unknown event type" for types the tool lacks)
 *     DigestCount: 2
 *     Digests:
 *     - AlgorithmId: sha1
 *       Digest: "…"
 *     EventSize: 16
 *     Event: "1efb6b54…"               (or a decoded block: `Event:` / `Event: |-` + lines)
 *
 * The first event of a crypto-agile log prints `Digest:` and a decoded `SpecID:` block.
 *
 * The digests are all the replay needs, and they are printed whole. The event data is
 * printed as hex for most types (cut at 1024 bytes), and decoded for others (UEFI variables,
 * image loads, GPT, strings). It is rebuilt here where the printing is exact and the
 * rebuilt length equals EventSize (hex, strings, blob addresses, StartupLocality, the Spec ID
 * event); otherwise the event keeps the printed text (`printed`) and no data, so its digest
 * cannot be checked against its data, and says so.
 *
 * Like the binary parser this never throws: a block it cannot read stops the parse with an
 * error at its byte offset, keeping every event before it. The text is read one character per
 * byte, so offsets are the file's (a BOM included) and strings the tool printed raw (`%.*s`)
 * give back their exact bytes, UTF-8 or not.
 */
import { digestSize, parseHashAlgorithm, tpmAlgId, type HashAlgorithm } from '../hash/hash-algorithm';
import { decodeText, encodeText, fromHex } from '../util/bytes';
import type { FirmwareDigest, FirmwareEvent, FirmwareLog, FirmwareLogProblem } from './event-log';
import { parseGuid } from './efi-guid';
import { eventTypeFromName, eventTypeName } from './event-types';
import { parseSpecIdEvent } from './spec-id';

// Values are `[^]*`, not `.*`: a `.*` stops at a U+2028 or a lone \r in the value, and the
// `\s*` before it is then retried at every space (quadratic in a line of spaces).
/** `key: value` */
const FIELD_RE = /^(\w+):\s*([^]*)$/;

/** `---` then `version: N` (tpm2_eventlog's first two lines), then `events:`. */
export function isEventlogYaml(text: string): boolean {
  return /^(?:---[ \t]*\r?\n)?version:[ \t]*\d+[ \t]*\r?\nevents:/.test(text.replace(/^\uFEFF/, ''));
}

/** A line of the input with the byte offset of its first character. */
interface Line {
  text: string;
  offset: number;
  indent: number;
}

/** One event's lines as read, before they are checked and turned into a FirmwareEvent. */
interface EventBlock {
  offset: number;
  number?: number;
  fields: Map<string, Line>;
  digests: Array<{ alg: Line; digest?: Line }>;
  /** The lines under `Event:` (or `SpecID:`), without their indentation. */
  body: Line[];
  bodyKey?: 'Event' | 'SpecID';
  end: number;
}

export function parseEventlogYaml(input: Uint8Array | string): FirmwareLog {
  const bytes = typeof input === 'string' ? encodeText(input) : input;
  const lines = splitLines(byteString(bytes));
  const size = bytes.length;
  const errors: FirmwareLogProblem[] = [];
  const notes: FirmwareLogProblem[] = [];
  const blocks: EventBlock[] = [];
  const toolPcrs = new Map<string, Map<number, Uint8Array>>();
  let section: 'head' | 'events' | 'pcrs' = 'head';
  let bank: Map<number, Uint8Array> | undefined;
  let current: EventBlock | undefined;

  const close = (end: number): void => {
    if (current !== undefined) current.end = end;
    current = undefined;
  };
  for (const line of lines) {
    const t = line.text.trim();
    if (t === '' || t === '---') continue;
    if (line.indent === 0 && /^(?:WARN|WARNING|ERROR)\b/.test(t)) {
      // tpm2_eventlog's stderr, captured with its stdout.
      notes.push({ offset: line.offset, message: `tpm2_eventlog said: ${t}` });
      continue;
    }
    if (section === 'head') {
      if (/^version:\s*\d+$/.test(t) && line.indent === 0) continue;
      if (t === 'events:' && line.indent === 0) section = 'events';
      else errors.push({ offset: line.offset, message: `expected tpm2_eventlog's "version:" and "events:" lines, found "${clip(t)}"` });
      if (errors.length > 0) break;
      continue;
    }
    if (line.indent === 0 && t === 'pcrs:') {
      close(line.offset);
      section = 'pcrs';
      continue;
    }
    if (section === 'pcrs') {
      const bankName = /^(\w+):$/.exec(t);
      const value = /^(\d+)\s*:\s*0x([0-9a-fA-F]+)$/.exec(t);
      if (bankName !== null && line.indent === 2) {
        bank = new Map();
        toolPcrs.set(bankName[1], bank);
      } else if (value !== null && bank !== undefined) {
        const digest = fromHex(value[2]);
        if (digest !== undefined) bank.set(Number(value[1]), digest);
      } else {
        notes.push({ offset: line.offset, message: `a line of the pcrs: section is not understood and was not used: "${clip(t)}"` });
      }
      continue;
    }
    const eventNum = line.indent === 0 ? /^- EventNum:\s*(\d+)$/.exec(t) : null;
    // A SHA1-format log prints no EventNum: its PCRIndex line opens the next event.
    const opensSha1Event = line.indent === 2 && t.startsWith('PCRIndex:') && (current === undefined || current.fields.has('PCRIndex'));
    if (eventNum !== null || opensSha1Event) {
      close(line.offset);
      current = { offset: line.offset, fields: new Map(), digests: [], body: [], end: size };
      if (eventNum !== null) current.number = Number(eventNum[1]);
      blocks.push(current);
      if (eventNum !== null) continue;
    }
    if (current === undefined) {
      errors.push({ offset: line.offset, message: `expected an event ("- EventNum:" or "PCRIndex:"), found "${clip(t)}"` });
      break;
    }
    // The SpecID block's list item sits at the event's own indentation ("  - Signature:").
    const inBody = line.indent >= 4 || (current.bodyKey === 'SpecID' && line.indent === 2 && t.startsWith('- '));
    if (current.bodyKey !== undefined && inBody) {
      const cut = Math.min(4, line.indent);
      current.body.push({ ...line, text: line.text.slice(cut), indent: line.indent - cut });
      continue;
    }
    current.bodyKey = undefined;
    const digestItem = /^- AlgorithmId:\s*([^]*)$/.exec(t);
    if (line.indent === 2 && digestItem !== null) {
      current.digests.push({ alg: { ...line, text: digestItem[1] } });
      continue;
    }
    const lastDigest = current.digests[current.digests.length - 1];
    if (line.indent === 4 && t.startsWith('Digest:') && lastDigest !== undefined && lastDigest.digest === undefined) {
      lastDigest.digest = { ...line, text: t.slice('Digest:'.length).trim() };
      continue;
    }
    const field = line.indent === 2 ? FIELD_RE.exec(t) : null;
    if (field === null) {
      // Text the tool printed unindented inside a decoded block (a string with a newline).
      if (current.body.length > 0) current.body.push({ ...line, indent: 0 });
      else notes.push({ offset: line.offset, message: `a line of event ${blocks.length - 1} is not understood: "${clip(t)}"` });
      continue;
    }
    const [, key, value] = field;
    current.fields.set(key, { ...line, text: value });
    if ((key === 'Event' || key === 'SpecID') && (value === '' || value === '|-' || value === '|')) current.bodyKey = key;
  }
  close(size);

  const events: FirmwareEvent[] = [];
  let specId: FirmwareLog['specId'];
  for (const block of blocks) {
    const built = buildEvent(block, events.length);
    if (typeof built === 'string') {
      errors.push({ offset: block.offset, message: `event ${block.number ?? events.length} at offset ${block.offset}: ${built}; parsing stopped` });
      break;
    }
    if (events.length === 0 && built.spec !== undefined) {
      const parsed = parseSpecIdEvent(built.event.data);
      for (const p of parsed.problems) errors.push({ offset: block.offset, message: p.message });
      specId = parsed.specId;
    }
    events.push(built.event);
  }
  if (errors.length === 0 && blocks.length === 0) errors.push({ offset: 0, message: 'the tpm2_eventlog output lists no event' });
  // tpm2_eventlog ends its output with the `pcrs:` section: without it the text was cut, and
  // its last event may be cut too (its data or digests short), so the log is not whole.
  else if (errors.length === 0 && section !== 'pcrs') {
    errors.push({ offset: size, message: `the tpm2_eventlog output ends before its "pcrs:" section, which tpm2_eventlog always prints last: it was cut short, and its last event (#${blocks.length - 1}) may be incomplete` });
  }
  const log: FirmwareLog = { format: specId === undefined ? 'tpm12' : 'crypto-agile', events, errors, notes, size, printedBy: 'tpm2_eventlog' };
  if (specId !== undefined) log.specId = specId;
  const printed = new Map<HashAlgorithm, Map<number, Uint8Array>>();
  for (const [name, values] of toolPcrs) {
    const alg = parseHashAlgorithm(name);
    if (alg !== undefined) printed.set(alg, values);
  }
  if (printed.size > 0) log.toolPcrs = printed;
  return log;
}

interface BuiltEvent {
  event: FirmwareEvent;
  /** The Spec ID event, rebuilt from its decoded fields. */
  spec?: true;
}

function buildEvent(block: EventBlock, index: number): BuiltEvent | string {
  const pcrLine = block.fields.get('PCRIndex');
  const typeLine = block.fields.get('EventType');
  const sizeLine = block.fields.get('EventSize');
  if (pcrLine === undefined || !/^\d+$/.test(pcrLine.text)) return 'no PCRIndex number';
  if (typeLine === undefined) return 'no EventType';
  if (sizeLine === undefined || !/^\d+$/.test(sizeLine.text)) return 'no EventSize number';
  const pcr = Number(pcrLine.text);
  const named = eventTypeFromName(typeLine.text);
  const type = named ?? UNNAMED_TYPE;
  const eventSize = Number(sizeLine.text);
  const digests: FirmwareDigest[] = [];
  const single = block.fields.get('Digest');
  if (single !== undefined) {
    const digest = readDigest('sha1', single.text);
    if (typeof digest === 'string') return digest;
    digests.push(digest);
  }
  for (const { alg, digest } of block.digests) {
    if (digest === undefined) return `the ${alg.text} digest has no Digest line`;
    const read = readDigest(alg.text, digest.text);
    if (typeof read === 'string') return read;
    digests.push(read);
  }
  if (digests.length === 0) return 'no digest';
  const event: FirmwareEvent = {
    index: block.number ?? index,
    offset: block.offset,
    size: block.end - block.offset,
    pcr,
    type,
    typeName: named === undefined ? `${typeLine.text} (not named by tpm2_eventlog)` : eventTypeName(type),
    digests,
    data: new Uint8Array(0),
  };
  if (block.fields.has('SpecID')) {
    const data = specIdData(block.body);
    if (data === undefined || data.length < eventSize) return 'its SpecID block cannot be read';
    // A vendorInfoSize that runs past the event (tpm2-tools' specid-vendordata.bin): the tool
    // printed bytes beyond EventSize; the event is its EventSize bytes, as in the binary log.
    event.data = data.subarray(0, eventSize);
    return { event, spec: true };
  }
  const data = eventData(block, eventSize);
  if (data !== undefined) event.data = data;
  else event.printed = utf8(block.body.map((l) => l.text).join('\n') || (block.fields.get('Event')?.text ?? ''));
  return { event };
}

/** tpm2_eventlog names a type it does not know "Unknown event type": the number is lost. */
const UNNAMED_TYPE = -1;

function readDigest(algName: string, quoted: string): FirmwareDigest | string {
  const hex = /^"?([0-9a-fA-F]*)"?$/.exec(quoted)?.[1];
  const digest = hex === undefined ? undefined : fromHex(hex);
  if (digest === undefined) return `the ${algName} digest "${clip(quoted)}" is not hex`;
  const bank = parseHashAlgorithm(algName);
  if (bank !== undefined && digest.length !== digestSize(bank)) {
    return `the ${bank} digest has ${digest.length} bytes, not ${digestSize(bank)}`;
  }
  return bank === undefined ? { bank, algId: 0, digest } : { bank, algId: tpmAlgId(bank), digest };
}

/** The event's bytes, where the printing gives them exactly (checked against EventSize). */
function eventData(block: EventBlock, size: number): Uint8Array | undefined {
  if (size === 0) return new Uint8Array(0);
  const event = block.fields.get('Event');
  if (event === undefined) return undefined;
  const hex = /^"([0-9a-fA-F]*)"$/.exec(event.text)?.[1];
  if (hex !== undefined) return exact(fromHex(hex), size);
  const body = block.body;
  if (event.text === '|-' && body.length === 1) return exact(bytesOf(body[0].text), size);
  const fields = new Map(body.map((l) => FIELD_RE.exec(l.text)).filter((m) => m !== null).map((m) => [m[1], m[2]]));
  if (body.length === 2 && fields.has('BlobBase') && fields.has('BlobLength')) {
    const data = new Uint8Array(16);
    const view = new DataView(data.buffer);
    const base = hexU64(fields.get('BlobBase'));
    const length = hexU64(fields.get('BlobLength'));
    if (base === undefined || length === undefined) return undefined;
    view.setBigUint64(0, base, true);
    view.setBigUint64(8, length, true);
    return exact(data, size);
  }
  const variable = uefiVariableData(fields, body.length);
  if (variable !== undefined) return exact(variable, size);
  const locality = fields.get('StartupLocality');
  if (body.length === 1 && locality !== undefined && /^\d+$/.test(locality) && block.fields.get('EventType')?.text === 'EV_NO_ACTION') {
    const data = new Uint8Array(17);
    data.set(encodeText('StartupLocality\0'));
    data[16] = Number(locality);
    return exact(data, size);
  }
  return undefined;
}

/**
 * UEFI_VARIABLE_DATA as version 1 output prints it: VariableName (GUID), UnicodeNameLength,
 * VariableDataLength, UnicodeName (UTF-8 of the UTF-16 name), VariableData (all of it, hex;
 * no line when empty). Version 2 decodes some variables' data (PK, db, SecureBoot…): those
 * have other lines and are not rebuilt.
 */
function uefiVariableData(fields: ReadonlyMap<string, string>, lines: number): Uint8Array | undefined {
  const guid = parseGuid(fields.get('VariableName') ?? '');
  const nameLength = fields.get('UnicodeNameLength');
  const dataLength = fields.get('VariableDataLength');
  const name = fields.get('UnicodeName');
  const hex = fields.get('VariableData');
  if (guid === undefined || nameLength === undefined || dataLength === undefined || name === undefined) return undefined;
  const value = hex === undefined ? new Uint8Array(0) : fromHex(/^"([0-9a-fA-F]*)"$/.exec(hex)?.[1] ?? 'x');
  if (value === undefined || lines !== (hex === undefined ? 4 : 5)) return undefined;
  const units = [...utf8(name)].flatMap((c) => {
    const code = c.codePointAt(0) ?? 0;
    return code > 0xffff ? [0xd800 + ((code - 0x10000) >> 10), 0xdc00 + ((code - 0x10000) & 0x3ff)] : [code];
  });
  if (String(units.length) !== nameLength || String(value.length) !== dataLength) return undefined;
  const data = new Uint8Array(32 + 2 * units.length + value.length);
  const view = new DataView(data.buffer);
  data.set(guid);
  view.setBigUint64(16, BigInt(units.length), true);
  view.setBigUint64(24, BigInt(value.length), true);
  units.forEach((u, i) => view.setUint16(32 + 2 * i, u, true));
  data.set(value, 32 + 2 * units.length);
  return data;
}

/** The TCG_EfiSpecIDEvent bytes its decoded fields spell (spec-id.ts gives the layout). */
function specIdData(body: readonly Line[]): Uint8Array | undefined {
  const value = (key: string): string | undefined => {
    for (const l of body) {
      const m = /^(?:- )?\s*(\w+):\s*([^]*)$/.exec(l.text.trim());
      if (m !== null && m[1] === key) return m[2];
    }
    return undefined;
  };
  const signature = value('Signature');
  const numbers = ['platformClass', 'specVersionMinor', 'specVersionMajor', 'specErrata', 'uintnSize', 'numberOfAlgorithms', 'vendorInfoSize'].map((k) => {
    const v = value(k);
    return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
  });
  const [platformClass, minor, major, errata, uintn, count, vendorSize] = numbers;
  if (signature === undefined || numbers.some((n) => n === undefined) || signature.length > 15) return undefined;
  const algorithms: Array<[number, number]> = [];
  for (let i = 0; i < body.length; i++) {
    const id = /^algorithmId:\s*(\S+)$/.exec(body[i].text.trim());
    const sizeMatch = i + 1 < body.length ? /^digestSize:\s*(\d+)$/.exec(body[i + 1].text.trim()) : null;
    if (id === null || sizeMatch === null) continue;
    const bank = parseHashAlgorithm(id[1]);
    if (bank === undefined) return undefined;
    algorithms.push([tpmAlgId(bank), Number(sizeMatch[1])]);
  }
  const vendorHex = value('vendorInfo')?.replace(/^"|"$/g, '') ?? '';
  const vendor = fromHex(vendorHex);
  if (algorithms.length !== count || vendor === undefined || vendor.length !== vendorSize) return undefined;
  const data = new Uint8Array(28 + 4 * algorithms.length + 1 + vendor.length);
  const view = new DataView(data.buffer);
  data.set(encodeText(signature));
  view.setUint32(16, platformClass ?? 0, true);
  data.set([minor ?? 0, major ?? 0, errata ?? 0, uintn ?? 0], 20);
  view.setUint32(24, algorithms.length, true);
  algorithms.forEach(([id, size], i) => {
    view.setUint16(28 + 4 * i, id, true);
    view.setUint16(30 + 4 * i, size, true);
  });
  data[28 + 4 * algorithms.length] = vendor.length;
  data.set(vendor, 29 + 4 * algorithms.length);
  return data;
}

function exact(data: Uint8Array | undefined, size: number): Uint8Array | undefined {
  return data !== undefined && data.length === size ? data : undefined;
}

function hexU64(text: string | undefined): bigint | undefined {
  return text !== undefined && /^0x[0-9a-fA-F]{1,16}$/.test(text) ? BigInt(text) : undefined;
}

/** Lines of a byte string with their byte offsets; a leading UTF-8 BOM is skipped, not counted out. */
function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let offset = text.startsWith(BOM) ? BOM.length : 0;
  for (const raw of text.slice(offset).split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    lines.push({ text: line, offset, indent: line.length - line.trimStart().length });
    offset += raw.length + 1;
  }
  return lines;
}

const BOM = '\xef\xbb\xbf';

/** One character per byte (U+0000–U+00FF). */
function byteString(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return s;
}

/** The bytes a byte string stands for. */
function bytesOf(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

/** A byte string's text, read as UTF-8 (what tpm2_eventlog writes). */
function utf8(text: string): string {
  return decodeText(bytesOf(text));
}

function clip(text: string): string {
  const readable = utf8(text);
  return readable.length > 60 ? `${readable.slice(0, 59)}…` : readable;
}
