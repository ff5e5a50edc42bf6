/**
 * "Accept these changes": a Keylime runtime policy v1 that accepts what the failing list
 * measured in the reviewed groups (changed and new paths; a gone path is never removed, since
 * another machine may still measure it).
 *
 *   reference is a policy  the update is that policy with the accepted digests added: the
 *                          policy to deploy.
 *   reference is a list    the update holds the accepted digests only (keylime-policy's
 *                          `--base-policy` or `imascope policy` merge it into a fleet policy).
 *
 * Each digest goes where Keylime will look for it (create-policy `measurementsOf`): files in
 * `digests`, keys in `keyrings`, other buffers in `ima-buf`.
 *
 * Fail closed: a digest is accepted only from entries whose template digest was verified
 * (EntryFlag.HashVerified, set by the caller's verification) and, for an ima-buf entry, whose
 * buffer hashes to it (buffer-digest.ts). An accepted path with an entry that did not verify
 * (tampered, or not checked) gives no policy, only those entries; so does one with a forged
 * buffer. A list whose template-hash algorithm no policy can name gives none either
 * (create-policy.ts policyBase, as `policy create`).
 */
import type { HashProvider } from '../hash/hash-provider';
import { EntryFlag, type ImaLog } from '../model/ima-log';
import { readEntryName } from '../ima/template-digests';
import { addMeasurementsToPolicy, measurementsOf, policyBase, type CreatedPolicy, type PolicyMeasurement } from '../policy/create-policy';
import { bufferDigestAgrees } from '../policy/buffer-digest';
import { BufferKeys } from '../policy/buffer-keys';
import { EntryReader } from '../policy/entry-reader';
import type { RuntimePolicy } from '../policy/runtime-policy';
import { EntryCompare, type CompareGroup } from './compare-logs';

export type AcceptedChanges =
  | (CreatedPolicy & { readonly ok: true; readonly accepted: number })
  | { readonly ok: false; readonly unverified: readonly number[] }
  | { readonly ok: false; readonly refused: string };

/** "#3, #7, …": the first entries of a refusal, for its message. */
export function entryNumbers(entries: readonly number[]): string {
  return `#${entries.slice(0, 5).join(', #')}${entries.length > 5 ? ', …' : ''}`;
}

/** `failingClasses`: the comparison's `entryClass.failing` (which entries can be accepted). */
export function acceptChanges(
  groups: readonly CompareGroup[],
  failing: ImaLog,
  failingClasses: Uint8Array,
  provider: HashProvider,
  options: { readonly base?: RuntimePolicy; readonly timestamp?: string } = {},
): AcceptedChanges {
  const start = policyBase([failing], options);
  if ('refused' in start) return { ok: false, refused: start.refused };
  const { unverified, forged } = unprovenEntries(groups, failing, failingClasses, provider);
  if (unverified.length > 0) return { ok: false, unverified };
  if (forged.length > 0) {
    return {
      ok: false,
      refused:
        forged.length === 1
          ? `ima-buf entry ${entryNumbers(forged)} of the accepted paths records a digest that is not known to be the hash of its buffer (it is not: a forged or altered entry; or no hasher here has its algorithm)`
          : `ima-buf entries ${entryNumbers(forged)} of the accepted paths record digests that are not known to be the hashes of their buffers (they are not: forged or altered entries; or no hasher here has their algorithm)`,
    };
  }
  const document = start.document;
  const paths = groups.flatMap((g) => g.paths.filter((p) => p.class !== 'gone' && p.failingEntry !== undefined));
  // The list each path's digests go in, by the kind of its first entry: one pass for all. A path
  // policy create would leave out (a name that is not UTF-8, a digest the schema refuses) is
  // left out here too, with its reason: it had fallen through to `digests`.
  const measured = measurementsOf(failing, provider, paths.map((p) => p.failingEntry ?? 0));
  const listOf = new Map(measured.measurements.map((m) => [m.name, m.list]));
  const measurements: PolicyMeasurement[] = [];
  let accepted = 0;
  for (const path of paths) {
    const list = listOf.get(path.path);
    if (list === undefined) continue;
    accepted++;
    for (const d of path.failing) measurements.push({ list, name: path.path, digest: d.hex });
  }
  const { policy, added, skipped } = addMeasurementsToPolicy(document, measurements);
  return { ok: true, policy, added, skipped: [...measured.skipped, ...skipped], accepted };
}

/**
 * Entries of accepted paths whose template digest is not known to be the hash of their data
 * (`unverified`), and ima-buf entries whose digest is not known to be the hash of their buffer
 * (`forged`: a mismatch, or an algorithm with no hasher here).
 */
function unprovenEntries(
  groups: readonly CompareGroup[],
  failing: ImaLog,
  failingClasses: Uint8Array,
  provider: HashProvider,
): { unverified: number[]; forged: number[] } {
  const accepted = new Set(groups.flatMap((g) => g.paths.filter((p) => p.class !== 'gone').map((p) => p.path)));
  const e = failing.entries;
  const buffers = new BufferKeys(new EntryReader(failing));
  const unverified: number[] = [];
  const forged: number[] = [];
  for (let i = 0; i < e.length; i++) {
    const c = failingClasses[i];
    // Only changed and new entries carry digests the update adds.
    if (c !== EntryCompare.Changed && c !== EntryCompare.New) continue;
    // A verified entry with no buffer is proven; for the rest the name is read (a million names
    // are slow), and a buffer is hashed only for an entry of an accepted path.
    const verified = (e.flags[i] & EntryFlag.HashVerified) !== 0;
    const buf = verified ? buffers.buffer(i) : undefined;
    if (verified && buf === undefined) continue;
    if (!accepted.has(readEntryName(failing, i))) continue;
    if (!verified) unverified.push(i);
    else if (buf !== undefined && bufferDigestAgrees(buffers.reader, i, buf, provider) !== 'match') forged.push(i);
  }
  return { unverified, forged };
}
