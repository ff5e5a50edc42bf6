/**
 * Per-entry results of the signature and runtime-policy checks, as the display filter
 * (`sig == invalid`, `policy == fail`) reads them: one byte per entry, codes below. Whoever
 * runs those checks fills the columns; until then they are absent and every entry reads
 * `none` (not checked), which `sig == valid` never matches: an unchecked entry is never
 * reported as passing.
 */
import type { IndexIntoEntryTable } from '../model/ima-log';

/**
 * `EntryVerdicts.signature` codes; the names are the filter's `sig` values and the table's
 * `data-signature`. The policy dry run (core/policy/policy-dry-run.ts) fills its columns with them.
 */
export const SignatureCode = { none: 0, valid: 1, invalid: 2, 'unknown-key': 3, unsigned: 4, unsupported: 5, malformed: 6 } as const;
/** `EntryVerdicts.policy` codes; the names are the filter's `policy` values and `data-policy`. */
export const PolicyCode = { none: 0, pass: 1, fail: 2, excluded: 3 } as const;

export type SignatureName = keyof typeof SignatureCode;
export type PolicyName = keyof typeof PolicyCode;

/** Name by code: SIGNATURE_NAMES[SignatureCode.valid] === 'valid'. */
export const SIGNATURE_NAMES: readonly SignatureName[] = namesByCode(SignatureCode);

/** The words CONTRACT §5.5 allows in `data-signature`; the filter's `sig` values are the same. */
export type ContractSignatureName = 'valid' | 'invalid' | 'unknown-key' | 'unsigned' | 'none';

/**
 * Each code's §5.5 word: a malformed signature is one no key verifies (`invalid`, as the
 * signature-invalid finding says when keys are given); one this tool cannot check
 * (`unsupported`, e.g. a portable EVM signature) was not checked (`none`).
 */
const CONTRACT_WORD: Readonly<Record<SignatureName, ContractSignatureName>> = {
  none: 'none',
  valid: 'valid',
  invalid: 'invalid',
  'unknown-key': 'unknown-key',
  unsigned: 'unsigned',
  unsupported: 'none',
  malformed: 'invalid',
};

/** §5.5 word by code: CONTRACT_SIGNATURE_NAMES[SignatureCode.malformed] === 'invalid'. */
export const CONTRACT_SIGNATURE_NAMES: readonly ContractSignatureName[] = SIGNATURE_NAMES.map((name) => CONTRACT_WORD[name]);
export const POLICY_NAMES: readonly PolicyName[] = namesByCode(PolicyCode);

function namesByCode<K extends string>(codes: Readonly<Record<K, number>>): K[] {
  const out: K[] = [];
  for (const [name, code] of Object.entries(codes) as Array<[K, number]>) out[code] = name;
  return out;
}

export interface EntryVerdicts {
  /** SignatureCode per entry; absent: signatures not checked (all `none`). */
  readonly signature?: Uint8Array;
  /** PolicyCode per entry; absent: no runtime policy given (all `none`). */
  readonly policy?: Uint8Array;
}

export const NO_VERDICTS: EntryVerdicts = {};

/** A verdict column's code for entry i: 0 (`none`) when the column is absent or short. */
export function verdictAt(column: Uint8Array | undefined, i: IndexIntoEntryTable): number {
  return column?.[i] ?? 0;
}
