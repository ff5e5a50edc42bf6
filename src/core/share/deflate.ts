/**
 * deflate-raw (RFC 1951, no zlib/gzip header) through the platform's CompressionStream and
 * DecompressionStream, present in browsers, workers and Node ≥ 20.12 alike, so the core
 * needs no compression library.
 *
 * Inflating is done on untrusted bytes (a permalink anyone can forge), so it is bounded: a
 * deflate stream can expand about 1032:1, and a 1.5 MB fragment would otherwise inflate to
 * 1.5 GB. The input is fed in small slices (each can produce at most ~1 MiB) while the output
 * is counted; past the limit the stream is cancelled, so memory stays near `maxOutput`.
 */
import { concatBytes } from '../util/bytes';

/** Input slice fed per write while inflating: ≤ 1032 × 1 KiB ≈ 1 MiB of output per slice. */
const INFLATE_FEED_BYTES = 1024;

export async function deflateRaw(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new CompressionStream('deflate-raw');
  const writer = stream.writable.getWriter();
  // Written without awaiting: the write resolves only once the output is being read.
  const writing = writer.write(bytes).then(() => writer.close());
  const output = await readAll(stream.readable.getReader(), Infinity);
  await writing;
  return output.bytes;
}

export type InflateResult =
  | { readonly ok: true; readonly bytes: Uint8Array }
  | { readonly ok: false; readonly reason: 'too-large' | 'corrupt' };

/** Inflates untrusted deflate-raw bytes; stops past `maxOutput` bytes. Never throws. */
export async function inflateRawBounded(bytes: Uint8Array, maxOutput: number): Promise<InflateResult> {
  const stream = new DecompressionStream('deflate-raw');
  const writer = stream.writable.getWriter();
  // Errors (corrupt data, cancellation) surface on the reader; the feeder just stops.
  const feeding = (async () => {
    for (let o = 0; o < bytes.length; o += INFLATE_FEED_BYTES) {
      await writer.write(bytes.subarray(o, o + INFLATE_FEED_BYTES));
    }
    await writer.close();
  })().catch(() => undefined);
  try {
    const output = await readAll(stream.readable.getReader(), maxOutput);
    await feeding;
    return output.overLimit ? { ok: false, reason: 'too-large' } : { ok: true, bytes: output.bytes };
  } catch {
    await feeding;
    return { ok: false, reason: 'corrupt' };
  }
}

async function readAll(
  reader: ReturnType<ByteReadableStream['getReader']>,
  maxOutput: number,
): Promise<{ readonly bytes: Uint8Array; readonly overLimit: boolean }> {
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const chunk = await reader.read();
    if (chunk.done) return { bytes: concatBytes(parts), overLimit: false };
    total += chunk.value.length;
    if (total > maxOutput) {
      await reader.cancel();
      return { bytes: concatBytes(parts), overLimit: true };
    }
    parts.push(chunk.value);
  }
}
