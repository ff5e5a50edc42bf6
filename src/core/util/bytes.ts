/** Small byte helpers shared by every parser. Hex is always lowercase. */

const HEX_DIGITS = '0123456789abcdef';
/** The two character codes of each byte's hex. */
const HEX_CODES = Uint16Array.from({ length: 512 }, (_, k) => HEX_DIGITS.charCodeAt(k % 2 === 0 ? k >> 5 : (k >> 1) & 15));
/** Bytes converted per String.fromCharCode call (its arguments are bounded). */
const HEX_RUN = 4096;
/** The character codes of one run, reused (a plain array: `apply` reads it fastest). */
const hexCodes: number[] = [];

/**
 * The string is made from its character codes in one call: appending two characters per byte
 * made a new string each time (~1 KB of garbage per sha256 digest, most of a comparison's
 * garbage when it lists thousands of digests, and 20× slower).
 */
export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (let start = 0; start < bytes.length; start += HEX_RUN) {
    const end = Math.min(bytes.length, start + HEX_RUN);
    const codes = hexCodes;
    codes.length = 2 * (end - start);
    for (let i = start, k = 0; i < end; i++, k += 2) {
      const b = bytes[i] << 1;
      codes[k] = HEX_CODES[b];
      codes[k + 1] = HEX_CODES[b + 1];
    }
    s += String.fromCharCode.apply(null, codes);
  }
  return s;
}

/** Parses hex (whitespace, `:` separators and a leading 0x tolerated); undefined if not hex. */
export function fromHex(text: string): Uint8Array | undefined {
  let t = text.trim();
  if (t.startsWith('0x') || t.startsWith('0X')) t = t.slice(2);
  t = t.replace(/[\s:]/g, '');
  if (t.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(t)) return undefined;
  const out = new Uint8Array(t.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(t.substr(i * 2, 2), 16);
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Whether `length` bytes of `data` from `offset` are all zero. */
export function isZeroAt(data: Uint8Array, offset: number, length: number): boolean {
  for (let k = 0; k < length; k++) if (data[offset + k] !== 0) return false;
  return true;
}

export function isAllZero(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== 0) return false;
  return true;
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Strict base64 (standard or url alphabet, padding optional); undefined if not base64. */
export function fromBase64(text: string): Uint8Array | undefined {
  const t = text.replace(/\s/g, '').replace(/-/g, '+').replace(/_/g, '/');
  if (t.length === 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(t) || t.length % 4 === 1) return undefined;
  const clean = t.replace(/=+$/, '');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  const map = (c: number): number =>
    c >= 65 && c <= 90 ? c - 65 : c >= 97 && c <= 122 ? c - 71 : c >= 48 && c <= 57 ? c + 4 : c === 43 ? 62 : 63;
  let o = 0;
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < clean.length; i++) {
    acc = (acc << 6) | map(clean.charCodeAt(i));
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out.subarray(0, o);
}

export function toBase64(bytes: Uint8Array, url = false): string {
  const A = url
    ? 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
    : 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let s = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    s += A[(n >> 18) & 63] + A[(n >> 12) & 63] + A[(n >> 6) & 63] + A[n & 63];
  }
  const rest = bytes.length - i;
  if (rest > 0) {
    const n = (bytes[i] << 16) | (rest === 2 ? bytes[i + 1] << 8 : 0);
    s += A[(n >> 18) & 63] + A[(n >> 12) & 63];
    s += rest === 2 ? A[(n >> 6) & 63] : url ? '' : '=';
    s += url ? '' : '=';
  }
  return s;
}

const utf8 = new TextDecoder('utf-8', { fatal: false });
/** Decodes untrusted bytes as UTF-8 text (invalid sequences become U+FFFD). */
export function decodeText(bytes: Uint8Array): string {
  return utf8.decode(bytes);
}
// A leading BOM is kept, as Python's bytes.decode('utf-8') keeps it (Keylime's names).
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
/**
 * `bytes` as UTF-8 text, or undefined when they are not UTF-8: a name compared with text
 * (a policy's paths) must be those bytes exactly, and U+FFFD stands for many byte strings;
 * a name `EF BB BF /a` is "\uFEFF/a", never "/a".
 */
export function decodeExactText(bytes: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}
/**
 * `bytes` as text for a message: UTF-8 where they are, each other byte as `\xNN`, as Python's
 * `backslashreplace` writes them (so no raw byte reaches a terminal; like Python's, a name that
 * spells `\xff` in text prints as the byte FF does). Controls are still the caller's to mark
 * (visible-text.ts).
 */
export function escapedText(bytes: Uint8Array): string {
  // Nearly every name is UTF-8 throughout: decoded at once, not a character at a time.
  const whole = decodeExactText(bytes);
  if (whole !== undefined) return whole;
  let out = '';
  for (let i = 0; i < bytes.length; ) {
    let len = 1;
    let ch: string | undefined;
    // A UTF-8 sequence is at most 4 bytes; the shortest slice that decodes is one character.
    for (; len <= 4 && i + len <= bytes.length; len++) {
      ch = decodeExactText(bytes.subarray(i, i + len));
      if (ch !== undefined) break;
    }
    if (ch === undefined) {
      out += `\\x${bytes[i].toString(16).padStart(2, '0')}`;
      i++;
    } else {
      out += ch;
      i += len;
    }
  }
  return out;
}
const utf8Encoder = new TextEncoder();
export function encodeText(text: string): Uint8Array {
  return utf8Encoder.encode(text);
}
