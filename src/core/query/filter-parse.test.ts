/**
 * The display filter's grammar: every operator, precedence, the positions of syntax errors,
 * and words that are object-prototype keys.
 */
import { describe, expect, it } from 'vitest';
import { parseFilter, type FilterNode } from './filter-parse';
import { tokenize } from './filter-tokens';
import { regexRisk } from './safe-regex';

/** A compact, unambiguous rendering of the tree: (and a b), pcr==10… */
function show(node: FilterNode | undefined): string {
  if (node === undefined) return '∅';
  switch (node.kind) {
    case 'and':
    case 'or':
      return `(${node.kind} ${show(node.left)} ${show(node.right)})`;
    case 'not':
      return `(not ${show(node.operand)})`;
    case 'has':
      return `has:${node.field}`;
    case 'search':
      return `search:${JSON.stringify(node.text)}`;
    case 'matches':
      return `${node.field}~/${node.regex.source}/${node.regex.flags}`;
    case 'compare':
    case 'contains': {
      const op = node.kind === 'compare' ? node.op : ' contains ';
      return `${node.field}${op}${showValue(node.value)}`;
    }
    case 'in':
      return `${node.field} in{${node.values.map(showValue).join(',')}}`;
  }
}

function showValue(v: Extract<FilterNode, { kind: 'compare' }>['value']): string {
  switch (v.kind) {
    case 'number':
      return v.min === v.max ? String(v.min) : `${v.min}..${v.max}`;
    case 'text':
      return JSON.stringify(v.text);
    case 'hex':
      return v.alg === undefined ? `0x${v.hex}` : `${v.alg}:0x${v.hex}`;
    case 'word':
      return v.word;
  }
}

function tree(text: string): string {
  const parsed = parseFilter(text);
  if (!parsed.ok) throw new Error(`did not parse: ${parsed.error.message} at ${parsed.error.start}`);
  return show(parsed.node);
}

function error(text: string): { start: number; end: number; message: string } {
  const parsed = parseFilter(text);
  if (parsed.ok) throw new Error(`parsed: ${show(parsed.node)}`);
  return parsed.error;
}

describe('tokenize', () => {
  it('keeps positions and splits operators from words', () => {
    const t = tokenize('pcr==10&&!(name~"a b")');
    expect(t.ok).toBe(true);
    if (!t.ok) return;
    expect(t.tokens.map((x) => [x.kind, x.text, x.start, x.end])).toEqual([
      ['word', 'pcr', 0, 3],
      ['==', '==', 3, 5],
      ['word', '10', 5, 7],
      ['&&', '&&', 7, 9],
      ['!', '!', 9, 10],
      ['(', '(', 10, 11],
      ['word', 'name', 11, 15],
      ['~', '~', 15, 16],
      ['string', 'a b', 16, 21],
      [')', ')', 21, 22],
      ['end', '', 22, 22],
    ]);
  });

  it('unescapes strings and keeps paths and alg:hex as one word', () => {
    const t = tokenize('"say \\"hi\\" \\\\ \\." /usr/lib/libc.so.6 sha256:00ff');
    expect(t.ok && t.tokens.map((x) => x.text)).toEqual(['say "hi" \\ \\.', '/usr/lib/libc.so.6', 'sha256:00ff', '']);
  });
});

describe('parseFilter', () => {
  it('takes an empty or blank filter as no filter', () => {
    expect(tree('')).toBe('∅');
    expect(tree('   ')).toBe('∅');
  });

  it('parses every comparison operator', () => {
    expect(tree('pcr == 10')).toBe('pcr==10');
    expect(tree('pcr != 10')).toBe('pcr!=10');
    expect(tree('index < 5')).toBe('index<5');
    expect(tree('index <= 5')).toBe('index<=5');
    expect(tree('size > 0x10')).toBe('size>16');
    expect(tree('boot >= 1')).toBe('boot>=1');
    expect(tree('template == ima-sig')).toBe('template=="ima-sig"');
    expect(tree('name contains "lib"')).toBe('name contains "lib"');
    expect(tree('path matches "\\.so$"')).toBe('name~/\\.so$/i');
    expect(tree('name ~ bash$')).toBe('name~/bash$/i');
    expect(tree('pcr in {10 11, 12..14}')).toBe('pcr in{10,11,12..14}');
    expect(tree('sig in {valid invalid}')).toBe('sig in{valid,invalid}');
    expect(tree('status == hash-mismatch')).toBe('status==hash-mismatch');
    expect(tree('policy == FAIL')).toBe('policy==fail');
    expect(tree('kexec == load')).toBe('kexec==load');
    expect(tree('digest == SHA256:00FF')).toBe('digest==sha256:0x00ff');
    expect(tree('tdigest contains abc')).toBe('tdigest contains 0xabc');
    expect(tree('keyid == 3a5b9c01')).toBe('keyid==0x3a5b9c01');
    expect(tree('alg == sha512')).toBe('alg=="sha512"');
  });

  it('lets presence fields stand alone', () => {
    expect(tree('kexec')).toBe('has:kexec');
    expect(tree('keyid and not sig')).toBe('(and has:keyid (not has:sig))');
  });

  it('gives not over and over or, left to right, and obeys parentheses', () => {
    expect(tree('a or b and c')).toBe('(or search:"a" (and search:"b" search:"c"))');
    expect(tree('a and b or c')).toBe('(or (and search:"a" search:"b") search:"c")');
    expect(tree('not a and b')).toBe('(and (not search:"a") search:"b")');
    expect(tree('!(a || b) && c')).toBe('(and (not (or search:"a" search:"b")) search:"c")');
    expect(tree('a or b or c')).toBe('(or (or search:"a" search:"b") search:"c")');
    expect(tree('not not a')).toBe('(not (not search:"a"))');
    expect(tree('A AND b Or c')).toBe('(or (and search:"A" search:"b") search:"c")');
    expect(tree('pcr==10 && template==ima-sig')).toBe('(and pcr==10 template=="ima-sig")');
  });

  it('takes a bare word or a quoted string as a name search', () => {
    expect(tree('/usr/lib')).toBe('search:"/usr/lib"');
    expect(tree('"pcr"')).toBe('search:"pcr"');
    expect(tree('"a (b)"')).toBe('search:"a (b)"');
  });

  it('takes prototype-key words as plain values and searches', () => {
    expect(tree('constructor')).toBe('search:"constructor"');
    expect(tree('__proto__ or toString')).toBe('(or search:"__proto__" search:"toString")');
    expect(tree('name == constructor')).toBe('name=="constructor"');
    expect(tree('template in {__proto__ hasOwnProperty}')).toBe('template in{"__proto__","hasOwnProperty"}');
    expect(error('constructor == 1')).toEqual({ start: 0, end: 11, message: "unknown field 'constructor'" });
    expect(error('sig == constructor').message).toMatch(/^sig is one of valid, /);
    expect(error('__proto__ contains x').message).toBe("unknown field '__proto__'");
  });

  it('reports the position and reason of syntax errors', () => {
    expect(error('pcr == ')).toMatchObject({ start: 7, end: 7, message: 'expected a value for pcr, found the end' });
    expect(error('pcr == ten')).toMatchObject({ start: 7, end: 10 });
    expect(error('pcr = 10')).toMatchObject({ start: 4, end: 5, message: "'=' alone is not an operator: use == to compare" });
    expect(error('pcr 10')).toMatchObject({ start: 4, end: 6 });
    expect(error('pcr')).toMatchObject({ start: 0, end: 3 });
    expect(error('pcr')).toMatchObject({ message: expect.stringContaining('pcr == 10') });
    expect(error('(pcr == 10')).toMatchObject({ start: 10, end: 10, message: "expected ')' to close the '(' at column 1, found the end" });
    expect(error('pcr == 10)')).toMatchObject({ start: 9, end: 10 });
    expect(error('a b')).toMatchObject({ start: 2, end: 3, message: "expected 'and' or 'or' before 'b'" });
    expect(error('and a')).toMatchObject({ start: 0, end: 3 });
    expect(error('a and')).toMatchObject({ start: 5, end: 5, message: 'expected a condition here' });
    expect(error('()')).toMatchObject({ start: 0, end: 2 });
    expect(error('name contains "abc')).toMatchObject({ start: 14, end: 18 });
    expect(error('a & b')).toMatchObject({ start: 2, end: 3 });
    expect(error('template < 3').message).toMatch(/not a number/);
    expect(error('pcr contains 1')).toMatchObject({ start: 4, end: 12 });
    expect(error('pcr ~ 1')).toMatchObject({ start: 4, end: 5 });
    expect(error('status == fine')).toMatchObject({ start: 10, end: 14 });
    expect(error('digest == xyz')).toMatchObject({ start: 10, end: 13 });
    expect(error('keyid == 123456789')).toMatchObject({ start: 9, end: 18 });
    expect(error('pcr in {1 2')).toMatchObject({ start: 7, end: 11 });
    expect(error('pcr in 1')).toMatchObject({ start: 7, end: 8 });
    expect(error('pcr in {5..2}').message).toBe('the range 5..2 is empty');
    expect(error('pcr == 1..2')).toMatchObject({ start: 7, end: 11 });
    expect(error('name matches "("')).toMatchObject({ start: 13, end: 16 });
    expect(error('"/(/"')).toMatchObject({ start: 0, end: 5, message: expect.stringMatching(/regular expression/) });
    expect(error('/(/')).toMatchObject({ start: 1, end: 2 });
  });

  it('refuses regular expressions that backtrack exponentially', () => {
    expect(error('name matches "(a+)+$"')).toMatchObject({ start: 14, message: expect.stringMatching(/exponential/) });
    expect(error('name ~ "(a|aa)*b"').message).toMatch(/exponential/);
    expect(error('name ~ "(x\\1)"').message).toMatch(/backreference/);
    expect(error('"/(a*)*$/"').message).toMatch(/exponential/);
    expect(tree('name ~ "\\.so(\\.[0-9]+)?$"')).toBe('name~/\\.so(\\.[0-9]+)?$/i');
    expect(tree('name ~ "^/usr/(lib|bin)/[a-z]+"')).toBe('name~/^\\/usr\\/(lib|bin)\\/[a-z]+/i');
  });
});

describe('regexRisk', () => {
  it('finds nested and alternating repetition, and passes flat patterns', () => {
    for (const bad of ['(a+)+', '(a*)*', '((ab)*c)+', '(a|b)*', '(?:a{2,})+', '(\\d+)\\.(\\d+)*x', '(.*a){3,}']) {
      expect(regexRisk(bad), bad).toBeDefined();
    }
    for (const ok of ['a+b*', '(ab)+', '(a|b)?', '[(|)]+', '\\(a+\\)+', '(a{2})+', '^/usr/lib/.*\\.so']) {
      expect(regexRisk(ok), ok).toBeUndefined();
    }
  });
});
