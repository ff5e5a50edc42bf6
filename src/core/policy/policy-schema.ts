/**
 * Keylime's JSON schemas for a runtime policy (`RUNTIME_POLICY_SCHEMA`, keylime/ima/ima.py at
 * 9b1f6e6a) and for its `verification-keys` document (`IMA_KEYRING_JSON_SCHEMA`,
 * keylime/ima/file_signatures.py), written out as data, and a checker for exactly these two
 * schemas (no general JSON-schema engine in the app: the tests check this checker and the
 * policies `policy create` writes against the schema with ajv).
 *
 * The verifier applies the schema when a policy is stored (`runtime_policy_db_contents` →
 * `validate_runtime_policy`); its evaluator does not, so a policy can fail here and still be
 * evaluated (Keylime's own test policies lack `release`).
 */

export const RUNTIME_POLICY_SCHEMA = {
  type: 'object',
  required: ['meta', 'release', 'digests', 'excludes', 'keyrings', 'ima', 'ima-buf', 'verification-keys'],
  properties: {
    meta: {
      type: 'object',
      required: ['version', 'generator'],
      properties: {
        version: { type: 'integer', minimum: 0 },
        generator: { type: 'integer', minimum: 0, maximum: 3 },
        timestamp: { type: 'string' },
      },
    },
    release: { type: 'integer', minimum: 0 },
    digests: { $ref: '#/definitions/digests-object' },
    excludes: { type: 'array', items: { type: 'string' } },
    keyrings: { $ref: '#/definitions/digests-object' },
    ima: {
      type: 'object',
      required: ['ignored_keyrings', 'log_hash_alg', 'dm_policy'],
      properties: {
        ignored_keyrings: { type: 'array', items: { type: 'string' } },
        log_hash_alg: { type: 'string', enum: ['sha1', 'sha256', 'sha384', 'sha512'] },
        dm_policy: { type: 'null' },
      },
    },
    'ima-buf': { $ref: '#/definitions/digests-object' },
    'verification-keys': { type: 'string' },
  },
  definitions: {
    'digests-object': {
      type: 'object',
      patternProperties: {
        '^': {
          type: 'array',
          items: { type: 'string', pattern: '^[0-9a-f]{40,128}$' },
          minItems: 1,
          uniqueItems: false,
        },
      },
    },
  },
} as const;

export const IMA_KEYRING_JSON_SCHEMA = {
  type: 'object',
  required: ['keyids', 'pubkeys'],
  properties: {
    meta: { type: 'object', required: ['version'], properties: { version: { type: 'integer', minimum: 1 } } },
    keyids: { type: 'array', items: { type: 'integer' } },
    pubkeys: { type: 'array', items: { type: 'string' } },
  },
} as const;

export interface SchemaProblem {
  /** JSON pointer of the offending value ('' is the document). */
  readonly place: string;
  readonly message: string;
}

type Check = (value: unknown, place: string, out: SchemaProblem[]) => void;


function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function isInteger(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v);
}
/** RFC 6901 escaping of one pointer segment. */
export function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

function object(required: readonly string[], properties: ReadonlyMap<string, Check>): Check {
  return (v, place, out) => {
    if (!isObject(v)) return void out.push({ place, message: 'is not of type object' });
    for (const r of required) if (!(r in v)) out.push({ place, message: `'${r}' is a required property` });
    for (const [name, check] of properties) if (name in v) check(v[name], `${place}/${escapePointer(name)}`, out);
  };
}
const integer =
  (min: number, max = Infinity): Check =>
  (v, place, out) => {
    if (!isInteger(v)) out.push({ place, message: 'is not of type integer' });
    else if (v < min) out.push({ place, message: `${v} is less than the minimum of ${min}` });
    else if (v > max) out.push({ place, message: `${v} is greater than the maximum of ${max}` });
  };
const string: Check = (v, place, out) => {
  if (typeof v !== 'string') out.push({ place, message: 'is not of type string' });
};
const arrayOf =
  (item: Check): Check =>
  (v, place, out) => {
    if (!Array.isArray(v)) return void out.push({ place, message: 'is not of type array' });
    v.forEach((x, i) => item(x, `${place}/${i}`, out));
  };
const at = (place: string, name: string): string => `${place}/${escapePointer(name)}`;
/**
 * `name → [digest…]`. The policy reader hands in its Map of the same object (the same keys in
 * the same order, every list already known to be strings): walking it is much quicker than
 * the object's keys again (a policy may list a million paths).
 */
const digestsObject: Check = (v, place, out) => {
  const one = (list: unknown, name: string): void => {
    if (!Array.isArray(list)) return void out.push({ place: at(place, name), message: 'is not of type array' });
    if (list.length === 0) out.push({ place: at(place, name), message: '[] should be non-empty' });
    for (let i = 0; i < list.length; i++) {
      const d: unknown = list[i];
      if (typeof d !== 'string') out.push({ place: `${at(place, name)}/${i}`, message: 'is not of type string' });
      else if (!isDigestHex(d)) out.push({ place: `${at(place, name)}/${i}`, message: `'${d}' does not match '^[0-9a-f]{40,128}$'` });
    }
  };
  if (v instanceof Map) return void (v as ReadonlyMap<string, unknown>).forEach(one);
  if (!isObject(v)) return void out.push({ place, message: 'is not of type object' });
  // Object.keys, not Object.entries (a pair per path; 3.5× slower on 1M paths).
  for (const name of Object.keys(v)) one(v[name], name);
};

/** `^[0-9a-f]{40,128}$` (the schema's digest pattern) without a regular expression run per digest. */
function isDigestHex(d: string): boolean {
  if (d.length < 40 || d.length > 128) return false;
  for (let k = 0; k < d.length; k++) {
    const c = d.charCodeAt(k);
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return false;
  }
  return true;
}

const checkPolicy = object(
  RUNTIME_POLICY_SCHEMA.required,
  new Map<string, Check>([
    ['meta', object(['version', 'generator'], new Map([['version', integer(0)], ['generator', integer(0, 3)], ['timestamp', string]]))],
    ['release', integer(0)],
    ['digests', digestsObject],
    ['excludes', arrayOf(string)],
    ['keyrings', digestsObject],
    [
      'ima',
      object(
        ['ignored_keyrings', 'log_hash_alg', 'dm_policy'],
        new Map<string, Check>([
          ['ignored_keyrings', arrayOf(string)],
          [
            'log_hash_alg',
            (v, place, out) => {
              if (typeof v !== 'string') out.push({ place, message: 'is not of type string' });
              else if (!['sha1', 'sha256', 'sha384', 'sha512'].includes(v)) out.push({ place, message: `'${v}' is not one of ['sha1', 'sha256', 'sha384', 'sha512']` });
            },
          ],
          ['dm_policy', (v, place, out) => void (v !== null && out.push({ place, message: 'is not of type null' }))],
        ]),
      ),
    ],
    ['ima-buf', digestsObject],
    ['verification-keys', string],
  ]),
);

const checkKeyring = object(
  IMA_KEYRING_JSON_SCHEMA.required,
  new Map<string, Check>([
    ['meta', object(['version'], new Map([['version', integer(1)]]))],
    ['keyids', arrayOf((v, place, out) => void (isInteger(v) || out.push({ place, message: 'is not of type integer' })))],
    ['pubkeys', arrayOf(string)],
  ]),
);

/**
 * Problems of a policy object against RUNTIME_POLICY_SCHEMA, plus its verification-keys
 * document. `digests`, `keyrings` and `ima-buf` may be given as the Maps the policy reader
 * made of them.
 */
export function validatePolicySchema(policy: unknown): SchemaProblem[] {
  const out: SchemaProblem[] = [];
  checkPolicy(policy, '', out);
  const vk = isObject(policy) ? policy['verification-keys'] : undefined;
  if (typeof vk === 'string' && vk !== '') {
    try {
      checkKeyring(JSON.parse(vk) as unknown, '/verification-keys', out);
    } catch {
      out.push({ place: '/verification-keys', message: 'is not a JSON document' });
    }
  }
  return out;
}

/** Problems of a tenant keyring document against IMA_KEYRING_JSON_SCHEMA. */
export function validateKeyringSchema(doc: unknown): SchemaProblem[] {
  const out: SchemaProblem[] = [];
  checkKeyring(doc, '', out);
  return out;
}
