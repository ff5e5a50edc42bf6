/**
 * The little DER (ITU-T X.690) that public keys need: reading a SubjectPublicKeyInfo
 * (RFC 5280 §4.1.2.7) or an ECDSA-Sig-Value (RFC 3279 §2.2.3), and writing an SPKI for a key
 * that arrived as a TPM public area, so WebCrypto can import it.
 */
import { concatBytes } from '../util/bytes';

export const DER = {
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  NULL: 0x05,
  OID: 0x06,
  SEQUENCE: 0x30,
} as const;

export interface DerElement {
  tag: number;
  content: Uint8Array;
  /** offset just past the element */
  end: number;
}

/** One TLV at `offset` (definite lengths up to 4 length bytes); undefined if malformed. */
export function readDer(bytes: Uint8Array, offset: number): DerElement | undefined {
  if (offset + 2 > bytes.length) return undefined;
  const tag = bytes[offset];
  let length = bytes[offset + 1];
  let at = offset + 2;
  if (length & 0x80) {
    const n = length & 0x7f;
    if (n === 0 || n > 4 || at + n > bytes.length) return undefined;
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + bytes[at + i];
    // DER: the long form only for lengths ≥ 128, with no leading zero byte.
    if (length < 0x80 || bytes[at] === 0) return undefined;
    at += n;
  }
  if (at + length > bytes.length) return undefined;
  return { tag, content: bytes.subarray(at, at + length), end: at + length };
}

/** The elements of a constructed value, which must fill it exactly. */
export function readDerChildren(content: Uint8Array): DerElement[] | undefined {
  const out: DerElement[] = [];
  let at = 0;
  while (at < content.length) {
    const el = readDer(content, at);
    if (el === undefined) return undefined;
    out.push(el);
    at = el.end;
  }
  return out;
}

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
  let i = 0;
  while (i < magnitude.length - 1 && magnitude[i] === 0) i++;
  const m = magnitude.subarray(i);
  return derTlv(DER.INTEGER, m[0] & 0x80 ? concatBytes([Uint8Array.of(0), m]) : m);
}

export function derBitString(bytes: Uint8Array): Uint8Array {
  return derTlv(DER.BIT_STRING, concatBytes([Uint8Array.of(0), bytes]));
}
