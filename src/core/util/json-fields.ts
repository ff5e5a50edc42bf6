/**
 * A field a data object writes into a JSON document itself, from its own columns, instead of
 * being read as a value: a report of a million policy failures would otherwise make a
 * million objects and strings only to print them (issue 13). The object keeps the field as an
 * ordinary property too (what JSON.stringify, structuredClone and every other reader see),
 * and under the symbol JSON_FIELDS a writer that streams the document asks first.
 */

/** Where a field writes itself: the streamed JSON writer's parts (core/export/json-report.ts). */
export interface JsonSink {
  byte(b: number): void;
  /** Bytes that are already JSON text. */
  bytes(b: Uint8Array): void;
  /** A newline and the indentation of `depth`. */
  newline(depth: number): void;
  integer(n: number): void;
  /** Any value, as JSON.stringify(value, null, 2) writes it at `depth`. */
  value(value: unknown, depth: number): void;
  /**
   * For a field that lays out many bytes itself, without a call per piece: the chunk being
   * filled, with at least `free` bytes (at most `chunkBytes`) after `filled`; it is handed
   * out first when it has fewer. What is written there counts once `fill` says where it ends.
   */
  room(free: number): Uint8Array;
  /** Where the bytes written so far end in the chunk `room` gives. */
  readonly filled: number;
  fill(to: number): void;
  /** The size of every chunk. */
  readonly chunkBytes: number;
}

/**
 * What writes field `key`'s value at `depth`, the bytes JSON.stringify would give for the
 * property; undefined leaves the field to be read and written as a value.
 */
export type JsonFieldWriter = (key: string) => ((sink: JsonSink, depth: number) => void) | undefined;

export const JSON_FIELDS: unique symbol = Symbol('imascope.jsonFields');

/** The writer `record` carries under JSON_FIELDS, if any. */
export function jsonFieldWriter(record: object): JsonFieldWriter | undefined {
  return (record as { [JSON_FIELDS]?: JsonFieldWriter })[JSON_FIELDS];
}

/** Copies `bytes` into `into` from `at`; where they end. */
export function putBytes(into: Uint8Array, at: number, bytes: Uint8Array): number {
  // Short runs byte by byte (a call to set costs more), longer ones by set.
  if (bytes.length > 64) {
    into.set(bytes, at);
    return at + bytes.length;
  }
  let to = at;
  for (let b = 0; b < bytes.length; b++) into[to++] = bytes[b];
  return to;
}

/** Writes `n`, a non-negative safe integer, in decimal into `into` from `at` (no string made); where it ends. */
export function putDecimal(into: Uint8Array, at: number, n: number): number {
  let digits = 1;
  for (let p = 10; p <= n; p *= 10) digits++;
  const to = at + digits;
  let v = n;
  for (let d = to - 1; d >= at; d--) {
    into[d] = 0x30 + (v % 10);
    v = Math.floor(v / 10);
  }
  return to;
}
