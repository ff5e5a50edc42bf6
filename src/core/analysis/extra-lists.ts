/**
 * A second list of a bank already taken is set aside (one list per bank is replayed), but
 * what it holds is still said: whether it records the same measurements as the list analysed
 * (the binary and ASCII lists of one boot do), where it parts from it, and its own damage.
 * Otherwise a cut or different list given beside a good one would pass unseen: such a list is
 * a warning; an undamaged copy of the list analysed is information.
 */
import { EntryReader } from '../policy/entry-reader';
import { bytesEqual } from '../util/bytes';
import { formatCount, plural } from '../util/count-text';
import type { LoadedLog } from './analysis-types';

export interface ExtraList {
  /** Why the analysis does not use it, and what it holds. */
  readonly reason: string;
  /**
   * It records exactly the measurements of the list analysed, without damage: nothing in it is
   * left unjudged (the binary and ASCII lists of one boot, or a Keylime agent response's list
   * beside the file), so saying so is information, not a warning.
   */
  readonly sameAsAnalysed: boolean;
}

/**
 * How the supplied checks chose between lists of one bank (analyze): the list analysed is one
 * whose replay reproduces the supplied PCR values and quote, whichever is longer or came first.
 */
export interface ListChoice {
  /** What the analysed list's replay reproduces ("the supplied PCR values and the quote"); undefined when no list's does. */
  readonly reproduced?: string;
  /** This list's own replay was tried against them and does not reproduce them. */
  readonly failed: boolean;
}

/** What the analysis says of `extra`, a second list of a bank `primary` already gives. */
export function describeExtraList(extra: LoadedLog, primary: LoadedLog | undefined, choice?: ListChoice): ExtraList {
  const used = primary?.input.name ?? '';
  const parts = [`a second IMA list of the same bank; only ${used} is analysed${choice?.reproduced === undefined ? '' : `, whose replay reproduces ${choice.reproduced}`}`];
  if (choice?.failed === true) {
    parts.push(choice.reproduced === undefined ? 'its own replay does not reproduce the supplied values either' : 'its own replay does not: it is not the list they were taken from');
  }
  const same = primary === undefined ? undefined : compareLists(extra, primary);
  if (same !== undefined) parts.push(same.text);
  const errors = extra.log.errors;
  if (errors.length > 0) {
    parts.push(`it has ${plural(errors.length, 'parse error')}, the first at byte offset ${formatCount(errors[0].offset)}: ${errors[0].message}`);
  }
  return { reason: parts.join('; '), sameAsAnalysed: same?.relation === 'same' && errors.length === 0 };
}

/**
 * How two lists of one bank stand to each other: `same` measurements (entry for entry: PCR,
 * template digest and data), one a `prefix` of the other (read earlier in the same boot), or
 * they `differ` (another boot, or one was altered); the text says where they part.
 */
export interface ListRelation {
  readonly text: string;
  readonly relation: 'same' | 'prefix' | 'differs';
}

/** Whether the two lists record the same template digests, in order, and if not where they part. */
export function compareLists(extra: LoadedLog, primary: LoadedLog): ListRelation {
  const a = new EntryReader(primary.log);
  const b = new EntryReader(extra.log);
  const n = Math.min(primary.log.entries.length, extra.log.entries.length);
  let i = 0;
  while (i < n && bytesEqual(a.recordedDigest(i), b.recordedDigest(i))) i++;
  const counts = `${formatCount(extra.log.entries.length)} entries against ${formatCount(primary.log.entries.length)}`;
  if (i < n) return { text: `it records different measurements: entry #${i} differs (${counts})`, relation: 'differs' };
  // The digests alone say nothing of an edited name or file digest (its template hash then
  // fails): the same measurements are the same entries, PCR and template data too.
  let k = 0;
  while (k < n && primary.log.entries.pcr[k] === extra.log.entries.pcr[k] && bytesEqual(a.templateData(k), b.templateData(k))) k++;
  if (k < n) return { text: `it records the same template digests, but entry #${k} holds other data (its PCR or template data differs: altered?)`, relation: 'differs' };
  if (extra.log.entries.length !== primary.log.entries.length) return { text: `the shorter of the two is a prefix of the other (${counts})`, relation: 'prefix' };
  return { text: `it records the same ${plural(n, 'measurement')}`, relation: 'same' };
}
