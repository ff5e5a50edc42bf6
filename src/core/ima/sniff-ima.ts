/**
 * Recognises an IMA measurement list by its content alone (CONTRACT §2: never by name).
 *
 * Binary: an entry header at byte 0 in some byte order and digest size (ima-format.md
 * §2.3 and §12: PCR word < 64, a template-name length right after the digest, a printable
 * name, exactly-tiled template data, a plausible next entry), or, when the first entry is
 * damaged, two such entries in a row further on (the parser reports the damage). ASCII: a first line
 * `%2d <hex digest> <template name>`; the digest width gives the bank's size.
 * A patched-kernel variant (a digest-length word after the PCR, or "sha256:" before the
 * ASCII digest) is recognised too, so that the parser gets the file and explains why it
 * refuses it instead of the file being reported as unrecognisable.
 */
import type { ByteOrder } from '../model/ima-log';
import { sniffAsciiList } from './ascii-list-parser';
import { detectBinaryFraming, detectBinaryFramingPastDamage, findDigestLengthVariant, type BinaryFraming } from './binary-list-parser';

export type ImaSniff =
  | { kind: 'ima-binary'; byteOrder: ByteOrder; digestSize: number }
  | { kind: 'ima-ascii'; digestSize: number };

/** The byte order and digest size of a binary list; `head` = its first ≤ 64 KiB (or all of it). */
export function sniffBinaryImaList(head: Uint8Array): BinaryFraming | undefined {
  const framing = detectBinaryFraming(head, false) ?? findDigestLengthVariant(head) ?? detectBinaryFramingPastDamage(head);
  return framing === undefined ? undefined : { byteOrder: framing.byteOrder, digestSize: framing.digestSize };
}

/** `head` = the first ≤ 64 KiB of a file (or all of it). */
export function sniffImaLog(head: Uint8Array): ImaSniff | undefined {
  const framing = sniffBinaryImaList(head);
  if (framing !== undefined) {
    return { kind: 'ima-binary', byteOrder: framing.byteOrder, digestSize: framing.digestSize };
  }
  const digestSize = sniffAsciiList(head);
  return digestSize === undefined ? undefined : { kind: 'ima-ascii', digestSize };
}
