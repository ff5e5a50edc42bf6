/**
 * A Blob (a dropped File) as a stream of byte chunks, read in 32 MiB slices (Perfetto's
 * TRACE_SLICE_SIZE): large enough that per-slice overhead vanishes, small enough that a
 * multi-gigabyte log never has to fit in one ArrayBuffer on the way in.
 */
import type { Bytes } from '../core/model/ima-log';

export const BLOB_SLICE_SIZE: Bytes = 32 * 1024 * 1024;

export async function* readBlobChunks(
  blob: Blob,
  sliceSize: Bytes = BLOB_SLICE_SIZE,
): AsyncGenerator<Uint8Array, void, undefined> {
  for (let offset = 0; offset < blob.size; offset += sliceSize) {
    const slice = blob.slice(offset, Math.min(blob.size, offset + sliceSize));
    yield new Uint8Array(await slice.arrayBuffer());
  }
}

/** The first `length` bytes of a blob (content sniffing needs no more). */
export async function readBlobHead(blob: Blob, length: Bytes): Promise<Uint8Array> {
  return new Uint8Array(await blob.slice(0, Math.min(blob.size, length)).arrayBuffer());
}
