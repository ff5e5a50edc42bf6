/**
 * A policy's `digests` (path → accepted digests) as a few strings and typed arrays, made where
 * the policy is read and handed to another thread without a structured clone of a Map: the
 * CLI reads a big policy on a thread of its own while the list's first windows are parsed
 * (src/cli/policy-thread.ts). A Map of 100k paths took V8 121–212 ms to deserialize, about
 * what parsing the whole file takes; two strings and seven typed arrays take a few ms.
 *
 * PackedDigests answers as the Map it was made from. Its lookups (`get`, `has`, the ASCII
 * table the evaluation reads names with) use the arrays; iterating it makes the Map once.
 */
import { asciiKeyIndexBuffers, AsciiKeyTable, indexAsciiKeys, NON_ASCII_LENGTH, NOT_ASCII, type AsciiKeyIndex } from './ascii-key-table';

/** What packDigests makes of a Map and PackedDigests reads: the keys and digests back to back. */
export interface DigestParts {
  /** Every key, in the Map's order. */
  readonly keys: string;
  /** Where key k ends in `keys`. */
  readonly keyEnd: Uint32Array<ArrayBuffer>;
  /** Every accepted digest, key by key. */
  readonly digests: string;
  /** Where digest d ends in `digests`. */
  readonly digestEnd: Uint32Array<ArrayBuffer>;
  /** Where key k's digests end among the digests. */
  readonly listEnd: Uint32Array<ArrayBuffer>;
  readonly index: AsciiKeyIndex;
}

export function packDigests(map: ReadonlyMap<string, readonly string[]>): DigestParts {
  const keys: string[] = [];
  const keyEnd = new Uint32Array(map.size);
  const listEnd = new Uint32Array(map.size);
  const digests: string[] = [];
  const ends: number[] = [];
  let keyChars = 0;
  let digestChars = 0;
  map.forEach((list, key) => {
    keyEnd[keys.length] = keyChars += key.length;
    for (const d of list) {
      digests.push(d);
      ends.push((digestChars += d.length));
    }
    listEnd[keys.length] = digests.length;
    keys.push(key);
  });
  return { keys: keys.join(''), keyEnd, digests: digests.join(''), digestEnd: Uint32Array.from(ends), listEnd, index: indexAsciiKeys(map) };
}

/** The buffers of `parts`, to transfer them. */
export function digestPartsBuffers(parts: DigestParts): ArrayBuffer[] {
  return [parts.keyEnd.buffer, parts.digestEnd.buffer, parts.listEnd.buffer, ...asciiKeyIndexBuffers(parts.index)];
}

export class PackedDigests implements ReadonlyMap<string, readonly string[]> {
  /** The ASCII keys' table, for the evaluation's lookups by name bytes. */
  readonly table: AsciiKeyTable<readonly string[]>;
  readonly #parts: DigestParts;
  /** Key k's digests, once asked for. */
  readonly #lists: Array<readonly string[] | undefined>;
  /** The keys with a character ≥ 0x80 (in no slot of the table), once one such name is asked for. */
  #nonAscii: Map<string, number> | undefined;
  #whole: Map<string, readonly string[]> | undefined;

  constructor(parts: DigestParts) {
    this.#parts = parts;
    this.#lists = new Array<readonly string[] | undefined>(parts.keyEnd.length);
    this.table = new AsciiKeyTable(parts.index, (key) => this.#list(key));
  }

  get size(): number {
    return this.#parts.keyEnd.length;
  }

  get(name: string): readonly string[] | undefined {
    const key = this.#keyOf(name);
    return key === undefined ? undefined : this.#list(key);
  }

  has(name: string): boolean {
    return this.#keyOf(name) !== undefined;
  }

  forEach(callback: (value: readonly string[], key: string, map: ReadonlyMap<string, readonly string[]>) => void, thisArg?: unknown): void {
    this.#map().forEach((value, key) => callback.call(thisArg, value, key, this));
  }

  entries(): ReturnType<Map<string, readonly string[]>['entries']> {
    return this.#map().entries();
  }

  keys(): ReturnType<Map<string, readonly string[]>['keys']> {
    return this.#map().keys();
  }

  values(): ReturnType<Map<string, readonly string[]>['values']> {
    return this.#map().values();
  }

  [Symbol.iterator](): ReturnType<Map<string, readonly string[]>['entries']> {
    return this.entries();
  }

  #keyOf(name: string): number | undefined {
    const key = this.table.keyOf(name);
    if (key !== NOT_ASCII) return key;
    if (this.#nonAscii === undefined) {
      this.#nonAscii = new Map();
      const { keyLength } = this.#parts.index;
      for (let k = 0; k < keyLength.length; k++) if (keyLength[k] === NON_ASCII_LENGTH) this.#nonAscii.set(this.#key(k), k);
    }
    return this.#nonAscii.get(name);
  }

  #key(k: number): string {
    const { keys, keyEnd } = this.#parts;
    return keys.slice(k === 0 ? 0 : keyEnd[k - 1], keyEnd[k]);
  }

  #list(k: number): readonly string[] {
    let list = this.#lists[k];
    if (list === undefined) {
      const { digests, digestEnd, listEnd } = this.#parts;
      const made: string[] = [];
      for (let d = k === 0 ? 0 : listEnd[k - 1]; d < listEnd[k]; d++) made.push(digests.slice(d === 0 ? 0 : digestEnd[d - 1], digestEnd[d]));
      this.#lists[k] = list = made;
    }
    return list;
  }

  /** The Map itself, made once: what iterating needs (no lookup does). */
  #map(): Map<string, readonly string[]> {
    if (this.#whole === undefined) {
      this.#whole = new Map();
      for (let k = 0; k < this.size; k++) this.#whole.set(this.#key(k), this.#list(k));
    }
    return this.#whole;
  }
}
