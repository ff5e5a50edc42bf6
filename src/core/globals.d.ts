// The core compiles without DOM or Node typings (it must run in a worker, a page and Node
// alike); these are the few platform globals it relies on, present in all three.
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  decode(input?: Uint8Array): string;
}
declare class TextEncoder {
  encode(input?: string): Uint8Array;
  encodeInto(input: string, destination: Uint8Array): { read: number; written: number };
}
declare const crypto: { readonly subtle: SubtleCryptoLike };
interface SubtleCryptoLike {
  importKey(format: string, keyData: unknown, algorithm: unknown, extractable: boolean, usages: string[]): Promise<unknown>;
  verify(algorithm: unknown, key: unknown, signature: Uint8Array, data: Uint8Array): Promise<boolean>;
  digest(algorithm: string, data: Uint8Array): Promise<ArrayBuffer>;
}
// deflate-raw streams (Chrome 103, Firefox 113, Safari 16.4, Node 20.12): permalinks.
declare class CompressionStream {
  constructor(format: 'deflate-raw');
  readonly readable: ByteReadableStream;
  readonly writable: ByteWritableStream;
}
declare class DecompressionStream {
  constructor(format: 'deflate-raw');
  readonly readable: ByteReadableStream;
  readonly writable: ByteWritableStream;
}
interface ByteReadableStream {
  getReader(): {
    read(): Promise<{ done: true; value?: undefined } | { done: false; value: Uint8Array }>;
    cancel(reason?: unknown): Promise<void>;
  };
}
interface ByteWritableStream {
  getWriter(): { write(chunk: Uint8Array): Promise<void>; close(): Promise<void> };
}
// application/x-www-form-urlencoded text: the view in the page's address (share/view-state.ts).
declare class URLSearchParams {
  constructor(init?: string);
  get(name: string): string | null;
  getAll(name: string): string[];
  set(name: string, value: string): void;
  append(name: string, value: string): void;
  toString(): string;
}
