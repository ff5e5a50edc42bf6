/**
 * Python's text primitives as Keylime's readers use them on policy files, where paths come
 * from IMA logs and may hold any byte but NUL (DEL, ESC, the C0 separators…). JavaScript's
 * `\s`, `trim()` and line splitting differ from Python's on exactly those characters:
 *
 *   whitespace (`str.isspace`, `str.strip()`, `str.split()`, `re` `\s`): JavaScript's `\s`
 *     plus U+001C–U+001F and U+0085, minus U+FEFF (a BOM is no Python whitespace)
 *   `str.splitlines()` line ends: \n, \r, \r\n, \v, \f, U+001C–U+001E, U+0085, U+2028, U+2029
 *     (a file read in text mode has had \r\n and \r made \n first)
 */

/** Python's whitespace as inclusive code-unit ranges (none is outside the BMP). */
const PYTHON_SPACE_RANGES: readonly (readonly [number, number])[] = [
  [0x09, 0x0d], [0x1c, 0x20], [0x85, 0x85], [0xa0, 0xa0], [0x1680, 0x1680], [0x2000, 0x200a],
  [0x2028, 0x2029], [0x202f, 0x202f], [0x205f, 0x205f], [0x3000, 0x3000],
];

const classChar = (c: number): string => `\\u${c.toString(16).padStart(4, '0')}`;

/** Python's whitespace, as the body of a regex character class. */
export const PYTHON_SPACE_CLASS = PYTHON_SPACE_RANGES.map(([a, b]) => (a === b ? classChar(a) : `${classChar(a)}-${classChar(b)}`)).join('');

/** `chr(c).isspace()` for a UTF-16 code unit. */
export function isPythonSpace(c: number): boolean {
  for (const [a, b] of PYTHON_SPACE_RANGES) {
    if (c < a) return false;
    if (c <= b) return true;
  }
  return false;
}

// eslint-disable-next-line no-control-regex -- Python's line ends include the C0 separators
const SPLITLINES_RE = /\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/;

// Index loops, not a regex: `[space]+$` is retried at every position of an inner run of
// whitespace, quadratic in its length (a long line of spaces in an allowlist hung the reader).

/** `s.strip()` */
export function pythonStrip(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && isPythonSpace(s.charCodeAt(start))) start++;
  while (end > start && isPythonSpace(s.charCodeAt(end - 1))) end--;
  return s.slice(start, end);
}

/** `s.split(None, 1)` of a stripped `s` when it gives two pieces; else undefined. */
export function pythonSplitFirst(stripped: string): [string, string] | undefined {
  let cut = 0;
  while (cut < stripped.length && !isPythonSpace(stripped.charCodeAt(cut))) cut++;
  let rest = cut;
  while (rest < stripped.length && isPythonSpace(stripped.charCodeAt(rest))) rest++;
  return cut === 0 || rest === stripped.length ? undefined : [stripped.slice(0, cut), stripped.slice(rest)];
}

/** `s.splitlines()` (a trailing line end gives no empty last line, as in Python). */
export function pythonSplitlines(s: string): string[] {
  const lines = s.split(SPLITLINES_RE);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** The lines of a file iterated in text mode (`for line in f`): \n, \r\n and \r end a line. */
export function pythonFileLines(s: string): string[] {
  return s.split(/\r\n|\r|\n/);
}
