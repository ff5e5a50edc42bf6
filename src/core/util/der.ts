/**
 * The core's one DER (ITU-T X.690) reader and writer, with no dependency: X.509 certificates
 * that IMA measures into keyrings (ima-format.md §8, "Keys") and that hold an AK, IMA keys,
 * SubjectPublicKeyInfo (RFC 5280 §4.1.2.7), ECDSA-Sig-Value (RFC 3279 §2.2.3), and the SPKI
 * written for a key that arrived as a TPM public area, so WebCrypto can import it.
 *
 * Encoding (ITU-T X.690 §8.1): identifier octet(s) ‖ length octet(s) ‖ contents.
 *   identifier: bits 8-7 class (universal, application, context, private), bit 6 constructed,
 *               bits 5-1 tag number, or 0x1f then base-128 tag number octets (high-tag form).
 *   length:     0x00–0x7f short form; 0x81–0x84 then 1–4 big-endian length octets.
 *               0x80 (indefinite, BER only) and longer length fields are refused here.
 *
 * Every length is checked against the enclosing element before anything is read, so a
 * hostile certificate cannot make the reader look outside its bytes. Problems surface as a
 * `DerError` carrying the byte offset; the exported summary functions that use this reader
 * catch it, so nothing throws out of them. `readDer` is the same reader for code that tries a
 * structure and falls back: undefined instead of an error, and strict DER lengths.
 */
import { concatBytes, decodeText } from './bytes';

export type DerClass = 'universal' | 'application' | 'context' | 'private';

/** Universal tag numbers used by X.509. */
export const DerTag = {
  Boolean: 1,
  Integer: 2,
  BitString: 3,
  OctetString: 4,
  Null: 5,
  Oid: 6,
  Utf8String: 12,
  Sequence: 16,
  Set: 17,
  NumericString: 18,
  PrintableString: 19,
  TeletexString: 20,
  Ia5String: 22,
  UtcTime: 23,
  GeneralizedTime: 24,
  VisibleString: 26,
  UniversalString: 28,
  BmpString: 30,
} as const;

export interface DerElement {
  readonly tagClass: DerClass;
  readonly constructed: boolean;
  readonly tagNumber: number;
  /** Offset of the first identifier octet. */
  readonly offset: number;
  /** Offset of the first content octet. */
  readonly contentOffset: number;
  /** Offset just past the last content octet. */
  readonly end: number;
}

export class DerError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

const CLASSES: readonly DerClass[] = ['universal', 'application', 'context', 'private'];
/** Tag numbers above this would need more than three high-tag octets; X.509 never uses them. */
const MAX_TAG_NUMBER = 0x1fffff;

/** Reads the element starting at `offset`, whose encoding must end by `limit`. */
export function readDerElement(bytes: Uint8Array, offset: number, limit: number): DerElement {
  let p = offset;
  if (p >= limit) throw new DerError('expected a DER element, found the end of its container', p);
  const id = bytes[p++];
  let tagNumber = id & 0x1f;
  if (tagNumber === 0x1f) {
    tagNumber = 0;
    for (;;) {
      if (p >= limit) throw new DerError('truncated high-tag-number identifier', offset);
      const b = bytes[p++];
      tagNumber = tagNumber * 128 + (b & 0x7f);
      if (tagNumber > MAX_TAG_NUMBER) throw new DerError('tag number too large', offset);
      if ((b & 0x80) === 0) break;
    }
  }
  if (p >= limit) throw new DerError('truncated element: no length octet', offset);
  const first = bytes[p++];
  let length: number;
  if (first < 0x80) {
    length = first;
  } else if (first === 0x80) {
    throw new DerError('indefinite length (BER) is not allowed in DER', offset);
  } else {
    const n = first & 0x7f;
    if (n > 4) throw new DerError(`length field of ${n} octets is too large`, offset);
    if (p + n > limit) throw new DerError('truncated length field', offset);
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + bytes[p++];
  }
  if (length > limit - p) {
    throw new DerError(`element length ${length} exceeds the ${limit - p} bytes available`, offset);
  }
  return {
    tagClass: CLASSES[id >> 6],
    constructed: (id & 0x20) !== 0,
    tagNumber,
    offset,
    contentOffset: p,
    end: p + length,
  };
}

/** Walks the elements inside one constructed element (or a whole buffer) in order. */
export class DerReader {
  private pos: number;

  constructor(
    readonly bytes: Uint8Array,
    start: number,
    private readonly limit: number,
  ) {
    this.pos = start;
  }

  static inside(bytes: Uint8Array, element: DerElement): DerReader {
    return new DerReader(bytes, element.contentOffset, element.end);
  }

  get atEnd(): boolean {
    return this.pos >= this.limit;
  }

  get position(): number {
    return this.pos;
  }

  peek(): DerElement | undefined {
    return this.atEnd ? undefined : readDerElement(this.bytes, this.pos, this.limit);
  }

  next(): DerElement {
    const el = readDerElement(this.bytes, this.pos, this.limit);
    this.pos = el.end;
    return el;
  }

  /** Reads the next element and checks its class, number and (for universal tags) form. */
  expect(tagNumber: number, what: string, tagClass: DerClass = 'universal'): DerElement {
    const el = this.next();
    if (el.tagClass !== tagClass || el.tagNumber !== tagNumber) {
      throw new DerError(`expected ${what}, found ${describeTag(el)}`, el.offset);
    }
    const mustBeConstructed = tagNumber === DerTag.Sequence || tagNumber === DerTag.Set;
    if (tagClass === 'universal' && el.constructed !== mustBeConstructed) {
      throw new DerError(`${what} has the wrong (primitive/constructed) form`, el.offset);
    }
    return el;
  }

  /** Consumes the next element only if it has this context-specific tag number. */
  optionalContext(tagNumber: number): DerElement | undefined {
    const el = this.peek();
    if (el?.tagClass !== 'context' || el.tagNumber !== tagNumber) return undefined;
    this.pos = el.end;
    return el;
  }
}

export function describeTag(el: DerElement): string {
  return el.tagClass === 'universal'
    ? `universal tag ${el.tagNumber}`
    : `${el.tagClass} tag [${el.tagNumber}]`;
}

export function contentOf(bytes: Uint8Array, el: DerElement): Uint8Array {
  return bytes.subarray(el.contentOffset, el.end);
}

const MAX_ARC_OCTETS = 20;

/** Dotted-decimal OBJECT IDENTIFIER (X.690 §8.19); arcs of any size via BigInt. */
export function decodeOid(content: Uint8Array, offset: number): string {
  if (content.length === 0) throw new DerError('empty OBJECT IDENTIFIER', offset);
  const arcs: bigint[] = [];
  let value = 0n;
  let startOfArc = true;
  let arcOctets = 0;
  for (let i = 0; i < content.length; i++) {
    const b = content[i];
    if (startOfArc && b === 0x80) {
      throw new DerError('OBJECT IDENTIFIER arc is not minimal', offset);
    }
    // Real arcs fit in 128 bits (2.25.<UUID>); a longer one is hostile and costly to build.
    if (++arcOctets > MAX_ARC_OCTETS) throw new DerError('OBJECT IDENTIFIER arc too long', offset);
    value = (value << 7n) | BigInt(b & 0x7f);
    startOfArc = (b & 0x80) === 0;
    if (startOfArc) {
      arcs.push(value);
      value = 0n;
      arcOctets = 0;
    }
  }
  if (!startOfArc) throw new DerError('truncated OBJECT IDENTIFIER', offset);
  // The first subidentifier packs the first two arcs as 40·X + Y (X ≤ 2).
  const first = arcs[0];
  const head = first < 40n ? [0n, first] : first < 80n ? [1n, first - 40n] : [2n, first - 80n];
  return [...head, ...arcs.slice(1)].join('.');
}

/** Text of an ASN.1 character string; undefined for tags that are not strings. */
export function decodeDerString(tagNumber: number, content: Uint8Array): string | undefined {
  switch (tagNumber) {
    case DerTag.Utf8String:
      return decodeText(content);
    case DerTag.NumericString:
    case DerTag.PrintableString:
    case DerTag.TeletexString: // T.61 in theory; in practice Latin-1 bytes
    case DerTag.Ia5String:
    case DerTag.VisibleString:
      return latin1(content);
    case DerTag.BmpString:
      return codeUnits(content, 2);
    case DerTag.UniversalString:
      return codeUnits(content, 4);
    default:
      return undefined;
  }
}

function latin1(content: Uint8Array): string {
  let s = '';
  for (let i = 0; i < content.length; i++) s += String.fromCharCode(content[i]);
  return s;
}

/** Big-endian UTF-16 (BMPString) or UTF-32 (UniversalString); bad units become U+FFFD. */
function codeUnits(content: Uint8Array, width: 2 | 4): string {
  const points: number[] = [];
  for (let i = 0; i + width <= content.length; i += width) {
    let cp = 0;
    for (let j = 0; j < width; j++) cp = cp * 256 + content[i + j];
    points.push(cp);
  }
  let s = '';
  for (let i = 0; i < points.length; i++) {
    let cp = points[i];
    const next = points[i + 1];
    if (width === 2 && cp >= 0xd800 && cp <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      cp = 0x10000 + ((cp - 0xd800) << 10) + (next - 0xdc00);
      i++;
    } else if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      cp = 0xfffd;
    }
    s += String.fromCodePoint(cp);
  }
  return content.length % width === 0 ? s : s + '\ufffd';
}

/**
 * UTCTime `YYMMDDHHMMSSZ` (years 50–99 are 19xx, RFC 5280 §4.1.2.5.1) or GeneralizedTime
 * `YYYYMMDDHHMMSS[.f]Z` as ISO 8601 (`2021-06-11T13:58:16Z`); undefined if not that form.
 */
export function decodeDerTime(tagNumber: number, content: Uint8Array): string | undefined {
  const text = latin1(content);
  const m =
    tagNumber === DerTag.UtcTime
      ? /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(text)
      : tagNumber === DerTag.GeneralizedTime
        ? /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\.\d+)?Z$/.exec(text)
        : null;
  if (m === null) return undefined;
  let year = Number(m[1]);
  if (tagNumber === DerTag.UtcTime) year += year >= 50 ? 1900 : 2000;
  const [month, day, hour, minute, second] = [m[2], m[3], m[4], m[5], m[6]].map(Number);
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const daysInMonth = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  if (daysInMonth === undefined || day < 1 || day > daysInMonth) return undefined;
  if (hour > 23 || minute > 59 || second > 60) return undefined;
  const fraction = tagNumber === DerTag.GeneralizedTime ? (m[7] ?? '') : '';
  const pad = (v: number, w = 2): string => String(v).padStart(w, '0');
  const date = `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
  return `${date}T${pad(hour)}:${pad(minute)}:${pad(second)}${fraction}Z`;
}

/** A TLV as `readDer` gives it: the identifier octet as is, and the content. */
export interface DerTlv {
  readonly tag: number;
  readonly content: Uint8Array;
  /** Offset just past the element. */
  readonly end: number;
}

/**
 * One TLV at `offset` with a low tag number and a minimal (DER) length; undefined if
 * malformed or past the end of `bytes`.
 */
export function readDer(bytes: Uint8Array, offset: number): DerTlv | undefined {
  if (offset + 2 > bytes.length || (bytes[offset] & 0x1f) === 0x1f) return undefined;
  let el: DerElement;
  try {
    el = readDerElement(bytes, offset, bytes.length);
  } catch (e) {
    if (e instanceof DerError) return undefined;
    throw e;
  }
  // DER: the long form only for lengths of 128 and more, with no leading zero octet.
  const longForm = (bytes[offset + 1] & 0x80) !== 0;
  if (longForm && (el.end - el.contentOffset < 0x80 || bytes[offset + 2] === 0)) return undefined;
  return { tag: bytes[offset], content: bytes.subarray(el.contentOffset, el.end), end: el.end };
}

/** The elements of a constructed value, which must fill it exactly. */
export function readDerChildren(content: Uint8Array): DerTlv[] | undefined {
  const out: DerTlv[] = [];
  let at = 0;
  while (at < content.length) {
    const el = readDer(content, at);
    if (el === undefined) return undefined;
    out.push(el);
    at = el.end;
  }
  return out;
}

/** Identifier octets of the universal tags the writers below use. */
export const DER = {
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  NULL: 0x05,
  OID: 0x06,
  SEQUENCE: 0x30,
} as const;

/** An unsigned big-endian integer from DER INTEGER content (sign byte dropped). */
export function derUnsigned(content: Uint8Array): Uint8Array {
  let i = 0;
  while (i < content.length - 1 && content[i] === 0) i++;
  return content.subarray(i);
}

export function derTlv(tag: number, content: Uint8Array): Uint8Array {
  const n = content.length;
  const head =
    n < 0x80
      ? [tag, n]
      : n < 0x100
        ? [tag, 0x81, n]
        : n < 0x10000
          ? [tag, 0x82, n >> 8, n & 0xff]
          : [tag, 0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  const out = new Uint8Array(head.length + n);
  out.set(head, 0);
  out.set(content, head.length);
  return out;
}

export function derSequence(...children: Uint8Array[]): Uint8Array {
  return derTlv(DER.SEQUENCE, concatBytes(children));
}

/** A non-negative INTEGER from big-endian magnitude bytes. */
export function derUnsignedInteger(magnitude: Uint8Array): Uint8Array {
  const m = derUnsigned(magnitude);
  return derTlv(DER.INTEGER, m[0] & 0x80 ? concatBytes([Uint8Array.of(0), m]) : m);
}

export function derBitString(bytes: Uint8Array): Uint8Array {
  return derTlv(DER.BIT_STRING, concatBytes([Uint8Array.of(0), bytes]));
}
