/**
 * Compiles a parsed display filter against one log into a predicate over entry indices.
 *
 * Everything that does not depend on the entry is done here, once per expression: template
 * and algorithm names are matched against the log's intern tables into a mask (so
 * `template == ima-sig` is one typed-array read and one mask read per entry), values are
 * encoded to bytes, hex to nibbles, enum words to codes, and derived columns (boot number,
 * kexec records, parse errors) are built only when the expression names them. The closures
 * read the model's typed-array columns directly and allocate nothing per entry, except
 * `matches` on a digest or a name, which needs the text.
 */
import { EntryFlag, NO_DIGEST_ALGORITHM, templateDataSize, type ImaLog, type IndexIntoEntryTable } from '../model/ima-log';
import { toHex } from '../util/bytes';
import { entryStatus } from './entry-status';
import { CONTRACT_SIGNATURE_NAMES, NO_VERDICTS, PolicyCode, SignatureCode, verdictAt, type EntryVerdicts } from './entry-verdicts';
import type { FilterFieldName, StatusValue } from './filter-fields';
import type { CompareOp, FilterNode, FilterValue } from './filter-parse';
import { compileSearch, hasHexPrefix, searchMatcher } from './name-search';
import { formatKeyId, NO_KEY_ID, type KeyIdColumn } from './signature-key-ids';

export type EntryPredicate = (i: IndexIntoEntryTable) => boolean;

/** Entry positions of events the analysis finds, each ascending. */
export interface EntryEvents {
  /** First entry of each boot (the log facts' boot_aggregate entries). */
  readonly boots: Int32Array;
  readonly kexecLoads: Int32Array;
  readonly kexecExecutes: Int32Array;
  /** The entry that unparseable bytes follow, per parse error. */
  readonly parseErrors: Int32Array;
}

export const NO_EVENTS: EntryEvents = {
  boots: new Int32Array(0),
  kexecLoads: new Int32Array(0),
  kexecExecutes: new Int32Array(0),
  parseErrors: new Int32Array(0),
};

/** What the filter reads besides the model. */
export interface FilterColumns {
  readonly keyIds: KeyIdColumn;
  readonly verdicts?: EntryVerdicts;
  readonly events?: EntryEvents;
}

const PROBLEM_FLAGS =
  EntryFlag.Violation | EntryFlag.HashMismatch | EntryFlag.OppositeByteOrder | EntryFlag.UnknownTemplate | EntryFlag.MalformedFields;
const PARSE_FLAGS = EntryFlag.UnknownTemplate | EntryFlag.MalformedFields;
const KEXEC_NONE = 0;
const KEXEC_CODES: ReadonlyMap<string, number> = new Map([
  ['none', KEXEC_NONE],
  ['load', 1],
  ['execute', 2],
]);
const POLICY_CODES: ReadonlyMap<string, number> = new Map(Object.entries(PolicyCode));

const never: EntryPredicate = () => false;

/** Derived columns, built on first use by one compilation. */
class Derived {
  #boot?: Uint32Array;
  #kexec?: Uint8Array;
  #parseError?: Uint8Array;
  constructor(
    private readonly length: number,
    private readonly events: EntryEvents,
  ) {}

  /** Boot number per entry: entries before the first boot_aggregate count as boot 0. */
  boot(): Uint32Array {
    if (this.#boot === undefined) {
      const column = new Uint32Array(this.length);
      const starts = this.events.boots;
      for (let b = 1; b < starts.length; b++) column.fill(b, Math.max(0, starts[b]), this.length);
      this.#boot = column;
    }
    return this.#boot;
  }

  /** 1 on kexec_load records, 2 on kexec_execute records (KEXEC_CODES), 0 elsewhere. */
  kexec(): Uint8Array {
    this.#kexec ??= this.#marked([this.events.kexecLoads, this.events.kexecExecutes]);
    return this.#kexec;
  }

  parseError(): Uint8Array {
    this.#parseError ??= this.#marked([this.events.parseErrors]);
    return this.#parseError;
  }

  /** A byte per entry: k + 1 on the entries of lists[k], 0 elsewhere (out-of-range ones ignored). */
  #marked(lists: readonly Int32Array[]): Uint8Array {
    const column = new Uint8Array(this.length);
    lists.forEach((list, k) => {
      for (const i of list) if (i >= 0 && i < this.length) column[i] = k + 1;
    });
    return column;
  }
}

interface Context {
  readonly log: ImaLog;
  readonly keyIds: KeyIdColumn;
  readonly verdicts: EntryVerdicts;
  readonly derived: Derived;
}

export function compileFilter(node: FilterNode | undefined, log: ImaLog, columns: FilterColumns): EntryPredicate {
  if (node === undefined) return () => true;
  const context: Context = {
    log,
    keyIds: columns.keyIds,
    verdicts: columns.verdicts ?? NO_VERDICTS,
    derived: new Derived(log.entries.length, columns.events ?? NO_EVENTS),
  };
  return compileNode(node, context);
}

function compileNode(node: FilterNode, c: Context): EntryPredicate {
  switch (node.kind) {
    case 'and': {
      const left = compileNode(node.left, c);
      const right = compileNode(node.right, c);
      return (i) => left(i) && right(i);
    }
    case 'or': {
      const left = compileNode(node.left, c);
      const right = compileNode(node.right, c);
      return (i) => left(i) || right(i);
    }
    case 'not': {
      const operand = compileNode(node.operand, c);
      return (i) => !operand(i);
    }
    case 'search':
      return searchMatcher(c.log, compileSearch(node.text), c.keyIds);
    case 'has':
      return presence(node.field, c);
    case 'compare': {
      if (node.op === '!=') {
        const equal = valueTest(node.field, '==', node.value, c);
        return (i) => !equal(i);
      }
      return valueTest(node.field, node.op, node.value, c);
    }
    case 'in': {
      const tests = node.values.map((v) => valueTest(node.field, '==', v, c));
      if (tests.length === 0) return never;
      if (tests.length === 1) return tests[0];
      return (i) => {
        for (const t of tests) if (t(i)) return true;
        return false;
      };
    }
    case 'contains':
      return containsTest(node.field, node.value, c);
    case 'matches':
      return textTest(node.field, c, (s) => node.regex.test(s));
  }
}

function presence(field: FilterFieldName, c: Context): EntryPredicate {
  const e = c.log.entries;
  switch (field) {
    case 'name':
      return (i) => e.nameLength[i] > 0;
    case 'digest':
    case 'alg':
      return (i) => e.fileDigestLength[i] > 0;
    case 'keyid':
      return (i) => c.keyIds.at(i) !== NO_KEY_ID;
    case 'sig': {
      const column = c.verdicts.signature;
      return (i) => {
        const code = verdictAt(column, i);
        return code !== SignatureCode.none && code !== SignatureCode.unsigned;
      };
    }
    case 'policy': {
      const column = c.verdicts.policy;
      return (i) => verdictAt(column, i) !== PolicyCode.none;
    }
    case 'kexec': {
      const column = c.derived.kexec();
      return (i) => column[i] !== KEXEC_NONE;
    }
    default:
      // The parser lets only presence fields stand alone.
      return () => true;
  }
}

function numberReader(field: FilterFieldName, c: Context): ((i: number) => number) | undefined {
  const e = c.log.entries;
  switch (field) {
    case 'index':
      return (i) => i;
    case 'pcr':
      return (i) => e.pcr[i];
    case 'size':
      return (i) => templateDataSize(c.log, i);
    case 'boot': {
      const column = c.derived.boot();
      return (i) => column[i];
    }
    default:
      return undefined;
  }
}

function compareNumber(read: (i: number) => number, op: CompareOp, min: number, max: number): EntryPredicate {
  switch (op) {
    case '==':
      return min === max ? (i) => read(i) === min : (i) => { const v = read(i); return v >= min && v <= max; };
    case '!=':
      return (i) => read(i) !== min;
    case '<':
      return (i) => read(i) < min;
    case '<=':
      return (i) => read(i) <= min;
    case '>':
      return (i) => read(i) > min;
    case '>=':
      return (i) => read(i) >= min;
  }
}

/** `field op value` for `==` and the orderings (the parser allows orderings on numbers only). */
function valueTest(field: FilterFieldName, op: CompareOp, value: FilterValue, c: Context): EntryPredicate {
  const e = c.log.entries;
  if (value.kind === 'number') {
    const read = numberReader(field, c);
    return read === undefined ? never : compareNumber(read, op, value.min, value.max);
  }
  if (value.kind === 'word') return wordTest(field, value.word, c);
  if (value.kind === 'hex') return hexEquals(field, value.hex, value.alg, c);
  switch (field) {
    case 'template':
      return internedTest(e.template, c.log.templates.map((t) => t.name), (name) => name === value.text);
    case 'alg':
      return algTest(c, (alg) => algorithmIs(alg, value.text));
    case 'name': {
      const needle = new TextEncoder().encode(value.text);
      const source = c.log.bytes;
      return (i) => {
        if (e.nameLength[i] !== needle.length) return false;
        const at = source.at(e.nameOffset[i], needle.length);
        return startsWithBytes(source.bytes, at, needle);
      };
    }
    default:
      return never;
  }
}

/** `alg == sha256` also matches the d-ngv2 forms `ima:sha256` and `verity:sha256`. */
function algorithmIs(alg: string, wanted: string): boolean {
  const w = wanted.toLowerCase();
  return alg === w || alg.endsWith(`:${w}`);
}

function internedTest(column: ArrayLike<number>, table: readonly string[], test: (s: string) => boolean): EntryPredicate {
  const mask = Uint8Array.from(table, (s) => (test(s) ? 1 : 0));
  if (!mask.includes(1)) return never;
  return (i) => mask[column[i]] === 1;
}

function algTest(c: Context, test: (alg: string) => boolean): EntryPredicate {
  const e = c.log.entries;
  const mask = Uint8Array.from(c.log.digestAlgorithms, (s) => (test(s) ? 1 : 0));
  return (i) => e.fileDigestAlgorithm[i] !== NO_DIGEST_ALGORITHM && e.fileDigestLength[i] > 0 && mask[e.fileDigestAlgorithm[i]] === 1;
}

function wordTest(field: FilterFieldName, word: string, c: Context): EntryPredicate {
  const e = c.log.entries;
  switch (field) {
    case 'sig': {
      // The table's data-signature words (§5.5): `invalid` also selects malformed signatures.
      const column = c.verdicts.signature;
      const selects = CONTRACT_SIGNATURE_NAMES.map((name) => name === word);
      return (i) => selects[verdictAt(column, i)];
    }
    case 'policy': {
      const code = POLICY_CODES.get(word) ?? -1;
      const column = c.verdicts.policy;
      return (i) => verdictAt(column, i) === code;
    }
    case 'kexec': {
      const code = KEXEC_CODES.get(word) ?? -1;
      const column = c.derived.kexec();
      return (i) => column[i] === code;
    }
    case 'status':
      return statusTest(word as StatusValue, e.flags, c);
    default:
      return never;
  }
}

function statusTest(status: StatusValue, flags: Uint16Array, c: Context): EntryPredicate {
  switch (status) {
    case 'violation':
      return (i) => (flags[i] & EntryFlag.Violation) !== 0;
    case 'hash-mismatch':
      return (i) => (flags[i] & EntryFlag.HashMismatch) !== 0;
    case 'byte-order':
      return (i) => (flags[i] & EntryFlag.OppositeByteOrder) !== 0;
    case 'parse-error': {
      const column = c.derived.parseError();
      return (i) => (flags[i] & PARSE_FLAGS) !== 0 || column[i] === 1;
    }
    case 'ok': {
      const column = c.derived.parseError();
      return (i) => (flags[i] & EntryFlag.HashVerified) !== 0 && (flags[i] & PROBLEM_FLAGS) === 0 && column[i] === 0;
    }
    case 'unchecked':
      return (i) => entryStatus(flags[i]) === 'unchecked';
    case 'pending':
      return (i) => entryStatus(flags[i]) === 'pending';
  }
}

/** Where a hex field's bytes are for entry i. */
function hexBytes(field: FilterFieldName, c: Context): ((i: number) => { offset: number; length: number }) | undefined {
  const e = c.log.entries;
  const span = { offset: 0, length: 0 };
  switch (field) {
    case 'digest':
      return (i) => {
        span.offset = e.fileDigestOffset[i];
        span.length = e.fileDigestLength[i];
        return span;
      };
    case 'tdigest':
      return (i) => {
        span.offset = e.entryOffset[i] + 4;
        span.length = c.log.digestSize;
        return span;
      };
    default:
      return undefined;
  }
}

function nibblesOf(hex: string): Uint8Array {
  return Uint8Array.from(hex, (ch) => parseInt(ch, 16));
}

function hexEquals(field: FilterFieldName, hex: string, alg: string | undefined, c: Context): EntryPredicate {
  if (field === 'keyid') {
    const id = parseInt(hex, 16);
    return (i) => c.keyIds.at(i) === id;
  }
  const where = hexBytes(field, c);
  if (where === undefined || hex.length % 2 !== 0) return never;
  const nibbles = nibblesOf(hex);
  const source = c.log.bytes;
  const bytes = (i: number): boolean => {
    const s = where(i);
    if (s.length * 2 !== nibbles.length) return false;
    const at = source.at(s.offset, s.length);
    return hasHexPrefix(source.bytes, at, s.length, nibbles);
  };
  if (alg === undefined) return bytes;
  const algorithm = algTest(c, (a) => a === alg || algorithmIs(a, alg));
  return (i) => algorithm(i) && bytes(i);
}

function containsTest(field: FilterFieldName, value: FilterValue, c: Context): EntryPredicate {
  const e = c.log.entries;
  const source = c.log.bytes;
  if (value.kind === 'hex') {
    if (field === 'keyid') return textTest(field, c, (s) => s.includes(value.hex));
    const where = hexBytes(field, c);
    if (where === undefined) return never;
    const nibbles = nibblesOf(value.hex);
    return (i) => {
      const s = where(i);
      const at = source.at(s.offset, s.length);
      return containsNibbles(source.bytes, at, s.length, nibbles);
    };
  }
  if (value.kind !== 'text') return never;
  switch (field) {
    case 'name': {
      const needle = new TextEncoder().encode(value.text);
      return (i) => {
        const at = source.at(e.nameOffset[i], e.nameLength[i]);
        return containsBytes(source.bytes, at, e.nameLength[i], needle);
      };
    }
    case 'template':
      return internedTest(e.template, c.log.templates.map((t) => t.name), (s) => s.includes(value.text));
    case 'alg':
      return algTest(c, (s) => s.includes(value.text.toLowerCase()));
    default:
      return never;
  }
}

/** A test over the field's text form (`matches`, and `contains` on a key id). */
function textTest(field: FilterFieldName, c: Context, test: (text: string) => boolean): EntryPredicate {
  const e = c.log.entries;
  const source = c.log.bytes;
  const text = (offset: number, length: number): Uint8Array => {
    const at = source.at(offset, length);
    return source.bytes.subarray(at, at + length);
  };
  switch (field) {
    case 'name': {
      const decoder = new TextDecoder();
      return (i) => test(decoder.decode(text(e.nameOffset[i], e.nameLength[i])));
    }
    case 'template':
      return internedTest(e.template, c.log.templates.map((t) => t.name), test);
    case 'alg':
      return algTest(c, test);
    case 'keyid':
      return (i) => {
        const id = c.keyIds.at(i);
        return id !== NO_KEY_ID && test(formatKeyId(id));
      };
    case 'digest':
    case 'tdigest': {
      const where = hexBytes(field, c);
      if (where === undefined) return never;
      return (i) => {
        const s = where(i);
        return s.length > 0 && test(toHex(text(s.offset, s.length)));
      };
    }
    default:
      return never;
  }
}

function startsWithBytes(data: Uint8Array, offset: number, needle: Uint8Array): boolean {
  for (let k = 0; k < needle.length; k++) if (data[offset + k] !== needle[k]) return false;
  return true;
}

function containsBytes(data: Uint8Array, offset: number, length: number, needle: Uint8Array): boolean {
  const last = offset + length - needle.length;
  for (let o = offset; o <= last; o++) if (startsWithBytes(data, o, needle)) return true;
  return false;
}

/** Hex digits `nibbles` anywhere in the hex text of `data[offset, offset + length)`. */
function containsNibbles(data: Uint8Array, offset: number, length: number, nibbles: Uint8Array): boolean {
  const total = length * 2;
  const nibbleAt = (k: number): number => (k & 1) === 0 ? data[offset + (k >> 1)] >> 4 : data[offset + (k >> 1)] & 0x0f;
  for (let start = 0; start + nibbles.length <= total; start++) {
    let k = 0;
    while (k < nibbles.length && nibbleAt(start + k) === nibbles[k]) k++;
    if (k === nibbles.length) return true;
  }
  return false;
}
