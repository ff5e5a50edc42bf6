/**
 * One word for what the template-digest check said about an entry, derived from its
 * `EntryFlag` bits. The table shows it, the status filter selects on it, and the sort orders
 * by it, so the precedence lives here once: a violation (all-zero digest) is not hashed at
 * all; a mismatch outranks an opposite-byte-order match; `pending` means verification has
 * not reached the entry yet (the app shows rows before the log is fully verified).
 */
import { EntryFlag } from '../model/ima-log';

export type EntryStatus =
  | 'violation'
  | 'mismatch'
  | 'opposite-byte-order'
  | 'verified'
  | 'unchecked'
  | 'pending';

export const ENTRY_STATUSES: readonly EntryStatus[] = [
  'violation',
  'mismatch',
  'opposite-byte-order',
  'verified',
  'unchecked',
  'pending',
];

export function entryStatus(flags: number): EntryStatus {
  if ((flags & EntryFlag.Violation) !== 0) return 'violation';
  if ((flags & EntryFlag.HashMismatch) !== 0) return 'mismatch';
  if ((flags & EntryFlag.OppositeByteOrder) !== 0) return 'opposite-byte-order';
  if ((flags & EntryFlag.HashVerified) !== 0) return 'verified';
  if ((flags & EntryFlag.HashUnchecked) !== 0) return 'unchecked';
  return 'pending';
}

/** Sort rank: problems first when sorting ascending by status. */
export function entryStatusRank(flags: number): number {
  return ENTRY_STATUSES.indexOf(entryStatus(flags));
}
