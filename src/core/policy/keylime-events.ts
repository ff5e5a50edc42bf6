/**
 * Keylime's failure events as columns: per event the entry and the event id's number, and a
 * context only where it cannot be said again from the entry. A list failing a policy has an
 * event for nearly every entry (893k of 1M for a 100k-path policy): an object and a message
 * string each cost seconds of allocation and garbage collection, so the two messages that
 * only name the entry are made when asked for, from the entry's name.
 *
 * What is said of an event later is copied when it is added, while its entry can be read:
 * every event's entry name (its bytes, in one growing buffer), and for the first
 * SHOWN_EVENTS of each id the entry's file digest and template, which the findings spell out.
 * Nothing is read again after the pass, so the events of a list read in windows (the CLI's
 * streaming pass, issue 13) are kept as those of a whole model.
 */
import type { IndexIntoEntryTable } from '../model/ima-log';
import { decodeText, encodeText, toHex } from '../util/bytes';
import type { EntryReader } from './entry-reader';

/** Keylime's event ids; an event stores its id's position here. */
export const KEYLIME_EVENT_IDS = [
  'ima.parser.entry',
  'ima.validation.ima_pcr',
  'ima.validation.tomtou',
  'ima.validation.ima_hash',
  'ima.validation.ima-ng.not_in_allowlist',
  'ima.validation.ima-ng.runtime_policy_hash',
  'ima.validator.ima-sig.invalid_signature',
  'ima.invalid_key',
] as const;
export type KeylimeEventId = (typeof KEYLIME_EVENT_IDS)[number];

export const EventId = {
  ParserEntry: 0,
  ImaPcr: 1,
  Tomtou: 2,
  ImaHash: 3,
  NotInAllowlist: 4,
  RuntimePolicyHash: 5,
  InvalidSignature: 6,
  InvalidKey: 7,
} as const;
export type EventId = (typeof EventId)[keyof typeof EventId];

/** The messages made from the entry's name, Keylime's own wording (keylime/ima/ima.py): text before and after it. */
export const AROUND_NAME: ReadonlyMap<EventId, readonly [string, string]> = new Map([
  [EventId.NotInAllowlist, ['File not found in allowlist: ', '']],
  [EventId.InvalidSignature, ['signature for file ', ' could not be validated']],
]);
/** AROUND_NAME's texts as bytes, by EventId (undefined: a stored context). */
const AROUND_BYTES: ReadonlyArray<readonly [Uint8Array, Uint8Array] | undefined> = KEYLIME_EVENT_IDS.map((_, id) => {
  const around = AROUND_NAME.get(id as EventId);
  return around === undefined ? undefined : [encodeText(around[0]), encodeText(around[1])];
});

/** Bytes of messages decoded at a time (messages()). */
const MESSAGE_PIECE_BYTES = 64 * 1024 * 1024;
/** The longest message laid out in messages()'s buffer; a longer one is made on its own. */
const MAX_MESSAGE_BYTES = 1024 * 1024;
/** Events of each id whose entry's digest and template are kept: as many as a finding spells out. */
export const SHOWN_EVENTS = 8;
/** In an event's id byte: the entry's buffer is a key (an ima-buf key entry). */
const KEY_ENTRY = 0x80;
/** In an event's id byte: the entry's name is JSON as it stands (plainJsonName). */
const PLAIN_NAME = 0x40;
/** In an event's id byte: the event has a stored context (`#contexts`). */
const HAS_CONTEXT = 0x20;
/** The id byte's bits that are the EventId. */
const ID_BITS = 0x1f;
/** Per byte, 1 when JSON.stringify does not leave it as it is in a string: not printable ASCII, `"` or `\`. */
const NOT_PLAIN = Uint8Array.from({ length: 256 }, (_, c) => (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c ? 1 : 0));

export type KeylimeEventContext = string | Readonly<Record<string, unknown>>;

export interface KeylimeEvent {
  /** The entry the event is about. */
  readonly index: IndexIntoEntryTable;
  /** Keylime's event id, e.g. `ima.validation.ima-ng.not_in_allowlist`. */
  readonly id: KeylimeEventId;
  /** Keylime's context: a message, or an object with message/expected/got. */
  readonly context: KeylimeEventContext;
}

/** Of an event among the first SHOWN_EVENTS of its id: its entry's file digest (hex) and template. */
export interface ShownEntry {
  readonly digest: string;
  readonly template: string;
}

export class KeylimeEvents implements Iterable<KeylimeEvent> {
  #entries = new Int32Array(64);
  #ids = new Uint8Array(64);
  /** Where each event's entry name ends in `#names` (it starts where the previous one ends). */
  #nameEnds = new Int32Array(64);
  #names = new Uint8Array(4096);
  #namesLength = 0;
  #length = 0;
  /** Contexts by event number, for the events whose context is not made from the entry's name. */
  readonly #contexts = new Map<number, KeylimeEventContext>();
  readonly #shown = new Map<number, ShownEntry>();
  readonly #perId = new Uint32Array(KEYLIME_EVENT_IDS.length);

  get length(): number {
    return this.#length;
  }

  /**
   * Adds an event about entry `index`, which is entry `i` of `reader` (a window's model may
   * number it from 0). NotInAllowlist and InvalidSignature take no context (it is made from
   * the name). `keyEntry`: the entry's buffer is a key.
   */
  add(index: IndexIntoEntryTable, id: EventId, reader: EntryReader, i: number, context?: KeylimeEventContext, keyEntry = false): void {
    const k = this.#length++;
    if (k === this.#entries.length) {
      this.#entries = grown(this.#entries, 2 * k);
      this.#ids = grown(this.#ids, 2 * k);
      this.#nameEnds = grown(this.#nameEnds, 2 * k);
    }
    this.#entries[k] = index;
    if (context !== undefined) this.#contexts.set(k, context);
    const at = reader.nameAt(i);
    const length = reader.log.entries.nameLength[i];
    let to = this.#namesLength;
    if (to + length > this.#names.length) this.#names = grown(this.#names, 2 * (to + length));
    // Byte by byte: names are short, and a view per event to copy from is garbage. Whether
    // the name is plain JSON is seen in the same loop (the report's writer asks of each).
    const names = this.#names;
    const from = reader.bytes;
    let notPlain = 0;
    for (let b = at, end = at + length; b < end; b++) notPlain |= NOT_PLAIN[(names[to++] = from[b])];
    this.#namesLength = to;
    this.#nameEnds[k] = to;
    this.#ids[k] = id | (keyEntry ? KEY_ENTRY : 0) | (notPlain === 0 ? PLAIN_NAME : 0) | (context !== undefined ? HAS_CONTEXT : 0);
    if (this.#perId[id]++ < SHOWN_EVENTS) {
      const { log } = reader;
      this.#shown.set(k, { digest: toHex(reader.fileDigest(i)), template: log.templates[log.entries.template[i]].name });
    }
  }

  /** The entry of event `k`. */
  index(k: number): IndexIntoEntryTable {
    return this.#entries[k];
  }

  /** The EventId of event `k`. */
  idCode(k: number): EventId {
    return (this.#ids[k] & ID_BITS) as EventId;
  }

  id(k: number): KeylimeEventId {
    return KEYLIME_EVENT_IDS[this.idCode(k)];
  }

  /** Whether event `k`'s entry holds a key in its buffer. */
  keyEntry(k: number): boolean {
    return (this.#ids[k] & KEY_ENTRY) !== 0;
  }

  /** Whether event `k`'s entry name, as the list holds it, is JSON string text as it stands: printable ASCII but `"` and `\`. */
  plainJsonName(k: number): boolean {
    return (this.#ids[k] & PLAIN_NAME) !== 0;
  }

  /**
   * Event `k`'s kind, a number below 256: events of one kind have the same id, the same
   * aroundName, plainJsonName and keyEntry, so their report lines differ only in the entry
   * and the name.
   */
  kind(k: number): number {
    return this.#ids[k];
  }

  /** The length of event `k`'s entry name in bytes. */
  nameLength(k: number): number {
    return this.#nameEnds[k] - (k === 0 ? 0 : this.#nameEnds[k - 1]);
  }

  /** Copies event `k`'s entry name as the list holds it into `into` from `at` (no view made); where it ends. */
  copyName(k: number, into: Uint8Array, at: number): number {
    const names = this.#names;
    let to = at;
    for (let b = k === 0 ? 0 : this.#nameEnds[k - 1], end = this.#nameEnds[k]; b < end; b++) into[to++] = names[b];
    return to;
  }

  /** Event `k`'s entry name as the list holds it (a view of the events' own buffer). */
  nameBytes(k: number): Uint8Array {
    return this.#names.subarray(k === 0 ? 0 : this.#nameEnds[k - 1], this.#nameEnds[k]);
  }

  /** Event `k`'s entry name as text (UTF-8, invalid bytes replaced). */
  name(k: number): string {
    return decodeText(this.nameBytes(k));
  }

  /** The digest and template of event `k`'s entry, when `k` is among the first SHOWN_EVENTS of its id. */
  shown(k: number): ShownEntry | undefined {
    return this.#shown.get(k);
  }

  context(k: number): KeylimeEventContext {
    const stored = this.#contexts.get(k);
    if (stored !== undefined) return stored;
    const [before, after] = AROUND_NAME.get(this.idCode(k)) ?? ['', ''];
    return `${before}${this.name(k)}${after}`;
  }

  /** Whether event `k`'s message is Keylime's text around its entry's name (`around` gives the text). */
  aroundName(k: number): readonly [Uint8Array, Uint8Array] | undefined {
    return (this.#ids[k] & HAS_CONTEXT) !== 0 ? undefined : AROUND_BYTES[this.idCode(k)];
  }

  /** The context's message (the context itself when it is text). */
  message(k: number): string {
    const c = this.context(k);
    return typeof c === 'string' ? c : String(c.message);
  }

  /**
   * Every event's message, in order, as `message` gives them. Those made from a name of plain
   * ASCII are laid out in a buffer, decoded at once and cut out of that text (ASCII: a byte is
   * a character), instead of a decode and a concatenation per event. The buffer is decoded
   * every `pieceBytes` or so: V8's strings end at 2^29 characters, and four million failing
   * entries with long names would pass that in one piece.
   */
  messages(pieceBytes = MESSAGE_PIECE_BYTES): string[] {
    const n = this.#length;
    const out = new Array<string>(n);
    let total = 0;
    for (let k = 0; k < n; k++) {
      const around = this.aroundName(k);
      if (around !== undefined) total += around[0].length + this.nameBytes(k).length + around[1].length;
    }
    const buffer = new Uint8Array(Math.min(total, pieceBytes + MAX_MESSAGE_BYTES));
    /** Where each event's message starts in `buffer`'s current piece; -1: made on its own. */
    const start = new Int32Array(n).fill(-1);
    let at = 0;
    /** The first event of the current piece. */
    let first = 0;
    const cut = (end: number): void => {
      const text = decodeText(buffer.subarray(0, at));
      let to = at;
      for (let k = end - 1; k >= first; k--) {
        if (start[k] < 0) continue;
        out[k] = text.slice(start[k], to);
        to = start[k];
      }
      at = 0;
      first = end;
    };
    const copy = (from: Uint8Array): number => {
      let high = 0;
      for (let b = 0; b < from.length; b++) high |= buffer[at++] = from[b];
      return high;
    };
    for (let k = 0; k < n; k++) {
      const around = this.aroundName(k);
      if (around === undefined) continue;
      const name = this.nameBytes(k);
      const length = around[0].length + name.length + around[1].length;
      // A name too long for the buffer (the kernel caps names far below it) is made on its own.
      if (length > MAX_MESSAGE_BYTES) continue;
      if (at > 0 && at + length > pieceBytes) cut(k);
      const from = at;
      const high = copy(around[0]) | copy(name) | copy(around[1]);
      if (high >= 0x80) at = from;
      else start[k] = from;
    }
    cut(n);
    for (let k = 0; k < n; k++) if (out[k] === undefined) out[k] = this.message(k);
    return out;
  }

  at(k: number): KeylimeEvent {
    return { index: this.#entries[k], id: this.id(k), context: this.context(k) };
  }

  *[Symbol.iterator](): Iterator<KeylimeEvent> {
    for (let k = 0; k < this.#length; k++) yield this.at(k);
  }
}

function grown<T extends Int32Array | Uint8Array>(column: T, length: number): T {
  const out = new (column.constructor as new (n: number) => T)(length);
  out.set(column);
  return out;
}
