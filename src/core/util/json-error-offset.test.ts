/** The offset of a JSON syntax error against CPython's json.loads (`JSONDecodeError.pos`). */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { jsonErrorOffset } from './json-error-offset';

const TEXTS = [
  '{"digests": {"/a": ["ab"], }',
  '{"a": [1,\n }',
  '',
  '   ',
  '{',
  '[',
  '{"a" 1}',
  '{"a": }',
  '{"a": 1 "b": 2}',
  '[1 2]',
  '[1,]',
  '{"a": "x',
  '{"a": "x\ty"}',
  '{"a": "\\q"}',
  '{"a": "\\u12G4"}',
  '{"a": "\\',
  '{"a": 01}',
  '{"a": -}',
  '{"a": 1.}',
  '{"a": 1e}',
  '{"a": tru}',
  '{"a": NaN, "b": -Infinity, "c": Infinity}',
  '{"a": 1} x',
  '{"a": 1}  \n',
  '\ufeff{"a": 1}',
  "{'a': 1}",
  '{"a": [1, {"b": [true, false, null, "\\u00e9"]}], "c": -0.5e+3}',
  '{"a":\r\n[\t]}',
  '{"a": 1,\n  "b": [\n    "x",\n    "y"\n  ],\n}',
  '{"\u00e9": "\u00e9", "k": x}',
];

describe('jsonErrorOffset', () => {
  it('is where CPython json.loads stops, for every error, and nothing for valid JSON', () => {
    const script = `
import json, sys
out = []
for t in json.load(sys.stdin):
    try:
        json.loads(t)
        out.append(None)
    except json.JSONDecodeError as e:
        out.append(e.pos)
print(json.dumps(out))`;
    const python = JSON.parse(execFileSync('python3', ['-c', script], { input: JSON.stringify(TEXTS), encoding: 'utf8' })) as Array<number | null>;
    expect(TEXTS.map((t) => jsonErrorOffset(t) ?? null)).toEqual(python);
  });

  it('gives no place, and does not throw, for nesting deeper than the stack', () => {
    expect(jsonErrorOffset('['.repeat(200_000))).toBeUndefined();
  });
});
