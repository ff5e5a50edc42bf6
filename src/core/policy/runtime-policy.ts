/**
 * Keylime runtime policies in every form the verifier or its converters accept
 * (runtime-policy-and-signatures.md §1, §2), read into one model:
 *
 *   keylime-v1     `{"meta": {"version": 1, …}, "digests": {path: [hex…]}, "excludes": [regex…],
 *                  "keyrings": {name: [hex…]}, "ima": {"ignored_keyrings", "log_hash_alg",
 *                  "dm_policy"}, "ima-buf": {name: [hex…]}, "verification-keys": "<JSON text>"}`
 *   keylime-dsse   a DSSE envelope `{"payload": b64(policy), "payloadType", "signatures"}`
 *                  (any object whose `payload` is truthy, as Keylime detects it)
 *   legacy-json    the ≤ 6.5 allowlist `{"hashes": {…}, …}`, converted as
 *                  `keylime_convert_runtime_policy` does (hashes → digests, truthy keys copied)
 *   allowlist      flat `<hex>  <path>` lines (sha*sum output); `%keyring:<name>` paths go to
 *                  `keyrings`, as the converter does
 *
 * Paths and names from the policy are keys of Maps, never of plain objects. What Keylime's
 * JSON schema would refuse but its evaluator tolerates (a missing `release`, say) is kept as
 * a schema problem; what the evaluator could not use at all (`digests` not an object) is a
 * `PolicyInputError` naming the JSON place.
 */
import { decodeText, fromBase64, fromHex } from '../util/bytes';
import { escapePointer, validatePolicySchema, type SchemaProblem } from './policy-schema';
import { PYTHON_SPACE_CLASS, pythonFileLines, pythonSplitFirst, pythonSplitlines, pythonStrip } from './python-text';
import { jsonErrorOffset } from '../util/json-error-offset';

export type PolicyFormat = 'keylime-v1' | 'keylime-dsse' | 'legacy-json' | 'allowlist';

export interface RuntimePolicy {
  /** path → accepted digests (hex as written; Keylime compares lower-case hex with them). */
  readonly digests: ReadonlyMap<string, readonly string[]>;
  readonly excludes: readonly string[];
  readonly keyrings: ReadonlyMap<string, readonly string[]>;
  readonly imaBuf: ReadonlyMap<string, readonly string[]>;
  readonly ignoredKeyrings: readonly string[];
  /** `ima.log_hash_alg` as written; Keylime falls back to sha1 for an unknown name. */
  readonly logHashAlg: string;
  /** `ima.dm_policy`: null in every policy the schema accepts. */
  readonly hasDmPolicy: boolean;
  /** The tenant keyring, a JSON document as a string ('' when none). */
  readonly verificationKeys: string;
}

export interface DsseEnvelope {
  readonly payloadType: string;
  /** The decoded payload (the policy's JSON bytes). */
  readonly payload: Uint8Array;
  readonly signatures: ReadonlyArray<{ readonly keyid: string; readonly sig: Uint8Array | undefined }>;
}

export interface LoadedPolicy {
  readonly format: PolicyFormat;
  readonly policy: RuntimePolicy;
  readonly envelope?: DsseEnvelope;
  /** Where Keylime's schema (RUNTIME_POLICY_SCHEMA, IMA_KEYRING_JSON_SCHEMA) refuses the policy. */
  readonly schemaProblems: readonly SchemaProblem[];
}

export class PolicyInputError extends Error {
  constructor(
    message: string,
    /** JSON pointer, `line 3`, `payload`, … */
    readonly place: string,
  ) {
    super(message);
  }
}

/** The policy's JSON object, or a PolicyInputError saying where the text stops being JSON. */
export function parseJsonText(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    // V8 names a position for some errors only; Python's reading (Keylime's) gives one for all.
    const at = jsonErrorOffset(text);
    const place = at === undefined ? 'the whole text' : lineColumn(text, at);
    throw new PolicyInputError(`${what} is not valid JSON${e instanceof Error ? `: ${e.message}` : ''}`, place);
  }
}

/** Python's lineno and colno: lines by LF, the column in characters (code points, not UTF-16 units). */
function lineColumn(text: string, position: number): string {
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  return `line ${line}, column ${[...before.slice(before.lastIndexOf('\n') + 1)].length + 1}`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Reads a policy file. Throws PolicyInputError for what cannot be a policy. */
export function parseRuntimePolicy(bytes: Uint8Array): LoadedPolicy {
  const text = decodeText(bytes).replace(/^\ufeff/, '');
  if (!/^\s*[{[]/.test(text)) return { format: 'allowlist', policy: parseFlatAllowlist(text), schemaProblems: [] };
  const json = parseJsonText(text, 'the policy');
  if (!isObject(json)) throw new PolicyInputError('a runtime policy is a JSON object', '/');
  if (truthy(json.payload)) {
    const envelope = readEnvelope(json);
    const inner = parseJsonText(decodeText(envelope.payload), 'the DSSE payload');
    if (!isObject(inner)) throw new PolicyInputError('the DSSE payload is not a JSON object', 'payload');
    const policy = readV1(inner, 'payload');
    return { format: 'keylime-dsse', policy, envelope, schemaProblems: validatePolicySchema(withReadLists(inner, policy)) };
  }
  if (json.digests === undefined && json.hashes !== undefined) {
    return { format: 'legacy-json', policy: readV1(convertLegacy(json), ''), schemaProblems: [] };
  }
  if (json.digests === undefined) throw new PolicyInputError('neither "digests" (runtime policy) nor "hashes" (old allowlist)', '/');
  const policy = readV1(json, '');
  return { format: 'keylime-v1', policy, schemaProblems: validatePolicySchema(withReadLists(json, policy)) };
}

/** `json` with its name → digests objects replaced by the Maps read from them (the schema check walks those quicker). */
function withReadLists(json: Record<string, unknown>, policy: RuntimePolicy): Record<string, unknown> {
  const out = { ...json };
  if (json.digests !== undefined) out.digests = policy.digests;
  if (json.keyrings !== undefined) out.keyrings = policy.keyrings;
  if (json['ima-buf'] !== undefined) out['ima-buf'] = policy.imaBuf;
  return out;
}

/** Python truthiness of a JSON value. */
function truthy(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (isObject(v)) return Object.keys(v).length > 0;
  return true;
}

function readEnvelope(json: Record<string, unknown>): DsseEnvelope {
  if (typeof json.payload !== 'string') throw new PolicyInputError('the DSSE payload is not a string', '/payload');
  const payload = dsseB64Decode(json.payload);
  if (payload === undefined) throw new PolicyInputError('the DSSE payload is neither hex nor base64', '/payload');
  const payloadType = typeof json.payloadType === 'string' ? json.payloadType : '';
  const list = Array.isArray(json.signatures) ? json.signatures : [];
  const signatures = list.filter(isObject).map((s) => ({
    keyid: typeof s.keyid === 'string' ? s.keyid : '',
    sig: typeof s.sig === 'string' ? dsseB64Decode(s.sig) : undefined,
  }));
  return { payloadType, payload, signatures };
}

/**
 * Keylime's `dsse.b64dec`: hex first (binascii.unhexlify, strict), then standard base64
 * (validating), then URL-safe base64. A payload that happens to be valid hex is hex-decoded.
 */
export function dsseB64Decode(text: string): Uint8Array | undefined {
  if (/^(?:[0-9a-fA-F]{2})+$/.test(text)) return fromHex(text);
  if (/^[A-Za-z0-9+/]*={0,2}$/.test(text) && text.length % 4 === 0) return fromBase64(text);
  if (/^[A-Za-z0-9\-_]*={0,2}$/.test(text) && text.length % 4 === 0) return fromBase64(text);
  return undefined;
}

const EMPTY_MAP: ReadonlyMap<string, readonly string[]> = new Map();

/** A v1 policy object → the model; `base` prefixes JSON pointers (the DSSE payload). */
function readV1(json: Record<string, unknown>, base: string): RuntimePolicy {
  const ima = json.ima;
  if (ima !== undefined && !isObject(ima)) throw new PolicyInputError('"ima" is not an object', `${base}/ima`);
  const logHashAlg = ima?.log_hash_alg;
  const vk = json['verification-keys'];
  if (vk !== undefined && typeof vk !== 'string') {
    throw new PolicyInputError('"verification-keys" must be a string holding JSON', `${base}/verification-keys`);
  }
  return {
    digests: digestMap(json.digests, `${base}/digests`),
    excludes: stringList(json.excludes, `${base}/excludes`),
    keyrings: digestMap(json.keyrings, `${base}/keyrings`),
    imaBuf: digestMap(json['ima-buf'], `${base}/ima-buf`),
    ignoredKeyrings: stringList(ima?.ignored_keyrings, `${base}/ima/ignored_keyrings`),
    logHashAlg: typeof logHashAlg === 'string' ? logHashAlg : 'sha1',
    hasDmPolicy: ima?.dm_policy !== undefined && ima.dm_policy !== null,
    verificationKeys: vk ?? '',
  };
}

function digestMap(v: unknown, place: string): ReadonlyMap<string, readonly string[]> {
  if (v === undefined) return EMPTY_MAP;
  if (!isObject(v)) throw new PolicyInputError('must be an object of name → list of digests', place);
  const out = new Map<string, readonly string[]>();
  // The pointer is made only for a problem: a 1M-path policy made two strings per path (2 s).
  // Object.keys, not Object.entries: 0.5 s against 1.8 s on a 1M-path object. JSON.parse makes
  // every key (`__proto__` too) an own data property, so v[name] reads that property.
  for (const name of Object.keys(v)) out.set(name, stringList(v[name], place, name));
  return out;
}

/** `v` as a list of strings; `place` (and `name` under it) point at it in a problem. */
function stringList(v: unknown, place: string, name?: string): readonly string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new PolicyInputError('must be a list of strings', pointer(place, name));
  for (let i = 0; i < v.length; i++) {
    if (typeof v[i] !== 'string') throw new PolicyInputError('must be a list of strings', `${pointer(place, name)}/${i}`);
  }
  return v as string[];
}

/** `place`, or `name` under it (a function, not a closure made per path). */
function pointer(place: string, name: string | undefined): string {
  return name === undefined ? place : `${place}/${escapePointer(name)}`;
}

/**
 * `_convert_json_allowlist`: start from the empty policy, hashes → digests, and every other
 * top-level key that is present and truthy copied over the default.
 */
function convertLegacy(json: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {
    meta: { version: 1, generator: 3 },
    release: 0,
    digests: json.hashes,
    excludes: [],
    keyrings: {},
    ima: { ignored_keyrings: [], log_hash_alg: 'sha1', dm_policy: null },
    'ima-buf': {},
    'verification-keys': '',
  };
  for (const key of ['release', 'excludes', 'keyrings', 'ima', 'ima-buf', 'verification-keys']) {
    if (truthy(json[key])) out[key] = json[key];
  }
  return out;
}

/**
 * `_convert_flat_format_allowlist`: `<digest> <path>` per line, split on the first whitespace
 * run, in Python's terms (python-text.ts): a path holding a character Python ends a line at
 * (\v, \f, U+001C–U+001E…) is cut there, and one ending in U+001F loses it, as Keylime reads it.
 */
function parseFlatAllowlist(text: string): RuntimePolicy {
  const digests = new Map<string, string[]>();
  const keyrings = new Map<string, string[]>();
  for (const raw of pythonSplitlines(text)) {
    const pieces = pythonSplitFirst(pythonStrip(raw));
    if (pieces === undefined) continue;
    const [digest] = pieces;
    let path = pieces[1];
    let target = digests;
    if (path.startsWith('%keyring:')) {
      path = path.slice('%keyring:'.length);
      target = keyrings;
    }
    const list = target.get(path);
    if (list === undefined) target.set(path, [digest]);
    else list.push(digest);
  }
  return {
    digests,
    excludes: [],
    keyrings,
    imaBuf: EMPTY_MAP,
    ignoredKeyrings: [],
    logHashAlg: 'sha1',
    hasDmPolicy: false,
    verificationKeys: '',
  };
}

/** Content test for input classification: a flat allowlist's lines are `<hex> <path>`. */
export function looksLikeFlatAllowlist(text: string): boolean {
  // Lines as an editor shows them: a path holding \v or U+001C is still one line's (Keylime
  // cuts it there when it reads the list, and parseFlatAllowlist does so too).
  const lines = pythonFileLines(text).map(pythonStrip).filter((l) => l.length > 0);
  if (lines.length === 0) return false;
  return lines.every((l) => FLAT_LINE_RE.test(l));
}

const FLAT_LINE_RE = new RegExp(`^(?:[a-z0-9_-]+:)?[0-9a-fA-F]{32,128}[${PYTHON_SPACE_CLASS}]+[^${PYTHON_SPACE_CLASS}]`);
