/**
 * Structure-aware mutations for the fuzz suite: each returns the mutated bytes and the lowest
 * byte offset it changed, so the suite can check that what lay before the damage survives.
 * Binary mutations write the values that break length-driven parsers (0, 0xFFFFFFFF, just
 * past the end, huge sizes) at the offsets where lengths sit; text mutations put prototype
 * keys, huge numbers and broken lines where tokens were.
 */

/** A 32-bit generator (xorshift32 from ../testing/xorshift). */
export type Rng = () => number;

export interface Mutation {
  readonly bytes: Uint8Array;
  /** Lowest byte offset changed (the length for a truncation). */
  readonly at: number;
  readonly what: string;
}

/** Names that are also properties of Object.prototype (a log's names must never reach it). */
export const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'prototype'] as const;

const TEXT_TOKENS = [
  ...PROTOTYPE_KEYS,
  '99999999999999999999',
  '4294967295',
  '-1',
  '',
  'sha256:',
  '0x',
  'ffffffff'.repeat(40),
  'd-ng|n-ng|__proto__',
  'ima-sig',
  '{}',
  '[',
  '"',
  ':',
];

const pick = <T>(rng: Rng, items: readonly T[]): T => items[rng() % items.length];
const below = (rng: Rng, n: number): number => (n <= 0 ? 0 : rng() % n);

export function truncate(bytes: Uint8Array, at: number): Mutation {
  return { bytes: bytes.slice(0, at), at, what: `truncate at ${at}` };
}

/** 1–4 random bytes changed, the first at `from` or later. */
function flipBytes(rng: Rng, bytes: Uint8Array): Mutation {
  const out = bytes.slice();
  let at = out.length;
  const n = 1 + below(rng, 4);
  for (let k = 0; k < n && out.length > 0; k++) {
    const p = below(rng, out.length);
    out[p] ^= 1 + below(rng, 255);
    at = Math.min(at, p);
  }
  return { bytes: out, at, what: `flip ${n} bytes from ${at}` };
}

/** A length word (u32 or u16, either order) at `p` set to a value that breaks framing. */
function setLength(rng: Rng, bytes: Uint8Array, p: number, width: 2 | 4): Mutation {
  const out = bytes.slice();
  const rest = out.length - p - width;
  const values = width === 4 ? [0, 0xffffffff, rest + 1, rest, 0x7fffffff, 0x10000, 0x1000000] : [0, 0xffff, rest + 1, rest, 0x8000, 0x100];
  const v = pick(rng, values) >>> 0;
  const little = (rng() & 1) === 0;
  for (let k = 0; k < width; k++) {
    const shift = 8 * (little ? k : width - 1 - k);
    if (p + k < out.length) out[p + k] = Math.floor(v / 2 ** shift) & 0xff;
  }
  return { bytes: out, at: p, what: `u${8 * width} ${v} (${little ? 'LE' : 'BE'}) at ${p}` };
}

/** A token of a text input replaced (or a line dropped, doubled or cut). */
function mutateText(rng: Rng, bytes: Uint8Array): Mutation {
  const text = new TextDecoder('latin1').decode(bytes);
  const encode = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);
  const lines = text.split('\n');
  const li = below(rng, lines.length);
  const lineStart = lines.slice(0, li).reduce((n, l) => n + l.length + 1, 0);
  const choice = below(rng, 4);
  if (choice === 0) {
    lines.splice(li, 1);
    return { bytes: encode(lines.join('\n')), at: lineStart, what: `drop line ${li + 1}` };
  }
  if (choice === 1) {
    lines.splice(li, 0, lines[li]);
    return { bytes: encode(lines.join('\n')), at: lineStart, what: `double line ${li + 1}` };
  }
  const tokens = lines[li].split(/(\s+|[:,"{}[\]|=])/);
  const ti = below(rng, tokens.length);
  const tokenStart = lineStart + tokens.slice(0, ti).join('').length;
  const token = tokens[ti];
  if (choice === 2) tokens[ti] = pick(rng, TEXT_TOKENS);
  else if (/^(0x)?[0-9a-fA-F]{2,}$/.test(token) && (rng() & 1) === 0) {
    // A hex value one byte longer or shorter than its field (a 33-byte P-256 coordinate).
    tokens[ti] = (rng() & 1) === 0 ? `${token}${pick(rng, ['00', 'ff', '01'])}` : token.slice(0, -2);
  } else tokens[ti] = token.slice(0, below(rng, token.length));
  lines[li] = tokens.join('');
  return { bytes: encode(lines.join('\n')), at: tokenStart, what: `token ${ti} of line ${li + 1}` };
}

function looksLikeText(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 512);
  for (let i = 0; i < n; i++) if (bytes[i] === 0 || (bytes[i] < 0x09 && bytes[i] !== 0)) return false;
  return n > 0;
}

/**
 * One random mutation of `bytes`; `lengthOffsets` are where the input's own length words sit
 * (known from its structure), preferred for length writes.
 */
export function mutate(rng: Rng, bytes: Uint8Array, lengthOffsets: readonly number[] = []): Mutation {
  if (bytes.length === 0) return { bytes, at: 0, what: 'empty' };
  const r = below(rng, 10);
  if (r === 0) return truncate(bytes, below(rng, bytes.length));
  if (r <= 2) return flipBytes(rng, bytes);
  if (r <= 4 && looksLikeText(bytes)) return mutateText(rng, bytes);
  if (r <= 6 && lengthOffsets.length > 0) return setLength(rng, bytes, pick(rng, lengthOffsets), 4);
  // A u16 or u32 anywhere, half the time in the first 256 bytes where headers and sizes are.
  const span = (rng() & 1) === 0 ? Math.min(256, bytes.length) : bytes.length;
  return setLength(rng, bytes, below(rng, span), (rng() & 1) === 0 ? 2 : 4);
}
