/**
 * `imascope policy create`: a Keylime runtime policy v1 (valid against RUNTIME_POLICY_SCHEMA)
 * from one or more known-good measurement lists, as `keylime-policy create runtime
 * --ima-measurement-list --keyrings --ima-buf` builds one:
 *
 *   digests    every measured path (ima, ima-ng, ima-sig, and any template with a digest and
 *              a name) with each distinct digest seen, boot_aggregate included
 *   keyrings   ima-buf entries whose buffer is a key, by keyring name
 *   ima-buf    the other ima-buf entries, by event name
 *   ima        log_hash_alg = the lists' template-hash algorithm
 *
 * Violation entries (all-zero template hash, zero file digest) are left out: Keylime never
 * checks their content. Digests shorter than 40 hex digits (MD5) cannot be written, since the
 * schema refuses them; they are returned in `skipped`.
 */
import { parseImaKeys } from '../ima-signature/ima-key';
import { templateFieldRange } from '../ima/template-field-range';
import { EntryFlag, type ImaLog } from '../model/ima-log';
import { decodeText, toHex } from '../util/bytes';

export interface CreatedPolicy {
  /** The policy document, keys in Keylime's order. */
  readonly policy: Record<string, unknown>;
  /** Entries that could not be written, with why. */
  readonly skipped: readonly string[];
}

const SCHEMA_LOG_HASH_ALGS = new Set(['sha1', 'sha256', 'sha384', 'sha512']);

export function createPolicy(logs: readonly ImaLog[], options: { readonly excludes?: readonly string[]; readonly timestamp?: string } = {}): CreatedPolicy {
  const lists: PolicyLists = { digests: new Map(), keyrings: new Map(), 'ima-buf': new Map() };
  const skipped: string[] = [];
  const algs = new Set<string>();
  for (const log of logs) {
    if (log.digestBank !== undefined) algs.add(log.digestBank);
    for (let i = 0; i < log.entries.length; i++) {
      if ((log.entries.flags[i] & EntryFlag.Violation) !== 0) continue;
      const length = log.entries.fileDigestLength[i];
      const nameLength = log.entries.nameLength[i];
      if (length === 0 || nameLength === 0) continue;
      const o = log.entries.fileDigestOffset[i];
      const n = log.entries.nameOffset[i];
      addAccepted(lists, policyListOf(log, i), decodeText(log.data.subarray(n, n + nameLength)), toHex(log.data.subarray(o, o + length)), skipped);
    }
  }
  const logHashAlg = algs.size === 1 ? [...algs][0] : 'sha1';
  if (algs.size > 1) skipped.push(`the lists use several template-hash algorithms (${[...algs].join(', ')}); log_hash_alg is set to sha1`);
  return { policy: writePolicyV1(lists, { excludes: options.excludes ?? [], logHashAlg, timestamp: options.timestamp }), skipped };
}

/** The three name → digests lists of a policy, as they are being built. */
export interface PolicyLists {
  readonly digests: Map<string, Set<string>>;
  readonly keyrings: Map<string, Set<string>>;
  readonly 'ima-buf': Map<string, Set<string>>;
}

export type PolicyListName = keyof PolicyLists;

/** Where Keylime looks an entry up: a file in `digests`, a key in `keyrings`, other buffers in `ima-buf`. */
export function policyListOf(log: ImaLog, i: number): PolicyListName {
  const template = log.templates[log.entries.template[i]];
  const f = template.name === 'ima' ? -1 : template.fields.indexOf('buf');
  if (f < 0) return 'digests';
  const r = templateFieldRange(log, i, f);
  return r !== undefined && parseImaKeys(log.data.subarray(r.offset, r.offset + r.length)).ok ? 'keyrings' : 'ima-buf';
}

/**
 * Adds one accepted digest (lower-case hex) under `name`; digests shorter than 40 hex digits
 * (MD5) go to `skipped` instead, since the schema refuses them.
 */
export function addAccepted(lists: PolicyLists, list: PolicyListName, name: string, digest: string, skipped: string[]): void {
  if (digest.length < 40) {
    skipped.push(`${name}: a ${digest.length / 2}-byte digest, which Keylime's schema does not accept`);
    return;
  }
  const map = lists[list];
  let set = map.get(name);
  if (set === undefined) map.set(name, (set = new Set()));
  set.add(digest);
}

/** A v1 policy document, keys in Keylime's order (RUNTIME_POLICY_SCHEMA). */
export function writePolicyV1(
  lists: PolicyLists,
  options: {
    readonly excludes: readonly string[];
    readonly logHashAlg: string;
    readonly ignoredKeyrings?: readonly string[];
    readonly verificationKeys?: string;
    readonly timestamp?: string | undefined;
  },
): Record<string, unknown> {
  // Plain objects are what JSON.stringify writes; keys come from logs, so null-prototype ones.
  const toObject = (map: Map<string, Set<string>>): Record<string, string[]> => {
    const out = Object.create(null) as Record<string, string[]>;
    for (const [k, v] of map) out[k] = [...v];
    return out;
  };
  const meta: Record<string, unknown> = { version: 1, generator: 0 };
  if (options.timestamp !== undefined) meta.timestamp = options.timestamp;
  return {
    meta,
    release: 0,
    digests: toObject(lists.digests),
    excludes: [...options.excludes],
    keyrings: toObject(lists.keyrings),
    ima: { ignored_keyrings: [...(options.ignoredKeyrings ?? [])], log_hash_alg: SCHEMA_LOG_HASH_ALGS.has(options.logHashAlg) ? options.logHashAlg : 'sha1', dm_policy: null },
    'ima-buf': toObject(lists['ima-buf']),
    'verification-keys': options.verificationKeys ?? '',
  };
}
