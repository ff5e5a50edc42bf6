// The on-demand byte source: bytes read back through chunks (the File behind a binary list)
// equal the bytes the parser kept, for every entry, whatever the chunk size: entries inside
// one chunk, entries spanning two or more chunks, and after damage the parser skipped.
import { beforeAll, describe, expect, it } from 'vitest';
import { createWasmHashProvider, type HashProvider } from '../hash/hash-provider';
import { parseImaLog } from '../ima/parse-ima-log';
import { compileSearch, searchMatcher } from '../query/name-search';
import { computeKeyIds } from '../query/signature-key-ids';
import { buildImaLog } from '../testing/build-ima-log';
import { numberedFiles } from '../testing/ima-scenarios';
import { readSharedData } from '../testing/shared-data';
import { concatBytes } from '../util/bytes';
import { ChunkedByteSource, memoryByteSource, type ByteSource } from './byte-source';
import type { ImaLog } from './ima-log';

let provider: HashProvider;
beforeAll(async () => {
  provider = await createWasmHashProvider();
});

/** A source over `file` that reads fresh copies (as FileReaderSync does) and counts them. */
function chunked(file: Uint8Array, chunkSize: number, maxChunks?: number): ChunkedByteSource {
  return new ChunkedByteSource(file.length, (start, end) => file.slice(start, end), { chunkSize, maxChunks });
}

function read(source: ByteSource, offset: number, length: number): Uint8Array {
  const at = source.at(offset, length);
  return source.bytes.slice(at, at + length);
}

/** Every entry's bytes, name and file digest read through `source` equal the parser's `data`. */
function expectSameEntries(log: ImaLog, source: ByteSource): void {
  const e = log.entries;
  for (let i = 0; i < e.length; i++) {
    expect(read(source, e.entryOffset[i], e.entrySize[i]), `entry ${i}`).toEqual(
      log.data.subarray(e.entryOffset[i], e.entryOffset[i] + e.entrySize[i]),
    );
    expect(read(source, e.nameOffset[i], e.nameLength[i]), `name ${i}`).toEqual(
      log.data.subarray(e.nameOffset[i], e.nameOffset[i] + e.nameLength[i]),
    );
    expect(read(source, e.fileDigestOffset[i], e.fileDigestLength[i]), `file digest ${i}`).toEqual(
      log.data.subarray(e.fileDigestOffset[i], e.fileDigestOffset[i] + e.fileDigestLength[i]),
    );
  }
}

describe('ChunkedByteSource', () => {
  const file = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7 + 3) & 0xff);

  it('reads any range, inside a chunk, across a boundary and across several chunks', () => {
    for (const chunkSize of [1, 7, 64, 999, 1000, 4096]) {
      const source = chunked(file, chunkSize, 3);
      for (const [offset, length] of [[0, 0], [0, 1], [6, 2], [63, 2], [10, 300], [0, 1000], [999, 1], [1000, 0]]) {
        expect(read(source, offset, length), `${chunkSize}: ${offset}+${length}`).toEqual(file.subarray(offset, offset + length));
      }
    }
  });

  it('refuses ranges outside the file', () => {
    const source = chunked(file, 64);
    expect(() => source.at(990, 11)).toThrow(RangeError);
    expect(() => source.at(-1, 1)).toThrow(RangeError);
    expect(() => memoryByteSource(file).at(1001, 0)).toThrow(RangeError);
  });

  it('keeps the most recently used chunks and reads a dropped one again', () => {
    const source = chunked(file, 100, 2);
    source.at(0, 10); // chunk 0
    source.at(100, 10); // chunk 1
    source.at(5, 1); // chunk 0 again: cached, now the most recent
    expect(source.chunkReads).toBe(2);
    source.at(200, 10); // chunk 2 drops chunk 1, the least recently used
    source.at(0, 1);
    expect(source.chunkReads).toBe(3);
    source.at(150, 1);
    expect(source.chunkReads).toBe(4);
    source.at(700, 0); // an empty range reads nothing
    expect(source.chunkReads).toBe(4);
  });

  it('fails when the file gives fewer bytes than asked (it changed on disk)', () => {
    const source = new ChunkedByteSource(1000, (start, end) => file.slice(start, end - 1), { chunkSize: 100 });
    expect(() => source.at(0, 1)).toThrow(/gave 99 bytes at 0 where 100 were asked/);
  });
});

describe('entries read from the file on demand equal the parsed ones', () => {
  it('a built list, with chunks smaller than an entry, around an entry and larger than the list', () => {
    const built = buildImaLog(numberedFiles(40), { provider, listBank: 'sha1' });
    const log = parseImaLog(built.binary);
    expect(log.entries.length).toBe(40);
    for (const chunkSize of [1, 13, 97, 256, 1 << 20]) expectSameEntries(log, chunked(built.binary, chunkSize, 2));
  });

  it('after damage the parser skipped (resynchronised), the later entries still read right', () => {
    const built = buildImaLog(numberedFiles(20), { provider, listBank: 'sha256' });
    const junk = new Uint8Array(333).fill(0xa5);
    const half = built.binary.length >> 1;
    const file = concatBytes([built.binary.subarray(0, half), junk, built.binary.subarray(half)]);
    const log = parseImaLog(file);
    expect(log.errors.length).toBeGreaterThan(0);
    expect(log.entries.entryOffset[log.entries.length - 1]).toBeGreaterThan(half + junk.length);
    for (const chunkSize of [5, 64, 300, 4096]) expectSameEntries(log, chunked(file, chunkSize, 2));
  });

  it('a real list (tpm2-tss, ima-sig with sha256 digests)', () => {
    const file = readSharedData('realdata', 'tpm2-tss', 'sml-ima-sig-sha256.bin');
    const log = parseImaLog(file);
    expect(log.format).toBe('binary');
    expect(log.entries.length).toBeGreaterThan(0);
    for (const chunkSize of [31, 512, 8192]) expectSameEntries(log, chunked(file, chunkSize, 4));
  });

  it('a name search over the file finds the entries it finds over the parsed data', () => {
    const built = buildImaLog(numberedFiles(300, '/usr/lib/Mixed/Case'), { provider, listBank: 'sha1' });
    const log = parseImaLog(built.binary);
    const keyIds = computeKeyIds(log);
    for (const text of ['case1', 'mixed/case29', '/Case1\\d$/', 'nothing-like-it', log.data[log.entries.entryOffset[7] + 4].toString(16).padStart(2, '0')]) {
      const matches = (source?: ByteSource): number[] => {
        const match = searchMatcher(log, compileSearch(text), keyIds, source);
        return Array.from({ length: log.entries.length }, (_, i) => i).filter(match);
      };
      const inMemory = matches();
      expect(matches(chunked(built.binary, 50, 2)), text).toEqual(inMemory);
      if (text !== 'nothing-like-it') expect(inMemory.length, text).toBeGreaterThan(0);
    }
  });
});
