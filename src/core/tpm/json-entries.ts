/**
 * JSON read with every object member kept, in order, duplicates included. JSON.parse keeps
 * only the last of a repeated key and hides it, so a PCR file `{"sha256": {"10": good, "10":
 * zeros}}` would be read as zeros without a word; the text and YAML listings keep the first
 * value and say so, and a JSON listing read through this does the same. Keys are plain
 * strings in an array, so `__proto__` is a key like any other.
 */

/** An object as its members, in order, repeated keys included. */
export class JsonEntries {
  constructor(readonly entries: ReadonlyArray<readonly [string, JsonValue]>) {}
}

export type JsonValue = null | boolean | number | string | JsonValue[] | JsonEntries;

/** Deeper nesting is refused rather than recursed into (no PCR listing nests this deep). */
const MAX_DEPTH = 64;
const SCALAR_RE = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y;
// eslint-disable-next-line no-control-regex -- JSON forbids raw control characters in strings
const STRING_RE = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const SPACE_RE = /[ \t\n\r]*/y;

/** The JSON value of `text`, or undefined when it is not JSON (or nests deeper than MAX_DEPTH). */
export function parseJsonEntries(text: string): JsonValue | undefined {
  let at = 0;
  const fail = (): never => {
    throw new SyntaxError(`not JSON at ${at}`);
  };
  const space = (): void => {
    SPACE_RE.lastIndex = at;
    SPACE_RE.exec(text);
    at = SPACE_RE.lastIndex;
  };
  const token = (re: RegExp): string => {
    re.lastIndex = at;
    const m = re.exec(text);
    if (m === null) fail();
    at = re.lastIndex;
    return (m as RegExpExecArray)[0];
  };
  const expect = (c: string): void => {
    space();
    if (text[at] !== c) fail();
    at++;
  };
  const value = (depth: number): JsonValue => {
    if (depth > MAX_DEPTH) fail();
    space();
    const c = text[at];
    if (c === '"') return JSON.parse(token(STRING_RE)) as string;
    if (c === '{' || c === '[') {
      at++;
      const close = c === '{' ? '}' : ']';
      const entries: Array<readonly [string, JsonValue]> = [];
      const items: JsonValue[] = [];
      space();
      if (text[at] === close) at++;
      else {
        for (;;) {
          if (c === '{') {
            space();
            const key = JSON.parse(token(STRING_RE)) as string;
            expect(':');
            entries.push([key, value(depth + 1)]);
          } else items.push(value(depth + 1));
          space();
          if (text[at] === ',') at++;
          else break;
        }
        expect(close);
      }
      return c === '{' ? new JsonEntries(entries) : items;
    }
    return JSON.parse(token(SCALAR_RE)) as JsonValue;
  };
  try {
    const v = value(0);
    space();
    return at === text.length ? v : undefined;
  } catch {
    return undefined;
  }
}
