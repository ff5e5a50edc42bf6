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
 * (EntryFlag.HashVerified, set by the caller's verification). An accepted path with an entry
 * that did not verify (tampered, or not checked) gives no policy, only those entries.
 */
import { EntryFlag, type ImaLog } from '../model/ima-log';
import { readEntryName } from '../ima/template-digests';
import { addMeasurementsToPolicy, emptyPolicyDocument, measurementsOf, policyDocumentOf, type CreatedPolicy, type PolicyMeasurement } from '../policy/create-policy';
import type { RuntimePolicy } from '../policy/runtime-policy';
import { EntryCompare, type CompareGroup } from './compare-logs';

export type AcceptedChanges =
  | (CreatedPolicy & { readonly ok: true; readonly accepted: number })
  | { readonly ok: false; readonly unverified: readonly number[] };

/** `failingClasses`: the comparison's `entryClass.failing` (which entries can be accepted). */
export function acceptChanges(
  groups: readonly CompareGroup[],
  failing: ImaLog,
  failingClasses: Uint8Array,
  options: { readonly base?: RuntimePolicy; readonly timestamp?: string } = {},
): AcceptedChanges {
  const unverified = unverifiedEntries(groups, failing, failingClasses);
  if (unverified.length > 0) return { ok: false, unverified };
  const base = options.base;
  const document =
    base !== undefined
      ? policyDocumentOf(base, { timestamp: options.timestamp })
      : emptyPolicyDocument({ logHashAlg: failing.digestBank ?? 'sha1', timestamp: options.timestamp });
  const paths = groups.flatMap((g) => g.paths.filter((p) => p.class !== 'gone' && p.failingEntry !== undefined));
  // The list each path's digests go in, by the kind of its first entry: one pass for all. A path
  // policy create would leave out (a name that is not UTF-8, a digest the schema refuses) is
  // left out here too, with its reason: it had fallen through to `digests`.
  const measured = measurementsOf(failing, paths.map((p) => p.failingEntry ?? 0));
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

/** Entries of accepted paths whose template digest is not known to be the hash of their data. */
function unverifiedEntries(groups: readonly CompareGroup[], failing: ImaLog, failingClasses: Uint8Array): number[] {
  const accepted = new Set(groups.flatMap((g) => g.paths.filter((p) => p.class !== 'gone').map((p) => p.path)));
  const e = failing.entries;
  const out: number[] = [];
  for (let i = 0; i < e.length; i++) {
    const c = failingClasses[i];
    // Only changed and new entries carry digests the update adds.
    if (c !== EntryCompare.Changed && c !== EntryCompare.New) continue;
    if ((e.flags[i] & EntryFlag.HashVerified) !== 0) continue;
    if (accepted.has(readEntryName(failing, i))) out.push(i);
  }
  return out;
}
