/**
 * The ASCII measurement list (`ascii_runtime_measurements[_<bank>]`) of a parsed list, byte
 * for byte as the kernel renders it (ima-format.md §3; `ima_fs.c:
 * ima_ascii_measurements_show()`, `ima_template_lib.c: ima_show_template_data_ascii()`):
 *
 *   "%2d " pcr ‖ hex(template digest) ‖ " " template name ‖ for each field: " " ‖ rendering ‖ "\n"
 *
 * The template digest is the list's own column (SHA-1 for the legacy file, the bank's digest
 * for a per-bank one). A field of length 0 leaves only its separating space. Renderings by
 * field kind:
 *   d                        lowercase hex
 *   d-ng, d-ngv2, d-modsig   the prefix up to its NUL ("sha256:", "ima:sha256:"), then hex of
 *                            the bytes from two past the prefix's last ':' (the kernel's
 *                            strrchr + 2, which skips ':' and the NUL)
 *   n, n-ng, xattrnames      the bytes up to the first NUL (`%s`), raw: a name that is not
 *                            UTF-8 stays as it was, hence bytes out, not a string
 *   iuid, igid, imode        unsigned decimal of a 1, 2, 4 or 8-byte integer in the list's byte
 *                            order (other widths print nothing, as the kernel's switch does)
 *   everything else          lowercase hex (sig, modsig, evmsig, buf, xattrlengths,
 *                            xattrvalues; and fields of unknown templates, which the kernel
 *                            would know and we cannot: their rendering is our guess)
 * The legacy `ima` template (d|n, no framing) renders as " <hex d> <name>".
 */
import { readEntrySpan, templateDataOffset, type ImaLog, type IndexIntoEntryTable } from '../model/ima-log';
import { describeTemplate, FieldKind, readU32, type TemplateDescriptor } from '../ima/template-registry';
import { decodeText, encodeText } from '../util/bytes';

const LEGACY_DIGEST_SIZE = 20;
const SPACE = 0x20;
const NEWLINE = 0x0a;
const COLON = 0x3a;
const HEX_DIGITS = encodeText('0123456789abcdef');

/** A growable byte buffer: the list is written once, without a chunk per field. */
class ByteWriter {
  private buf: Uint8Array;
  private length = 0;

  constructor(initialSize: number) {
    this.buf = new Uint8Array(Math.max(64, initialSize));
  }

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  byte(b: number): void {
    this.reserve(1);
    this.buf[this.length++] = b;
  }

  bytes(src: Uint8Array): void {
    this.reserve(src.length);
    this.buf.set(src, this.length);
    this.length += src.length;
  }

  text(s: string): void {
    this.bytes(encodeText(s));
  }

  hex(src: Uint8Array): void {
    this.reserve(src.length * 2);
    for (let k = 0; k < src.length; k++) {
      this.buf[this.length++] = HEX_DIGITS[src[k] >> 4];
      this.buf[this.length++] = HEX_DIGITS[src[k] & 15];
    }
  }

  result(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

/** The whole list in the kernel's ASCII rendering. */
export function exportAsciiList(log: ImaLog): Uint8Array {
  // ASCII lines run about 1.3–2× the binary entries (hex doubles the digests).
  const out = new ByteWriter(log.bytes.size * 2);
  const descriptors = log.templates.map((t) => describeTemplate(t.name));
  for (let i = 0; i < log.entries.length; i++) writeLine(out, log, i, descriptors[log.entries.template[i]]);
  return out.result();
}

/** One entry's line without its newline (Keylime quotes it in `ima.parser.entry` events). */
export function asciiLine(log: ImaLog, i: IndexIntoEntryTable): string {
  const out = new ByteWriter(256);
  writeLine(out, log, i, describeTemplate(log.templates[log.entries.template[i]].name));
  const bytes = out.result();
  return decodeText(bytes.subarray(0, bytes.length - 1));
}

function writeLine(out: ByteWriter, log: ImaLog, i: IndexIntoEntryTable, desc: TemplateDescriptor): void {
  const e = log.entries;
  // The entry's bytes, read once; offsets below are shifted to where they lie in `data`.
  const shift = readEntrySpan(log, i, i + 1);
  const data = log.bytes.bytes;
  const little = log.byteOrder === 'little';
  const start = e.entryOffset[i] + shift;
  // The kernel prints e->pcr, an int, with "%2d ".
  out.text(`${String(readU32(data, start, little) | 0).padStart(2, ' ')} `);
  out.hex(data.subarray(start + 4, start + 4 + log.digestSize));
  out.byte(SPACE);
  out.text(desc.info.name);
  const fieldsStart = templateDataOffset(log, i) + shift;
  const fieldsEnd = e.entryOffset[i] + e.entrySize[i] + shift;
  if (desc.isLegacyIma) writeLegacyFields(out, data, fieldsStart, fieldsEnd, little);
  else writeFields(out, data, fieldsStart, fieldsEnd, little, desc);
  out.byte(NEWLINE);
}

/** `ima`: d[20] ‖ u32 n ‖ name[n], rendered " <hex d> <name>". */
function writeLegacyFields(out: ByteWriter, data: Uint8Array, start: number, end: number, little: boolean): void {
  out.byte(SPACE);
  out.hex(data.subarray(start, Math.min(start + LEGACY_DIGEST_SIZE, end)));
  out.byte(SPACE);
  const lengthAt = start + LEGACY_DIGEST_SIZE;
  if (lengthAt + 4 > end) return;
  const nameStart = lengthAt + 4;
  writeCString(out, data.subarray(nameStart, Math.min(nameStart + readU32(data, lengthAt, little), end)));
}

function writeFields(
  out: ByteWriter,
  data: Uint8Array,
  start: number,
  end: number,
  little: boolean,
  desc: TemplateDescriptor,
): void {
  let p = start;
  for (let k = 0; p + 4 <= end; k++) {
    const len = readU32(data, p, little);
    if (len > end - p - 4) return; // the parser flagged the entry as malformed; render what fits
    const field = data.subarray(p + 4, p + 4 + len);
    p += 4 + len;
    out.byte(SPACE);
    if (len > 0) writeField(out, field, desc.kinds[k] ?? FieldKind.Unknown, little);
  }
}

function writeField(out: ByteWriter, field: Uint8Array, kind: FieldKind, little: boolean): void {
  switch (kind) {
    case FieldKind.DigestWithAlgo:
      writeDigestWithAlgo(out, field);
      return;
    case FieldKind.String:
      writeCString(out, field);
      return;
    case FieldKind.Uint:
      writeUint(out, field, little);
      return;
    case FieldKind.RawDigest:
    case FieldKind.Bytes:
    case FieldKind.U32Array:
    case FieldKind.Unknown:
      out.hex(field);
      return;
  }
}

/** "<algo>:" ‖ NUL ‖ digest → the C string, then hex from two past its last ':'. */
function writeDigestWithAlgo(out: ByteWriter, field: Uint8Array): void {
  let nul = field.indexOf(0);
  if (nul < 0) nul = field.length;
  const colon = field.subarray(0, nul).lastIndexOf(COLON);
  // No ':' at all cannot come from a kernel (it would dereference NULL): show it all as hex.
  if (colon < 0) {
    out.hex(field);
    return;
  }
  if (colon > 0) out.bytes(field.subarray(0, nul));
  out.hex(field.subarray(colon + 2));
}

function writeCString(out: ByteWriter, bytes: Uint8Array): void {
  const nul = bytes.indexOf(0);
  out.bytes(nul < 0 ? bytes : bytes.subarray(0, nul));
}

function writeUint(out: ByteWriter, field: Uint8Array, little: boolean): void {
  const n = field.length;
  if (n !== 1 && n !== 2 && n !== 4 && n !== 8) return;
  let value = 0n;
  for (let k = 0; k < n; k++) value = (value << 8n) | BigInt(field[little ? n - 1 - k : k]);
  out.text(value.toString());
}
