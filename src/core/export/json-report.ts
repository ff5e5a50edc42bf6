/** The CONTRACT §3 report as the one JSON document `imascope analyze --json` prints. */
import type { Report } from '../report/report';
import { jsonFieldWriter, putBytes, putDecimal, type JsonSink } from '../util/json-fields';

export function exportJsonReport(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** Bytes handed to the writer at a time: the size of every chunk filled. */
export const REPORT_CHUNK_BYTES = 1 << 20;
const CHUNK_BYTES = REPORT_CHUNK_BYTES;

/**
 * The same bytes as `exportJsonReport`, as UTF-8 in pieces of about a megabyte: a report of a
 * million failing entries is ~200 MB of JSON, which as one string (and its UTF-8 copy for
 * stdout) cost seconds and gigabytes. Written as `JSON.stringify(value, null, 2)` does: keys
 * in own enumerable order, `undefined`, functions and symbols left out of objects (null in
 * arrays), `toJSON` honoured; strings and numbers are JSON.stringify's own text (plain ASCII
 * strings, nearly every one here, are copied without it). `write` may keep each chunk, unless
 * it returns true: it is done with the chunk, which is then filled again; or it returns the
 * chunk to fill next (one of a few it writes out in turn, `first` the first of them). Reusing
 * chunks matters on this VM, where a fresh page costs ~18 µs when first written: 200 MB of
 * new chunks cost ~0.7 s (BENCHMARKS.md).
 */
export function writeJsonReport(report: Report, write: ChunkWriter, first?: Uint8Array): void {
  const out = new JsonBytes(write, first ?? new Uint8Array(CHUNK_BYTES));
  out.value(withToJson(report, ''), 0);
  out.byte(0x0a);
  out.flush();
}

/**
 * Takes a chunk of the document; true when it no longer needs the chunk (written out, copied),
 * or the chunk (of REPORT_CHUNK_BYTES) to fill next.
 */
export type ChunkWriter = (chunk: Uint8Array) => boolean | void | Uint8Array;

const encoder = new TextEncoder();
/** Strings up to this length are looked up in the cache of strings written before (its lookup hashes the string once). */
const SHORT_STRING = 48;
const MAX_CACHED_STRINGS = 4096;

class JsonBytes implements JsonSink {
  #chunk: Uint8Array;
  #at = 0;
  /** Chunks handed out so far (a position in the chunk means something only within one). */
  #flushes = 0;
  /** `\n` and the indentation of each depth, and `"key": ` per key, encoded once. */
  readonly #newlines: Uint8Array[] = [];
  readonly #commaNewlines: Uint8Array[] = [];
  readonly #keys = new Map<string, Uint8Array>();
  /** Short strings written before, encoded: a failure's reason and Keylime event repeat a million times. */
  readonly #short = new Map<string, Uint8Array>();

  constructor(
    private readonly write: ChunkWriter,
    first: Uint8Array,
  ) {
    if (first.length !== CHUNK_BYTES) throw new Error(`a report chunk has ${first.length} bytes, not ${CHUNK_BYTES}`);
    this.#chunk = first;
  }

  flush(): void {
    if (this.#at === 0) return;
    const done = this.write(this.#chunk.subarray(0, this.#at));
    if (done instanceof Uint8Array) {
      if (done.length !== CHUNK_BYTES) throw new Error(`a report chunk has ${done.length} bytes, not ${CHUNK_BYTES}`);
      this.#chunk = done;
    } else if (done !== true) this.#chunk = new Uint8Array(CHUNK_BYTES);
    this.#at = 0;
    this.#flushes++;
  }

  get chunkBytes(): number {
    return CHUNK_BYTES;
  }

  get filled(): number {
    return this.#at;
  }

  room(free: number): Uint8Array {
    if (free > CHUNK_BYTES) throw new Error(`no chunk has room for ${free} bytes`);
    if (this.#at + free > CHUNK_BYTES) this.flush();
    return this.#chunk;
  }

  fill(to: number): void {
    this.#at = to;
  }

  byte(b: number): void {
    if (this.#at === CHUNK_BYTES) this.flush();
    this.#chunk[this.#at++] = b;
  }

  bytes(b: Uint8Array): void {
    if (this.#at + b.length > CHUNK_BYTES) {
      this.flush();
      if (b.length > CHUNK_BYTES) {
        this.write(b.slice());
        return;
      }
    }
    this.#at = putBytes(this.#chunk, this.#at, b);
  }

  /** Text known to be ASCII. */
  ascii(text: string): void {
    if (this.#at + text.length > CHUNK_BYTES) this.flush();
    const c = this.#chunk;
    let at = this.#at;
    for (let k = 0; k < text.length; k++) c[at++] = text.charCodeAt(k);
    this.#at = at;
  }

  /** A newline and the indentation of `depth`. */
  newline(depth: number): void {
    this.bytes(this.#newline(depth));
  }

  #newline(depth: number): Uint8Array {
    return (this.#newlines[depth] ??= encoder.encode(`\n${'  '.repeat(depth)}`));
  }

  /** A comma, a newline and the indentation of `depth`. */
  #commaNewline(depth: number): Uint8Array {
    return (this.#commaNewlines[depth] ??= encoder.encode(`,\n${'  '.repeat(depth)}`));
  }

  key(key: string): void {
    let b = this.#keys.get(key);
    if (b === undefined) {
      b = encoder.encode(`${JSON.stringify(key)}: `);
      if (this.#keys.size < 1024) this.#keys.set(key, b);
    }
    this.bytes(b);
  }

  /** A JSON string: printable ASCII without `"` or `\` copied as is, anything else as JSON.stringify writes it. */
  string(s: string): void {
    const n = s.length;
    if (this.#at + n + 2 > CHUNK_BYTES) this.flush();
    if (n + 2 <= CHUNK_BYTES) {
      const c = this.#chunk;
      const start = this.#at;
      let at = start;
      c[at++] = 0x22;
      let k = 0;
      for (; k < n; k++) {
        const ch = s.charCodeAt(k);
        if (ch < 0x20 || ch > 0x7e || ch === 0x22 || ch === 0x5c) break;
        c[at++] = ch;
      }
      if (k === n) {
        c[at++] = 0x22;
        this.#at = at;
        return;
      }
    }
    this.bytes(encoder.encode(JSON.stringify(s)));
  }

  /** An integer within ±2^53, digit by digit (no string made: reports list a million entry numbers). */
  integer(n: number): void {
    if (this.#at + 17 > CHUNK_BYTES) this.flush();
    if (n < 0) this.#chunk[this.#at++] = 0x2d;
    this.#at = putDecimal(this.#chunk, this.#at, Math.abs(n));
  }

  /** `lead` and then `n`, a non-negative safe integer: an array's item after the first check (a finding lists a million entry numbers). */
  #leadAndInteger(lead: Uint8Array, n: number): void {
    if (this.#at + lead.length + 16 > CHUNK_BYTES) this.flush();
    this.#at = putDecimal(this.#chunk, putBytes(this.#chunk, this.#at, lead), n);
  }

  /** A short string from the cache, else written and, while the cache has room, kept. */
  shortString(s: string): void {
    const cached = this.#short.get(s);
    if (cached !== undefined) return this.bytes(cached);
    const start = this.#at;
    const flushes = this.#flushes;
    this.string(s);
    // Taken from the chunk when the string landed in it whole (no flush in between).
    if (this.#short.size < MAX_CACHED_STRINGS && this.#flushes === flushes) this.#short.set(s, this.#chunk.slice(start, this.#at));
  }

  /** `value` with its toJSON applied (and not one JSON leaves out), at indentation `depth`. */
  value(value: unknown, depth: number): void {
    if (typeof value === 'string') return value.length <= SHORT_STRING ? this.shortString(value) : this.string(value);
    if (typeof value === 'number' && Number.isSafeInteger(value)) return this.integer(value);
    // Numbers, booleans and null: JSON.stringify's text is ASCII.
    if (value === null || typeof value !== 'object') return this.ascii(JSON.stringify(value) ?? 'null');
    if (Array.isArray(value)) {
      if (value.length === 0) return this.ascii('[]');
      this.byte(0x5b);
      const newline = this.#newline(depth + 1);
      const commaNewline = this.#commaNewline(depth + 1);
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        if (typeof item === 'number' && item >= 0 && Number.isSafeInteger(item)) {
          this.#leadAndInteger(i > 0 ? commaNewline : newline, item);
          continue;
        }
        if (i > 0) this.byte(0x2c);
        this.newline(depth + 1);
        const json = withToJson(item, i);
        if (isOmitted(json)) this.ascii('null');
        else this.value(json, depth + 1);
      }
      this.newline(depth);
      return this.byte(0x5d);
    }
    const record = value as Record<string, unknown>;
    const fields = jsonFieldWriter(record);
    let first = true;
    // for…in over own keys is Object.keys' order without an array per object.
    for (const key in record) {
      if (!Object.hasOwn(record, key)) continue;
      const writeField = fields?.(key);
      if (writeField !== undefined) {
        this.byte(first ? 0x7b : 0x2c);
        first = false;
        this.newline(depth + 1);
        this.key(key);
        writeField(this, depth + 1);
        continue;
      }
      const item = withToJson(record[key], key);
      if (isOmitted(item)) continue;
      this.byte(first ? 0x7b : 0x2c);
      first = false;
      this.newline(depth + 1);
      this.key(key);
      this.value(item, depth + 1);
    }
    if (first) return this.ascii('{}');
    this.newline(depth);
    this.byte(0x7d);
  }
}

/** `value.toJSON(key)` when it has one, as JSON.stringify calls it (an array index as a string). */
function withToJson(value: unknown, key: string | number): unknown {
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return (value as { toJSON(key: string): unknown }).toJSON(String(key));
  }
  return value;
}

function isOmitted(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}
