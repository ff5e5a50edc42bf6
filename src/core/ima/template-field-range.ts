/**
 * Finding one field inside an entry's template data: the `u32 len ‖ data` pairs of every
 * template but `ima` (ima-format.md §2.2), with the length words in the list's byte order.
 */
import { templateDataOffset, type ImaLog, type IndexIntoEntryTable } from '../model/ima-log';

/** Where field `fieldIndex` of entry `i` lies in `log.data` (its value, after the u32 length). */
export function templateFieldRange(
  log: ImaLog,
  i: IndexIntoEntryTable,
  fieldIndex: number,
): { readonly offset: number; readonly length: number } | undefined {
  const e = log.entries;
  const d = log.data;
  const little = log.byteOrder === 'little';
  let o = templateDataOffset(log, i);
  const end = e.entryOffset[i] + e.entrySize[i];
  for (let f = 0; o + 4 <= end; f++) {
    const length = little
      ? d[o] + (d[o + 1] << 8) + (d[o + 2] << 16) + d[o + 3] * 0x1000000
      : d[o] * 0x1000000 + (d[o + 1] << 16) + (d[o + 2] << 8) + d[o + 3];
    if (o + 4 + length > end) return undefined;
    if (f === fieldIndex) return { offset: o + 4, length };
    o += 4 + length;
  }
  return undefined;
}

