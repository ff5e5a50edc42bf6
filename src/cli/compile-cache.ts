/**
 * The CLI's V8 code cache file (cached-entry.ts): the SHA-256 of the bundle it was made from,
 * then V8's cached data. V8 checks cached data only against the source's length (and its own
 * version and flags), so a bundle edited to the same length would run the old code: the
 * digest ties the cache to the bundle's content.
 */
import { createHash } from 'node:crypto';

export function sourceDigestOf(source: Uint8Array): Buffer {
  return createHash('sha256').update(source).digest();
}

/** The cache file's bytes for `data` made from the bundle of `sourceDigest`. */
export function sealCache(sourceDigest: Buffer, data: Buffer): Buffer {
  return Buffer.concat([sourceDigest, data]);
}

/** V8's cached data in `file` when it was made from the bundle of `sourceDigest`; else undefined. */
export function openCache(file: Buffer, sourceDigest: Buffer): Buffer | undefined {
  return file.length > sourceDigest.length && file.subarray(0, sourceDigest.length).equals(sourceDigest) ? file.subarray(sourceDigest.length) : undefined;
}
