/**
 * The first bytes of a file and its size, for sniffing it by content before it is read whole
 * (compare's thread, the output guard). Undefined when it cannot be read: the caller's own
 * read of the file says why.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

export function readHead(path: string, maxBytes: number): { readonly bytes: Uint8Array; readonly size: number } | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const size = fstatSync(fd).size;
    const bytes = new Uint8Array(Math.min(size, maxBytes));
    let got = 0;
    while (got < bytes.length) {
      const n = readSync(fd, bytes, got, bytes.length - got, got);
      if (n === 0) break;
      got += n;
    }
    return { bytes: bytes.subarray(0, got), size };
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
