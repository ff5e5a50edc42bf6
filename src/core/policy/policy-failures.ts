/**
 * The report's policy `failures` (CONTRACT §5.3): one per Keylime event, in Keylime's order,
 * made from the events' columns. A list failing a 100k-path policy has 893k of them: as
 * objects with their messages they cost ~1 s of allocation and garbage collection, and as
 * much again to print (issue 13). So the report's `failures` is made only when read (the HTML
 * report, the permalink, the app), and the CLI's JSON writer prints it from the columns.
 */
import { JSON_FIELDS, putBytes, putDecimal, type JsonFieldWriter, type JsonSink } from '../util/json-fields';
import { AROUND_NAME, KEYLIME_EVENT_IDS, type EventId, type KeylimeEvents } from './keylime-events';
import type { PolicyFailureReason, ReportPolicy } from './policy-dry-run';

/**
 * `policy` with its `failures` (after `failed`, the report's order) made from `events` when read.
 * `reason`: an event's reason, from its id and whether its entry holds a key.
 */
export function withFailures(policy: Omit<ReportPolicy, 'failures'>, events: KeylimeEvents, reason: FailureReason): ReportPolicy {
  let rows: ReportPolicy['failures'] | undefined;
  // Property by property, in the report's order: a spread beside an accessor is not kept in
  // order once compiled (esbuild puts the accessor last).
  const out = {} as ReportPolicy;
  for (const [key, value] of Object.entries(policy)) {
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
    if (key === 'failed') {
      Object.defineProperty(out, 'failures', {
        enumerable: true,
        configurable: true,
        get: () => (rows ??= failureRows(events, reason)),
        set: (value: ReportPolicy['failures']) => void (rows = value),
      });
    }
  }
  // Once made (and maybe changed), the rows are what is written.
  const fields: JsonFieldWriter = (key) => (key === 'failures' && rows === undefined ? (sink, depth) => writeFailures(events, reason, sink, depth) : undefined);
  Object.defineProperty(out, JSON_FIELDS, { value: fields });
  return out;
}

export type FailureReason = (id: EventId, keyEntry: boolean) => PolicyFailureReason;

function failureRows(events: KeylimeEvents, reason: FailureReason): ReportPolicy['failures'] {
  const messages = events.messages();
  const out: ReportPolicy['failures'] = new Array(events.length);
  for (let k = 0; k < events.length; k++) {
    out[k] = { index: events.index(k), reason: reason(events.idCode(k), events.keyEntry(k)), keylimeEvent: events.id(k), message: messages[k] };
  }
  return out;
}

const encoder = new TextEncoder();

/**
 * The bytes failureRows' array gives as a JSON value at `depth`, made without it: per failure
 * its entry number between two runs of bytes that only its kind decides (keys, indentation,
 * values, the message's text before the name: KeylimeEvents.kind), and the name as the list
 * holds it, when all of that is JSON as it stands (printable ASCII: KeylimeEvents.plainJsonName);
 * anything else is written as the value it is. Those of plain names are laid out straight
 * into the sink's chunk (`room`): 893k failures of ~240 bytes each, where a call per piece was
 * most of the time.
 */
function writeFailures(events: KeylimeEvents, reason: FailureReason, sink: JsonSink, depth: number): void {
  if (events.length === 0) {
    sink.value([], depth);
    return;
  }
  const indent = (d: number): string => `\n${'  '.repeat(d)}`;
  const head = `{${indent(depth + 2)}"index": `;
  const end = `${indent(depth + 1)}}`;
  // The bytes before each failure's entry number, the first's and then those after the one before.
  const first = encoder.encode(`[${indent(depth + 1)}${head}`);
  const between = encoder.encode(`${end},${indent(depth + 1)}${head}`);
  /** By kind: the bytes from after the entry number to the message's name, and after it. */
  const middles: Array<Middle | undefined> = [];
  const middleOf = (k: number): Middle => {
    const id = events.idCode(k);
    const before = `,${indent(depth + 2)}"reason": ${JSON.stringify(reason(id, events.keyEntry(k)))},${indent(depth + 2)}"keylimeEvent": ${JSON.stringify(KEYLIME_EVENT_IDS[id])},${indent(depth + 2)}"message": `;
    const [text, after] = AROUND_NAME.get(id) ?? ['', ''];
    // The JSON of the text before the name without its closing quote, of the text after it without its opening one.
    return {
      value: encoder.encode(before),
      plain: events.aroundName(k) !== undefined && events.plainJsonName(k),
      before: encoder.encode(before + JSON.stringify(text).slice(0, -1)),
      after: encoder.encode(JSON.stringify(after).slice(1)),
    };
  };
  const { chunkBytes } = sink;
  let chunk = sink.room(0);
  let at = sink.filled;
  for (let k = 0; k < events.length; k++) {
    const kind = events.kind(k);
    const middle = (middles[kind] ??= middleOf(k));
    const lead = k === 0 ? first : between;
    const index = events.index(k);
    // The most this failure takes: an entry number has at most 10 digits.
    const most = lead.length + 10 + middle.before.length + events.nameLength(k) + middle.after.length;
    if (!middle.plain || most > chunk.length - at) {
      sink.fill(at);
      if (!middle.plain || most > chunkBytes) {
        writePieces(events, k, lead, middle, sink, depth);
        chunk = sink.room(0);
        at = sink.filled;
        continue;
      }
      chunk = sink.room(most);
      at = sink.filled;
    }
    at = putBytes(chunk, at, lead);
    at = putDecimal(chunk, at, index);
    at = putBytes(chunk, at, middle.before);
    at = events.copyName(k, chunk, at);
    at = putBytes(chunk, at, middle.after);
  }
  sink.fill(at);
  sink.bytes(encoder.encode(end));
  sink.newline(depth);
  sink.byte(0x5d);
}

/** Failure `k` through the sink's calls: a message that is not plain JSON, or a name longer than a chunk. */
function writePieces(events: KeylimeEvents, k: number, lead: Uint8Array, middle: Middle, sink: JsonSink, depth: number): void {
  sink.bytes(lead);
  sink.integer(events.index(k));
  if (middle.plain) {
    sink.bytes(middle.before);
    sink.bytes(events.nameBytes(k));
    sink.bytes(middle.after);
  } else {
    sink.bytes(middle.value);
    sink.value(events.message(k), depth + 2);
  }
}

/** What comes between a failure's entry number and the message's name, and after the name. */
interface Middle {
  /** The bytes up to the message's value. */
  readonly value: Uint8Array;
  /** Whether the message is the text around the name and the name is plain JSON: `before`, the name and `after` are the message. */
  readonly plain: boolean;
  /** `value`, the message's opening quote and its text before the name. */
  readonly before: Uint8Array;
  /** The message's text after the name and its closing quote. */
  readonly after: Uint8Array;
}
