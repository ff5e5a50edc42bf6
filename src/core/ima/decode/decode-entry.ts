/**
 * Every field of one IMA entry, decoded for the detail pane and the CLI, with the byte ranges
 * in the list (`ImaLog.bytes`) each value came from (so a hex view can highlight them).
 *
 * Entry layout (ima-format.md §2), integers in `log.byteOrder`:
 *   u32 pcr ‖ template digest[log.digestSize] ‖ u32 nameLen ‖ name ‖ u32 L ‖ fields
 *   fields: for each of the template's field ids, u32 len ‖ data[len]
 * Legacy `ima` template (§2.1): no L, `d` is 20 raw bytes with no length word, and `n` is
 * u32 strlen ‖ name without its NUL.
 *
 * Field data (§4.2):
 *   d                  raw SHA-1 (20) or MD5 (16) digest
 *   d-ng, d-modsig     "<algo>:" ‖ 0x00 ‖ digest          (d-modsig empty if no modsig)
 *   d-ngv2             "<ima|verity>:<algo>:" ‖ 0x00 ‖ digest
 *   n, n-ng            name ‖ 0x00
 *   sig, evmsig        security.ima / security.evm value (signature_v2_hdr ‖ sig)
 *   modsig             PKCS#7 appended signature
 *   buf                buffer measured by ima-buf events (see buffer-payload.ts)
 *   iuid, igid, imode  unsigned integer of 4 / 4 / 2 bytes in log.byteOrder
 *   xattrnames         names joined by `|`, then 0x00
 *   xattrlengths       u32 per name, log.byteOrder
 *   xattrvalues        the values back to back
 *
 * Everything returned is plain data from an untrusted log: strings are for text display only.
 * Nothing here throws; what does not fit the layout goes to `problems` and decoding goes on
 * with what was valid.
 */
import { templateDataOffset, type ImaLog } from '../../model/ima-log';
import { decodeText, escapedText, toHex } from '../../util/bytes';
import { decodeBufferPayload, printableText, type BufferPayload } from './buffer-payload';
import { formatFileMode } from './file-mode';
import { decodeSignatureHeader, type SignatureHeader } from './signature-header';

interface FieldSpan {
  /** Offset in `log.data` of the field's data bytes. */
  readonly offset: number;
  /** Number of data bytes (the value of the field's length word). */
  readonly length: number;
  /** Offset in `log.data` of the field's u32 length word; absent when the layout has none. */
  readonly lengthOffset?: number;
}

export type DigestFieldId = 'd' | 'd-ng' | 'd-ngv2' | 'd-modsig';

export interface XattrValue {
  readonly name: string;
  readonly offset: number;
  readonly length: number;
  readonly hex: string;
  /** For security.ima / security.evm. */
  readonly header?: SignatureHeader;
  /** For other xattrs whose value is printable text (trailing NUL dropped): an SELinux label. */
  readonly text?: string;
}

/**
 * One decoded field. `kind` says how it was decoded (switch on it); `id` is the template's
 * field id. A field whose bytes do not fit its id's encoding, or whose id is unknown, is
 * kind 'raw' (the reason is in the entry's problems).
 */
export type DecodedField = FieldSpan &
  (
    | {
        readonly kind: 'digest';
        readonly id: DigestFieldId;
        /** As written (`sha256`, `sha1` …); for `d`, sha1 or md5 by size; '' if absent. */
        readonly algorithm: string;
        /** d-ngv2 only: the kernel's digest type (`ima` file hash or `verity` fs-verity digest). */
        readonly digestType?: 'ima' | 'verity';
        readonly digest: string;
      }
    | { readonly kind: 'name'; readonly id: 'n' | 'n-ng'; readonly text: string }
    | {
        readonly kind: 'signature';
        readonly id: 'sig' | 'modsig' | 'evmsig';
        readonly hex: string;
        /** Decoded xattr header (sig, evmsig); absent for modsig (PKCS#7) and empty fields. */
        readonly signature?: SignatureHeader;
      }
    | {
        readonly kind: 'buffer';
        readonly id: 'buf';
        readonly hex: string;
        readonly payload?: BufferPayload;
      }
    | {
        readonly kind: 'integer';
        readonly id: 'iuid' | 'igid' | 'imode';
        readonly value: number;
        /** imode only: `-rwxr-xr-x`. */
        readonly text?: string;
      }
    | { readonly kind: 'xattrnames'; readonly id: 'xattrnames'; readonly names: readonly string[] }
    | {
        readonly kind: 'xattrlengths';
        readonly id: 'xattrlengths';
        readonly lengths: readonly number[];
      }
    | {
        readonly kind: 'xattrvalues';
        readonly id: 'xattrvalues';
        readonly hex: string;
        /** Split by xattrnames/xattrlengths when those agree with this field. */
        readonly values?: readonly XattrValue[];
      }
    | {
        readonly kind: 'raw';
        /** The template's id for this field, or `unknown` when the template lists none. */
        readonly id: string;
        readonly hex: string;
      }
  );

export interface DecodedEntry {
  readonly index: number;
  readonly pcr: number;
  /** Template name as written (a custom template's name is its format string). */
  readonly template: string;
  /** Hex of the entry's template digest in the list's bank. */
  readonly templateDigest: string;
  readonly fields: readonly DecodedField[];
  readonly problems: readonly string[];
}

const LEGACY_DIGEST_SIZE = 20;

/** Decodes entry `index` of `log`; never throws. */
export function decodeEntry(log: ImaLog, index: number): DecodedEntry {
  const entries = log.entries;
  if (!Number.isInteger(index) || index < 0 || index >= entries.length) {
    return {
      index,
      pcr: 0,
      template: '',
      templateDigest: '',
      fields: [],
      problems: [`no entry ${index}: the log has ${entries.length} entries`],
    };
  }
  const problems: string[] = [];
  const little = log.byteOrder === 'little';
  const entryOffset = entries.entryOffset[index];
  const size = log.bytes.size;
  const entryEnd = entries.entryOffset[index] + entries.entrySize[index];
  const end = Math.min(entryEnd, size);
  // The entry's bytes, read once: offsets below stay the model's, `shift` finds them in `data`.
  const from = Math.min(entryOffset, end);
  const shift = log.bytes.at(from, end - from) - from;
  const data = log.bytes.bytes;
  const digestEnd = entryOffset + 4 + log.digestSize;
  const pcr = entryOffset + 4 <= end ? readUint(data, entryOffset + shift, 4, little) : entries.pcr[index];
  let templateDigest = '';
  if (digestEnd <= end) templateDigest = toHex(data.subarray(entryOffset + 4 + shift, digestEnd + shift));
  else problems.push(`entry at offset ${entryOffset} is cut short`);
  if (entryEnd > size) problems.push(`template data runs past the end of the list (offset ${size})`);

  const info = log.templates[entries.template[index]];
  const template = info?.name ?? '';
  const start = templateDataOffset(log, index);

  const fields = new FieldDecoder(data, shift, little, problems);
  if (template === 'ima') decodeLegacyFields(fields, start, end);
  else decodeFields(fields, info?.fields ?? [], template, start, end);
  return { index, pcr, template, templateDigest, fields: fields.decoded, problems };
}

/** The `u32 len ‖ data` fields of every template but `ima`, matched to the template's ids. */
function decodeFields(
  fields: FieldDecoder,
  ids: readonly string[],
  template: string,
  start: number,
  end: number,
): void {
  const { little, problems } = fields;
  let pos = start;
  let i = 0;
  while (pos < end) {
    const left = end - pos;
    if (left < 4) {
      problems.push(`${left} stray bytes at offset ${pos}: too few for a field length`);
      break;
    }
    const len = fields.u32(pos, little);
    if (len > left - 4) {
      const claim = `field ${i + 1} at offset ${pos} claims ${len} bytes`;
      problems.push(`${claim} but only ${left - 4} remain`);
      break;
    }
    if (i === ids.length && ids.length > 0) {
      problems.push(`more fields than the ${ids.length} that template ${template} names`);
    }
    fields.decode(ids[i] ?? 'unknown', pos + 4, len, pos);
    pos += 4 + len;
    i++;
  }
  if (i < ids.length) {
    problems.push(`template ${template} names ${ids.length} fields but the data holds ${i}`);
  }
}

/** `ima`: d[20] with no length word, then u32 strlen ‖ name with no NUL (§2.1). */
function decodeLegacyFields(fields: FieldDecoder, start: number, end: number): void {
  const { little, problems } = fields;
  if (end - start < LEGACY_DIGEST_SIZE + 4) {
    problems.push(`ima entry data at offset ${start} is too short for a digest and a name length`);
    return;
  }
  fields.decode('d', start, LEGACY_DIGEST_SIZE, undefined);
  const lengthOffset = start + LEGACY_DIGEST_SIZE;
  const len = fields.u32(lengthOffset, little);
  const left = end - lengthOffset - 4;
  if (len > left) {
    problems.push(`name at offset ${lengthOffset} claims ${len} bytes but only ${left} remain`);
    return;
  }
  const name = fields.bytesAt(lengthOffset + 4, len);
  fields.decoded.push({
    kind: 'name',
    id: 'n',
    offset: lengthOffset + 4,
    length: len,
    lengthOffset,
    text: escapedText(name),
  });
  if (len < left) problems.push(`${left - len} bytes after the ima name`);
}

/** Decodes fields in order, remembering what later fields need (event name, xattr layout). */
class FieldDecoder {
  readonly decoded: DecodedField[] = [];
  private eventName = '';
  private xattrNames: readonly string[] | undefined;
  private xattrLengths: readonly number[] | undefined;

  constructor(
    private readonly data: Uint8Array,
    /** Added to a model offset to index `data` (see decodeEntry). */
    private readonly shift: number,
    readonly little: boolean,
    readonly problems: string[],
  ) {}

  decode(id: string, offset: number, length: number, lengthOffset: number | undefined): void {
    const bytes = this.bytesAt(offset, length);
    const span: FieldSpan =
      lengthOffset === undefined ? { offset, length } : { offset, length, lengthOffset };
    this.decoded.push(this.decodeValue(id, bytes, span));
  }

  bytesAt(offset: number, length: number): Uint8Array {
    return this.data.subarray(offset + this.shift, offset + this.shift + length);
  }

  u32(offset: number, little: boolean): number {
    return readUint(this.data, offset + this.shift, 4, little);
  }

  private problem(id: string, span: FieldSpan, message: string): void {
    this.problems.push(`${id} at offset ${span.offset}: ${message}`);
  }

  private decodeValue(id: string, bytes: Uint8Array, span: FieldSpan): DecodedField {
    switch (id) {
      case 'd':
        return this.rawDigest(bytes, span);
      case 'd-ng':
      case 'd-modsig':
      case 'd-ngv2':
        return this.prefixedDigest(id, bytes, span);
      case 'n':
      case 'n-ng': {
        const name = withoutNul(bytes);
        if (name === bytes) this.problem(id, span, 'name does not end with a NUL');
        // As the CLI prints it: a byte that is not UTF-8 shows as \xNN, never as U+FFFD.
        this.eventName = escapedText(name);
        return { kind: 'name', id, ...span, text: this.eventName };
      }
      case 'sig':
      case 'evmsig':
      case 'modsig':
        return this.signature(id, bytes, span);
      case 'buf':
        return this.buffer(bytes, span);
      case 'iuid':
      case 'igid':
      case 'imode':
        return this.integer(id, bytes, span);
      case 'xattrnames': {
        const joined = withoutNul(bytes);
        if (bytes.length > 0 && joined === bytes) {
          this.problem(id, span, 'names do not end with a NUL');
        }
        const text = decodeText(joined);
        this.xattrNames = text === '' ? [] : text.split('|');
        return { kind: 'xattrnames', id, ...span, names: this.xattrNames };
      }
      case 'xattrlengths': {
        if (bytes.length % 4 !== 0) {
          this.problem(id, span, `${bytes.length} bytes is not a whole number of u32`);
        }
        const lengths: number[] = [];
        for (let p = 0; p + 4 <= bytes.length; p += 4) {
          lengths.push(readUint(bytes, p, 4, this.little));
        }
        this.xattrLengths = lengths;
        return { kind: 'xattrlengths', id, ...span, lengths };
      }
      case 'xattrvalues': {
        const values = this.xattrValues(bytes, span);
        const hex = toHex(bytes);
        return values === undefined
          ? { kind: 'xattrvalues', id, ...span, hex }
          : { kind: 'xattrvalues', id, ...span, hex, values };
      }
      default:
        return { kind: 'raw', id, ...span, hex: toHex(bytes) };
    }
  }

  private rawDigest(bytes: Uint8Array, span: FieldSpan): DecodedField {
    const algorithm = bytes.length === 20 ? 'sha1' : bytes.length === 16 ? 'md5' : '';
    if (algorithm === '') {
      this.problem('d', span, `${bytes.length} bytes is neither a SHA-1 nor an MD5 digest`);
    }
    return { kind: 'digest', id: 'd', ...span, algorithm, digest: toHex(bytes) };
  }

  private prefixedDigest(
    id: 'd-ng' | 'd-ngv2' | 'd-modsig',
    bytes: Uint8Array,
    span: FieldSpan,
  ): DecodedField {
    if (bytes.length === 0) {
      if (id !== 'd-modsig') this.problem(id, span, 'empty digest field');
      return { kind: 'digest', id, ...span, algorithm: '', digest: '' };
    }
    // The algorithm text never contains a NUL, so the first NUL ends the prefix.
    const nul = bytes.indexOf(0);
    if (nul < 1 || bytes[nul - 1] !== 0x3a) {
      this.problem(id, span, "no '<algo>:' prefix before a NUL");
      return { kind: 'digest', id, ...span, algorithm: '', digest: toHex(bytes) };
    }
    const prefix = decodeText(bytes.subarray(0, nul - 1));
    const digest = toHex(bytes.subarray(nul + 1));
    const parts = prefix.split(':');
    if (id !== 'd-ngv2') {
      if (parts.length !== 1) this.problem(id, span, `unexpected prefix "${prefix}:"`);
      return { kind: 'digest', id, ...span, algorithm: prefix, digest };
    }
    const [digestType, algorithm] = parts;
    if ((digestType !== 'ima' && digestType !== 'verity') || parts.length !== 2) {
      this.problem(id, span, `expected "ima:<algo>:" or "verity:<algo>:", found "${prefix}:"`);
      return { kind: 'digest', id, ...span, algorithm: prefix, digest };
    }
    return { kind: 'digest', id, ...span, algorithm, digestType, digest };
  }

  private signature(
    id: 'sig' | 'evmsig' | 'modsig',
    bytes: Uint8Array,
    span: FieldSpan,
  ): DecodedField {
    const hex = toHex(bytes);
    // modsig is a PKCS#7 blob, not an xattr value.
    const signature = id === 'modsig' ? undefined : decodeSignatureHeader(bytes);
    if (signature === undefined) return { kind: 'signature', id, ...span, hex };
    for (const p of signature.problems) this.problem(id, span, p);
    // ima_eventsig_init / ima_eventevmsig_init record only these xattr types.
    const recorded = id === 'sig' ? [3, 6] : [5];
    if (!recorded.includes(signature.type)) {
      const only = `the kernel records only ${recorded.join(' or ')} here`;
      this.problem(id, span, `holds xattr type ${signature.type}; ${only}`);
    }
    return { kind: 'signature', id, ...span, hex, signature };
  }

  private buffer(bytes: Uint8Array, span: FieldSpan): DecodedField {
    const hex = toHex(bytes);
    const payload = decodeBufferPayload(this.eventName, bytes);
    if (payload === undefined) return { kind: 'buffer', id: 'buf', ...span, hex };
    if (payload.kind === 'malformed') {
      const what = `expected ${payload.expected} data for ${payload.event}`;
      this.problem('buf', span, `${what}: ${payload.problem}`);
    } else if (payload.kind === 'certificate') {
      for (const p of payload.problems) this.problem('buf', span, p);
    }
    return { kind: 'buffer', id: 'buf', ...span, hex, payload };
  }

  private integer(id: 'iuid' | 'igid' | 'imode', bytes: Uint8Array, span: FieldSpan): DecodedField {
    if (![1, 2, 4, 8].includes(bytes.length)) {
      this.problem(id, span, `${bytes.length} bytes is not an integer width (1, 2, 4 or 8)`);
      return { kind: 'raw', id, ...span, hex: toHex(bytes) };
    }
    const value = readUint(bytes, 0, bytes.length, this.little);
    if (!Number.isSafeInteger(value)) this.problem(id, span, 'value exceeds 2^53 and is rounded');
    return id === 'imode'
      ? { kind: 'integer', id, ...span, value, text: formatFileMode(value) }
      : { kind: 'integer', id, ...span, value };
  }

  /** Splits xattrvalues by the earlier names and lengths, when those agree with it. */
  private xattrValues(bytes: Uint8Array, span: FieldSpan): XattrValue[] | undefined {
    const names = this.xattrNames;
    const lengths = this.xattrLengths;
    if (names === undefined || lengths === undefined) return undefined;
    if (names.length !== lengths.length) {
      const message = `${names.length} xattr names but ${lengths.length} lengths`;
      this.problem('xattrvalues', span, message);
      return undefined;
    }
    const total = lengths.reduce((a, b) => a + b, 0);
    if (total !== bytes.length) {
      const message = `lengths add up to ${total} but the field holds ${bytes.length} bytes`;
      this.problem('xattrvalues', span, message);
      return undefined;
    }
    let p = 0;
    return names.map((name, i) => {
      const value = bytes.subarray(p, p + lengths[i]);
      const base = { name, offset: span.offset + p, length: value.length, hex: toHex(value) };
      p += value.length;
      if (name === 'security.ima' || name === 'security.evm') {
        const header = decodeSignatureHeader(value);
        return header === undefined ? base : { ...base, header };
      }
      const text = printableText(withoutNul(value));
      return text === undefined ? base : { ...base, text };
    });
  }
}

/** The bytes without one trailing NUL; the same array when there is none. */
function withoutNul(bytes: Uint8Array): Uint8Array {
  return bytes.length > 0 && bytes[bytes.length - 1] === 0 ? bytes.subarray(0, -1) : bytes;
}

/** Unsigned integer of 1, 2, 4 or 8 bytes (8-byte values above 2^53 lose precision). */
function readUint(bytes: Uint8Array, offset: number, width: number, little: boolean): number {
  let value = 0;
  for (let i = 0; i < width; i++) {
    const b = bytes[offset + (little ? width - 1 - i : i)];
    value = value * 256 + b;
  }
  return value;
}
