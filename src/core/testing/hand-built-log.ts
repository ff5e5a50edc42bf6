/**
 * Test support (imported only by the decode tests): builds an `ImaLog` straight from field
 * bytes, encoding each entry as the kernel writes it (ima-format.md §2), so the decoders can
 * be tested without the parser. Length words and numeric fields follow `byteOrder`.
 */
import { memoryByteSource } from '../model/byte-source';
import type { ByteOrder, ImaLog, TemplateInfo } from '../model/ima-log';
import { concatBytes, encodeText } from '../util/bytes';
import { BUILTIN_TEMPLATE_FIELDS } from './build-ima-log';

const FIELD_IDS = new Set(Object.values(BUILTIN_TEMPLATE_FIELDS).flat());

/** A custom template's name is its format string: `d-ng|n-ng|iuid`, or one field id alone. */
function customFields(name: string): readonly string[] {
  return name.includes('|') || FIELD_IDS.has(name) ? name.split('|') : [];
}

export interface HandEntry {
  readonly template: string;
  readonly pcr?: number;
  /** Template digest bytes; defaults to `digestSize` bytes of 0xaa. */
  readonly templateDigest?: Uint8Array;
  /**
   * Field data in template order. For the legacy `ima` template give [digest(20), name]
   * (the name without NUL, as the binary list writes it).
   */
  readonly fields: readonly Uint8Array[];
}

export function uint(value: number, width: 1 | 2 | 4 | 8, byteOrder: ByteOrder): Uint8Array {
  const out = new Uint8Array(width);
  let v = value;
  for (let i = 0; i < width; i++) {
    out[byteOrder === 'little' ? i : width - 1 - i] = v % 256;
    v = Math.floor(v / 256);
  }
  return out;
}

export function text(value: string): Uint8Array {
  return encodeText(value);
}

/** `d-ng` / `d-ngv2` data: "<prefix>:" ‖ 0x00 ‖ digest. */
export function prefixedDigest(prefix: string, digest: Uint8Array): Uint8Array {
  return concatBytes([encodeText(`${prefix}:`), new Uint8Array([0]), digest]);
}

/** `n-ng` data: name ‖ 0x00. */
export function nulName(name: string): Uint8Array {
  return concatBytes([encodeText(name), new Uint8Array([0])]);
}

export function buildHandLog(
  entries: readonly HandEntry[],
  options: { readonly byteOrder?: ByteOrder; readonly digestSize?: number } = {},
): ImaLog {
  const byteOrder = options.byteOrder ?? 'little';
  const digestSize = options.digestSize ?? 20;
  const u32 = (v: number): Uint8Array => uint(v, 4, byteOrder);
  const templates: TemplateInfo[] = [];
  const templateIndex = new Map<string, number>();
  const parts: Uint8Array[] = [];
  const n = entries.length;
  const columns = {
    entryOffset: new Uint32Array(n),
    sourceOffset: new Uint32Array(n),
    entrySize: new Uint32Array(n),
    pcr: new Uint8Array(n),
    template: new Uint16Array(n),
    flags: new Uint16Array(n),
    nameOffset: new Uint32Array(n),
    nameLength: new Uint32Array(n),
    fileDigestOffset: new Uint32Array(n),
    fileDigestLength: new Uint16Array(n),
    fileDigestAlgorithm: new Uint16Array(n),
  };
  let offset = 0;
  entries.forEach((entry, i) => {
    let t = templateIndex.get(entry.template);
    if (t === undefined) {
      t = templates.length;
      templateIndex.set(entry.template, t);
      const fields = BUILTIN_TEMPLATE_FIELDS[entry.template] ?? customFields(entry.template);
      templates.push({ name: entry.template, fields, known: fields.length > 0 });
    }
    const name = encodeText(entry.template);
    const head = concatBytes([
      u32(entry.pcr ?? 10),
      entry.templateDigest ?? new Uint8Array(digestSize).fill(0xaa),
      u32(name.length),
      name,
    ]);
    const body =
      entry.template === 'ima'
        ? concatBytes([entry.fields[0], u32(entry.fields[1].length), entry.fields[1]])
        : concatBytes(entry.fields.flatMap((f) => [u32(f.length), f]));
    const withLength = entry.template === 'ima' ? [head, body] : [head, u32(body.length), body];
    const bytes = concatBytes(withLength);
    columns.entryOffset[i] = offset;
    columns.sourceOffset[i] = offset;
    columns.entrySize[i] = bytes.length;
    columns.pcr[i] = entry.pcr ?? 10;
    columns.template[i] = t;
    parts.push(bytes);
    offset += bytes.length;
  });
  const data = concatBytes(parts);
  return {
    format: 'binary',
    byteOrder,
    digestSize,
    digestBank: digestSize === 20 ? 'sha1' : undefined,
    entries: { length: n, ...columns },
    templates,
    digestAlgorithms: [],
    data,
    bytes: memoryByteSource(data),
    errors: [],
    sourceSize: data.length,
  };
}
