/**
 * Keylime's tenant keyring: the `verification-keys` document of a runtime policy, or a file
 * holding the same JSON (runtime-policy-and-signatures.md §1.3; KL `ImaKeyring.from_string`):
 *
 *   {"pubkeys": [base64 DER SubjectPublicKeyInfo, …], "keyids": [uint32, …], "meta": {"version": 1}}
 *
 * `keyids[i]` files `pubkeys[i]`; a missing index or a 0 means "derive it" (SHA-1 of the
 * key). A document failing IMA_KEYRING_JSON_SCHEMA (no `keyids`, since Keylime 7.12) is
 * dropped whole; a key that is not RSA/EC is skipped; Keylime logs both and goes on, so both
 * are problems here, not errors.
 */
import { parseDerAs, type ImaPublicKey } from '../ima-signature/ima-key';
import { fromBase64 } from '../util/bytes';
import { validateKeyringSchema } from './policy-schema';

export interface FiledKey {
  readonly key: ImaPublicKey;
  /** The id Keylime files it under. */
  readonly keyId: number;
  readonly source: string;
}

export interface TenantKeyring {
  /** undefined when Keylime would have no keyring (empty string, or the document was dropped). */
  readonly keys: readonly FiledKey[] | undefined;
  readonly problems: readonly string[];
}

/** Reads the keyring text; `source` names it in the keys' origins. */
export function parseTenantKeyring(text: string, source: string): TenantKeyring {
  if (text === '') return { keys: undefined, problems: [] };
  let doc: unknown;
  try {
    doc = JSON.parse(text) as unknown;
    if (typeof doc === 'string') doc = JSON.parse(doc) as unknown;
  } catch {
    return { keys: undefined, problems: [`${source}: not JSON, so Keylime has no tenant keyring`] };
  }
  const schema = validateKeyringSchema(doc);
  if (schema.length > 0 || typeof doc !== 'object' || doc === null) {
    const why = schema.map((p) => `${p.place || '/'} ${p.message}`).join('; ');
    return { keys: undefined, problems: [`${source}: not a valid IMA keyring (${why}); Keylime drops it whole`] };
  }
  const { pubkeys, keyids } = doc as { pubkeys: string[]; keyids: number[] };
  const keys: FiledKey[] = [];
  const problems: string[] = [];
  pubkeys.forEach((b64, i) => {
    // Python's b64decode without validate=True drops characters outside the alphabet.
    const der = fromBase64(b64.replace(/[^A-Za-z0-9+/=]/g, ''));
    const parsed = der === undefined ? undefined : parseDerAs(der, 'PUBLIC KEY');
    if (parsed === undefined || !parsed.ok) {
      problems.push(`${source}: pubkeys[${i}] is not a usable public key${parsed?.ok === false ? ` (${parsed.error.message})` : ''}; Keylime skips it`);
      return;
    }
    const key = parsed.keys[0];
    const given = keyids[i];
    keys.push({ key, keyId: given !== undefined && given !== 0 ? given : key.derivedKeyId, source: `${source} pubkeys[${i}]` });
  });
  return { keys, problems };
}
