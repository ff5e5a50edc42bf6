/**
 * IMA templates and template fields (ima-format.md §4, §11), and the one walk over a
 * template-data region that every other module shares.
 *
 * A template is an ordered list of fields. The list names it either by a built-in
 * descriptor name (`ima-ng` = `d-ng|n-ng`) or, for `ima_template_fmt=` templates whose
 * descriptor name is empty, by the format string itself (`d-ng|n-ng|iuid`). In the binary
 * list every field of every template except the legacy `ima` is `u32 len ‖ data[len]`, so
 * the template data is self-delimiting even when we do not know the template; knowing it
 * only tells which field holds the file digest and which the file name.
 *
 * Field encodings (§4.2) that matter here:
 *   d              raw digest (20 bytes SHA-1, 16 bytes MD5)
 *   d-ng, d-modsig "<algo>:" ‖ 0x00 ‖ digest          (d-modsig may be empty)
 *   d-ngv2         "<ima|verity>:<algo>:" ‖ 0x00 ‖ digest
 *   n, n-ng        name ‖ 0x00 (xattrnames likewise: "a|b" ‖ 0x00)
 *   iuid, igid     u32, imode u16, xattrlengths u32 each — in the list's byte order
 *   sig, modsig, evmsig, buf, xattrvalues   raw bytes
 * The digest length is always the field length minus the prefix, never the algorithm's
 * size: v5.19 violations carry `sha256:` with only 20 zero bytes.
 */
import type { TemplateInfo } from '../model/ima-log';

/** How a field is encoded; decides its ASCII rendering and which integers it holds. */
export const FieldKind = {
  /** Raw digest, no prefix (`d`). */
  RawDigest: 0,
  /** "<algo>:" ‖ NUL ‖ digest (`d-ng`, `d-ngv2`, `d-modsig`). */
  DigestWithAlgo: 1,
  /** Text ‖ NUL (`n`, `n-ng`, `xattrnames`). */
  String: 2,
  /** Raw bytes shown as hex (`sig`, `modsig`, `evmsig`, `buf`, `xattrvalues`). */
  Bytes: 3,
  /** A sequence of u32 in the list's byte order, shown as hex (`xattrlengths`). */
  U32Array: 4,
  /** One unsigned integer in the list's byte order, shown in decimal (`iuid`, `igid`, `imode`). */
  Uint: 5,
  /** A field id this decoder does not know. */
  Unknown: 6,
} as const;
export type FieldKind = (typeof FieldKind)[keyof typeof FieldKind];

interface FieldSpec {
  readonly kind: FieldKind;
  /** Width in bytes of a `Uint` field as the kernel writes it (uid/gid are u32, i_mode u16). */
  readonly width?: number;
}

// Maps, since the names looked up come from the log (`constructor`, `__proto__`…).
const FIELDS: ReadonlyMap<string, FieldSpec> = new Map(Object.entries({
  d: { kind: FieldKind.RawDigest },
  'd-ng': { kind: FieldKind.DigestWithAlgo },
  'd-ngv2': { kind: FieldKind.DigestWithAlgo },
  'd-modsig': { kind: FieldKind.DigestWithAlgo },
  n: { kind: FieldKind.String },
  'n-ng': { kind: FieldKind.String },
  xattrnames: { kind: FieldKind.String },
  sig: { kind: FieldKind.Bytes },
  modsig: { kind: FieldKind.Bytes },
  evmsig: { kind: FieldKind.Bytes },
  buf: { kind: FieldKind.Bytes },
  xattrvalues: { kind: FieldKind.Bytes },
  xattrlengths: { kind: FieldKind.U32Array },
  iuid: { kind: FieldKind.Uint, width: 4 },
  igid: { kind: FieldKind.Uint, width: 4 },
  imode: { kind: FieldKind.Uint, width: 2 },
}));

/** Built-in descriptors (`ima_template.c: builtin_templates[]`). */
const BUILTIN_TEMPLATES: ReadonlyMap<string, string> = new Map(Object.entries({
  ima: 'd|n',
  'ima-ng': 'd-ng|n-ng',
  'ima-ngv2': 'd-ngv2|n-ng',
  'ima-sig': 'd-ng|n-ng|sig',
  'ima-sigv2': 'd-ngv2|n-ng|sig',
  'ima-buf': 'd-ng|n-ng|buf',
  'ima-modsig': 'd-ng|n-ng|sig|d-modsig|modsig',
  'evm-sig': 'd-ng|n-ng|evmsig|xattrnames|xattrlengths|xattrvalues|iuid|igid|imode',
}));

/** `IMA_TEMPLATE_NUM_FIELDS_MAX`: the kernel refuses templates with more fields. */
export const MAX_TEMPLATE_FIELDS = 15;
/**
 * Longest template name we accept. Built-in names are short; a custom name is a format
 * string of at most 15 ids of ≤ 16 characters and 14 `|`: 254 characters.
 */
export const MAX_TEMPLATE_NAME_LENGTH = 255;

/** Everything the parsers and the hasher need to know about one template name. */
export interface TemplateDescriptor {
  readonly info: TemplateInfo;
  /** FieldKind per field, in order; empty when the name is unknown. */
  readonly kinds: readonly FieldKind[];
  /** Uint width per field (0 for other kinds). */
  readonly widths: readonly number[];
  /** The legacy `ima` template: no data length, unprefixed `d`, hash over d ‖ name[256]. */
  readonly isLegacyIma: boolean;
  /** Index of the field holding the file digest (d, d-ng, d-ngv2), or -1. */
  readonly fileDigestField: number;
  /** Index of the field holding the file/event name (n, n-ng), or -1. */
  readonly nameField: number;
}

/** Descriptors of known templates; unknown names are not kept, so garbage cannot grow it. */
const cache = new Map<string, TemplateDescriptor>();

/** The descriptor of a template as named in a list (built-in name or format string). */
export function describeTemplate(name: string): TemplateDescriptor {
  let d = cache.get(name);
  if (d === undefined) {
    d = buildDescriptor(name);
    if (d.info.known) cache.set(name, d);
  }
  return d;
}

function buildDescriptor(name: string): TemplateDescriptor {
  const format = BUILTIN_TEMPLATES.get(name) ?? name;
  const ids = format.split('|');
  const known = ids.length <= MAX_TEMPLATE_FIELDS && ids.every((id) => FIELDS.has(id));
  // A name that is neither built-in nor a `|` list of ids is an unknown template (a patched
  // kernel's, say): its field list is unknown, not a one-field template named after itself.
  const fields = known || name.includes('|') ? ids : [];
  const kinds = fields.map((id) => FIELDS.get(id)?.kind ?? FieldKind.Unknown);
  const widths = fields.map((id) => FIELDS.get(id)?.width ?? 0);
  const firstOf = (candidates: readonly string[]): number =>
    fields.findIndex((id) => candidates.includes(id));
  return {
    info: { name, fields, known },
    kinds,
    widths,
    isLegacyIma: name === 'ima',
    fileDigestField: firstOf(['d', 'd-ng', 'd-ngv2']),
    nameField: firstOf(['n', 'n-ng']),
  };
}

/** True for bytes that may appear in a template name (printable ASCII, no space). */
export function isTemplateNameByte(b: number): boolean {
  return b > 0x20 && b < 0x7f;
}

/** Where a file digest's algorithm name comes from. */
export const AlgorithmSource = {
  None: 0,
  /** Bytes `algOffset`/`algLength` in the data ("sha256", "ima:sha256"). */
  Prefix: 1,
  /** An unprefixed `d` field of 20 bytes. */
  Sha1: 2,
  /** An unprefixed `d` field of 16 bytes. */
  Md5: 3,
} as const;

/** Result of `scanTemplateFields`; one instance is reused for every entry (no allocation). */
export interface FieldScan {
  /** EntryFlag bits found (UnknownTemplate, MalformedFields). */
  flags: number;
  fieldCount: number;
  nameOffset: number;
  nameLength: number;
  fileDigestOffset: number;
  fileDigestLength: number;
  algorithmSource: number;
  algOffset: number;
  algLength: number;
}

export function createFieldScan(): FieldScan {
  return {
    flags: 0,
    fieldCount: 0,
    nameOffset: 0,
    nameLength: 0,
    fileDigestOffset: 0,
    fileDigestLength: 0,
    algorithmSource: AlgorithmSource.None,
    algOffset: 0,
    algLength: 0,
  };
}

// Kept local (not imported from the model) so this module stays a leaf of the IMA code.
const FLAG_UNKNOWN_TEMPLATE = 1 << 4;
const FLAG_MALFORMED_FIELDS = 1 << 5;
/** Longest "<ima|verity>:<algo>:" prefix we look for the NUL in (`CRYPTO_MAX_ALG_NAME` + 9). */
const MAX_ALGO_PREFIX = 138;

export function readU32(data: Uint8Array, p: number, littleEndian: boolean): number {
  return littleEndian
    ? (data[p] | (data[p + 1] << 8) | (data[p + 2] << 16) | (data[p + 3] << 24)) >>> 0
    : ((data[p] << 24) | (data[p + 1] << 16) | (data[p + 2] << 8) | data[p + 3]) >>> 0;
}

/**
 * Walks the `u32 len ‖ data` fields of a non-`ima` template-data region and records where
 * the name and the file digest are. Never reads outside [offset, offset + size).
 */
export function scanTemplateFields(
  data: Uint8Array,
  offset: number,
  size: number,
  littleEndian: boolean,
  desc: TemplateDescriptor,
  out: FieldScan,
): void {
  out.flags = desc.info.known ? 0 : FLAG_UNKNOWN_TEMPLATE;
  out.nameOffset = 0;
  out.nameLength = 0;
  out.fileDigestOffset = 0;
  out.fileDigestLength = 0;
  out.algorithmSource = AlgorithmSource.None;
  out.algOffset = 0;
  out.algLength = 0;
  const end = offset + size;
  let p = offset;
  let k = 0;
  while (p < end) {
    if (end - p < 4 || k === MAX_TEMPLATE_FIELDS) {
      out.flags |= FLAG_MALFORMED_FIELDS;
      break;
    }
    const len = readU32(data, p, littleEndian);
    const start = p + 4;
    if (len > end - start) {
      out.flags |= FLAG_MALFORMED_FIELDS;
      break;
    }
    if (k === desc.fileDigestField) recordFileDigest(data, start, len, desc.kinds[k], out);
    else if (k === desc.nameField) {
      out.nameOffset = start;
      out.nameLength = len > 0 && data[start + len - 1] === 0 ? len - 1 : len;
    }
    p = start + len;
    k++;
  }
  out.fieldCount = k;
  if (desc.kinds.length > 0 && k !== desc.kinds.length) out.flags |= FLAG_MALFORMED_FIELDS;
}

function recordFileDigest(
  data: Uint8Array,
  start: number,
  len: number,
  kind: FieldKind,
  out: FieldScan,
): void {
  if (kind === FieldKind.RawDigest) {
    out.fileDigestOffset = start;
    out.fileDigestLength = len;
    out.algorithmSource = digestAlgorithmOfRawLength(len);
    if (out.algorithmSource === AlgorithmSource.None) out.flags |= FLAG_MALFORMED_FIELDS;
    return;
  }
  if (len === 0) return;
  const limit = start + Math.min(len, MAX_ALGO_PREFIX);
  let z = start;
  while (z < limit && data[z] !== 0) z++;
  if (z === limit || z === start || data[z - 1] !== 0x3a) {
    out.flags |= FLAG_MALFORMED_FIELDS;
    return;
  }
  out.algorithmSource = AlgorithmSource.Prefix;
  out.algOffset = start;
  out.algLength = z - 1 - start;
  out.fileDigestOffset = z + 1;
  out.fileDigestLength = start + len - (z + 1);
}

/** The `d` field holds SHA-1 (20 bytes) or, for the legacy template, MD5 (16 bytes). */
export function digestAlgorithmOfRawLength(len: number): number {
  if (len === 20) return AlgorithmSource.Sha1;
  return len === 16 ? AlgorithmSource.Md5 : AlgorithmSource.None;
}

/**
 * Number of `u32 len ‖ data` fields that tile [offset, offset + size) exactly, or -1 when
 * they do not (or there are more than the kernel allows). Used to judge whether bytes
 * found while resynchronising really are an entry.
 */
export function countExactFields(
  data: Uint8Array,
  offset: number,
  size: number,
  littleEndian: boolean,
): number {
  const end = offset + size;
  let p = offset;
  let k = 0;
  while (p < end) {
    if (end - p < 4 || k === MAX_TEMPLATE_FIELDS) return -1;
    const len = readU32(data, p, littleEndian);
    if (len > end - p - 4) return -1;
    p += 4 + len;
    k++;
  }
  return k;
}
