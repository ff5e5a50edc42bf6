/**
 * The keys in `ima-buf` buffers, parsed once per entry: Keylime's pass (which learns keys
 * its policy accepts), the extended pass (which learns every `.ima` key), the failure reasons
 * and `policy create` all ask, and one key object per entry lets the signature memo
 * (verify-digest.ts, per key object) answer the second pass from the first.
 */
import { parseImaKeys, type KeyParseResult } from '../ima-signature/ima-key';
import type { IndexIntoEntryTable } from '../model/ima-log';
import type { EntryReader } from './entry-reader';

export class BufferKeys {
  readonly #parsed = new Map<IndexIntoEntryTable, KeyParseResult | undefined>();
  readonly #bufField: readonly number[];

  /** Reads the entries' bytes (the passes that share these keys read through it too). */
  constructor(readonly reader: EntryReader) {
    this.#bufField = reader.log.templates.map((t) => (t.name === 'ima' ? -1 : t.fields.indexOf('buf')));
  }

  /** Whether any template of the log has a `buf` field: without one, no entry has a buffer. */
  get anyBuffer(): boolean {
    return this.#bufField.some((f) => f >= 0);
  }

  /** The entry's `buf` field (a view: see EntryReader), or undefined when its template has none (or it is cut short). */
  buffer(i: IndexIntoEntryTable): Uint8Array | undefined {
    return this.reader.field(i, this.#bufField[this.reader.log.entries.template[i]]);
  }

  /** The buffer read as keys; undefined when the entry has no (non-empty) buffer. */
  keys(i: IndexIntoEntryTable): KeyParseResult | undefined {
    if (this.#parsed.has(i)) return this.#parsed.get(i);
    const buf = this.buffer(i);
    // A copy: the keys outlive the reader's view.
    const parsed = buf === undefined || buf.length === 0 ? undefined : parseImaKeys(buf.slice());
    this.#parsed.set(i, parsed);
    return parsed;
  }

  /** Whether the entry's buffer is a key (Keylime then judges it by `keyrings`). */
  isKey(i: IndexIntoEntryTable): boolean {
    return this.keys(i)?.ok === true;
  }
}
