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

/** Python's whitespace, as the body of a regex character class. */
export const PYTHON_SPACE_CLASS = '\\t-\\r\\x1c- \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';

const STRIP_RE = new RegExp(`^[${PYTHON_SPACE_CLASS}]+|[${PYTHON_SPACE_CLASS}]+$`, 'g');
const SPLIT_FIRST_RE = new RegExp(`^([^${PYTHON_SPACE_CLASS}]+)[${PYTHON_SPACE_CLASS}]+([^]+)$`);
// eslint-disable-next-line no-control-regex -- Python's line ends include the C0 separators
const SPLITLINES_RE = /\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/;

/** `s.strip()` */
export function pythonStrip(s: string): string {
  return s.replace(STRIP_RE, '');
}

/** `s.split(None, 1)` of a stripped `s` when it gives two pieces; else undefined. */
export function pythonSplitFirst(stripped: string): [string, string] | undefined {
  const m = SPLIT_FIRST_RE.exec(stripped);
  return m === null ? undefined : [m[1], m[2]];
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
