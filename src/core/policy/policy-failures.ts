/**
 * The report's policy `failures` (CONTRACT §5.3): one per Keylime event, in Keylime's order,
 * made from the events' columns. A list failing a 100k-path policy has 893k of them: as
 * objects with their messages they cost ~1 s of allocation and garbage collection, and as
 * much again to print (issue 13). So the report's `failures` is made only when read (the HTML
 * report, the permalink, the app), and the CLI's JSON writer prints it from the columns.
 */
import { JSON_FIELDS, type JsonFieldWriter, type JsonSink } from '../util/json-fields';
import { AROUND_NAME, KEYLIME_EVENT_IDS, type KeylimeEvents } from './keylime-events';
import type { PolicyFailureReason, ReportPolicy } from './policy-dry-run';

/** `policy` with its `failures` (after `failed`, the report's order) made from `events` when read. */
export function withFailures(
  policy: Omit<ReportPolicy, 'failures'>,
  events: KeylimeEvents,
  reason: (k: number) => PolicyFailureReason,
): ReportPolicy {
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

function failureRows(events: KeylimeEvents, reason: (k: number) => PolicyFailureReason): ReportPolicy['failures'] {
  const messages = events.messages();
  const out: ReportPolicy['failures'] = new Array(events.length);
  for (let k = 0; k < events.length; k++) out[k] = { index: events.index(k), reason: reason(k), keylimeEvent: events.id(k), message: messages[k] };
  return out;
}

const encoder = new TextEncoder();

/**
 * The bytes failureRows' array gives as a JSON value at `depth`, made without it: per failure
 * its entry number between two runs of bytes that only its reason and event id decide (keys,
 * indentation, values, the message's text before the name), and the name as the list holds
 * it, when all of that is JSON as it stands (printable ASCII: KeylimeEvents.plainJsonName);
 * anything else is written as the value it is.
 */
function writeFailures(events: KeylimeEvents, reason: (k: number) => PolicyFailureReason, sink: JsonSink, depth: number): void {
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
  /** By event id and reason: the bytes from after the entry number to the message's name. */
  const middles = KEYLIME_EVENT_IDS.map(() => new Map<PolicyFailureReason, Middle>());
  // Nearly every failure has the one before's id and reason: no lookup then.
  let lastId = -1;
  let lastWhy: PolicyFailureReason | undefined;
  let middle: Middle | undefined;
  for (let k = 0; k < events.length; k++) {
    sink.bytes(k === 0 ? first : between);
    sink.integer(events.index(k));
    const why = reason(k);
    const id = events.idCode(k);
    if (middle === undefined || id !== lastId || why !== lastWhy) {
      middle = middles[id].get(why);
      if (middle === undefined) {
        const before = `,${indent(depth + 2)}"reason": ${JSON.stringify(why)},${indent(depth + 2)}"keylimeEvent": ${JSON.stringify(KEYLIME_EVENT_IDS[id])},${indent(depth + 2)}"message": `;
        const [text, after] = AROUND_NAME.get(id) ?? ['', ''];
        // The JSON of the text before the name without its closing quote, of the text after it without its opening one.
        middle = { value: encoder.encode(before), plain: encoder.encode(before + JSON.stringify(text).slice(0, -1)), after: encoder.encode(JSON.stringify(after).slice(1)) };
        middles[id].set(why, middle);
      }
      lastId = id;
      lastWhy = why;
    }
    if (events.aroundName(k) !== undefined && events.plainJsonName(k)) {
      sink.bytes(middle.plain);
      sink.bytes(events.nameBytes(k));
      sink.bytes(middle.after);
    } else {
      sink.bytes(middle.value);
      sink.value(events.message(k), depth + 2);
    }
  }
  sink.bytes(encoder.encode(end));
  sink.newline(depth);
  sink.byte(0x5d);
}

/** What comes between a failure's entry number and the message's name, and after the name. */
interface Middle {
  /** The bytes up to the message's value. */
  readonly value: Uint8Array;
  /** The same and the message's opening quote and its text before the name. */
  readonly plain: Uint8Array;
  /** The message's text after the name and its closing quote. */
  readonly after: Uint8Array;
}
