// Reading a Blob in chunks: the bytes come out whole and in order, through the reused-buffer
// (BYOB) path and the fresh-slices fallback alike, with every chunk consumed before the next.
import { describe, expect, it } from 'vitest';
import { readBlobChunks } from './read-blob-chunks';

function pattern(n: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + (i >> 8)) & 0xff;
  return out;
}

async function collect(blob: Blob, sliceSize: number): Promise<{ bytes: Uint8Array; sizes: number[] }> {
  const parts: Uint8Array[] = [];
  const sizes: number[] = [];
  // Copy each chunk at once: it is only valid until the next one is read.
  for await (const chunk of readBlobChunks(blob, sliceSize)) {
    parts.push(chunk.slice());
    sizes.push(chunk.length);
  }
  const bytes = new Uint8Array(sizes.reduce((a, b) => a + b, 0));
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.length;
  }
  return { bytes, sizes };
}

/** The same blob, except that its stream cannot give a BYOB reader (older browsers). */
function withoutByteStream(blob: Blob): Blob {
  const fake = {
    size: blob.size,
    slice: (a?: number, b?: number) => blob.slice(a, b),
    stream: () => ({
      getReader: () => {
        throw new TypeError('not a byte stream');
      },
    }),
  };
  return fake as unknown as Blob;
}

describe('readBlobChunks', () => {
  for (const [size, slice] of [[0, 8], [1, 8], [1000, 7], [4096, 1024], [70_000, 65_536]] as const) {
    it(`reads ${size} bytes in slices of ${slice}`, async () => {
      const bytes = pattern(size);
      const viaStream = await collect(new Blob([bytes]), slice);
      expect(viaStream.bytes).toEqual(bytes);
      expect(Math.max(0, ...viaStream.sizes)).toBeLessThanOrEqual(slice);
      const viaSlices = await collect(withoutByteStream(new Blob([bytes])), slice);
      expect(viaSlices.bytes).toEqual(bytes);
      expect(viaSlices.sizes).toEqual(Array.from({ length: Math.ceil(size / slice) }, (_, k) => Math.min(slice, size - k * slice)));
    });
  }
});
