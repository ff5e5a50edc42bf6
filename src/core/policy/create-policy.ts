/**
 * Writing Keylime runtime policies v1 (valid against RUNTIME_POLICY_SCHEMA), one writer for
 * every caller:
 *
 *   createPolicy             `imascope policy create` and the app's export: a policy from
 *                            one or more known-good lists, as `keylime-policy create runtime
 *                            --ima-measurement-list --keyrings --ima-buf` builds one
 *   addMeasurementsToPolicy  a policy plus measurements (the failing entries of a dry run,
 *                            the changes a comparison accepts), with what was really added
 *
 * Every writer starts from `policyBase`, which refuses a list whose template-hash algorithm
 * ima.log_hash_alg cannot name, and takes entries through `measurementsOf`, which leaves out,
 * with why, an entry no policy can name or whose buffer is not the hash of its digest.
 *
 * What an entry contributes (`measurementsOf`):
 *   digests    every measured path (ima, ima-ng, ima-sig, and any template with a digest and
 *              a name) with each distinct digest seen, boot_aggregate included
 *   keyrings   ima-buf entries whose buffer is a key, by keyring name
 *   ima-buf    the other ima-buf entries, by event name
 *
 * Violation entries (all-zero template hash, zero file digest) are left out: Keylime never
 * checks their content. Digests shorter than 40 hex digits (MD5) cannot be written, since the
 * schema refuses them; they are returned in `skipped`. Names come from logs, so the written
 * maps are null-prototype objects filled from Maps (a path `__proto__` is just a key).
 */
import { EntryFlag, type ImaLog, type IndexIntoEntryTable } from '../model/ima-log';
import { escapedText, toHex } from '../util/bytes';
import { visibleText } from '../util/visible-text';
import type { ByteSource } from '../model/byte-source';
import type { HashProvider } from '../hash/hash-provider';
import { bufferDigestAgrees } from './buffer-digest';
import { BufferKeys } from './buffer-keys';
import { EntryReader } from './entry-reader';
import type { RuntimePolicy } from './runtime-policy';

/** A policy document as JSON.stringify writes it. */
export type PolicyDocument = Record<string, unknown>;

export type PolicyList = 'digests' | 'keyrings' | 'ima-buf';

/** One accepted digest for one path or name, in one of the policy's lists. */
export interface PolicyMeasurement {
  readonly list: PolicyList;
  readonly name: string;
  /** Lower-case hex, as Keylime compares it. */
  readonly digest: string;
}

export interface CreatedPolicy {
  /** The policy document, keys in Keylime's order. */
  readonly policy: PolicyDocument;
  /** Every distinct (list, name, digest) written. */
  readonly added: readonly PolicyMeasurement[];
  /** Entries that could not be written, with why. */
  readonly skipped: readonly string[];
}

export interface MergedPolicy {
  readonly policy: PolicyDocument;
  /** The measurements that were not in the policy already (the patch to review). */
  readonly added: readonly PolicyMeasurement[];
  readonly skipped: readonly string[];
}

const SCHEMA_LOG_HASH_ALGS = new Set(['sha1', 'sha256', 'sha384', 'sha512']);
const LISTS: readonly PolicyList[] = ['digests', 'keyrings', 'ima-buf'];

/**
 * What entries `indices` (default: all) of `log` would add to a policy, and what they cannot;
 * the bytes are read from `source` (default: the model's data). An ima-buf entry whose buffer
 * does not hash to its recorded digest (buffer-digest.ts) is left out: no kernel wrote it, and
 * its digest would let Keylime accept a buffer (a key) it does not name.
 */
export function measurementsOf(
  log: ImaLog,
  provider: HashProvider,
  indices?: Iterable<IndexIntoEntryTable>,
  source?: ByteSource,
): { measurements: PolicyMeasurement[]; skipped: string[] } {
  const measurements: PolicyMeasurement[] = [];
  const skipped: string[] = [];
  const reader = new EntryReader(log, source);
  const bufferKeys = new BufferKeys(reader);
  const hasBuf = log.templates.map((t) => t.name !== 'ima' && t.fields.includes('buf'));
  const each = indices ?? Array.from({ length: log.entries.length }, (_, i) => i);
  for (const i of each) {
    if ((log.entries.flags[i] & EntryFlag.Violation) !== 0) continue;
    const length = log.entries.fileDigestLength[i];
    if (length === 0 || log.entries.nameLength[i] === 0) continue;
    const digest = toHex(reader.fileDigest(i));
    const exact = reader.exactName(i);
    const name = exact ?? reader.name(i);
    if (exact === undefined) {
      // A JSON policy holds text: no path in it is these bytes, and the text with U+FFFD for
      // them would accept every name that differs only there.
      skipped.push(`${visibleText(escapedText(reader.nameBytes(i)))} (entry ${i}): its name is not UTF-8, and a policy's paths are text, so none can name it exactly`);
      continue;
    }
    if (digest.length < 40) {
      skipped.push(`${name}: a ${length}-byte digest, which Keylime's schema does not accept`);
      continue;
    }
    const buf = hasBuf[log.entries.template[i]] ? bufferKeys.buffer(i) : undefined;
    if (buf !== undefined) {
      const agrees = bufferDigestAgrees(reader, i, buf, provider);
      if (agrees !== 'match') {
        skipped.push(`${name} (entry ${i}): ${agrees === 'mismatch' ? 'its buffer does not hash to its recorded digest (a forged or altered entry)' : 'its digest algorithm has no hasher here, so whether its buffer hashes to it is unknown'}`);
        continue;
      }
    }
    const list: PolicyList = !hasBuf[log.entries.template[i]] ? 'digests' : bufferKeys.isKey(i) ? 'keyrings' : 'ima-buf';
    measurements.push({ list, name, digest });
  }
  return { measurements, skipped };
}

/**
 * The empty Keylime policy (EMPTY_RUNTIME_POLICY) with our generator and optional timestamp;
 * `logHashAlg` (default sha1) is one the schema allows (policyBase chose it).
 */
export function emptyPolicyDocument(options: { readonly logHashAlg?: string; readonly excludes?: readonly string[]; readonly timestamp?: string } = {}): PolicyDocument {
  const meta: Record<string, unknown> = { version: 1, generator: 0 };
  if (options.timestamp !== undefined) meta.timestamp = options.timestamp;
  return {
    meta,
    release: 0,
    digests: Object.create(null) as Record<string, string[]>,
    excludes: [...(options.excludes ?? [])],
    keyrings: Object.create(null) as Record<string, string[]>,
    ima: { ignored_keyrings: [], log_hash_alg: options.logHashAlg ?? 'sha1', dm_policy: null },
    'ima-buf': Object.create(null) as Record<string, string[]>,
    'verification-keys': '',
  };
}

/** A loaded policy (any format: v1, DSSE payload, legacy JSON, flat allowlist) as a v1 document. */
export function policyDocumentOf(policy: RuntimePolicy, options: { readonly timestamp?: string } = {}): PolicyDocument {
  const doc = emptyPolicyDocument({ excludes: policy.excludes, timestamp: options.timestamp });
  doc.digests = toObject(policy.digests);
  doc.keyrings = toObject(policy.keyrings);
  doc['ima-buf'] = toObject(policy.imaBuf);
  // log_hash_alg as written (Keylime's evaluator falls back to sha1 for an unknown one).
  doc.ima = { ignored_keyrings: [...policy.ignoredKeyrings], log_hash_alg: policy.logHashAlg, dm_policy: null };
  doc['verification-keys'] = policy.verificationKeys;
  return doc;
}

/**
 * `policy` with every measurement's digest accepted for its path or name. The input document
 * is not changed; lists it lacks are created; digests already accepted are not repeated
 * (Keylime compares lower-case hex, so a listed upper-case digest is not a match and the
 * lower-case one is added).
 */
export function addMeasurementsToPolicy(policy: PolicyDocument, measurements: Iterable<PolicyMeasurement>): MergedPolicy {
  const lists = new Map<PolicyList, Map<string, string[]>>(LISTS.map((l) => [l, toMap(policy[l])]));
  const added: PolicyMeasurement[] = [];
  const skipped: string[] = [];
  for (const m of measurements) {
    if (!/^[0-9a-f]{40,128}$/.test(m.digest)) {
      skipped.push(`${m.name}: ${m.digest} is not 40 to 128 lower-case hex digits, which Keylime's schema requires`);
      continue;
    }
    const list = lists.get(m.list) ?? new Map<string, string[]>();
    const accepted = list.get(m.name);
    if (accepted === undefined) list.set(m.name, [m.digest]);
    else if (!accepted.includes(m.digest)) accepted.push(m.digest);
    else continue;
    added.push(m);
  }
  const out: PolicyDocument = { ...policy };
  for (const [name, list] of lists) out[name] = toObject(list);
  return { policy: out, added, skipped };
}

/**
 * The document a policy of `logs`' entries starts from (`base`, a loaded policy, as a v1
 * document; else the empty policy naming the lists' template-hash algorithm), or why none can
 * be written: `ima.log_hash_alg` is the algorithm Keylime recomputes every template hash with,
 * and its schema allows only sha1, sha256, sha384 and sha512. Lists hashed with another (SM3)
 * or with several would fail whatever a policy says (Keylime falls back to sha1 for an unknown
 * one), a base policy's included. Every writer starts here: policy create, compare's "accept
 * these changes", the dry run's "add the failing entries".
 */
export function policyBase(
  logs: readonly Pick<ImaLog, 'digestBank'>[],
  options: { readonly base?: RuntimePolicy; readonly excludes?: readonly string[]; readonly timestamp?: string } = {},
): { readonly document: PolicyDocument } | { readonly refused: string } {
  const algs = new Set<string>();
  for (const log of logs) if (log.digestBank !== undefined) algs.add(log.digestBank);
  if (algs.size > 1) return { refused: `the lists use several template-hash algorithms (${[...algs].join(', ')}), and a policy's ima.log_hash_alg names one: make a policy per algorithm` };
  const logHashAlg = algs.size === 1 ? [...algs][0] : 'sha1';
  if (!SCHEMA_LOG_HASH_ALGS.has(logHashAlg)) {
    return { refused: `the template hashes are ${logHashAlg}, which Keylime's ima.log_hash_alg cannot name (its schema allows ${[...SCHEMA_LOG_HASH_ALGS].join(', ')}): Keylime would recompute them with another algorithm and fail every entry` };
  }
  const { base, excludes, timestamp } = options;
  return { document: base !== undefined ? policyDocumentOf(base, { timestamp }) : emptyPolicyDocument({ logHashAlg, excludes, timestamp }) };
}

/** A policy from known-good lists (`imascope policy create`, the app's export), or why none can be written (policyBase). */
export function createPolicy(
  logs: readonly ImaLog[],
  provider: HashProvider,
  options: { readonly excludes?: readonly string[]; readonly timestamp?: string } = {},
): CreatedPolicy | { readonly refused: string } {
  const start = policyBase(logs, options);
  if ('refused' in start) return start;
  const skipped: string[] = [];
  const measurements: PolicyMeasurement[][] = [];
  for (const log of logs) {
    const of = measurementsOf(log, provider);
    // Not push(...): a million measurements would overflow the call stack.
    measurements.push(of.measurements);
    for (const s of of.skipped) skipped.push(s);
  }
  const merged = addMeasurementsToPolicy(start.document, measurements.flat());
  return { policy: merged.policy, added: merged.added, skipped: [...skipped, ...merged.skipped] };
}

/** The policy file's text: one-space indentation, as `imascope policy create` writes it. */
export function policyJsonText(policy: PolicyDocument): string {
  return `${JSON.stringify(policy, null, 1)}\n`;
}

/** Keylime's `str(datetime.now())` form for meta.timestamp: `2024-09-12 13:44:44.298`. */
export function policyTimestamp(isoTime: string): string {
  return isoTime.replace('T', ' ').replace('Z', '');
}

/** A policy list (a JSON object of path → digests, or a Map) as a Map of fresh arrays. */
function toMap(value: unknown): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (value instanceof Map) {
    for (const [k, v] of value as Map<string, readonly string[]>) out.set(k, [...v]);
  } else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) out.set(k, Array.isArray(v) ? v.filter((d): d is string => typeof d === 'string') : []);
  }
  return out;
}

function toObject(map: ReadonlyMap<string, readonly string[]>): Record<string, string[]> {
  const out = Object.create(null) as Record<string, string[]>;
  for (const [k, v] of map) out[k] = [...v];
  return out;
}
