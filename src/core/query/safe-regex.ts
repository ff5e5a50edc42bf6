/**
 * Refuses the regular expressions that backtrack exponentially, before they run over a
 * million names in the worker. JavaScript's engine backtracks, so `(a+)+$` or `(a|a)*$` on
 * a long name can take longer than the age of the universe; the filter must stay answerable.
 *
 * The rule is structural and conservative: a group repeated without bound (`*`, `+`, `{n,}`,
 * `{n,m}` with m > 1) may not itself contain a repetition or an alternation, and
 * backreferences are refused. Everything a path filter needs (`\.so(\.\d+)?$`,
 * `^/usr/(lib|bin)/`, `[a-z]+\.ko`) passes. The evaluator also stops a filter that runs past
 * its time budget, for whatever this rule lets through.
 */

export interface RegexRisk {
  /** Offset in the pattern where the risky construct starts. */
  readonly offset: number;
  readonly message: string;
}

interface Group {
  readonly start: number;
  /** The group holds a quantifier or a `|`. */
  risky: boolean;
}

/** Undefined when the pattern is safe to run; assumes it already compiles. */
export function regexRisk(pattern: string): RegexRisk | undefined {
  const stack: Group[] = [{ start: 0, risky: false }];
  /** Start of the last atom and whether it (a closed group) was risky. */
  let lastAtom: { start: number; risky: boolean } | undefined;
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i];
    if (c === '\\') {
      if (/[1-9]/.test(pattern[i + 1] ?? '') || pattern[i + 1] === 'k') {
        return { offset: i, message: 'backreferences are not allowed (they can take exponential time)' };
      }
      lastAtom = { start: i, risky: false };
      i += 2;
      continue;
    }
    if (c === '[') {
      const start = i;
      i++;
      if (pattern[i] === '^') i++;
      if (pattern[i] === ']') i++;
      while (i < pattern.length && pattern[i] !== ']') i += pattern[i] === '\\' ? 2 : 1;
      i++;
      lastAtom = { start, risky: false };
      continue;
    }
    if (c === '(') {
      stack.push({ start: i, risky: false });
      lastAtom = undefined;
      i++;
      continue;
    }
    if (c === ')') {
      const group = stack.length > 1 ? stack.pop() : undefined;
      if (group !== undefined) {
        lastAtom = { start: group.start, risky: group.risky };
        // A risky inner group makes the outer one risky when the outer repeats.
        if (group.risky) stack[stack.length - 1].risky = true;
      }
      i++;
      continue;
    }
    if (c === '|') {
      stack[stack.length - 1].risky = true;
      lastAtom = undefined;
      i++;
      continue;
    }
    const quantifier = readQuantifier(pattern, i);
    if (quantifier !== undefined) {
      if (quantifier.unbounded && lastAtom?.risky === true) {
        return { offset: lastAtom.start, message: 'a repeated group that itself repeats or alternates can take exponential time; rewrite it without nesting' };
      }
      if (quantifier.repeats) stack[stack.length - 1].risky = true;
      i = quantifier.end;
      if (pattern[i] === '?') i++; // lazy
      lastAtom = undefined;
      continue;
    }
    lastAtom = { start: i, risky: false };
    i++;
  }
  return undefined;
}

function readQuantifier(pattern: string, i: number): { end: number; unbounded: boolean; repeats: boolean } | undefined {
  const c = pattern[i];
  if (c === '*' || c === '+') return { end: i + 1, unbounded: true, repeats: true };
  if (c === '?') return { end: i + 1, unbounded: false, repeats: false };
  if (c !== '{') return undefined;
  const m = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i));
  if (m === null) return undefined;
  const min = Number(m[1]);
  const max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
  // A fixed count ({2}) is not a choice the engine can backtrack into.
  return { end: i + m[0].length, unbounded: max > 1, repeats: max > min };
}
