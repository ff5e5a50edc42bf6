import { describe, expect, it } from 'vitest';
import { JsonEntries, parseJsonEntries, type JsonValue } from './json-entries';

/** The value as JSON.parse gives it (last of a repeated key wins), to compare with JSON.parse. */
function asParsed(v: JsonValue): unknown {
  if (v instanceof JsonEntries) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of v.entries) Object.defineProperty(out, k, { value: asParsed(x), enumerable: true, configurable: true, writable: true });
    return out;
  }
  return Array.isArray(v) ? v.map(asParsed) : v;
}

describe('parseJsonEntries', () => {
  it('reads what JSON.parse reads, the same', () => {
    const docs = [
      '{}',
      '[]',
      ' {"a": [1, -2.5e3, true, false, null, "x\\"\\u00e9\\n"], "b": {"c": {}}, "": 0} ',
      '"s"',
      '12',
      '{"__proto__": {"10": "00"}, "constructor": 1}',
    ];
    for (const d of docs) {
      const v = parseJsonEntries(d);
      expect(v).not.toBeUndefined();
      expect(asParsed(v as JsonValue)).toEqual(JSON.parse(d));
    }
  });

  it('keeps every member in order, repeated keys included', () => {
    const v = parseJsonEntries('{"10": "a", "10": "b", "__proto__": 1}');
    expect(v instanceof JsonEntries ? v.entries : undefined).toEqual([['10', 'a'], ['10', 'b'], ['__proto__', 1]]);
  });

  it('refuses what JSON.parse refuses, and nesting deeper than it reads', () => {
    for (const bad of ['', '{', '{"a":}', '{"a":1,}', '[1 2]', "{'a':1}", '01', '{"a":1} x', '"\u0001"', 'nul']) {
      expect(() => JSON.parse(bad)).toThrow();
      expect(parseJsonEntries(bad)).toBeUndefined();
    }
    expect(parseJsonEntries('['.repeat(100_000))).toBeUndefined();
  });
});
