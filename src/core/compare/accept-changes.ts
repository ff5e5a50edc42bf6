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
 * Each digest goes where Keylime will look for it (create-policy `policyListOf`): files in
 * `digests`, keys in `keyrings`, other buffers in `ima-buf`.
 */
import type { ImaLog } from '../model/ima-log';
import { addAccepted, policyListOf, writePolicyV1, type CreatedPolicy, type PolicyLists } from '../policy/create-policy';
import type { RuntimePolicy } from '../policy/runtime-policy';
import type { CompareGroup } from './compare-logs';

export function acceptChanges(
  groups: readonly CompareGroup[],
  failing: ImaLog,
  options: { readonly base?: RuntimePolicy; readonly timestamp?: string } = {},
): CreatedPolicy & { readonly accepted: number } {
  const base = options.base;
  const copy = (map: ReadonlyMap<string, readonly string[]> | undefined): Map<string, Set<string>> =>
    new Map([...(map ?? [])].map(([name, digests]) => [name, new Set(digests)]));
  const lists: PolicyLists = { digests: copy(base?.digests), keyrings: copy(base?.keyrings), 'ima-buf': copy(base?.imaBuf) };
  const skipped: string[] = [];
  let accepted = 0;
  for (const group of groups) {
    for (const path of group.paths) {
      if (path.class === 'gone' || path.failingEntry === undefined) continue;
      const list = policyListOf(failing, path.failingEntry);
      for (const d of path.failing) addAccepted(lists, list, path.path, d.hex, skipped);
      accepted++;
    }
  }
  const policy = writePolicyV1(lists, {
    excludes: base?.excludes ?? [],
    logHashAlg: base?.logHashAlg ?? failing.digestBank ?? 'sha1',
    ...(base !== undefined ? { ignoredKeyrings: base.ignoredKeyrings, verificationKeys: base.verificationKeys } : {}),
    timestamp: options.timestamp,
  });
  return { policy, skipped, accepted };
}
