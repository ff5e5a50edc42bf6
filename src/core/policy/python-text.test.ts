/**
 * Python's whitespace, strip, split and line ends, checked against CPython 3.11's own answers
 * (printed by `python3 -c "…"` and copied here; the command is beside each).
 */
import { describe, expect, it } from 'vitest';
import { isPythonSpace, PYTHON_SPACE_CLASS, pythonFileLines, pythonSplitFirst, pythonSplitlines, pythonStrip } from './python-text';

describe('Python text primitives', () => {
  it('whitespace is str.isspace: [hex(c) for c in range(0x110000) if chr(c).isspace()]', () => {
    const python = [0x9, 0xa, 0xb, 0xc, 0xd, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000];
    const space = new RegExp(`^[${PYTHON_SPACE_CLASS}]$`, 'u');
    const ours: number[] = [];
    for (let c = 0; c < 0x110000; c++) if (space.test(String.fromCodePoint(c))) ours.push(c);
    expect(ours).toEqual(python);
    const units: number[] = [];
    for (let c = 0; c < 0x10000; c++) if (isPythonSpace(c)) units.push(c);
    expect(units).toEqual(python);
  });

  // A regex strip (`^[space]+|[space]+$`) retries its end alternative at every position of an
  // inner run: quadratic, minutes on this line; the index loops are linear.
  it('strip and split(None, 1) of a line with a megabyte of inner whitespace', { timeout: 5000 }, () => {
    const inner = ' '.repeat(1 << 20);
    expect(pythonStrip(`\t a${inner}b \x85`)).toBe(`a${inner}b`);
    expect(pythonSplitFirst(`a${inner}b${inner}c`)).toEqual(['a', `b${inner}c`]);
  });

  it("strip, split(None, 1), splitlines() and a text file's lines, on paths with DEL and C0 controls", () => {
    // ' \x1f/a\x7fb\x1f\ufeff '.strip() == '/a\x7fb\x1f\ufeff'
    expect(pythonStrip(' \x1f/a\x7fb\x1f\ufeff ')).toBe('/a\x7fb\x1f\ufeff');
    // 'ab\x1f/x y\tz'.split(None, 1) == ['ab', '/x y\tz']; 'ab'.split(None, 1) == ['ab']
    expect(pythonSplitFirst('ab\x1f/x y\tz')).toEqual(['ab', '/x y\tz']);
    expect(pythonSplitFirst('ab')).toBeUndefined();
    // 'a\x0bb\x0cc\x1cd\x1de\x1ef\x1fg\x85h\u2028i\u2029j\rk\r\nl\n'.splitlines()
    expect(pythonSplitlines('a\x0bb\x0cc\x1cd\x1de\x1ef\x1fg\x85h\u2028i\u2029j\rk\r\nl\n')).toEqual(['a', 'b', 'c', 'd', 'e', 'f\x1fg', 'h', 'i', 'j', 'k', 'l']);
    // list(io.StringIO('a\x0bb\x1cc\rd\r\ne\n', newline=None)) ends lines at \r, \r\n, \n only
    expect(pythonFileLines('a\x0bb\x1cc\rd\r\ne\n')).toEqual(['a\x0bb\x1cc', 'd', 'e', '']);
  });
});
