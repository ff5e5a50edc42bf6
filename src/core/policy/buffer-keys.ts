/**
 * The keys in `ima-buf` buffers, parsed once per entry: Keylime's pass (which learns keys
 * its policy accepts), the extended pass (which learns every `.ima` key), the failure reasons
 * and `policy create` all ask, and one key object per entry lets the signature memo
 * (verify-digest.ts, per key object) answer the second pass from the first.
 */
import { parseImaKeys, type KeyParseResult } from '../ima-signature/ima-key';
import { templateFieldRange } from '../ima/template-field-range';
import type { ImaLog, IndexIntoEntryTable } from '../model/ima-log';

export class BufferKeys {
  readonly #parsed = new Map<IndexIntoEntryTable, KeyParseResult | undefined>();
  readonly #bufField: readonly number[];

  constructor(private readonly log: ImaLog) {
    this.#bufField = log.templates.map((t) => (t.name === 'ima' ? -1 : t.fields.indexOf('buf')));
  }

  /** The entry's `buf` field, or undefined when its template has none (or it is cut short). */
  buffer(i: IndexIntoEntryTable): Uint8Array | undefined {
    const f = this.#bufField[this.log.entries.template[i]];
    const r = f < 0 ? undefined : templateFieldRange(this.log, i, f);
    return r === undefined ? undefined : this.log.data.subarray(r.offset, r.offset + r.length);
  }

  /** The buffer read as keys; undefined when the entry has no (non-empty) buffer. */
  keys(i: IndexIntoEntryTable): KeyParseResult | undefined {
    if (this.#parsed.has(i)) return this.#parsed.get(i);
    const buf = this.buffer(i);
    const parsed = buf === undefined || buf.length === 0 ? undefined : parseImaKeys(buf);
    this.#parsed.set(i, parsed);
    return parsed;
  }

  /** Whether the entry's buffer is a key (Keylime then judges it by `keyrings`). */
  isKey(i: IndexIntoEntryTable): boolean {
    return this.keys(i)?.ok === true;
  }
}
