/**
 * TCG firmware event log (`/sys/kernel/security/tpm0/binary_bios_measurements`): model,
 * content sniffing and a streaming parser. quote-format.md §3; TCG PC Client Platform
 * Firmware Profile (PFP) §10.2; kernel `include/linux/tpm_eventlog.h`. Integers are LE.
 *
 * TPM 1.2 / "SHA1 log format", every event a TCG_PCR_EVENT:
 *
 *   u32 pcrIndex | u32 eventType | u8 digest[20] | u32 eventSize | u8 event[eventSize]
 *
 * TPM 2.0 crypto-agile: the first event is a TCG_PCR_EVENT (EV_NO_ACTION, zero digest)
 * whose data is the Spec ID Event03 (spec-id.ts); every later event is a TCG_PCR_EVENT2:
 *
 *   u32 pcrIndex | u32 eventType | u32 count | count × { u16 algId | digest[size] }
 *   | u32 eventSize | u8 event[eventSize]
 *
 * where each digest's size comes from the Spec ID algorithm table (falling back to the
 * size of a hash this tool knows).
 *
 * Producer quirks handled here (fixtures in shared/data/realdata, see PROVENANCE.md):
 * - Confidential-computing logs (go-eventlog `cos-113-intel-tdx.bin`) are padded with 0xFF
 *   to the ACPI area size, other logs with zeros: a tail of one fill byte is a note, not
 *   an error.
 * - Windows (and firmware that runs Windows' boot manager) ends the log with an
 *   EV_NO_ACTION event on PCR index 0xFFFFFFFF (go-attestation `option_rom_eventlog`,
 *   ibmtss `ideapad1.log`): a well-formed event, kept and noted; replay skips it.
 * - tpm2-tools `specid-vendordata.bin`: a Spec ID vendorInfoSize that overruns the event.
 * - Truncated tails (a log copied while being written): an error at the offset of the
 *   partial event; every complete event before it is kept.
 *
 * Nothing here throws on bad input and nothing is allocated from a size field: an event
 * is only materialised once its bytes have actually arrived, and implausible sizes and
 * counts stop the parse with an error.
 */
import type { HashAlgorithm } from '../hash/hash-algorithm';
import { digestSize, hashAlgorithmFromTpmAlgId } from '../hash/hash-algorithm';
import { EV_NO_ACTION, eventTypeName, isKnownEventType } from './event-types';
import { algIdHex, isSpecIdEventData, parseSpecIdEvent, type SpecId } from './spec-id';

export interface FirmwareDigest {
  /** Undefined for an algorithm this tool does not know (sized from the Spec ID table). */
  bank: HashAlgorithm | undefined;
  algId: number;
  digest: Uint8Array;
}

export interface FirmwareEvent {
  /** 0-based position in the log; the Spec ID header is event 0 (tpm2-tools numbering). */
  index: number;
  /** Byte offset of the event's first byte in the log. */
  offset: number;
  /** Bytes the whole event occupies (header, digests, data). */
  size: number;
  /** PCR index as logged; 0xFFFFFFFF and other values above 23 are kept as they are. */
  pcr: number;
  type: number;
  typeName: string;
  digests: FirmwareDigest[];
  /** The event data (a view of the input bytes where possible: do not mutate pushed chunks). */
  data: Uint8Array;
  /**
   * Set when the input gave the data only decoded (tpm2_eventlog YAML prints UEFI variables,
   * image loads… as fields): that text, and `data` is empty, so the digest cannot be checked.
   */
  printed?: string;
}

export interface FirmwareLogProblem {
  offset: number;
  message: string;
}

export interface FirmwareLog {
  format: 'tpm12' | 'crypto-agile';
  specId?: SpecId;
  events: FirmwareEvent[];
  /** Bytes that could not be parsed; parsing stops at the first fatal one. */
  errors: FirmwareLogProblem[];
  /** Harmless facts about the framing: end padding, events on PCR index 0xFFFFFFFF. */
  notes: FirmwareLogProblem[];
  /** Total bytes given. */
  size: number;
  /**
   * Set when the log was read from a tool's text: tpm2_eventlog's YAML (offsets point into
   * that text), or CEL-JSON records (no byte offsets: each record's data is its bytes).
   */
  printedBy?: 'tpm2_eventlog' | 'cel';
  /** PCR values the producing tool printed beside the events (tpm2_eventlog's `pcrs:`): its own replay. */
  toolPcrs?: Map<HashAlgorithm, Map<number, Uint8Array>>;
}

export type { SpecId, SpecIdAlgorithm } from './spec-id';

/** No event in a real log comes near this; a larger size field means corrupt framing. */
const MAX_EVENT_DATA_SIZE = 16 * 1024 * 1024;
/** TPM 2.0 defines fewer than 16 hash algorithms; a larger digest count is corrupt framing. */
const MAX_DIGEST_COUNT = 16;
const SHA1_HEADER_SIZE = 32;
const NO_PCR = 0xffffffff;

/**
 * True when `head` (the first bytes of a file) looks like a firmware event log: either a
 * Spec ID Event03 header, or one or two plausible TCG_PCR_EVENTs (PCR ≤ 23, a known event
 * type, a sane size). Strict enough to refuse IMA lists, whose first u32 after the PCR
 * is a digest and whose name length lands where eventSize would be.
 */
export function sniffFirmwareLog(head: Uint8Array): boolean {
  if (head.length < SHA1_HEADER_SIZE) return false;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const pcr = view.getUint32(0, true);
  const type = view.getUint32(4, true);
  const size = view.getUint32(28, true);
  if (pcr > 23 || !isKnownEventType(type) || size > 64 * 1024) return false;
  if (head.subarray(0, SHA1_HEADER_SIZE).every((b) => b === 0)) return false;
  const data = head.subarray(SHA1_HEADER_SIZE, SHA1_HEADER_SIZE + size);
  if (isSpecIdEventData(data)) return type === EV_NO_ACTION;
  const next = SHA1_HEADER_SIZE + size;
  if (head.length < next + 8) return head.length >= next || head.length >= 4096;
  const pcr2 = view.getUint32(next, true);
  return (pcr2 <= 23 || pcr2 === NO_PCR) && isKnownEventType(view.getUint32(next + 4, true));
}

export function parseFirmwareLog(bytes: Uint8Array): FirmwareLog {
  const parser = new FirmwareLogParser();
  parser.push(bytes);
  return parser.finish();
}

/** One step of the parser at an event boundary. */
type Step =
  | { readonly kind: 'event'; readonly size: number }
  /** Not enough bytes yet; `bytes` is how many from the event start are needed at least. */
  | { readonly kind: 'need'; readonly bytes: number }
  | { readonly kind: 'fatal' };

/**
 * Streaming parser: `push` chunks with any boundaries, then `finish`. Complete events are
 * parsed as soon as they arrive, straight out of the chunk when an event lies inside one
 * (zero-copy), else out of a small carry-over buffer (copied).
 */
export class FirmwareLogParser {
  private format: FirmwareLog['format'] = 'tpm12';
  private specId: SpecId | undefined;
  private readonly events: FirmwareEvent[] = [];
  private readonly errors: FirmwareLogProblem[] = [];
  private readonly notes: FirmwareLogProblem[] = [];
  /** Absolute offset of the next unparsed byte. */
  private offset = 0;
  private total = 0;
  private stopped = false;
  /** Unparsed bytes carried over between chunks: carry[0, carryLength). */
  private carry = new Uint8Array(0);
  private carryLength = 0;
  /** Bytes from `offset` needed before parsing is worth retrying. */
  private needed = 0;
  /** How many bytes from `offset` are known to be one fill byte (0x00 or 0xFF). */
  private fillChecked = 0;

  push(chunk: Uint8Array): void {
    this.total += chunk.length;
    if (this.stopped || chunk.length === 0) return;
    if (this.carryLength === 0) {
      const used = this.parse(chunk, false);
      if (!this.stopped) this.appendCarry(chunk.subarray(used));
      return;
    }
    this.appendCarry(chunk);
    if (this.carryLength < this.needed) return;
    const used = this.parse(this.carry.subarray(0, this.carryLength), true);
    this.carry.copyWithin(0, used, this.carryLength);
    this.carryLength = this.stopped ? 0 : this.carryLength - used;
  }

  finish(): FirmwareLog {
    const rest = this.carryLength;
    if (!this.stopped && rest > 0) {
      const tail = this.carry.subarray(0, rest);
      const fill = tail[0];
      if ((fill === 0 || fill === 0xff) && tail.every((b) => b === fill)) {
        this.notes.push({
          offset: this.offset,
          message: `log ends with ${rest} bytes of 0x${fill === 0 ? '00' : 'ff'} padding`,
        });
      } else {
        this.errors.push({
          offset: this.offset,
          message: `truncated event: ${rest} bytes remain, at least ${Math.max(this.needed, rest + 1)} needed`,
        });
      }
    }
    if (this.total === 0) this.errors.push({ offset: 0, message: 'empty firmware event log' });
    this.carryLength = 0;
    this.stopped = true;
    const log: FirmwareLog = {
      format: this.format,
      events: this.events,
      errors: this.errors,
      notes: this.notes,
      size: this.total,
    };
    if (this.specId !== undefined) log.specId = this.specId;
    return log;
  }

  private appendCarry(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    const need = this.carryLength + bytes.length;
    if (need > this.carry.length) {
      const grown = new Uint8Array(Math.max(need, this.carry.length * 2, 256));
      grown.set(this.carry.subarray(0, this.carryLength));
      this.carry = grown;
    }
    this.carry.set(bytes, this.carryLength);
    this.carryLength = need;
  }

  /** Parses whole events from `bytes` (which start at `this.offset`); returns bytes used. */
  private parse(bytes: Uint8Array, copy: boolean): number {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let at = 0;
    while (at < bytes.length && !this.stopped) {
      if (this.events.length > 0 && this.isFillFrom(bytes, at)) {
        // Padding so far. Keep it unparsed: should a non-fill byte follow, it is parsed after all.
        this.needed = bytes.length - at + 1;
        break;
      }
      const step =
        this.events.length === 0 || this.format === 'tpm12'
          ? this.sha1Event(bytes, view, at, copy)
          : this.agileEvent(bytes, view, at, copy);
      if (step.kind === 'need') {
        this.needed = step.bytes;
        break;
      }
      if (step.kind === 'fatal') {
        this.stopped = true;
        break;
      }
      at += step.size;
      this.offset += step.size;
      this.needed = 0;
      this.fillChecked = 0;
    }
    return at;
  }

  /**
   * True when bytes[at..] (the next event's start) are at least 8 bytes of one fill byte,
   * 0x00 or 0xFF. Remembers how far it checked, so byte-sized chunks stay linear.
   */
  private isFillFrom(bytes: Uint8Array, at: number): boolean {
    const fill = bytes[at];
    if (fill !== 0 && fill !== 0xff) return false;
    for (let i = at + Math.max(this.fillChecked, 1); i < bytes.length; i++) {
      if (bytes[i] !== fill) {
        this.fillChecked = 0;
        return false;
      }
    }
    this.fillChecked = bytes.length - at;
    return this.fillChecked >= 8;
  }

  private sha1Event(bytes: Uint8Array, view: DataView, at: number, copy: boolean): Step {
    if (bytes.length - at < SHA1_HEADER_SIZE) return { kind: 'need', bytes: SHA1_HEADER_SIZE };
    const dataSize = view.getUint32(at + 28, true);
    if (dataSize > MAX_EVENT_DATA_SIZE) return this.implausibleSize(dataSize, 28);
    const size = SHA1_HEADER_SIZE + dataSize;
    if (bytes.length - at < size) return { kind: 'need', bytes: size };
    const digest = take(bytes, at + 8, 20, copy);
    const data = take(bytes, at + SHA1_HEADER_SIZE, dataSize, copy);
    const event = this.addEvent(view, at, size, [{ bank: 'sha1', algId: 0x0004, digest }], data);
    if (event.index === 0 && isSpecIdEventData(data)) return this.readSpecId(event);
    return { kind: 'event', size };
  }

  private agileEvent(bytes: Uint8Array, view: DataView, at: number, copy: boolean): Step {
    const available = bytes.length - at;
    if (available < 12) return { kind: 'need', bytes: 12 };
    const count = view.getUint32(at + 8, true);
    if (count > MAX_DIGEST_COUNT) {
      return this.fatal(8, `digest count ${count} is implausible (at most ${MAX_DIGEST_COUNT})`);
    }
    const digests: FirmwareDigest[] = [];
    let p = 12; // relative to the event start
    for (let i = 0; i < count; i++) {
      if (available < p + 2) return { kind: 'need', bytes: p + 2 };
      const algId = view.getUint16(at + p, true);
      const size = this.digestSizeOf(algId);
      if (size === undefined) {
        return this.fatal(
          p,
          `digest algorithm ${algIdHex(algId)} is neither in the Spec ID event nor a known hash, so its size is unknown`,
        );
      }
      if (available < p + 2 + size) return { kind: 'need', bytes: p + 2 + size };
      const digest = take(bytes, at + p + 2, size, copy);
      digests.push({ bank: hashAlgorithmFromTpmAlgId(algId), algId, digest });
      p += 2 + size;
    }
    if (available < p + 4) return { kind: 'need', bytes: p + 4 };
    const dataSize = view.getUint32(at + p, true);
    if (dataSize > MAX_EVENT_DATA_SIZE) return this.implausibleSize(dataSize, p);
    const size = p + 4 + dataSize;
    if (available < size) return { kind: 'need', bytes: size };
    this.addEvent(view, at, size, digests, take(bytes, at + p + 4, dataSize, copy));
    return { kind: 'event', size };
  }

  private addEvent(
    view: DataView,
    at: number,
    size: number,
    digests: FirmwareDigest[],
    data: Uint8Array,
  ): FirmwareEvent {
    const type = view.getUint32(at + 4, true);
    const event: FirmwareEvent = {
      index: this.events.length,
      offset: this.offset,
      size,
      pcr: view.getUint32(at, true),
      type,
      typeName: eventTypeName(type),
      digests,
      data,
    };
    this.events.push(event);
    if (event.pcr === NO_PCR) {
      this.notes.push({
        offset: event.offset,
        message: `event ${event.index} (${event.typeName}) is on PCR index 0xFFFFFFFF: not a PCR, not replayed`,
      });
    }
    return event;
  }

  private readSpecId(event: FirmwareEvent): Step {
    const dataOffset = event.offset + SHA1_HEADER_SIZE;
    const { specId, problems } = parseSpecIdEvent(event.data);
    for (const p of problems) this.errors.push({ offset: dataOffset + p.offset, message: p.message });
    this.format = 'crypto-agile';
    if (specId === undefined) {
      this.errors.push({ offset: dataOffset, message: 'unreadable Spec ID event: digests cannot be sized; parsing stopped' });
      return { kind: 'fatal' };
    }
    this.specId = specId;
    return { kind: 'event', size: event.size };
  }

  private digestSizeOf(algId: number): number | undefined {
    const listed = this.specId?.algorithms.find((a) => a.algId === algId);
    if (listed !== undefined) return listed.digestSize;
    const bank = hashAlgorithmFromTpmAlgId(algId);
    return bank === undefined ? undefined : digestSize(bank);
  }

  private implausibleSize(size: number, fieldAt: number): Step {
    return this.fatal(fieldAt, `event data size ${size} is implausible (at most ${MAX_EVENT_DATA_SIZE})`);
  }

  /** `fieldAt`: offset of the offending field within the current event. */
  private fatal(fieldAt: number, message: string): Step {
    this.errors.push({
      offset: this.offset + fieldAt,
      message: `event ${this.events.length} at offset ${this.offset}: ${message}; parsing stopped`,
    });
    return { kind: 'fatal' };
  }
}

function take(bytes: Uint8Array, at: number, length: number, copy: boolean): Uint8Array {
  return copy ? bytes.slice(at, at + length) : bytes.subarray(at, at + length);
}
