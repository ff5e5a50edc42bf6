/**
 * The bare-word search of the display filter, as the old search box had it (one word, several
 * meanings at once, like a debugger's "find"):
 * - `/regex/flags`: a JavaScript regular expression over the entry name (written as a JS
 *   literal would be: a path like `/usr/bin/`, with a bare `/` inside, is plain text).
 * - anything else: an ASCII case-insensitive substring of the name, OR, when the text is
 *   hex (optionally `alg:`-prefixed, as the ASCII list prints file digests), a prefix of the
 *   file digest or of the template digest, OR, at exactly 8 hex digits, a signature key id.
 * Matching works on the name's bytes in the log, so a million-entry scan allocates nothing.
 * The bytes come through a ByteSource: the model's data, or the File read in chunks.
 */
import type { ByteSource } from '../model/byte-source';
import type { ImaLog } from '../model/ima-log';
import type { KeyIdColumn } from './signature-key-ids';

export type CompiledSearch =
  | { readonly kind: 'all' }
  | { readonly kind: 'regex'; readonly regex: RegExp }
  | {
      readonly kind: 'text';
      /** Lower-cased UTF-8 bytes of the needle. */
      readonly needle: Uint8Array;
      /** Hex nibbles, when the text can be a digest prefix. */
      readonly nibbles?: Uint8Array;
      readonly keyId?: number;
    }
  | { readonly kind: 'invalid'; readonly message: string };

// Like a JavaScript regex literal: no unescaped '/' inside, so a path such as /usr/bin/ stays text.
const REGEX_LITERAL = /^\/((?:[^/\\]|\\.)+)\/([dgimsuvy]*)$/s;
const HEX_TEXT = /^(?:[a-z0-9-]+:)*([0-9a-f]+)$/i;

export function compileSearch(text: string): CompiledSearch {
  const t = text.trim();
  if (t === '') return { kind: 'all' };
  const literal = REGEX_LITERAL.exec(t);
  if (literal !== null) {
    try {
      // g/y would make test() stateful across entries.
      return { kind: 'regex', regex: new RegExp(literal[1], literal[2].replace(/[gy]/g, '')) };
    } catch (e) {
      return { kind: 'invalid', message: e instanceof Error ? e.message : String(e) };
    }
  }
  const needle = lowerAscii(new TextEncoder().encode(t));
  const hex = HEX_TEXT.exec(t);
  if (hex === null || hex[1].length < 2) return { kind: 'text', needle };
  const digits = hex[1].toLowerCase();
  const nibbles = Uint8Array.from(digits, (c) => parseInt(c, 16));
  const keyId = digits.length === 8 ? parseInt(digits, 16) : undefined;
  return { kind: 'text', needle, nibbles, keyId };
}

function lowerAscii(bytes: Uint8Array): Uint8Array {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b >= 0x41 && b <= 0x5a) bytes[i] = b + 0x20;
  }
  return bytes;
}

export function containsFolded(data: Uint8Array, start: number, length: number, needle: Uint8Array): boolean {
  const n = needle.length;
  const last = start + length - n;
  const first = needle[0];
  for (let o = start; o <= last; o++) {
    let b = data[o];
    if (b >= 0x41 && b <= 0x5a) b += 0x20;
    if (b !== first) continue;
    let k = 1;
    for (; k < n; k++) {
      let c = data[o + k];
      if (c >= 0x41 && c <= 0x5a) c += 0x20;
      if (c !== needle[k]) break;
    }
    if (k === n) return true;
  }
  return false;
}

export function hasHexPrefix(data: Uint8Array, start: number, length: number, nibbles: Uint8Array): boolean {
  if (nibbles.length > length * 2) return false;
  for (let k = 0; k < nibbles.length; k++) {
    const byte = data[start + (k >> 1)];
    const nibble = (k & 1) === 0 ? byte >> 4 : byte & 0x0f;
    if (nibble !== nibbles[k]) return false;
  }
  return true;
}

/**
 * A predicate over entry indices for one compiled search, reading the entries' bytes from
 * `source` (default: the model's data; a binary list's File read on demand gives the same
 * bytes at the same offsets).
 */
export function searchMatcher(
  log: ImaLog,
  search: CompiledSearch,
  keyIds: KeyIdColumn,
  source: ByteSource = log.bytes,
): (i: number) => boolean {
  const e = log.entries;
  switch (search.kind) {
    case 'all':
      return () => true;
    case 'invalid':
      return () => false;
    case 'regex': {
      const decoder = new TextDecoder();
      const { regex } = search;
      return (i) => {
        const length = e.nameLength[i];
        const at = source.at(e.nameOffset[i], length);
        return regex.test(decoder.decode(source.bytes.subarray(at, at + length)));
      };
    }
    case 'text': {
      const { needle, nibbles, keyId } = search;
      // `at` before `bytes`: reading a range may switch the buffer it lies in.
      const hexPrefixAt = (offset: number, length: number, prefix: Uint8Array): boolean => {
        const at = source.at(offset, length);
        return hasHexPrefix(source.bytes, at, length, prefix);
      };
      return (i) => {
        const length = e.nameLength[i];
        const at = source.at(e.nameOffset[i], length);
        return (
          containsFolded(source.bytes, at, length, needle) ||
          (nibbles !== undefined &&
            (hexPrefixAt(e.fileDigestOffset[i], e.fileDigestLength[i], nibbles) ||
              hexPrefixAt(e.entryOffset[i] + 4, log.digestSize, nibbles))) ||
          (keyId !== undefined && keyIds.at(i) === keyId)
        );
      };
    }
  }
}

