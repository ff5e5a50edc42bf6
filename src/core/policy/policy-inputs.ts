/**
 * The inputs of a policy dry run (CONTRACT §5.1: `runtime-policy`, `exclude-list`,
 * `ima-keyring`, `ima-key`): reading them, each failure an `InputFileError` naming the file
 * and the place (the CLI exits 2 on it). Recognising them by content is their modules' part
 * in src/core/inputs.
 */
import { parseImaKeys, type ImaPublicKey } from '../ima-signature/ima-key';
import { decodeText } from '../util/bytes';
import { checkEnvelope, type EnvelopeCheck } from './dsse';
import { parseExcludeList } from './excludes';
import { parseRuntimePolicy, PolicyInputError, type LoadedPolicy } from './runtime-policy';
import { parseTenantKeyring, type FiledKey, type TenantKeyring } from './tenant-keyring';

export type PolicyInputKind = 'runtime-policy' | 'exclude-list' | 'ima-keyring' | 'ima-key';

export class InputFileError extends Error {
  constructor(
    readonly file: string,
    readonly place: string,
    readonly reason: string,
  ) {
    super(`${file}: ${place}: ${reason}`);
  }
}

export interface PolicyInputs {
  readonly policy?: { readonly name: string; readonly loaded: LoadedPolicy };
  readonly excludeFiles: ReadonlyArray<{ readonly name: string; readonly patterns: readonly string[] }>;
  readonly keyrings: ReadonlyArray<{ readonly name: string; readonly keyring: TenantKeyring }>;
  readonly keys: ReadonlyArray<{ readonly name: string; readonly keys: readonly ImaPublicKey[] }>;
  /** Problems to report that do not stop the run (a second policy, a dropped keyring). */
  readonly notes: readonly string[];
  /**
   * A signed policy's envelope checked with every key given, when the keys are sorted
   * (sortEnvelopeKey); the key that verified it is then no longer among `keys`.
   */
  readonly envelope?: EnvelopeCheck;
}

export function emptyPolicyInputs(): PolicyInputs {
  return { excludeFiles: [], keyrings: [], keys: [], notes: [] };
}

export function hasPolicyInputs(p: PolicyInputs): boolean {
  return p.policy !== undefined || p.keys.length > 0 || p.keyrings.length > 0 || p.excludeFiles.length > 0;
}

/** Reads one input of a policy kind into `into`; throws InputFileError. `read`: the runtime policy `bytes` hold, already read. */
export function addPolicyInput(into: PolicyInputs, name: string, bytes: Uint8Array, kind: PolicyInputKind, read?: LoadedPolicy): PolicyInputs {
  switch (kind) {
    case 'runtime-policy': {
      if (into.policy !== undefined) return { ...into, notes: [...into.notes, `${name}: a second runtime policy; only ${into.policy.name} is used`] };
      try {
        return { ...into, policy: { name, loaded: read ?? parseRuntimePolicy(bytes) } };
      } catch (e) {
        if (e instanceof PolicyInputError) throw new InputFileError(name, e.place, e.message);
        throw e;
      }
    }
    case 'exclude-list':
      return { ...into, excludeFiles: [...into.excludeFiles, { name, patterns: parseExcludeList(decodeText(bytes)) }] };
    case 'ima-keyring': {
      const keyring = parseTenantKeyring(decodeText(bytes), name);
      // A keyring Keylime would drop, or whose keys are all unreadable, is refused: it was
      // meant to verify something and verifies nothing (no silent fall-back to the policy's
      // own verification-keys). An explicitly empty one ({"pubkeys": [], "keyids": []}) is
      // Keylime's empty tenant keyring: no signature verifies, so it can only fail entries.
      if (keyring.keys === undefined || (keyring.keys.length === 0 && keyring.problems.length > 0)) {
        throw new InputFileError(name, '/', keyring.problems.join('; ') || 'no usable key in the keyring');
      }
      const empty =
        keyring.keys.length === 0
          ? [`${name}: an empty keyring, used as Keylime's tenant keyring: no file signature verifies, and the policy's own verification-keys are not used`]
          : [];
      return { ...into, keyrings: [...into.keyrings, { name, keyring }], notes: [...into.notes, ...keyring.problems, ...empty] };
    }
    case 'ima-key': {
      const parsed = parseImaKeys(bytes);
      if (!parsed.ok) throw new InputFileError(name, parsed.error.place, parsed.error.message);
      return { ...into, keys: [...into.keys, { name, keys: parsed.keys }] };
    }
  }
}

/**
 * Checks a signed policy's envelope with every key given and sets the key that verifies it
 * apart from the IMA keys: it is the policy's signing key (Keylime keeps it apart from the IMA
 * keyrings, so it neither verifies files nor hides the policy's verification-keys). Only that
 * key: a file holding other keys too keeps them as IMA keys. Done where the keys are sorted
 * into AKs and IMA keys (load-inputs), once every key and the policy are read.
 * `signingFiles`: the files whose only key it is, which hold no IMA key.
 */
export function sortEnvelopeKey(p: PolicyInputs): { readonly inputs: PolicyInputs; readonly signingFiles: readonly string[] } {
  const envelope = p.policy?.loaded.envelope;
  if (envelope === undefined) return { inputs: p, signingFiles: [] };
  const check = checkEnvelope(envelope, p.keys.flatMap((f) => f.keys));
  const signer = check.key;
  const files = signer === undefined ? [] : p.keys.filter((f) => f.keys.includes(signer));
  const keys = p.keys.flatMap((f) => (!files.includes(f) ? [f] : f.keys.length > 1 ? [{ ...f, keys: f.keys.filter((k) => k !== signer) }] : []));
  const notes = files.map((f) =>
    f.keys.length > 1
      ? `${f.name}: its key that verifies the policy's DSSE envelope is kept as the policy's signing key; its other ${f.keys.length - 1} key(s) verify IMA signatures`
      : `${f.name}: verifies the DSSE envelope of the runtime policy; kept as the policy's signing key, not as an IMA verification key.`,
  );
  return {
    inputs: { ...p, keys, envelope: check, notes: [...notes, ...p.notes] },
    signingFiles: files.filter((f) => f.keys.length === 1).map((f) => f.name),
  };
}

/** Whether the user gave Keylime's tenant keyring (keyring or key files, an empty keyring too). */
export function tenantKeyringGiven(p: PolicyInputs): boolean {
  return p.keyrings.length > 0 || p.keys.length > 0;
}

/** The user's keys as Keylime's tenant keyring would file them (keyring files, then key files). */
export function suppliedKeys(p: PolicyInputs): FiledKey[] {
  return [
    ...p.keyrings.flatMap((k) => k.keyring.keys ?? []),
    ...p.keys.flatMap((f) => f.keys.map((key) => ({ key, keyId: key.keyId, source: f.name }))),
  ];
}
