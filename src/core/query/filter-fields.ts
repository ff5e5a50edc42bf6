/**
 * The fields of the entry table's display filter (Wireshark style: `pcr == 10 && template ==
 * ima-sig`), what kind of value each holds, and the words an enumerated field accepts. The
 * parser validates values against this table, the compiler picks a column reader by kind, and
 * completion offers names and values from it, so a field is added here once.
 *
 * Looked up through a Map: a word typed by the user (`constructor`, `__proto__`) must never
 * reach an object prototype.
 */

/**
 * - number: an integer column (`index`, `pcr`, `boot`, `size`): ordering operators allowed.
 * - text: a string (`template`, `alg` from the log's intern tables; `name` from the entry bytes).
 * - hex: bytes shown as hex (`digest`, `tdigest`, `keyid`).
 * - enum: one word of a fixed list per entry (`sig`, `policy`, `kexec`).
 * - flags: several words of a fixed list may hold at once (`status`); `==` means "has".
 */
export type FilterFieldKind = 'number' | 'text' | 'hex' | 'enum' | 'flags';

export type FilterFieldName =
  | 'index'
  | 'pcr'
  | 'template'
  | 'name'
  | 'digest'
  | 'alg'
  | 'tdigest'
  | 'keyid'
  | 'sig'
  | 'policy'
  | 'boot'
  | 'status'
  | 'size'
  | 'kexec';

export interface FilterField {
  readonly name: FilterFieldName;
  readonly kind: FilterFieldKind;
  /** The words an enum/flags field accepts. */
  readonly values?: readonly string[];
  /** The field alone (`kexec`, `keyid`) tests that the entry has one; others need a comparison. */
  readonly presence: boolean;
  /** One line for completion and the help text. */
  readonly help: string;
}

export const SIGNATURE_VALUES = ['valid', 'invalid', 'unknown-key', 'unsigned', 'none'] as const;
export const POLICY_VALUES = ['pass', 'fail', 'excluded', 'none'] as const;
export const KEXEC_VALUES = ['load', 'execute', 'none'] as const;
export const STATUS_VALUES = ['violation', 'hash-mismatch', 'byte-order', 'parse-error', 'ok', 'unchecked', 'pending'] as const;

export type StatusValue = (typeof STATUS_VALUES)[number];

const FIELD_LIST: readonly FilterField[] = [
  { name: 'index', kind: 'number', presence: false, help: 'position in the log, from 0' },
  { name: 'pcr', kind: 'number', presence: false, help: 'PCR the entry extends' },
  { name: 'template', kind: 'text', presence: false, help: 'template name (ima-ng, ima-sig…)' },
  { name: 'name', kind: 'text', presence: true, help: 'file path or buffer name (alias: path)' },
  { name: 'digest', kind: 'hex', presence: true, help: 'file digest, hex (optionally alg:hex)' },
  { name: 'alg', kind: 'text', presence: true, help: 'file digest algorithm (sha256…)' },
  { name: 'tdigest', kind: 'hex', presence: false, help: 'template digest, hex' },
  { name: 'keyid', kind: 'hex', presence: true, help: 'signing key id, 8 hex digits' },
  { name: 'sig', kind: 'enum', values: SIGNATURE_VALUES, presence: true, help: 'signature check' },
  { name: 'policy', kind: 'enum', values: POLICY_VALUES, presence: true, help: 'runtime policy check' },
  { name: 'boot', kind: 'number', presence: false, help: 'boot number, from 0' },
  { name: 'status', kind: 'flags', values: STATUS_VALUES, presence: false, help: 'template digest check' },
  { name: 'size', kind: 'number', presence: false, help: 'template data bytes' },
  { name: 'kexec', kind: 'enum', values: KEXEC_VALUES, presence: true, help: 'kexec load / execute record' },
];

export const FILTER_FIELDS: ReadonlyMap<string, FilterField> = new Map<string, FilterField>([
  ...FIELD_LIST.map((f) => [f.name, f] as const),
  ['path', FIELD_LIST[3]],
]);

/** Field names as typed, aliases included, in the order completion offers them. */
export const FILTER_FIELD_NAMES: readonly string[] = [...FILTER_FIELDS.keys()];

export function filterField(name: string): FilterField | undefined {
  return FILTER_FIELDS.get(name);
}
