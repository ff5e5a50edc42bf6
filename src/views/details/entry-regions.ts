/**
 * The byte regions of one entry, for the hex view: the framing the parser walked (PCR word,
 * template digest, name length and name, template-data length) and each decoded field's
 * length word and value. Offsets are relative to the entry's first byte.
 */
import type { ByteOrder } from '../../core/model/ima-log';
import type { EntryDetail } from '../../worker/protocol';
import type { ByteRegion } from '../shared/HexDump';

function readU32(bytes: Uint8Array, at: number, order: ByteOrder): number {
  if (at + 4 > bytes.length) return 0;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return view.getUint32(at, order === 'little');
}

/** Region key of the k-th field's value; its length word is `${fieldKey(k)}-length`. */
export function fieldKey(k: number): string {
  return `field-${k}`;
}

export function entryRegions(detail: EntryDetail, byteOrder: ByteOrder): ByteRegion[] {
  const raw = detail.raw;
  const digestSize = detail.decoded.templateDigest.length / 2;
  const regions: ByteRegion[] = [{ key: 'pcr', label: 'PCR index (u32)', start: 0, end: 4, kind: 'framing' }];
  regions.push({ key: 'template-digest', label: 'template digest', start: 4, end: 4 + digestSize, kind: 'digest' });
  const nameLengthAt = 4 + digestSize;
  const nameLength = readU32(raw, nameLengthAt, byteOrder);
  regions.push({ key: 'template-name-length', label: 'template name length (u32)', start: nameLengthAt, end: nameLengthAt + 4, kind: 'length' });
  regions.push({ key: 'template-name', label: 'template name', start: nameLengthAt + 4, end: nameLengthAt + 4 + nameLength, kind: 'name' });
  if (detail.templateName !== 'ima') {
    const at = nameLengthAt + 4 + nameLength;
    regions.push({ key: 'template-data-length', label: 'template data length (u32)', start: at, end: at + 4, kind: 'length' });
  }
  detail.decoded.fields.forEach((f, k) => {
    if (f.lengthOffset !== undefined) {
      const start = f.lengthOffset - detail.dataOffset;
      regions.push({ key: `${fieldKey(k)}-length`, label: `${f.id} length (u32)`, start, end: start + 4, kind: 'length' });
    }
    const start = f.offset - detail.dataOffset;
    regions.push({ key: fieldKey(k), label: f.id, start, end: start + f.length, kind: 'value' });
  });
  return regions.filter((r) => r.end > r.start && r.start >= 0 && r.end <= raw.length);
}
