import { EntryFlag, type ImaLog } from '../model/ima-log';

/**
 * The last entry before the first template-hash failure whose template hash verified: where a
 * tampered or corrupted list was last known good. Reads the flags the verification left.
 */
export function lastVerifiedEntry(log: ImaLog): number | undefined {
  const flags = log.entries.flags;
  let end = flags.length;
  for (let i = 0; i < flags.length; i++) {
    if ((flags[i] & EntryFlag.HashMismatch) !== 0) {
      end = i;
      break;
    }
  }
  for (let i = end - 1; i >= 0; i--) {
    if ((flags[i] & EntryFlag.HashVerified) !== 0 && (flags[i] & EntryFlag.HashMismatch) === 0) return i;
  }
  return undefined;
}
