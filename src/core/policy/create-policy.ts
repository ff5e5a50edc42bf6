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
  // Plain objects are what JSON.stringify writes; keys come from logs, so null-prototype ones.
  const digests = new Map<string, Set<string>>();
  const keyrings = new Map<string, Set<string>>();
  const imaBuf = new Map<string, Set<string>>();
  const skipped: string[] = [];
  const algs = new Set<string>();
  const add = (map: Map<string, Set<string>>, name: string, digest: string): void => {
    let set = map.get(name);
    if (set === undefined) map.set(name, (set = new Set()));
    set.add(digest);
  };
  for (const log of logs) {
    if (log.digestBank !== undefined) algs.add(log.digestBank);
    const bufField = log.templates.map((t) => (t.name === 'ima' ? -1 : t.fields.indexOf('buf')));
    for (let i = 0; i < log.entries.length; i++) {
      if ((log.entries.flags[i] & EntryFlag.Violation) !== 0) continue;
      const length = log.entries.fileDigestLength[i];
      const nameLength = log.entries.nameLength[i];
      if (length === 0 || nameLength === 0) continue;
      const o = log.entries.fileDigestOffset[i];
      const digest = toHex(log.data.subarray(o, o + length));
      const n = log.entries.nameOffset[i];
      const name = decodeText(log.data.subarray(n, n + nameLength));
      if (digest.length < 40) {
        skipped.push(`${name}: a ${length}-byte digest, which Keylime's schema does not accept`);
        continue;
      }
      const f = bufField[log.entries.template[i]];
      if (f < 0) {
        add(digests, name, digest);
        continue;
      }
      const r = templateFieldRange(log, i, f);
      const isKey = r !== undefined && parseImaKeys(log.data.subarray(r.offset, r.offset + r.length)).ok;
      add(isKey ? keyrings : imaBuf, name, digest);
    }
  }
  const logHashAlg = algs.size === 1 ? [...algs][0] : 'sha1';
  if (algs.size > 1) skipped.push(`the lists use several template-hash algorithms (${[...algs].join(', ')}); log_hash_alg is set to sha1`);
  const toObject = (map: Map<string, Set<string>>): Record<string, string[]> => {
    const out = Object.create(null) as Record<string, string[]>;
    for (const [k, v] of map) out[k] = [...v];
    return out;
  };
  const meta: Record<string, unknown> = { version: 1, generator: 0 };
  if (options.timestamp !== undefined) meta.timestamp = options.timestamp;
  return {
    policy: {
      meta,
      release: 0,
      digests: toObject(digests),
      excludes: [...(options.excludes ?? [])],
      keyrings: toObject(keyrings),
      ima: { ignored_keyrings: [], log_hash_alg: SCHEMA_LOG_HASH_ALGS.has(logHashAlg) ? logHashAlg : 'sha1', dm_policy: null },
      'ima-buf': toObject(imaBuf),
      'verification-keys': '',
    },
    skipped,
  };
}
