/**
 * A second list of a bank already taken is set aside (one list per bank is replayed), but
 * what it holds is still said: whether it records the same measurements as the list analysed
 * (the binary and ASCII lists of one boot do), where it parts from it, and its own damage.
 * Otherwise a cut or different list given beside a good one would pass unseen.
 */
import { EntryReader } from '../policy/entry-reader';
import { bytesEqual } from '../util/bytes';
import { formatCount, plural } from '../util/count-text';
import type { LoadedLog } from './analysis-types';

/** The reason the analysis gives for not using `extra`, beside `primary`. */
export function extraListReason(extra: LoadedLog, primary: LoadedLog | undefined): string {
  const used = primary?.input.name ?? '';
  const parts = [`a second IMA list of the same bank; only ${used} is analysed`];
  if (primary !== undefined) parts.push(sameMeasurements(extra, primary));
  const errors = extra.log.errors;
  if (errors.length > 0) {
    parts.push(`it has ${plural(errors.length, 'parse error')}, the first at byte offset ${formatCount(errors[0].offset)}: ${errors[0].message}`);
  }
  return parts.join('; ');
}

/** Whether the two lists record the same template digests, in order, and if not where they part. */
function sameMeasurements(extra: LoadedLog, primary: LoadedLog): string {
  const a = new EntryReader(primary.log);
  const b = new EntryReader(extra.log);
  const n = Math.min(primary.log.entries.length, extra.log.entries.length);
  let i = 0;
  while (i < n && bytesEqual(a.recordedDigest(i), b.recordedDigest(i))) i++;
  const counts = `${formatCount(extra.log.entries.length)} entries against ${formatCount(primary.log.entries.length)}`;
  if (i < n) return `it records different measurements: entry #${i} differs (${counts})`;
  if (extra.log.entries.length === primary.log.entries.length) return `it records the same ${plural(n, 'measurement')}`;
  return `the shorter of the two is a prefix of the other (${counts})`;
}
