/**
 * Finding one field inside an entry's template data: the `u32 len ‖ data` pairs of every
 * template but `ima` (ima-format.md §2.2), with the length words in the list's byte order.
 */
import { templateDataOffset, type ImaLog, type IndexIntoEntryTable } from '../model/ima-log';

/**
 * Where field `fieldIndex` of entry `i` lies in `log.data` (its value, after the u32 length).
 * The bytes are read from `data`, where byte k of the list is `data[k - dataStart]` (a
 * ByteSource's window over the entry; by default the model's data itself).
 */
export function templateFieldRange(
  log: ImaLog,
  i: IndexIntoEntryTable,
  fieldIndex: number,
  data: Uint8Array = log.data,
  dataStart = 0,
): { readonly offset: number; readonly length: number } | undefined {
  const e = log.entries;
  const little = log.byteOrder === 'little';
  let o = templateDataOffset(log, i);
  const end = e.entryOffset[i] + e.entrySize[i];
  for (let f = 0; o + 4 <= end; f++) {
    const p = o - dataStart;
    const length = little
      ? data[p] + (data[p + 1] << 8) + (data[p + 2] << 16) + data[p + 3] * 0x1000000
      : data[p] * 0x1000000 + (data[p + 1] << 16) + (data[p + 2] << 8) + data[p + 3];
    if (o + 4 + length > end) return undefined;
    if (f === fieldIndex) return { offset: o + 4, length };
    o += 4 + length;
  }
  return undefined;
}
