/**
 * A lean glue over hash-wasm's WebAssembly modules (wasm-binaries.ts): the same compiled C,
 * called without hash-wasm's per-call JavaScript. IMA verification is millions of hashes of
 * ~100-byte inputs, where that JavaScript (input type checks, a view per call, a fresh digest
 * array per call and the garbage it leaves) cost as much as the compression itself.
 *
 * Each module exports one hash state and a 16 KiB input buffer (`Hash_GetBuffer`):
 *   Hash_Init(variant)  Hash_Update(n) hashes buffer[0, n)  Hash_Final() writes the digest
 *   at buffer[0, size)  Hash_Calculate(n, variant) = Init + Update + Final in one call.
 * `variant` picks SHA-224/256 and SHA-384/512 inside the sha256 and sha512 modules. An input
 * is copied into the buffer with one `set`, and the digest read from a view created once, so
 * the `…Into` methods allocate nothing. Instantiating from bytes needs only the page CSP's
 * `'wasm-unsafe-eval'`, and works in Web Workers and Node alike.
 */
import type { HashAlgorithm } from './hash-algorithm';
import { digestSize } from './hash-algorithm';
import type { Hasher, HashStream } from './hash-provider';
import { WASM_BINARIES, type WasmModuleName } from './wasm-binaries';
import { digestRangesOneByOne, extendRangeOneByOne } from './batch-one-by-one';
import { HashKernel, type KernelAlgorithm } from './kernel-hasher';
import { decodeBase64 } from './decode-base64';

/** The core compiles without DOM or Node typings; these are the platform parts used here. */
declare const WebAssembly: {
  compile(bytes: Uint8Array): Promise<WasmModule>;
  instantiate(module: WasmModule, imports: object): Promise<{ exports: unknown }>;
};
interface WasmModule {
  readonly __brand?: 'WebAssembly.Module';
}

interface HashExports {
  readonly memory: { readonly buffer: ArrayBuffer };
  Hash_GetBuffer(): number;
  Hash_Init(variant: number): void;
  Hash_Update(length: number): void;
  Hash_Final(): void;
  Hash_Calculate(length: number, variant: number): void;
}

/** hash-wasm's MAIN_BUFFER_SIZE: the most one Hash_Update call can read. */
const BUFFER_SIZE = 16 * 1024;
/** Inputs up to this size are copied into the module word by word (WasmHashCore.copyIn). */
const WORD_COPY_MAX = 256;

const MODULE_OF: Readonly<Record<HashAlgorithm, { module: WasmModuleName; variant: number }>> = {
  sha1: { module: 'sha1', variant: 0 },
  sha256: { module: 'sha256', variant: 256 },
  sha384: { module: 'sha512', variant: 384 },
  sha512: { module: 'sha512', variant: 512 },
  sm3: { module: 'sm3', variant: 0 },
};

const compiled = new Map<WasmModuleName, Promise<WasmModule>>();

function compileModule(name: WasmModuleName): Promise<WasmModule> {
  let module = compiled.get(name);
  if (module === undefined) {
    module = WebAssembly.compile(decodeBase64(WASM_BINARIES[name]));
    compiled.set(name, module);
  }
  return module;
}

/** One instance of a module: its own memory and hash state. */
class WasmHashCore {
  readonly size: number;
  /** The input buffer; after Hash_Final its first `size` bytes are the digest. */
  readonly buffer: Uint8Array;
  readonly result: Uint8Array;
  private readonly bufferView: DataView;
  /**
   * The last array copyIn read from, and a DataView of it (the log's data, nearly always).
   * Held strongly until another array is hashed: a WeakRef, checked per hash, made the whole
   * analysis 12 % slower. So a hasher may keep a replaced log's bytes alive until its next
   * use; the session holds the old log while a new one is parsed anyway.
   */
  private source: Uint8Array | undefined;
  private sourceView: DataView = new DataView(new ArrayBuffer(0));

  constructor(
    readonly algorithm: HashAlgorithm,
    readonly exports: HashExports,
    readonly variant: number,
  ) {
    this.size = digestSize(algorithm);
    this.buffer = new Uint8Array(exports.memory.buffer, exports.Hash_GetBuffer(), BUFFER_SIZE);
    this.result = this.buffer.subarray(0, this.size);
    this.bufferView = new DataView(exports.memory.buffer, exports.Hash_GetBuffer(), BUFFER_SIZE);
  }

  /**
   * Copies data[offset, offset + length) into the input buffer from `at` on. Small inputs go
   * in 32-bit words through DataViews, because the usual `set(data.subarray(…))` leaves a view
   * object of garbage per hash: millions of them grew a browser isolate's young generation by
   * tens of MiB. (Measured in V8: as fast up to 64 bytes, ~30 ns slower at 110.)
   */
  copyIn(data: Uint8Array, offset: number, length: number, at: number): void {
    if (length > WORD_COPY_MAX) {
      this.buffer.set(data.subarray(offset, offset + length), at);
      return;
    }
    if (data !== this.source) {
      this.source = data;
      this.sourceView = new DataView(data.buffer, data.byteOffset, data.byteLength);
    }
    const from = this.sourceView;
    const to = this.bufferView;
    let k = 0;
    for (; k + 4 <= length; k += 4) to.setUint32(at + k, from.getUint32(offset + k));
    for (; k < length; k++) to.setUint8(at + k, from.getUint8(offset + k));
  }

  /** Hash_Update over data[offset, offset + length), in buffer-sized pieces. */
  update(data: Uint8Array, offset: number, length: number): void {
    for (let done = 0; done < length; ) {
      const n = Math.min(BUFFER_SIZE, length - done);
      this.buffer.set(data.subarray(offset + done, offset + done + n));
      this.exports.Hash_Update(n);
      done += n;
    }
  }
}

async function instantiate(alg: HashAlgorithm): Promise<WasmHashCore> {
  const { module, variant } = MODULE_OF[alg];
  const instance = await WebAssembly.instantiate(await compileModule(module), {});
  return new WasmHashCore(alg, instance.exports as HashExports, variant);
}

class WasmHasher implements Hasher {
  readonly algorithm: HashAlgorithm;
  readonly size: number;
  private readonly buffer: Uint8Array;
  private readonly result: Uint8Array;
  private readonly variant: number;
  private readonly calculate: (length: number, variant: number) => void;

  /** The batch kernel for this algorithm, when it has one and it could be instantiated. */
  private readonly kernel: HashKernel | undefined;
  private readonly kernelAlgorithm: KernelAlgorithm | undefined;

  constructor(
    private readonly core: WasmHashCore,
    kernel: HashKernel | undefined,
  ) {
    this.kernelAlgorithm = core.algorithm === 'sha1' || core.algorithm === 'sha256' ? core.algorithm : undefined;
    this.kernel = this.kernelAlgorithm === undefined ? undefined : kernel;
    this.algorithm = core.algorithm;
    this.size = core.size;
    this.buffer = core.buffer;
    this.result = core.result;
    this.variant = core.variant;
    this.calculate = core.exports.Hash_Calculate;
  }

  digest(data: Uint8Array): Uint8Array {
    const out = new Uint8Array(this.size);
    this.digestRangeInto(data, 0, data.length, out, 0);
    return out;
  }

  digest2(a: Uint8Array, b: Uint8Array): Uint8Array {
    return this.digestParts([a, b]);
  }

  digestParts(parts: readonly Uint8Array[]): Uint8Array {
    const { exports } = this.core;
    exports.Hash_Init(this.variant);
    for (const p of parts) this.core.update(p, 0, p.length);
    exports.Hash_Final();
    return this.result.slice();
  }

  digestRangeInto(
    data: Uint8Array,
    offset: number,
    length: number,
    out: Uint8Array,
    outOffset: number,
  ): void {
    if (length <= BUFFER_SIZE) {
      this.core.copyIn(data, offset, length, 0);
      this.calculate(length, this.variant);
    } else {
      const { exports } = this.core;
      exports.Hash_Init(this.variant);
      this.core.update(data, offset, length);
      exports.Hash_Final();
    }
    out.set(this.result, outOffset);
  }

  extendInto(pcr: Uint8Array, values: Uint8Array, offset: number): void {
    const buffer = this.buffer;
    const n = this.size;
    buffer.set(pcr);
    this.core.copyIn(values, offset, n, n);
    this.calculate(2 * n, this.variant);
    pcr.set(this.result);
  }

  digestRangesInto(
    data: Uint8Array,
    offsets: Uint32Array,
    lengths: Uint32Array,
    count: number,
    out: Uint8Array,
    outOffset: number,
  ): void {
    const { kernel, kernelAlgorithm } = this;
    if (kernel === undefined || kernelAlgorithm === undefined) {
      digestRangesOneByOne(this, data, offsets, lengths, count, out, outOffset);
      return;
    }
    kernel.digestRanges(kernelAlgorithm, data, offsets, lengths, count, out, outOffset, (offset, length, o, oo) =>
      this.digestRangeInto(data, offset, length, o, oo),
    );
  }

  extendRangeInto(
    pcrs: Uint8Array,
    start: number,
    end: number,
    states: Uint8Array,
    values: Uint8Array,
    running: Uint8Array | undefined,
  ): void {
    const { kernel, kernelAlgorithm } = this;
    if (kernel === undefined || kernelAlgorithm === undefined) extendRangeOneByOne(this, pcrs, start, end, states, values, running);
    else kernel.extendRange(kernelAlgorithm, pcrs, start, end, states, values, running);
  }
}

/** The batch kernel, or undefined where it cannot run (no simd128): the hashers then batch one by one. */
async function createKernel(): Promise<HashKernel | undefined> {
  try {
    return await HashKernel.create();
  } catch {
    return undefined;
  }
}

/** Hashers for every algorithm, each on its own module instance. */
export async function createWasmHashers(): Promise<Record<HashAlgorithm, Hasher>> {
  const [kernel, sha1, sha256, sha384, sha512, sm3] = await Promise.all([
    createKernel(),
    ...(['sha1', 'sha256', 'sha384', 'sha512', 'sm3'] as const).map(instantiate),
  ]);
  return {
    sha1: new WasmHasher(sha1, kernel),
    sha256: new WasmHasher(sha256, kernel),
    sha384: new WasmHasher(sha384, kernel),
    sha512: new WasmHasher(sha512, kernel),
    sm3: new WasmHasher(sm3, kernel),
  };
}

/** A running hash on a fresh instance, independent of the shared hashers. */
export async function createWasmHashStream(alg: HashAlgorithm): Promise<HashStream> {
  const core = await instantiate(alg);
  core.exports.Hash_Init(core.variant);
  return {
    update: (data) => core.update(data, 0, data.length),
    digest: () => {
      core.exports.Hash_Final();
      return core.result.slice();
    },
  };
}
