/**
 * A Blob (a dropped File) as a stream of byte chunks, so a multi-gigabyte log never has to
 * fit in one ArrayBuffer on the way in.
 *
 * Where the Blob's stream is a byte stream (Chromium, Firefox, Node), every chunk is read
 * into one reused 4 MiB buffer (a BYOB reader): reading a 100 MB log then leaves no garbage,
 * where fresh slices would leave 100 MB of dead buffers until the next collection, at the
 * moment the parsed log is largest. So a chunk is only valid until the next one is asked for:
 * consumers copy or hash it before moving on (the parsers and hash streams do). Elsewhere
 * the Blob is read in fresh 32 MiB slices (Perfetto's TRACE_SLICE_SIZE): large enough that
 * per-slice overhead vanishes.
 */
import type { ChunkReader } from '../core/model/byte-source';
import type { Bytes } from '../core/model/ima-log';

export const BLOB_SLICE_SIZE: Bytes = 32 * 1024 * 1024;
/** The reused buffer of the BYOB path: streams hand over ~256 KiB per read anyway. */
const BYOB_BUFFER_SIZE: Bytes = 4 * 1024 * 1024;

export async function* readBlobChunks(
  blob: Blob,
  sliceSize: Bytes = BLOB_SLICE_SIZE,
): AsyncGenerator<Uint8Array, void, undefined> {
  const reader = byobReader(blob);
  if (reader === undefined) {
    for (let offset = 0; offset < blob.size; offset += sliceSize) {
      const slice = blob.slice(offset, Math.min(blob.size, offset + sliceSize));
      yield new Uint8Array(await slice.arrayBuffer());
    }
    return;
  }
  try {
    let buffer = new ArrayBuffer(Math.max(1, Math.min(sliceSize, BYOB_BUFFER_SIZE, blob.size)));
    for (let done = false; !done; ) {
      let filled = 0;
      while (filled < buffer.byteLength && !done) {
        // The view's buffer is transferred to the stream and handed back in `value`.
        const read = await reader.read(new Uint8Array(buffer, filled, buffer.byteLength - filled));
        if (read.value === undefined) throw new Error('the file stream was cancelled');
        buffer = read.value.buffer as ArrayBuffer;
        filled += read.value.byteLength;
        done = read.done;
      }
      if (filled > 0) yield new Uint8Array(buffer, 0, filled);
    }
  } finally {
    void reader.cancel().catch(() => undefined);
  }
}

function byobReader(blob: Blob): ReadableStreamBYOBReader | undefined {
  try {
    return blob.stream().getReader({ mode: 'byob' });
  } catch {
    return undefined;
  }
}

/** The first `length` bytes of a blob (content sniffing needs no more). */
export async function readBlobHead(blob: Blob, length: Bytes): Promise<Uint8Array> {
  return new Uint8Array(await blob.slice(0, Math.min(blob.size, length)).arrayBuffer());
}

/**
 * Reads [start, end) of a Blob synchronously (FileReaderSync, in a worker), so a list's
 * bytes can be read back from its File on demand instead of being kept (issue 14);
 * undefined where there is no FileReaderSync (Node, the main thread). A File changed on disk
 * since it was picked no longer reads (the browser refuses it): that is said, never read as
 * other bytes.
 */
export function syncBlobReader(blob: Blob): ChunkReader | undefined {
  if (typeof FileReaderSync === 'undefined') return undefined;
  const reader = new FileReaderSync();
  return (start, end) => {
    try {
      return new Uint8Array(reader.readAsArrayBuffer(blob.slice(start, end)));
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      throw new Error(`the list could not be read again from its file (changed or moved since it was opened? open it again): ${why}`, { cause: e });
    }
  };
}
