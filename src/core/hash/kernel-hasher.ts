/**
 * The batch hash kernel (wasm/hash-kernel.ts, bytes in kernel-binary.ts): SHA-1 and SHA-256
 * of many inputs per call, four at a time in simd128 lanes, and whole runs of a PCR chain
 * per call. It serves `Hasher.digestRangesInto` and `extendRangeInto` for those two banks,
 * which are IMA's hot loops: a million entries are four million ~100-byte hashes, where a
 * JS→wasm call per hash and the JavaScript around it cost as much as the compression. The
 * single-input methods stay on hash-wasm's modules (wasm-hasher.ts).
 *
 * The kernel works on its own memory: each batch's inputs (a span of the log, a few hundred
 * KiB) are copied in with one `set`, the digests copied out with one. Environments without
 * simd128 cannot compile it; their hashers fall back to one call per input.
 */
import { HASH_KERNEL_BASE64 } from './kernel-binary';
import { decodeBase64 } from './decode-base64';

declare const WebAssembly: {
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: unknown } }>;
};

interface KernelExports {
  readonly memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  heapBase(): number;
  sha1Many(data: number, offsets: number, lengths: number, count: number, out: number): void;
  sha256Many(data: number, offsets: number, lengths: number, count: number, out: number): void;
  sha1Chain(pcrs: number, states: number, values: number, count: number, running: number): void;
  sha256Chain(pcrs: number, states: number, values: number, count: number, running: number): void;
}

export type KernelAlgorithm = 'sha1' | 'sha256';

/** Inputs (and chain entries) per kernel call. */
const BATCH = 4096;
/** The most input bytes one call reads: a batch's span of the log is copied here. */
const DATA_BYTES = 1 << 20;
const MAX_DIGEST = 32;
const PAGE = 65536;

/** One kernel instance and the layout of its memory. */
export class HashKernel {
  private readonly bytes: Uint8Array;
  private readonly words: Uint32Array;
  private readonly data: number;
  private readonly offsets: number;
  private readonly lengths: number;
  private readonly out: number;
  private readonly pcrs: number;
  private readonly states: number;
  private readonly values: number;
  private readonly running: number;

  private constructor(private readonly exports: KernelExports) {
    let at = exports.heapBase();
    const take = (n: number): number => {
      const p = at;
      at += n;
      return p;
    };
    this.data = take(DATA_BYTES);
    this.offsets = take(BATCH * 4);
    this.lengths = take(BATCH * 4);
    this.out = take(BATCH * MAX_DIGEST);
    this.pcrs = take(BATCH);
    this.states = take(256 * MAX_DIGEST);
    this.values = take(BATCH * MAX_DIGEST);
    this.running = take(BATCH * MAX_DIGEST);
    const have = exports.memory.buffer.byteLength;
    if (at > have) exports.memory.grow(Math.ceil((at - have) / PAGE));
    // The memory never grows again, so these views stay valid.
    this.bytes = new Uint8Array(exports.memory.buffer);
    this.words = new Uint32Array(exports.memory.buffer);
  }

  static async create(): Promise<HashKernel> {
    const { instance } = await WebAssembly.instantiate(decodeBase64(HASH_KERNEL_BASE64), {});
    return new HashKernel(instance.exports as KernelExports);
  }

  /**
   * `Hasher.digestRangesInto` for `alg`. Inputs longer than the kernel's data area go to
   * `one` (which hashes a single range) instead.
   */
  digestRanges(
    alg: KernelAlgorithm,
    data: Uint8Array,
    offsets: Uint32Array,
    lengths: Uint32Array,
    count: number,
    out: Uint8Array,
    outOffset: number,
    one: (offset: number, length: number, out: Uint8Array, outOffset: number) => void,
  ): void {
    const size = alg === 'sha1' ? 20 : 32;
    const many = alg === 'sha1' ? this.exports.sha1Many : this.exports.sha256Many;
    const { bytes, words } = this;
    let first = 0;
    while (first < count) {
      // The batch: from `first`, as many inputs as fit the data area as one span of `data`.
      let lo = offsets[first];
      let hi = lo + lengths[first];
      if (hi - lo > DATA_BYTES) {
        one(offsets[first], lengths[first], out, outOffset + first * size);
        first++;
        continue;
      }
      let end = first + 1;
      for (; end < count && end - first < BATCH; end++) {
        const nlo = Math.min(lo, offsets[end]);
        const nhi = Math.max(hi, offsets[end] + lengths[end]);
        if (nhi - nlo > DATA_BYTES) break;
        lo = nlo;
        hi = nhi;
      }
      bytes.set(data.subarray(lo, hi), this.data);
      const o = this.offsets >>> 2;
      const l = this.lengths >>> 2;
      for (let k = first; k < end; k++) {
        words[o + k - first] = offsets[k] - lo;
        words[l + k - first] = lengths[k];
      }
      many(this.data, this.offsets, this.lengths, end - first, this.out);
      out.set(bytes.subarray(this.out, this.out + (end - first) * size), outOffset + first * size);
      first = end;
    }
  }

  /** `Hasher.extendRangeInto` for `alg`. */
  extendRange(
    alg: KernelAlgorithm,
    pcrs: Uint8Array,
    start: number,
    end: number,
    states: Uint8Array,
    values: Uint8Array,
    running: Uint8Array | undefined,
  ): void {
    const size = alg === 'sha1' ? 20 : 32;
    const chain = alg === 'sha1' ? this.exports.sha1Chain : this.exports.sha256Chain;
    const { bytes } = this;
    bytes.set(states.subarray(0, 256 * size), this.states);
    for (let first = start; first < end; first += BATCH) {
      const last = Math.min(end, first + BATCH);
      const n = last - first;
      bytes.set(pcrs.subarray(first, last), this.pcrs);
      bytes.set(values.subarray(first * size, last * size), this.values);
      chain(this.pcrs, this.states, this.values, n, running === undefined ? 0 : this.running);
      if (running !== undefined) running.set(bytes.subarray(this.running, this.running + n * size), first * size);
    }
    states.set(bytes.subarray(this.states, this.states + 256 * size));
  }
}
