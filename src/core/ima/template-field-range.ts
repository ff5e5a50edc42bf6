/**
 * Finding one field inside an entry's template data: the `u32 len ‖ data` pairs of every
 * template but `ima` (ima-format.md §2.2), with the length words in the list's byte order.
 */
import { readEntrySpan, templateDataOffset, type ImaLog, type IndexIntoEntryTable } from '../model/ima-log';

/**
 * Where field `fieldIndex` of entry `i` lies in the list (its value, after the u32 length):
 * offsets of the model, to read through `log.bytes.at`. The length words are read through
 * `log.bytes`, or from `data` when given, where byte k of the list is `data[k - dataStart]`
 * (a caller's window over the entry).
 */
export function templateFieldRange(
  log: ImaLog,
  i: IndexIntoEntryTable,
  fieldIndex: number,
  data?: Uint8Array,
  dataStart = 0,
): { readonly offset: number; readonly length: number } | undefined {
  const e = log.entries;
  const shift = data === undefined ? readEntrySpan(log, i, i + 1) : -dataStart;
  const d = data ?? log.bytes.bytes;
  const little = log.byteOrder === 'little';
  let o = templateDataOffset(log, i);
  const end = e.entryOffset[i] + e.entrySize[i];
  for (let f = 0; o + 4 <= end; f++) {
    const at = o + shift;
    const length = little
      ? d[at] + (d[at + 1] << 8) + (d[at + 2] << 16) + d[at + 3] * 0x1000000
      : d[at] * 0x1000000 + (d[at + 1] << 16) + (d[at + 2] << 8) + d[at + 3];
    if (o + 4 + length > end) return undefined;
    if (f === fieldIndex) return { offset: o + 4, length };
    o += 4 + length;
  }
  return undefined;
}
