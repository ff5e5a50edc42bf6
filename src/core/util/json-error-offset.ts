/**
 * Where a JSON text stops being JSON, as Python's `json` module (Keylime's reader) reports it
 * (`JSONDecodeError.pos`): V8's JSON.parse names a position for some errors only ("Unexpected
 * token '}', "…" is not valid JSON" gives none), and a user needs the place in every case.
 * Called only after JSON.parse failed, so it need not be fast; it follows json/decoder.py and
 * json/scanner.py, whose whitespace is space, tab, LF and CR.
 */

class Stop extends Error {
  constructor(readonly at: number) {
    super();
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?/y;

/** The offset of the first error in `text`, or undefined when Python would read it whole. */
export function jsonErrorOffset(text: string): number | undefined {
  try {
    const end = skip(text, value(text, skip(text, 0)));
    return end === text.length ? undefined : end;
  } catch (e) {
    if (e instanceof Stop) return e.at;
    // Nested deeper than the stack (V8's JSON.parse is not recursive): no place to name.
    if (e instanceof RangeError) return undefined;
    throw e;
  }
}

function skip(s: string, at: number): number {
  let i = at;
  while (i < s.length && (s[i] === ' ' || s[i] === '\t' || s[i] === '\n' || s[i] === '\r')) i++;
  return i;
}

/** A value starting at `at` (white space skipped): the offset after it. */
function value(s: string, at: number): number {
  const c = s[at];
  if (c === '"') return string(s, at);
  if (c === '{') return object(s, at);
  if (c === '[') return array(s, at);
  for (const word of ['null', 'true', 'false', 'NaN', 'Infinity', '-Infinity']) if (s.startsWith(word, at)) return at + word.length;
  NUMBER.lastIndex = at;
  if (NUMBER.test(s)) return NUMBER.lastIndex;
  throw new Stop(at);
}

function string(s: string, start: number): number {
  let i = start + 1;
  for (;;) {
    if (i >= s.length) throw new Stop(start);
    const c = s.charCodeAt(i);
    if (c === 0x22) return i + 1;
    if (c < 0x20) throw new Stop(i);
    if (c === 0x5c) {
      const e = s[i + 1];
      if (e === 'u') {
        if (!/^[0-9a-fA-F]{4}$/.test(s.slice(i + 2, i + 6))) throw new Stop(i + 1);
        i += 6;
        continue;
      }
      if (e === undefined) throw new Stop(start);
      if (!'"\\/bfnrt'.includes(e)) throw new Stop(i);
      i += 2;
      continue;
    }
    i++;
  }
}

function object(s: string, start: number): number {
  let i = skip(s, start + 1);
  if (s[i] === '}') return i + 1;
  for (;;) {
    if (s[i] !== '"') throw new Stop(i);
    i = skip(s, string(s, i));
    if (s[i] !== ':') throw new Stop(i);
    i = skip(s, value(s, skip(s, i + 1)));
    if (s[i] === '}') return i + 1;
    if (s[i] !== ',') throw new Stop(i);
    i = skip(s, i + 1);
  }
}

function array(s: string, start: number): number {
  let i = skip(s, start + 1);
  if (s[i] === ']') return i + 1;
  for (;;) {
    i = skip(s, value(s, i));
    if (s[i] === ']') return i + 1;
    if (s[i] !== ',') throw new Stop(i);
    i = skip(s, i + 1);
  }
}
