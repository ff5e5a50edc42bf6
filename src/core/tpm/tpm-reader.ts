/**
 * A bounds-checked cursor over TPM structures. TPM 2.0 wire structures are big-endian
 * (TPM 2.0 Part 1 §9); tpm2-tools "serialized" PCR files are a little-endian memory image,
 * hence the byte-order switch. Reads past the end throw `TpmFormatError`, which every public
 * parser of this folder catches and turns into a problem message with the byte offset:
 * nothing thrown here ever leaves the folder.
 */

export class TpmFormatError extends Error {
  constructor(
    readonly offset: number,
    readonly detail: string,
  ) {
    super(`offset ${offset}: ${detail}`);
  }
}

export class TpmReader {
  offset = 0;
  private readonly view: DataView;

  constructor(
    readonly bytes: Uint8Array,
    private readonly littleEndian = false,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  private need(n: number, what: string): number {
    if (n > this.remaining) {
      throw new TpmFormatError(
        this.offset,
        `truncated: ${what} needs ${n} bytes, ${this.remaining} left`,
      );
    }
    const at = this.offset;
    this.offset += n;
    return at;
  }

  u8(what: string): number {
    return this.view.getUint8(this.need(1, what));
  }

  u16(what: string): number {
    return this.view.getUint16(this.need(2, what), this.littleEndian);
  }

  u32(what: string): number {
    return this.view.getUint32(this.need(4, what), this.littleEndian);
  }

  u64(what: string): bigint {
    return this.view.getBigUint64(this.need(8, what), this.littleEndian);
  }

  /** A copy, so results never pin a large input buffer. */
  take(n: number, what: string): Uint8Array {
    const at = this.need(n, what);
    return this.bytes.slice(at, at + n);
  }

  /** TPM2B_*: u16 size, then that many bytes. */
  tpm2b(what: string, maxSize = 0xffff): Uint8Array {
    const at = this.offset;
    const size = this.u16(`${what} size`);
    if (size > maxSize) throw new TpmFormatError(at, `${what} size ${size} exceeds ${maxSize}`);
    return this.take(size, what);
  }

  fail(message: string, at = this.offset): never {
    throw new TpmFormatError(at, message);
  }
}

/** Runs a structure decoder; a format error becomes `undefined` plus its message. */
export function tryDecode<T>(
  decode: () => T,
): { value: T; error?: undefined } | { value?: undefined; error: string } {
  try {
    return { value: decode() };
  } catch (e) {
    if (e instanceof TpmFormatError) return { error: e.message };
    // DataView range errors cannot happen past `need`, but a parser must never throw.
    return { error: e instanceof Error ? e.message : String(e) };
  }
}
