/**
 * A range of a log's entries as a standalone `ImaLog`: the bytes those entries occupy in
 * `data` (read through `log.bytes`) and every column for them, copied with the offsets into `data` rebased, so it can
 * be transferred to a pool worker (nothing of the session's model is detached) and
 * processed there with the same core functions as the whole log. Entry k of the range is
 * entry start + k of the log.
 *
 * Everything lives in one ArrayBuffer, columns first (widest first, so each is aligned),
 * then the data bytes:
 *   u32 entryOffset sourceOffset nameOffset fileDigestOffset
 *       entrySize nameLength   u16 template flags fileDigestLength
 *   fileDigestAlgorithm   u8 pcr   data
 * One buffer is one transfer each way, and the caller can reuse it for the next range
 * (`allocate`), so a million entries sent through the pool leave no garbage behind in the
 * session.
 */
import { memoryByteSource, readSpan } from '../core/model/byte-source';
import type { EntryTable, ImaLog, OffsetColumn } from '../core/model/ima-log';

/** Bytes of column storage per entry in a range buffer (see the layout above). */
const BYTES_PER_ENTRY = 6 * 4 + 4 * 2 + 1;

export function sliceLogRange(
  log: ImaLog,
  start: number,
  end: number,
  allocate: (bytes: number) => ArrayBuffer = (bytes) => new ArrayBuffer(bytes),
): ImaLog {
  const e = log.entries;
  const n = Math.max(0, end - start);
  let lo = n === 0 ? 0 : Infinity;
  let hi = 0;
  for (let i = start; i < end; i++) {
    lo = Math.min(lo, e.entryOffset[i]);
    hi = Math.max(hi, e.entryOffset[i] + e.entrySize[i]);
  }
  const dataBytes = Math.max(0, hi - lo);
  const buffer = allocate(n * BYTES_PER_ENTRY + dataBytes);
  let at = 0;
  const take = <T>(
    make: (b: ArrayBuffer, offset: number, length: number) => T,
    bytesEach: number,
    length = n,
  ): T => {
    const view = make(buffer, at, length);
    at += bytesEach * length;
    return view;
  };
  const offsets = (column: OffsetColumn, rebase: number): OffsetColumn => {
    const out = take((b, o, l) => new Uint32Array(b, o, l), 4);
    for (let k = 0; k < n; k++) out[k] = column[start + k] - rebase;
    return out;
  };
  const copy = <T extends Uint32Array | Uint16Array | Uint8Array>(
    column: T,
    make: (b: ArrayBuffer, o: number, l: number) => T,
    bytesEach: number,
  ): T => {
    const out = take(make, bytesEach);
    out.set(column.subarray(start, end));
    return out;
  };
  const u32 = (b: ArrayBuffer, o: number, l: number) => new Uint32Array(b, o, l);
  const u16 = (b: ArrayBuffer, o: number, l: number) => new Uint16Array(b, o, l);
  const u8 = (b: ArrayBuffer, o: number, l: number) => new Uint8Array(b, o, l);
  const entries: EntryTable = {
    length: n,
    entryOffset: offsets(e.entryOffset, lo),
    // Source offsets stay in the user's file (they are not offsets into `data`).
    sourceOffset: offsets(e.sourceOffset, 0),
    nameOffset: offsets(e.nameOffset, lo),
    fileDigestOffset: offsets(e.fileDigestOffset, lo),
    entrySize: copy(e.entrySize, u32, 4),
    nameLength: copy(e.nameLength, u32, 4),
    template: copy(e.template, u16, 2),
    flags: copy(e.flags, u16, 2),
    fileDigestLength: copy(e.fileDigestLength, u16, 2),
    fileDigestAlgorithm: copy(e.fileDigestAlgorithm, u16, 2),
    pcr: copy(e.pcr, u8, 1),
  };
  const data = take(u8, 1, dataBytes);
  if (dataBytes > 0) {
    const shift = readSpan(log.bytes, lo, hi);
    data.set(log.bytes.bytes.subarray(lo + shift, hi + shift));
  }
  return { ...log, entries, data, bytes: memoryByteSource(data), errors: [] };
}

/** The one buffer a sliced range lives in, to transfer with it. */
export function bufferOfRange(range: ImaLog): ArrayBuffer {
  const buffer = range.data.buffer;
  if (!(buffer instanceof ArrayBuffer)) throw new Error('unreachable: ranges live in ArrayBuffers');
  return buffer;
}
