/**
 * The table's row objects, built from one columnar RowPage (the worker sends columns; the
 * table wants records). Only the rows of the current window ever exist on the page.
 */
import { entryStatus, type EntryStatus } from '../../core/query/entry-status';
import type { RowPage, TemplateSummary } from '../../worker/protocol';
import { ENTRY_COMPARE_NAMES, type EntryCompareName } from '../../core/compare/compare-logs';
import { CONTRACT_SIGNATURE_NAMES, POLICY_NAMES, type ContractSignatureName, type PolicyName } from '../../core/query/entry-verdicts';

export interface EntryRow {
  /** 0-based position of the entry in the log. */
  readonly index: number;
  /** Position of the row in the current (filtered, sorted) view. */
  readonly row: number;
  readonly pcr: number;
  readonly template: string;
  readonly templateKnown: boolean;
  readonly flags: number;
  readonly status: EntryStatus;
  readonly templateDigest: string;
  readonly fileDigestAlgorithm: string;
  readonly fileDigest: string;
  readonly name: string;
  readonly keyId: string;
  /** Class against the reference list; undefined when nothing is compared. */
  readonly compare: EntryCompareName | undefined;
  /** The policy dry run's verdict (`data-policy`): pass, fail, excluded or none. */
  readonly policy: PolicyName;
  /** The signature check (`data-signature`), in CONTRACT §5.5's words: valid, invalid, unknown-key, unsigned or none. */
  readonly signature: ContractSignatureName;
}

export function rowsOfPage(page: RowPage, templates: readonly TemplateSummary[]): EntryRow[] {
  const rows: EntryRow[] = [];
  for (let k = 0; k < page.index.length; k++) {
    const template = templates[page.template[k]];
    rows.push({
      index: page.index[k],
      row: page.start + k,
      pcr: page.pcr[k],
      template: template?.name ?? '?',
      templateKnown: template?.known ?? false,
      flags: page.flags[k],
      status: entryStatus(page.flags[k]),
      templateDigest: page.templateDigest[k],
      fileDigestAlgorithm: page.fileDigestAlgorithm[k],
      fileDigest: page.fileDigest[k],
      name: page.name[k],
      keyId: page.keyId[k],
      compare: page.compare === undefined ? undefined : ENTRY_COMPARE_NAMES[page.compare[k]],
      policy: POLICY_NAMES[page.policy[k]] ?? 'none',
      signature: CONTRACT_SIGNATURE_NAMES[page.signature[k]] ?? 'none',
    });
  }
  return rows;
}
