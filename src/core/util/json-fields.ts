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
