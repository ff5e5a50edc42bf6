/**
 * The policy dry run of one log: Keylime's verdict (keylime-eval), the extended signature
 * checks Keylime skips, and what the report and the findings say about both
 * (CONTRACT §5.3, §5.4). Extended results never change the Keylime verdict; with
 * `keylimeCompat` they are still reported under `signatures` but raise no finding.
 *
 * Keys, as Keylime builds its keyrings: the user's key files (the tenant's
 * `ima_sign_verification_keys`) win over the policy's `verification-keys`; keys measured into
 * keyrings are learned only when the policy's `keyrings` lists them. The extended check uses
 * every key it has: supplied, the policy's, and every key measured into `.ima`/`_ima` before
 * the signed entry (saying which, since trust then rests on that keyring entry).
 */
import type { HashProvider } from '../hash/hash-provider';
import { formatKeyId, type ImaPublicKey } from '../ima-signature/ima-key';
import type { KeyCandidate, SignatureCheck, SignatureStatus } from '../ima-signature/ima-signature';
import { checkEntrySignatures, hasSignatureFields, signatureFieldsOf } from '../ima-signature/entry-signatures';
import type { ByteSource } from '../model/byte-source';
import { finishSteps, type Steps } from '../util/steps';
import type { ImaLog } from '../model/ima-log';
import { PolicyCode, SignatureCode } from '../query/entry-verdicts';
import type { Finding } from '../report/report';
import { bufferDigestAgrees, type BufferDigestCheck } from './buffer-digest';
import { BufferKeys } from './buffer-keys';
import type { EnvelopeCheck } from './dsse';
import { EntryReader } from './entry-reader';
import { startAnchoredExcludes } from './excludes';
import { Decision, ENTRIES_PER_STEP, KeylimeEvaluation, type KeylimeEvalResult } from './keylime-eval';
import { EventId, SHOWN_EVENTS } from './keylime-events';
import { withFailures } from './policy-failures';
import { suppliedKeys, tenantKeyringGiven, type PolicyInputs } from './policy-inputs';
import { policyFindings } from './policy-findings';
import type { RuntimePolicy } from './runtime-policy';
import { parseTenantKeyring, type FiledKey } from './tenant-keyring';

export type PolicyFailureReason =
  | 'not-in-policy'
  | 'digest-not-in-policy'
  | 'signature-invalid'
  | 'key-not-in-policy'
  | 'template-hash'
  | 'unparsable'
  | 'wrong-pcr'
  | 'violation'
  | 'invalid-key';

export interface ReportPolicy {
  inputs: string[];
  format: 'keylime-v1' | 'keylime-dsse' | 'legacy-json' | 'allowlist';
  envelope?: 'valid' | 'invalid' | 'unchecked';
  digests: number;
  excludes: number;
  passed: number;
  excluded: number;
  failed: number;
  failures: { index: number; reason: PolicyFailureReason; keylimeEvent: string; message: string }[];
  /** Our additions: Keylime's own verdict, the mode, the template-hash algorithm used. */
  keylimePass: boolean;
  mode: 'keylime-compat' | 'extended';
  logHashAlg: string;
}

export interface ReportSignatures {
  valid: number;
  invalid: number;
  unknownKey: number;
  unsupported: number;
  malformed: number;
  unsigned: number;
  /** Our addition: well-formed signatures not verified, when no key or policy was given (only malformed ones are then judged). */
  unchecked?: number;
  keys: { keyid: string; source: string; algorithm: string }[];
  failures: { index: number; status: 'invalid' | 'unknown-key' | 'unsupported' | 'malformed'; keyid?: string; reason?: string }[];
}

/** The counts in words, as the CLI's summary and the HTML report print them. */
export function signatureCounts(s: ReportSignatures): string {
  const unchecked = s.unchecked === undefined ? '' : `, ${s.unchecked} not checked (no key given)`;
  return `${s.valid} valid, ${s.invalid} invalid, ${s.unknownKey} unknown key, ${s.unsupported} unsupported, ${s.malformed} malformed, ${s.unsigned} unsigned${unchecked}`;
}

/**
 * Whether the dry run gave any entry a verdict: a policy was judged, or some entry's IMA
 * signature was checked (a key given beside a log with no signed entry checks nothing).
 */
export function judgesEntries(report: { readonly policy?: ReportPolicy; readonly signatures?: ReportSignatures }): boolean {
  const s = report.signatures;
  return report.policy !== undefined || (s !== undefined && s.valid + s.invalid + s.unknownKey + s.unsupported + s.malformed > 0);
}

export interface PolicyDryRun {
  readonly policy?: ReportPolicy;
  readonly signatures?: ReportSignatures;
  readonly findings: readonly Finding[];
  /** PolicyCode (core/query/entry-verdicts) per entry. */
  readonly policyColumn: Uint8Array;
  /** SignatureCode per entry. */
  readonly signatureColumn: Uint8Array;
  readonly keylime: KeylimeEvalResult;
  /** The policy judged (with the exclude files' patterns added); absent without one. */
  readonly runtimePolicy?: RuntimePolicy;
  /** Per entry, the extended signature check (entries with a sig, modsig or evmsig field only). */
  readonly signatureChecks: ReadonlyMap<number, SignatureCheck>;
  /** Every ima-buf buffer against its digest, as checkBufferDigests answers: the pass hashed each once. */
  readonly bufferDigests: BufferDigestCheck;
}

export interface DryRunOptions {
  readonly keylimeCompat?: boolean;
  readonly ignoreTomtouErrors?: boolean;
  /** Where the entries' bytes are read (default: the model's data). */
  readonly source?: ByteSource;
}

export function runPolicyDryRun(log: ImaLog, inputs: PolicyInputs, options: DryRunOptions, provider: HashProvider): PolicyDryRun {
  return finishSteps(policyDryRunSteps(log, inputs, options, provider));
}

/**
 * runPolicyDryRun as steps (util/steps): two passes over the entries, Keylime's and the
 * extended signature checks, so the progress runs to `policyDryRunWork(log)`.
 */
export function* policyDryRunSteps(log: ImaLog, inputs: PolicyInputs, options: DryRunOptions, provider: HashProvider): Steps<PolicyDryRun> {
  const pass = new PolicyDryRunPass(inputs, options, provider, log.entries.length);
  yield* pass.judge(log, 0);
  return pass.finish();
}

/**
 * The dry run of a list given in parts, in the list's order: the whole model at once
 * (policyDryRunSteps), or the windows of the CLI's streaming pass (issue 13), each judged
 * while its bytes are at hand. Both passes carry what an entry's verdict takes from those
 * before it (keys learned from keyring entries); whatever the report and the findings say
 * of an entry is kept as it is judged, so `finish` reads no entry again.
 */
export class PolicyDryRunPass {
  readonly #inputs: PolicyInputs;
  readonly #options: DryRunOptions;
  readonly #provider: HashProvider;
  readonly #policy: RuntimePolicy | undefined;
  readonly #notes: string[];
  readonly #supplied: FiledKey[];
  readonly #policyKeys: readonly FiledKey[];
  readonly #keylime: KeylimeEvaluation;
  readonly #extended: ExtendedSignatures;
  readonly #envelope: EnvelopeCheck | undefined;
  #entries = 0;

  /** `entries`: about how many entries the list has. */
  constructor(inputs: PolicyInputs, options: DryRunOptions, provider: HashProvider, entries: number) {
    const loaded = inputs.policy?.loaded;
    // The envelope was checked, and its signing key set apart, where the keys were sorted
    // (sortEnvelopeKey): a signed policy without that check would pass unseen.
    if (loaded?.envelope !== undefined && inputs.envelope === undefined) throw new Error("a signed policy's envelope was not checked (sortEnvelopeKey)");
    this.#envelope = inputs.envelope;
    this.#inputs = inputs;
    this.#options = options;
    this.#provider = provider;
    const extraExcludes = inputs.excludeFiles.flatMap((f) => f.patterns);
    this.#policy = loaded === undefined ? undefined : { ...loaded.policy, excludes: [...loaded.policy.excludes, ...extraExcludes] };
    this.#notes = [...inputs.notes];
    this.#supplied = suppliedKeys(inputs);
    const policyKeyring = this.#policy === undefined ? undefined : parseTenantKeyring(this.#policy.verificationKeys, 'policy verification-keys');
    this.#notes.push(...(policyKeyring?.problems ?? []));
    this.#policyKeys = policyKeyring?.keys ?? [];
    const given = tenantKeyringGiven(inputs);
    if (given && this.#policyKeys.length > 0) {
      this.#notes.push("the supplied keys are used as Keylime's tenant keyring, which then ignores the policy's verification-keys (as the verifier does with an agent's ima_sign_verification_keys)");
    }
    const tenantKeys = given ? this.#supplied : this.#policy !== undefined ? this.#policyKeys : undefined;
    this.#keylime = new KeylimeEvaluation({ policy: this.#policy, tenantKeys, ignoreTomtouErrors: options.ignoreTomtouErrors }, provider, entries);
    this.#extended = new ExtendedSignatures([...this.#supplied, ...this.#policyKeys], entries);
  }

  /**
   * Judges `log`, the list's entries from the `base`-th on (its bytes read through
   * `options.source`, else its own); stops with the progress as policyDryRunSteps counts it
   * for a log of these entries alone.
   */
  *judge(log: ImaLog, base: number): Steps<void> {
    const n = log.entries.length;
    const bufferKeys = new BufferKeys(new EntryReader(log, this.#options.source));
    yield* this.#keylime.judge(log, base, bufferKeys);
    for (const done of this.#extended.judge(log, base, bufferKeys, this.#provider)) yield n + done;
    this.#entries = base + n;
  }

  /** The dry run of every entry judged. */
  finish(): PolicyDryRun {
    const inputs = this.#inputs;
    const options = this.#options;
    const policy = this.#policy;
    const loaded = inputs.policy?.loaded;
    const keylime = this.#keylime.result();
    const extended = this.#extended.result();
    const envelope = this.#envelope;

    const policyColumn = new Uint8Array(this.#entries);
    let failed = 0;
    const { events } = keylime;
    for (let k = 0; k < events.length; k++) {
      const i = events.index(k);
      if (policyColumn[i] === PolicyCode.fail) continue;
      policyColumn[i] = PolicyCode.fail;
      failed++;
    }
    let excluded = 0;
    for (let i = 0; i < policyColumn.length; i++) {
      const d = keylime.decisions[i];
      if (policyColumn[i] === PolicyCode.fail) continue;
      if (d === Decision.Excluded) {
        policyColumn[i] = PolicyCode.excluded;
        excluded++;
      } else if (judgedPass(d, policy !== undefined)) policyColumn[i] = PolicyCode.pass;
    }
    const report: ReportPolicy | undefined =
      loaded === undefined || inputs.policy === undefined
        ? undefined
        : withFailures(
            {
              inputs: [inputs.policy.name, ...inputs.excludeFiles.map((f) => f.name)],
              format: loaded.format,
              ...(envelope !== undefined && { envelope: envelope.status }),
              digests: loaded.policy.digests.size,
              excludes: policy?.excludes.length ?? 0,
              passed: this.#entries - failed - excluded,
              excluded,
              failed,
              keylimePass: keylime.pass,
              mode: options.keylimeCompat === true ? 'keylime-compat' : 'extended',
              logHashAlg: keylime.logHashAlg,
            },
            events,
            failureReason,
          );
    const findings = policyFindings({
      keylime,
      policy,
      policyName: inputs.policy?.name,
      schemaProblems: loaded?.schemaProblems ?? [],
      envelope,
      signatureChecks: extended.checks,
      forgedBuffers: extended.bufferMismatches,
      extended: options.keylimeCompat === true ? undefined : extended,
      anchoring: policy === undefined ? [] : startAnchoredExcludes(policy.excludes),
      notes: this.#notes,
    });
    return {
      ...(report !== undefined && { policy: report }),
      ...(extended.report !== undefined && { signatures: extended.report }),
      findings,
      policyColumn,
      signatureColumn: extended.column,
      keylime,
      ...(policy !== undefined && { runtimePolicy: policy }),
      signatureChecks: extended.checks,
      bufferDigests: { mismatches: [...extended.bufferMismatches], unchecked: extended.bufferUnchecked },
    };
  }
}

/**
 * An entry the evaluation accepted. A violation's content is never checked: only a policy's
 * verdict on the whole list makes it a pass (its `passed` count); with keys alone nothing
 * judged it.
 */
function judgedPass(d: number, withPolicy: boolean): boolean {
  if (d === Decision.None || d === Decision.Unchecked) return false;
  return d !== Decision.Violation || withPolicy;
}

/** The report's reason for each EventId (a key entry not in `keyrings` is 'key-not-in-policy'). */
const REASONS: Readonly<Record<EventId, PolicyFailureReason>> = {
  [EventId.ParserEntry]: 'unparsable',
  [EventId.ImaPcr]: 'wrong-pcr',
  [EventId.Tomtou]: 'violation',
  [EventId.ImaHash]: 'template-hash',
  [EventId.NotInAllowlist]: 'not-in-policy',
  [EventId.RuntimePolicyHash]: 'digest-not-in-policy',
  [EventId.InvalidSignature]: 'signature-invalid',
  [EventId.InvalidKey]: 'invalid-key',
};

/** An event's reason; `keyEntry`: its entry's buffer is a key (only ima-buf entries hold one). */
function failureReason(id: EventId, keyEntry: boolean): PolicyFailureReason {
  return id === EventId.NotInAllowlist && keyEntry ? 'key-not-in-policy' : REASONS[id];
}

interface ExtendedResult {
  readonly report?: ReportSignatures;
  readonly column: Uint8Array;
  readonly checks: ReadonlyMap<number, SignatureCheck>;
  /** ima-buf entries whose digest is not the hash of their buffer (their keys are not used), ascending. */
  readonly bufferMismatches: ReadonlySet<number>;
  /** ima-buf entries whose digest algorithm has no hasher here, ascending. */
  readonly bufferUnchecked: readonly number[];
  /** The names of the entries the extended findings spell out, by entry. */
  readonly names: ReadonlyMap<number, string>;
}

const MEASURED_IMA_KEYRINGS = new Set(['.ima', '_ima']);

/** The work policyDryRunSteps' progress counts to. */
export function policyDryRunWork(log: ImaLog): number {
  return 2 * log.entries.length;
}

/**
 * The kernel's view of every signature, with every key at hand (see the file comment), over
 * a list given in parts in its order (PolicyDryRunPass): the keys measured into `.ima` carry
 * over to later parts. The names the findings spell out (the first SHOWN_EVENTS invalid
 * signatures, the first entry of each unknown key) are kept as the entries are read.
 */
class ExtendedSignatures {
  readonly #byId = new Map<number, KeyCandidate[]>();
  readonly #all: KeyCandidate[] = [];
  readonly #known: ReportSignatures['keys'] = [];
  readonly #lookup = { keylimeKey: () => undefined, candidates: (id: number) => this.#byId.get(id) ?? [] };
  readonly #filed: number;
  #column: Uint8Array;
  #entries = 0;
  readonly #checks = new Map<number, SignatureCheck>();
  readonly #counts = new Map<SignatureStatus, number>();
  readonly #failures: ReportSignatures['failures'] = [];
  readonly #bufferMismatches = new Set<number>();
  readonly #bufferUnchecked: number[] = [];
  readonly #names = new Map<number, string>();
  readonly #unknownKeys = new Set<string>();
  #invalid = 0;
  #anySig = false;

  /** `entries`: about how many entries the list has. */
  constructor(filed: readonly FiledKey[], entries: number) {
    for (const f of filed) this.#addKey(f.key, f.source, f.keyId);
    this.#filed = filed.length;
    this.#column = new Uint8Array(entries);
  }

  #addKey(key: ImaPublicKey, source: string, keyId = key.keyId): void {
    const candidate = { key, source };
    if (!this.#all.some((c) => c.key.fingerprint === key.fingerprint)) this.#all.push(candidate);
    for (const id of new Set([keyId, key.keyId, key.derivedKeyId])) {
      const list = this.#byId.get(id) ?? [];
      if (!list.some((c) => c.key.fingerprint === key.fingerprint)) list.push(candidate);
      this.#byId.set(id, list);
    }
    this.#known.push({ keyid: formatKeyId(keyId), source, algorithm: key.label });
  }

  /** Checks `log`, the list's entries from `base` on; stops with the number of `log`'s checked. */
  *judge(log: ImaLog, base: number, bufferKeys: BufferKeys, provider: HashProvider): Steps<void> {
    const n = log.entries.length;
    if (this.#column.length < base + n) {
      const grown = new Uint8Array(Math.max(base + n, 2 * this.#column.length));
      grown.set(this.#column);
      this.#column = grown;
    }
    const fieldsOf = signatureFieldsOf(log);
    this.#entries = base + n;
    // Templates with neither a buffer nor a signature (an ima-ng list): no entry has anything
    // to check here, and a million of them cost the pass ~0.1 s to find that out one by one.
    if (!bufferKeys.anyBuffer && !fieldsOf.some(hasSignatureFields)) return;
    const { reader } = bufferKeys;
    for (let i = 0; i < n; i++) {
      if (i % ENTRIES_PER_STEP === 0 && i > 0) yield i;
      const buf = bufferKeys.buffer(i);
      if (buf !== undefined) {
        // A forged buffer (buffer-digest.ts) is not the key its digest names: never trusted here.
        const agrees = bufferDigestAgrees(reader, i, buf, provider);
        const forged = agrees === 'mismatch';
        if (forged) this.#bufferMismatches.add(base + i);
        else if (agrees === 'unknown') this.#bufferUnchecked.push(base + i);
        const name = reader.name(i);
        if (!forged && MEASURED_IMA_KEYRINGS.has(name)) {
          const parsed = bufferKeys.keys(i);
          if (parsed?.ok === true) for (const key of parsed.keys) this.#addKey(key, `entry ${base + i} (${name})`);
        }
      }
      const where = fieldsOf[log.entries.template[i]];
      if (!hasSignatureFields(where)) continue;
      this.#anySig = true;
      const check = checkEntrySignatures(reader, i, where, this.#lookup, this.#all);
      if (check === undefined) continue;
      const at = base + i;
      this.#checks.set(at, check);
      this.#counts.set(check.status, (this.#counts.get(check.status) ?? 0) + 1);
      this.#column[at] = SignatureCode[check.status];
      if (check.status !== 'valid' && check.status !== 'unsigned') {
        this.#failures.push({ index: at, status: check.status, ...(check.keyId !== undefined && { keyid: check.keyId }), ...(check.reason !== undefined && { reason: check.reason }) });
      }
      // As extendedFindings groups them: invalid (and malformed) ones, and by unknown key.
      const invalid = check.status === 'invalid' || check.status === 'malformed';
      const firstOfKey = check.status === 'unknown-key' && !this.#unknownKeys.has(check.keyId ?? '');
      if ((invalid && this.#invalid++ < SHOWN_EVENTS) || firstOfKey) this.#names.set(at, reader.name(i));
      if (firstOfKey) this.#unknownKeys.add(check.keyId ?? '');
    }
  }

  result(): ExtendedResult {
    const column = this.#column.length === this.#entries ? this.#column : this.#column.slice(0, this.#entries);
    const done = { column, checks: this.#checks, bufferMismatches: this.#bufferMismatches, bufferUnchecked: this.#bufferUnchecked, names: this.#names };
    if (!this.#anySig && this.#filed === 0) return done;
    const c = (s: SignatureStatus): number => this.#counts.get(s) ?? 0;
    return {
      report: {
        valid: c('valid'),
        invalid: c('invalid'),
        unknownKey: c('unknown-key'),
        unsupported: c('unsupported'),
        malformed: c('malformed'),
        unsigned: c('unsigned'),
        keys: this.#known,
        failures: this.#failures,
      },
      ...done,
    };
  }
}
