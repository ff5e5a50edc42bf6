/**
 * Keylime's verifier judging a measurement list against a runtime policy, step for step as
 * `keylime.ima.ima._process_measurement_list` and `keylime.ima.ast` do at 9b1f6e6a
 * (runtime-policy-and-signatures.md §3):
 *
 *   parse    only `ima`, `ima-ng`, `ima-sig`, `ima-buf`; any other template is
 *            `ima.parser.entry` "Line was not parsable into a valid IMA entry: <line>"
 *   sig      an `ima-sig` value failing the 9 + sig_size == length check is dropped: the entry
 *            is unsigned AND its template data is rebuilt with an empty sig, so its template
 *            hash no longer matches (Keylime's BAD_SIGNATURES case)
 *   entry    PCR ≠ "10" → `ima.validation.ima_pcr` (and go on); a template hash of zeros (or
 *            ff) in log_hash_alg's size is a violation: content skipped, `ima.validation.tomtou`
 *            only when `[verifier] ignore_tomtou_errors` is true; a recomputed template hash
 *            that differs → `ima.validation.ima_hash`, content skipped
 *   ima/ng   no policy → pass; exclude match (one joined Python pattern, re.match) → pass;
 *            path not in `digests` → `…ima-ng.not_in_allowlist`; digest hex not listed →
 *            `…ima-ng.runtime_policy_hash`
 *   ima-sig  keyrings and a parsed sig: excluded → pass; signature verifies → pass (since 6.7,
 *            the policy is not consulted). Else the policy decides as ima-ng; with no policy,
 *            no keyrings → pass, keyrings → `ima.validator.ima-sig.invalid_signature`
 *   ima-buf  a key (X.509/SPKI/private key in buf): keyring ignored → pass, not learned;
 *            else the `keyrings` list decides and a passing key is learned (later signatures
 *            may use it). A non-RSA/EC key → `ima.invalid_key`. Anything else: the `ima-buf`
 *            list by event name
 *
 * `policy` undefined is Keylime's `runtime_policy=None`, `tenantKeys` undefined its
 * `ima_keyrings=None`; the verifier itself always has both (an empty policy and keyring at
 * least), so callers pass them whenever the user gave a policy or a key.
 */
import { digestSize, type HashAlgorithm } from '../hash/hash-algorithm';
import type { HashProvider } from '../hash/hash-provider';
import type { ImaPublicKey, KeyParseResult } from '../ima-signature/ima-key';
import { keylimeDigsigVerify, keylimeParsesSignature, type KeyCandidate, type KeyLookup } from '../ima-signature/ima-signature';
import { asciiLine } from '../export/ascii-list';
import type { ByteSource } from '../model/byte-source';
import { finishSteps, type Steps } from '../util/steps';
import { EntryFlag, type ImaLog, type IndexIntoEntryTable } from '../model/ima-log';
import { bytesEqual, toHex } from '../util/bytes';
import { AsciiKeyTable, NOT_ASCII } from './ascii-key-table';
import { PackedDigests } from './packed-digests';
import { pythonBytesRepr } from './python-repr';
import { BufferKeys } from './buffer-keys';
import { EntryReader } from './entry-reader';
import { EventId, KeylimeEvents } from './keylime-events';
import { compileExcludes, type CompiledExcludes } from './excludes';
import type { RuntimePolicy } from './runtime-policy';
import type { FiledKey } from './tenant-keyring';

export type { KeylimeEvent } from './keylime-events';

/** How the evaluation settled each entry (`decisions` column). */
export const Decision = {
  None: 0,
  /** The digest is listed for the path / name. */
  DigestListed: 1,
  /** A valid signature (the policy was not consulted). */
  SignatureValid: 2,
  Excluded: 3,
  NotInAllowlist: 4,
  DigestNotListed: 5,
  /** No policy and the signature did not verify with the keyrings. */
  SignatureInvalid: 6,
  TemplateHash: 7,
  /** A violation entry: content not checked. */
  Violation: 8,
  ParseError: 9,
  /** No policy and no keyring: nothing to check. */
  Unchecked: 10,
  /** A key entry whose keyring the policy ignores. */
  KeyringIgnored: 11,
  InvalidKey: 12,
} as const;
export type Decision = (typeof Decision)[keyof typeof Decision];

export function isFailingDecision(d: number): boolean {
  return d === Decision.NotInAllowlist || d === Decision.DigestNotListed || d === Decision.SignatureInvalid || d === Decision.TemplateHash || d === Decision.ParseError || d === Decision.InvalidKey;
}

export interface LearnedKey extends FiledKey {
  readonly index: IndexIntoEntryTable;
  readonly keyring: string;
}

export interface KeylimeEvalOptions {
  readonly policy?: RuntimePolicy;
  readonly tenantKeys?: readonly FiledKey[];
  /** `[verifier] ignore_tomtou_errors`; the shipped keylime.conf says false (the default here). */
  readonly ignoreTomtouErrors?: boolean;
  /** The log's buffer keys, when the caller shares them (and their reader) with its other passes. */
  readonly bufferKeys?: BufferKeys;
  /** Where the entries' bytes are read (default: the model's data); unused with `bufferKeys`. */
  readonly source?: ByteSource;
}

/**
 * Entries between two stops of the steps: a few dozen signatures at most (P-256 verifies ~500
 * a second), and few enough stops on a million entries that they cost nothing.
 */
export const ENTRIES_PER_STEP = 64;

export interface KeylimeEvalResult {
  /** Keylime's verdict: no failure event. */
  readonly pass: boolean;
  readonly events: KeylimeEvents;
  /** Decision per entry. */
  readonly decisions: Uint8Array;
  /** Keys learned from ima-buf entries, in log order. */
  readonly learned: readonly LearnedKey[];
  readonly excludes: CompiledExcludes;
  /** The algorithm Keylime recomputes template hashes with. */
  readonly logHashAlg: HashAlgorithm;
  /** The templates of the entries Keylime cannot parse (ima.parser.entry), in the order met. */
  readonly unparsableTemplates: readonly string[];
  /** Whether a template-hash failure is an ima-sig entry whose signature Keylime dropped for its header size. */
  readonly droppedSignatureHashes: boolean;
}

const KEYLIME_TEMPLATES = new Set(['ima', 'ima-ng', 'ima-sig', 'ima-buf']);
/** keylime.common.algorithms.Hash values; any other log_hash_alg falls back to sha1. */
const LOG_HASH_ALGS: ReadonlyMap<string, HashAlgorithm> = new Map([
  ['sha1', 'sha1'],
  ['sha256', 'sha256'],
  ['sha384', 'sha384'],
  ['sha512', 'sha512'],
  ['sm3_256', 'sm3'],
]);

export function keylimeLogHashAlg(policy: RuntimePolicy | undefined): HashAlgorithm {
  return (policy === undefined ? undefined : LOG_HASH_ALGS.get(policy.logHashAlg)) ?? 'sha1';
}

/** The keyrings as Keylime searches them: tenant first, then learned ones in the order made. */
class Keyrings implements KeyLookup {
  private readonly rings = new Map<string, Map<number, KeyCandidate>>();

  constructor(tenant: readonly FiledKey[] | undefined) {
    if (tenant !== undefined && tenant.length > 0) {
      this.rings.set('tenant_keyring', new Map(tenant.map((k) => [k.keyId, { key: k.key, source: k.source }])));
    }
  }

  add(keyring: string, keyId: number, candidate: KeyCandidate): void {
    let ring = this.rings.get(keyring);
    if (ring === undefined) this.rings.set(keyring, (ring = new Map()));
    ring.set(keyId, candidate);
  }

  keylimeKey = (keyId: number): ImaPublicKey | undefined => {
    for (const ring of this.rings.values()) {
      const c = ring.get(keyId);
      if (c !== undefined) return c.key;
    }
    return undefined;
  };

  candidates = (keyId: number): readonly KeyCandidate[] => {
    const out: KeyCandidate[] = [];
    for (const ring of this.rings.values()) {
      const c = ring.get(keyId);
      if (c !== undefined) out.push(c);
    }
    return out;
  };
}

/** Runs Keylime's evaluation over every entry of `log`. */
export function evaluateKeylime(log: ImaLog, options: KeylimeEvalOptions, provider: HashProvider): KeylimeEvalResult {
  return finishSteps(keylimeEvaluationSteps(log, options, provider));
}

/** evaluateKeylime as steps (util/steps), stopping every ENTRIES_PER_STEP entries with the number judged. */
export function* keylimeEvaluationSteps(log: ImaLog, options: KeylimeEvalOptions, provider: HashProvider): Steps<KeylimeEvalResult> {
  const evaluation = new KeylimeEvaluation(options, provider, log.entries.length);
  yield* evaluation.judge(log, 0, options.bufferKeys ?? new BufferKeys(new EntryReader(log, options.source)));
  return evaluation.result();
}

/**
 * Keylime's evaluation of a list given in parts, in the list's order: the whole model at once,
 * or the windows of the CLI's streaming pass (issue 13). What one entry's verdict depends on
 * from those before it (the keys learned from ima-buf entries) is carried from part to part,
 * and entries are numbered in the whole list.
 */
export class KeylimeEvaluation {
  readonly #options: KeylimeEvalOptions;
  readonly #events = new KeylimeEvents();
  #decisions: Uint8Array;
  #judged = 0;
  readonly #learned: LearnedKey[] = [];
  readonly #keyrings: Keyrings | undefined;
  readonly #excludes: CompiledExcludes;
  readonly #logHashAlg: HashAlgorithm;
  readonly #hasher: ReturnType<HashProvider['get']>;
  readonly #tables = new Map<ReadonlyMap<string, readonly string[]>, AsciiKeyTable<readonly string[]> | undefined>();
  /** Templates of the entries Keylime cannot parse, in the order met. */
  readonly #unparsable = new Set<string>();
  #droppedSigHashes = false;

  /** `entries`: about how many entries the list has (which lookups are worth a table). */
  constructor(
    options: KeylimeEvalOptions,
    provider: HashProvider,
    private readonly entries: number,
  ) {
    this.#options = options;
    this.#decisions = new Uint8Array(entries);
    this.#keyrings = options.tenantKeys === undefined ? undefined : new Keyrings(options.tenantKeys);
    this.#excludes = compileExcludes(options.policy?.excludes ?? []);
    this.#logHashAlg = keylimeLogHashAlg(options.policy);
    this.#hasher = provider.get(this.#logHashAlg);
  }

  /**
   * Judges every entry of `log`, the list's entries from `base` on, reading them through
   * `bufferKeys`; stops every ENTRIES_PER_STEP entries with the number of `log`'s judged.
   */
  *judge(log: ImaLog, base: number, bufferKeys: BufferKeys): Steps<void> {
    const { policy, ignoreTomtouErrors } = this.#options;
    const n = log.entries.length;
    if (base !== this.#judged) throw new Error(`entries judged out of order: ${base} after ${this.#judged}`);
    if (this.#decisions.length < base + n) {
      const grown = new Uint8Array(Math.max(base + n, 2 * this.#decisions.length));
      grown.set(this.#decisions);
      this.#decisions = grown;
    }
    const decisions = this.#decisions.subarray(base, base + n);
    const events = this.#events;
    const keyrings = this.#keyrings;
    const excludes = this.#excludes;
    const logHashAlg = this.#logHashAlg;
    const hashSize = digestSize(logHashAlg);
    const sigField = log.templates.map((t) => (t.name === 'ima-sig' || t.name === 'ima-buf' ? 2 : -1));
    const { reader } = bufferKeys;

    /**
     * `list.get(name of entry i)`, the name read as bytes unless it is not plain ASCII. Filing a
     * key costs about what a lookup by decoded name costs, so the table is made only for a list
     * the log has many more entries than (a policy of 100k paths, not a whole list's own), or
     * comes with the list (a policy read on another thread: packed-digests.ts).
     */
    // The last list's table at hand: nearly every entry asks `digests`.
    let lastList: ReadonlyMap<string, readonly string[]> | undefined;
    let lastTable: AsciiKeyTable<readonly string[]> | undefined;
    const lookup = (i: number, list: ReadonlyMap<string, readonly string[]>): readonly string[] | undefined => {
      if (list !== lastList) {
        if (!this.#tables.has(list)) this.#tables.set(list, list instanceof PackedDigests ? list.table : list.size * 2 <= this.entries ? AsciiKeyTable.of(list) : undefined);
        lastList = list;
        lastTable = this.#tables.get(list);
      }
      // Names are compared byte for byte: a name that is not UTF-8 is no policy path, whose
      // keys are text (its lossy text, with U+FFFD, would match other names). Keylime reads
      // the list as text and hashes the name re-encoded as UTF-8 (ast.py): it sees these
      // bytes only as its agent's decoding left them.
      const exact = (): readonly string[] | undefined => {
        const name = reader.exactName(i);
        return name === undefined ? undefined : list.get(name);
      };
      const table = lastTable;
      if (table === undefined) return exact();
      const at = reader.nameAt(i);
      const found = table.get(reader.bytes, at, log.entries.nameLength[i]);
      return found === NOT_ASCII ? exact() : found;
    };

    /** `_validate_ima_ng` with list `kind`; returns the decision. `keyEntry`: the entry's buffer is a key. */
    const validateNg = (i: number, list: ReadonlyMap<string, readonly string[]> | undefined, keyEntry = false): Decision => {
      if (policy === undefined || list === undefined) return Decision.Unchecked;
      // Only a compiled pattern can match (`match` is constant otherwise): no name made for it.
      if (excludes.status === 'ok' && excludes.match(reader.name(i))) return Decision.Excluded;
      const accepted = lookup(i, list);
      if (accepted === undefined) {
        events.add(base + i, EventId.NotInAllowlist, reader, i, undefined, keyEntry);
        return Decision.NotInAllowlist;
      }
      const digest = reader.fileDigest(i);
      if (!accepted.some((hex) => isHexOf(hex, digest))) {
        events.add(base + i, EventId.RuntimePolicyHash, reader, i, { message: 'Hash not found in runtime policy', got: toHex(digest), expected: accepted });
        return Decision.DigestNotListed;
      }
      return Decision.DigestListed;
    };

    const validateBuf = (i: number): Decision => {
      const name = reader.name(i);
      const found = keyInBuffer(bufferKeys.keys(i));
      if (found.kind === 'refused') {
        events.add(base + i, EventId.InvalidKey, reader, i, `key from ${name} does not have a supported key: ${found.message}`);
        return Decision.InvalidKey;
      }
      const keyEntry = bufferKeys.isKey(i);
      if (found.kind === 'key') {
        const key = found.key;
        const ignored = policy?.ignoredKeyrings ?? [];
        if (ignored.includes('*') || ignored.includes(name)) return Decision.KeyringIgnored;
        const decision = validateNg(i, policy?.keyrings, keyEntry);
        if (!isFailingDecision(decision) && keyrings !== undefined && key !== undefined) {
          const source = `entry ${base + i} (${name})`;
          keyrings.add(name, key.keyId, { key, source });
          this.#learned.push({ index: base + i, keyring: name, keyId: key.keyId, key, source });
        }
        return decision;
      }
      // Device-mapper entries need a dm_policy, which the schema forbids; generic entries:
      return validateNg(i, policy?.imaBuf, keyEntry);
    };

    // Per template of this log: whether Keylime parses it (a Set lookup per entry costs more).
    const parsed = log.templates.map((t) => KEYLIME_TEMPLATES.has(t.name));
    for (let i = 0; i < n; i++) {
      if (i % ENTRIES_PER_STEP === 0 && i > 0) yield i;
      const template = log.templates[log.entries.template[i]].name;
      if (!parsed[log.entries.template[i]] || (log.entries.flags[i] & EntryFlag.MalformedFields) !== 0) {
        events.add(base + i, EventId.ParserEntry, reader, i, `Line was not parsable into a valid IMA entry: ${asciiLine(log, i)}`);
        this.#unparsable.add(template);
        decisions[i] = Decision.ParseError;
        continue;
      }
      const sig = reader.field(i, sigField[log.entries.template[i]]);
      const droppedSig = template === 'ima-sig' && sig !== undefined && sig.length > 0 && !keylimeParsesSignature(sig);

      if (log.entries.pcr[i] !== 10) {
        events.add(base + i, EventId.ImaPcr, reader, i, { message: 'IMA PCR is not the configured one', expected: '10', got: String(log.entries.pcr[i]) });
      }
      // Read in place: a view per entry is a million objects of garbage.
      const recordedAt = reader.recordedDigestAt(i);
      if (log.digestSize === hashSize && (isFilled(reader.bytes, recordedAt, hashSize, 0) || isFilled(reader.bytes, recordedAt, hashSize, 0xff))) {
        if (ignoreTomtouErrors === true) events.add(base + i, EventId.Tomtou, reader, i, 'hash validation was skipped');
        decisions[i] = Decision.Violation;
        continue;
      }
      if (!templateHashMatches(reader, i, logHashAlg, this.#hasher, droppedSig)) {
        const context = {
          message: 'IMA template hash does not match the calculated hash.',
          expected: pythonBytesRepr(reader.recordedDigest(i)),
          got: pythonBytesRepr(keylimeTemplateBytes(reader, i, droppedSig)),
        };
        events.add(base + i, EventId.ImaHash, reader, i, context);
        if (droppedSig) this.#droppedSigHashes = true;
        decisions[i] = Decision.TemplateHash;
        continue;
      }

      if (template === 'ima' || template === 'ima-ng') {
        decisions[i] = validateNg(i, policy?.digests);
      } else if (template === 'ima-sig') {
        if (keyrings !== undefined && sig !== undefined && sig.length > 0 && !droppedSig) {
          if (excludes.status === 'ok' && excludes.match(reader.name(i))) {
            decisions[i] = Decision.Excluded;
            continue;
          }
          const algorithm = log.digestAlgorithms[log.entries.fileDigestAlgorithm[i]] ?? '';
          if (keylimeDigsigVerify(sig, reader.fileDigest(i), algorithm, keyrings)) {
            decisions[i] = Decision.SignatureValid;
            continue;
          }
        }
        if (policy !== undefined) decisions[i] = validateNg(i, policy.digests);
        else if (keyrings === undefined) decisions[i] = Decision.Unchecked;
        else {
          events.add(base + i, EventId.InvalidSignature, reader, i);
          decisions[i] = Decision.SignatureInvalid;
        }
      } else {
        decisions[i] = validateBuf(i);
      }
    }
    this.#judged = base + n;
  }

  /** The verdict on every entry judged. */
  result(): KeylimeEvalResult {
    const events = this.#events;
    return {
      pass: events.length === 0,
      events,
      decisions: this.#decisions.length === this.#judged ? this.#decisions : this.#decisions.slice(0, this.#judged),
      learned: this.#learned,
      excludes: this.#excludes,
      logHashAlg: this.#logHashAlg,
      unparsableTemplates: [...this.#unparsable],
      droppedSignatureHashes: this.#droppedSigHashes,
    };
  }
}

/** cryptography's class names for key types Keylime refuses, as its ValueError says them. */
const REFUSED_KEY_CLASSES: ReadonlyMap<string, string> = new Map([
  ['1.3.101.112', 'Ed25519PublicKey'],
  ['1.3.101.113', 'Ed448PublicKey'],
  ['1.3.101.110', 'X25519PublicKey'],
  ['1.3.101.111', 'X448PublicKey'],
  ['1.2.840.10040.4.1', 'DSAPublicKey'],
]);

type BufferKey =
  | { readonly kind: 'key'; readonly key: ImaPublicKey | undefined }
  | { readonly kind: 'refused'; readonly message: string }
  | { readonly kind: 'none' };

/**
 * Keylime's `get_pubkey(buf)`: a key (an EC key on a curve we cannot verify with is still a
 * key entry for Keylime, judged by `keyrings`), a refused key type, or no key.
 */
function keyInBuffer(parsed: KeyParseResult | undefined): BufferKey {
  if (parsed === undefined) return { kind: 'none' };
  if (parsed.ok) return { kind: 'key', key: parsed.keys[0] };
  const m = /unsupported key algorithm (\S+)/.exec(parsed.error.message);
  if (m !== null) return { kind: 'refused', message: `Unsupported key type ${REFUSED_KEY_CLASSES.get(m[1]) ?? m[1]}` };
  if (parsed.error.message.includes('unsupported elliptic curve')) return { kind: 'key', key: undefined };
  return { kind: 'none' };
}

/** Whether `hex` is `digest` in lower-case hex, as Keylime compares them (no string made per entry). */
function isHexOf(hex: string, digest: Uint8Array): boolean {
  if (hex.length !== 2 * digest.length) return false;
  for (let k = 0; k < digest.length; k++) {
    if (hex.charCodeAt(2 * k) !== HEX_CODES[digest[k] >> 4] || hex.charCodeAt(2 * k + 1) !== HEX_CODES[digest[k] & 15]) return false;
  }
  return true;
}
const HEX_CODES = Uint8Array.from('0123456789abcdef', (c) => c.charCodeAt(0));

/** Whether `bytes`[at, at + length) are all `value`. */
function isFilled(bytes: Uint8Array, at: number, length: number, value: number): boolean {
  for (let k = at, end = at + length; k < end; k++) if (bytes[k] !== value) return false;
  return true;
}

function templateHashMatches(reader: EntryReader, i: number, alg: HashAlgorithm, hasher: ReturnType<HashProvider['get']>, droppedSig: boolean): boolean {
  const { log } = reader;
  if (log.digestSize !== digestSize(alg)) return false;
  const flags = log.entries.flags[i];
  const plain = !droppedSig && log.byteOrder === 'little' && log.templates[log.entries.template[i]].name !== 'ima';
  if (plain && log.digestBank === alg && (flags & (EntryFlag.HashVerified | EntryFlag.HashMismatch)) !== 0) {
    return (flags & EntryFlag.HashVerified) !== 0 && (flags & EntryFlag.OppositeByteOrder) === 0;
  }
  if (hasher === undefined) return false;
  const computed = hasher.digest(keylimeTemplateBytes(reader, i, droppedSig));
  return bytesEqual(computed, reader.recordedDigest(i));
}

/**
 * The template data Keylime rebuilds from the ASCII fields (`Mode.bytes()`): little-endian
 * length words; `ima` as d[20] ‖ name NUL-padded to 256; a dropped sig as an empty field.
 */
export function keylimeTemplateBytes(reader: EntryReader, i: number, dropSig: boolean): Uint8Array {
  const { log } = reader;
  const template = log.templates[log.entries.template[i]].name;
  if (template === 'ima') {
    const out = new Uint8Array(20 + 256);
    out.set(reader.fileDigest(i).subarray(0, 20));
    out.set(reader.nameBytes(i).subarray(0, 255), 20);
    return out;
  }
  const fields: Uint8Array[] = [];
  for (let f = 0; ; f++) {
    const field = reader.field(i, f);
    if (field === undefined) break;
    fields.push(dropSig && f === 2 ? new Uint8Array(0) : field);
  }
  if (fields.length === 0) return reader.templateData(i).slice();
  const out = new Uint8Array(fields.reduce((s, f) => s + 4 + f.length, 0));
  let p = 0;
  for (const f of fields) {
    new DataView(out.buffer).setUint32(p, f.length, true);
    out.set(f, p + 4);
    p += 4 + f.length;
  }
  return out;
}
