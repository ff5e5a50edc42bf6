/**
 * Random access to a list's bytes, wherever they are: in memory (the model's `data`) or on
 * disk behind a File that is read in chunks on demand (issue 14: a picked or dropped File is
 * backed by the disk, so only compact columns need to stay in memory, and names and
 * template data can be read back for the rows shown, the detail pane, searches and exports).
 *
 * The interface allocates nothing per read, so a scan over a million names leaves no
 * garbage: `at(offset, length)` makes the bytes readable in `bytes` and says where they
 * start there. What `at` returns is valid until the next call.
 */
import type { Bytes } from './ima-log';

export interface ByteSource {
  /** Bytes in the source. */
  readonly size: Bytes;
  /** The buffer the last `at` made readable (the whole data, one chunk, or a spanning copy). */
  readonly bytes: Uint8Array;
  /**
   * Makes [offset, offset + length) readable in `bytes` and returns its position there.
   * Throws a RangeError outside the source.
   */
  at(offset: Bytes, length: Bytes): number;
}

function checkRange(size: Bytes, offset: Bytes, length: Bytes): void {
  if (!(offset >= 0 && length >= 0 && offset + length <= size)) {
    throw new RangeError(`bytes ${offset}+${length} lie outside a source of ${size}`);
  }
}

/** The bytes are all in memory: `at` is the identity. */
export function memoryByteSource(data: Uint8Array): ByteSource {
  return new MemoryByteSource(data);
}

/**
 * A class, not a closure per source: every memory source then shares one `at`, which a scan
 * over two lists' sources (compare) gets inlined instead of a call per read. Also, a log sent
 * to a pool worker then clones (structured clone drops the method; the receiver makes its
 * own source: verify-task.ts).
 */
class MemoryByteSource implements ByteSource {
  readonly size: Bytes;

  constructor(readonly bytes: Uint8Array) {
    this.size = bytes.length;
  }

  at(offset: Bytes, length: Bytes): number {
    checkRange(this.size, offset, length);
    return offset;
  }
}

/** Whether `source` holds all its bytes in memory: its `bytes` never change, `at` is the identity. */
export function isInMemory(source: ByteSource): boolean {
  return source instanceof MemoryByteSource;
}

/**
 * Makes [start, end) of `source` readable in `source.bytes` and returns the shift to add to
 * an offset in that range to index `bytes` there (0 for a source in memory), so a loop over
 * many entries reads them with one call.
 */
export function readSpan(source: ByteSource, start: Bytes, end: Bytes): number {
  return source.at(start, end - start) - start;
}

/** Reads [start, end) of the underlying file, synchronously (FileReaderSync over `file.slice()` in a worker). */
export type ChunkReader = (start: Bytes, end: Bytes) => Uint8Array;

export interface ChunkedByteSourceOptions {
  /** Bytes per chunk read (default 1 MiB: a few thousand entries, one read per screen of rows). */
  readonly chunkSize?: Bytes;
  /** Chunks kept, least recently used dropped first (default 16). */
  readonly maxChunks?: number;
}

const DEFAULT_CHUNK_SIZE: Bytes = 1 << 20;
const DEFAULT_MAX_CHUNKS = 16;
const EMPTY = new Uint8Array(0);

/**
 * A source read chunk by chunk through `read`, keeping the most recently used chunks. A range
 * inside one chunk is read in place; a range across chunks (an entry spanning a boundary) is
 * copied into a reused buffer, so `bytes` then is that buffer.
 */
export class ChunkedByteSource implements ByteSource {
  readonly size: Bytes;
  bytes: Uint8Array = new Uint8Array(0);
  /** Chunks read from the file so far (a test and the benchmark count them). */
  chunkReads = 0;
  readonly #read: ChunkReader;
  readonly #chunkSize: Bytes;
  readonly #maxChunks: number;
  /** Chunk index → bytes; Map order is use order (a hit moves the chunk to the end). */
  readonly #chunks = new Map<number, Uint8Array>();
  /** The chunk read last, checked before the map: a scan asks for the same chunk thousands of times in a row. */
  #lastIndex = -1;
  #last: Uint8Array = new Uint8Array(0);
  #spanning = new Uint8Array(0);

  constructor(size: Bytes, read: ChunkReader, options: ChunkedByteSourceOptions = {}) {
    this.size = size;
    this.#read = read;
    this.#chunkSize = Math.max(1, Math.floor(options.chunkSize ?? DEFAULT_CHUNK_SIZE));
    this.#maxChunks = Math.max(2, Math.floor(options.maxChunks ?? DEFAULT_MAX_CHUNKS));
  }

  at(offset: Bytes, length: Bytes): number {
    checkRange(this.size, offset, length);
    // An empty range (an entry with no name or file digest) needs no read.
    if (length === 0) {
      this.bytes = EMPTY;
      return 0;
    }
    const first = Math.floor(offset / this.#chunkSize);
    const last = Math.floor((offset + length - 1) / this.#chunkSize);
    if (first === last) {
      this.bytes = this.#chunk(first);
      return offset - first * this.#chunkSize;
    }
    if (this.#spanning.length < length) this.#spanning = new Uint8Array(Math.max(length, 2 * this.#spanning.length));
    for (let k = first, filled = 0; k <= last; k++) {
      const chunk = this.#chunk(k);
      const from = k === first ? offset - first * this.#chunkSize : 0;
      const to = Math.min(chunk.length, offset + length - k * this.#chunkSize);
      this.#spanning.set(chunk.subarray(from, to), filled);
      filled += to - from;
    }
    this.bytes = this.#spanning;
    return 0;
  }

  #chunk(k: number): Uint8Array {
    if (k === this.#lastIndex) return this.#last;
    const chunk = this.#cachedOrRead(k);
    this.#lastIndex = k;
    this.#last = chunk;
    return chunk;
  }

  #cachedOrRead(k: number): Uint8Array {
    const cached = this.#chunks.get(k);
    if (cached !== undefined) {
      this.#chunks.delete(k);
      this.#chunks.set(k, cached);
      return cached;
    }
    const start = k * this.#chunkSize;
    const end = Math.min(this.size, start + this.#chunkSize);
    const chunk = this.#read(start, end);
    if (chunk.length !== end - start) {
      throw new Error(`the file gave ${chunk.length} bytes at ${start} where ${end - start} were asked (changed on disk?)`);
    }
    this.chunkReads++;
    if (this.#chunks.size >= this.#maxChunks) {
      const oldest = this.#chunks.keys().next();
      if (oldest.done !== true) this.#chunks.delete(oldest.value);
    }
    this.#chunks.set(k, chunk);
    return chunk;
  }
}
