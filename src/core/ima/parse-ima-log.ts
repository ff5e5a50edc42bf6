/**
 * The IMA list parser's public face: a push parser over either list format.
 *
 *   File → driver reads chunks → ImaLogParser.push(chunk)… → finish() → ImaLog
 *
 * The format (binary or ASCII) is chosen from the first 64 KiB by content (`sniffImaLog`)
 * unless `options.format` says it; until then the head is buffered. Bytes that are
 * neither become a binary or an ASCII parse (whichever they look more like), which
 * reports where and why they are not a list. Nothing here throws on bad input.
 */
import type { ByteSource } from '../model/byte-source';
import { MAX_LOG_BYTES, type ByteOrder, type ImaLog } from '../model/ima-log';
import { AsciiListParser } from './ascii-list-parser';
import { BinaryListParser } from './binary-list-parser';
import { ImaLogBuilder } from './ima-log-builder';
import { NamesAndDigests } from './names-and-digests';
import { sniffImaLog } from './sniff-ima';

export interface ImaParseOptions {
  /** Expected total size in bytes (preallocates `data`; a wrong hint only costs a copy). */
  sizeHint?: number;
  /** Template-digest size (20, 32, 48, 64); found from the data when absent. */
  digestSize?: number;
  /** Byte order of a binary list; found from the data when absent. */
  byteOrder?: ByteOrder;
  format?: 'binary' | 'ascii';
  /**
   * The whole input, when the caller already holds it in memory. Pushes must then be
   * consecutive pieces of it from its start; a binary list keeps it as `ImaLog.data` instead
   * of copying it, so the log shares the caller's buffer (which must not change afterwards).
   */
  source?: Uint8Array;
  /**
   * Where a binary list's bytes can be read back (its File, in chunks): the parser then keeps
   * no copy of them (`ImaLog.data` is empty and `ImaLog.bytes` is this). ASCII lists are
   * re-encoded, so their bytes are not the file's: they keep `data` whatever this says.
   */
  readBack?: ByteSource;
  /**
   * Copy every entry's name and file digest as it is parsed (ImaLogParser.namesAndDigests: a
   * comparison's reference read back from its file reads them there).
   */
  keepNamesAndDigests?: boolean;
  /** The most bytes read (default and at most MAX_LOG_BYTES; tests give small ones). */
  maxBytes?: number;
}

/** Bytes looked at to choose the format, as for `sniffImaLog`. */
const SNIFF_HEAD = 64 * 1024;
/** Typical entry sizes (ima-ng with a path): for preallocating the columns. */
const BINARY_BYTES_PER_ENTRY = 110;
const ASCII_BYTES_PER_ENTRY = 150;

export class ImaLogParser {
  private readonly options: ImaParseOptions;
  private head: Uint8Array | undefined = new Uint8Array(0);
  private headLength = 0;
  private target: BinaryListParser | AsciiListParser | undefined;
  private builder: ImaLogBuilder | undefined;
  private pushed = 0;
  private ignored = 0;
  private readonly maxBytes: number;
  /** With keepNamesAndDigests: every entry's name and file digest, filled as the list is parsed. */
  namesAndDigests: NamesAndDigests | undefined;

  constructor(options: ImaParseOptions = {}) {
    this.options = options;
    this.maxBytes = Math.min(MAX_LOG_BYTES, options.maxBytes ?? MAX_LOG_BYTES);
    if (options.format !== undefined) this.start(options.format);
  }

  push(whole: Uint8Array): void {
    // Past MAX_LOG_BYTES offsets would not fit the model's columns: the rest is counted, and
    // finish() says where reading stopped.
    const chunk = whole.subarray(0, Math.max(0, this.maxBytes - this.pushed));
    this.ignored += whole.length - chunk.length;
    this.pushed += chunk.length;
    if (this.target !== undefined) {
      this.target.push(chunk);
      return;
    }
    // Only the first 64 KiB wait for the format to be chosen; the rest goes straight on.
    const take = Math.min(chunk.length, SNIFF_HEAD - this.headLength);
    this.bufferHead(chunk.subarray(0, take));
    if (this.headLength < SNIFF_HEAD) return;
    const target = this.startFromHead();
    if (take < chunk.length) target.push(chunk.subarray(take));
  }

  finish(): ImaLog {
    if (this.target === undefined) this.startFromHead();
    const builder = this.builder;
    const target = this.target;
    if (builder === undefined || target === undefined) throw new Error('unreachable: no parser');
    if (this.pushed === 0) {
      builder.addError(0, 'the input is empty: an IMA measurement list has at least one entry');
    }
    if (this.ignored > 0) {
      builder.addError(
        this.pushed,
        `the list goes on for ${this.ignored} more bytes: only its first ${this.maxBytes} bytes are read (the limit is 4 GiB)`,
      );
    }
    return target.finish();
  }

  /**
   * A binary list's entries read so far, as a log, while the rest is still to be pushed (a
   * preview: finish() gives the log); undefined for an ASCII list (a line found cut off at the
   * end is taken back) or before the format and framing are known.
   */
  snapshot(): ImaLog | undefined {
    return this.target instanceof BinaryListParser && this.entryCount > 0 ? this.target.snapshot() : undefined;
  }

  get entryCount(): number {
    return this.builder?.length ?? 0;
  }

  /** Bytes pushed so far. */
  get bytesConsumed(): number {
    return this.pushed + this.ignored;
  }

  private bufferHead(chunk: Uint8Array): void {
    let head = this.head ?? new Uint8Array(0);
    if (this.headLength + chunk.length > head.length) {
      const grown = new Uint8Array(Math.max(this.headLength + chunk.length, head.length * 2, 4096));
      grown.set(head.subarray(0, this.headLength));
      head = grown;
    }
    head.set(chunk, this.headLength);
    this.headLength += chunk.length;
    this.head = head;
  }

  private startFromHead(): BinaryListParser | AsciiListParser {
    // The source's own bytes, so that a binary list goes on sharing its buffer.
    const head = (this.options.source ?? this.head ?? new Uint8Array(0)).subarray(0, this.headLength);
    const sniff = sniffImaLog(head);
    const isAscii = sniff === undefined ? looksLikeText(head) : sniff.kind === 'ima-ascii';
    const target = this.start(isAscii ? 'ascii' : 'binary');
    this.head = undefined;
    if (head.length > 0) target.push(head);
    return target;
  }

  private start(format: 'binary' | 'ascii'): BinaryListParser | AsciiListParser {
    // What is past maxBytes is not kept: no room is made for it.
    const hint = Math.min(this.options.sizeHint ?? 0, this.maxBytes);
    // Re-encoded ASCII entries take about 3/4 of their text (hex digests halve).
    const [bytes, entries] = format === 'binary' ? [hint, hint / BINARY_BYTES_PER_ENTRY] : [(hint * 3) / 4, hint / ASCII_BYTES_PER_ENTRY];
    if (this.options.keepNamesAndDigests === true) this.namesAndDigests = new NamesAndDigests(bytes, entries);
    if (format === 'binary') {
      const builder = new ImaLogBuilder(bytes, entries, this.options.source, this.options.readBack, this.namesAndDigests);
      this.builder = builder;
      this.target = new BinaryListParser(builder, this.options);
    } else {
      const builder = new ImaLogBuilder(bytes, entries, undefined, undefined, this.namesAndDigests);
      this.builder = builder;
      this.target = new AsciiListParser(builder, this.options);
    }
    return this.target;
  }
}

/** Parses a whole list held in memory. */
export function parseImaLog(bytes: Uint8Array, options: ImaParseOptions = {}): ImaLog {
  const parser = new ImaLogParser({ sizeHint: bytes.length, source: bytes, ...options });
  parser.push(bytes);
  return parser.finish();
}

/** No NUL, some visible characters, and almost only printable ASCII, whitespace or UTF-8. */
function looksLikeText(head: Uint8Array): boolean {
  let odd = 0;
  let visible = 0;
  for (let i = 0; i < head.length; i++) {
    const c = head[i];
    if (c === 0) return false;
    if (c > 0x20) visible++;
    else if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) odd++;
  }
  return visible > 0 && odd * 20 < head.length;
}
