/**
 * The bytes the whole-log policy passes read of each entry (name, file digest, recorded
 * template digest, template fields), through a ByteSource: the model's data by default, or a
 * list's File read in chunks (issue 14), which gives the same bytes at the same offsets.
 *
 * Each read makes the whole entry readable (one `at` per read) and returns a view that is
 * valid until another entry is read: whatever outlives that (a parsed key, a failure's
 * context) is copied or turned into text first.
 */
import { templateFieldRange } from '../ima/template-field-range';
import type { ByteSource } from '../model/byte-source';
import { templateDataOffset, type ImaLog, type IndexIntoEntryTable } from '../model/ima-log';
import { decodeExactText, decodeText } from '../util/bytes';

export class EntryReader {
  readonly #source: ByteSource;
  #entry = -1;
  /** Where the entry read last begins in `#source.bytes`. */
  #at = 0;

  constructor(
    readonly log: ImaLog,
    source: ByteSource = log.bytes,
  ) {
    this.#source = source;
  }

  /** Makes entry `i` readable (again: another reader of the same source may have moved its window). */
  entry(i: IndexIntoEntryTable): this {
    this.#at = this.#source.at(this.log.entries.entryOffset[i], this.log.entries.entrySize[i]);
    this.#entry = i;
    return this;
  }

  /** Bytes [offset, offset + length) of the list, inside the selected entry. */
  #view(offset: number, length: number): Uint8Array {
    const p = this.#at + offset - this.log.entries.entryOffset[this.#entry];
    return this.#source.bytes.subarray(p, p + length);
  }

  /** The entry's file or event name as text (UTF-8, invalid bytes replaced). */
  name(i: IndexIntoEntryTable): string {
    return decodeText(this.nameBytes(i));
  }

  /** The entry's name as text when its bytes are UTF-8, else undefined (no text is those bytes). */
  exactName(i: IndexIntoEntryTable): string | undefined {
    return decodeExactText(this.nameBytes(i));
  }

  /** The entry's name as the list holds it. */
  nameBytes(i: IndexIntoEntryTable): Uint8Array {
    this.entry(i);
    return this.#view(this.log.entries.nameOffset[i], this.log.entries.nameLength[i]);
  }

  /** Where entry `i`'s name starts in `bytes` (valid until another entry is read): no view made. */
  nameAt(i: IndexIntoEntryTable): number {
    this.entry(i);
    return this.#at + this.log.entries.nameOffset[i] - this.log.entries.entryOffset[i];
  }

  /** The buffer `nameAt` points into. */
  get bytes(): Uint8Array {
    return this.#source.bytes;
  }

  /** The entry's file digest (d / d-ng value). */
  fileDigest(i: IndexIntoEntryTable): Uint8Array {
    this.entry(i);
    return this.#view(this.log.entries.fileDigestOffset[i], this.log.entries.fileDigestLength[i]);
  }

  /** Where the template digest the list recorded for entry `i` starts in `bytes` (valid until another entry is read): no view made. */
  recordedDigestAt(i: IndexIntoEntryTable): number {
    this.entry(i);
    return this.#at + 4;
  }

  /** The template digest the list recorded for the entry. */
  recordedDigest(i: IndexIntoEntryTable): Uint8Array {
    this.entry(i);
    return this.#view(this.log.entries.entryOffset[i] + 4, this.log.digestSize);
  }

  /** Template field `f` of the entry's data, or undefined when it has none (or it is cut short). */
  field(i: IndexIntoEntryTable, f: number): Uint8Array | undefined {
    if (f < 0) return undefined;
    this.entry(i);
    const start = this.log.entries.entryOffset[i];
    const r = templateFieldRange(this.log, i, f, this.#source.bytes, start - this.#at);
    return r === undefined ? undefined : this.#view(r.offset, r.length);
  }

  /** The entry's whole template data region. */
  templateData(i: IndexIntoEntryTable): Uint8Array {
    this.entry(i);
    const from = templateDataOffset(this.log, i);
    return this.#view(from, this.log.entries.entryOffset[i] + this.log.entries.entrySize[i] - from);
  }
}
