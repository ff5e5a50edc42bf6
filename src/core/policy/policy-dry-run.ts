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
import { parseHashAlgorithm } from '../hash/hash-algorithm';
import type { HashProvider } from '../hash/hash-provider';
import { formatKeyId, type ImaPublicKey } from '../ima-signature/ima-key';
import type { KeyCandidate, SignatureCheck, SignatureStatus } from '../ima-signature/ima-signature';
import { checkEntrySignatures, hasSignatureFields, signatureFieldsOf } from '../ima-signature/entry-signatures';
import type { ByteSource } from '../model/byte-source';
import { finishSteps, type Steps } from '../util/steps';
import type { ImaLog } from '../model/ima-log';
import { PolicyCode, SignatureCode } from '../query/entry-verdicts';
import type { Finding } from '../report/report';
import { bytesEqual } from '../util/bytes';
import { BufferKeys } from './buffer-keys';
import { checkEnvelope, type EnvelopeCheck } from './dsse';
import { EntryReader } from './entry-reader';
import { startAnchoredExcludes } from './excludes';
import { Decision, ENTRIES_PER_STEP, keylimeEvaluationSteps, type KeylimeEvalResult } from './keylime-eval';
import { EventId } from './keylime-events';
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
  const loaded = inputs.policy?.loaded;
  const extraExcludes = inputs.excludeFiles.flatMap((f) => f.patterns);
  const policy: RuntimePolicy | undefined =
    loaded === undefined ? undefined : { ...loaded.policy, excludes: [...loaded.policy.excludes, ...extraExcludes] };
  const notes = [...inputs.notes];

  const supplied = suppliedKeys(inputs);
  const policyKeyring = policy === undefined ? undefined : parseTenantKeyring(policy.verificationKeys, 'policy verification-keys');
  notes.push(...(policyKeyring?.problems ?? []));
  const given = tenantKeyringGiven(inputs);
  if (given && (policyKeyring?.keys?.length ?? 0) > 0) {
    notes.push("the supplied keys are used as Keylime's tenant keyring, which then ignores the policy's verification-keys (as the verifier does with an agent's ima_sign_verification_keys)");
  }
  const tenantKeys = given ? supplied : policy !== undefined ? (policyKeyring?.keys ?? []) : undefined;
  const bufferKeys = new BufferKeys(new EntryReader(log, options.source));
  const keylime = yield* keylimeEvaluationSteps(log, { policy, tenantKeys, ignoreTomtouErrors: options.ignoreTomtouErrors, bufferKeys }, provider);

  const envelope: EnvelopeCheck | undefined =
    loaded?.envelope === undefined ? undefined : checkEnvelope(loaded.envelope, inputs.keys.flatMap((k) => k.keys));
  const extended = yield* extendedSignatures(log, [...supplied, ...(policyKeyring?.keys ?? [])], bufferKeys, provider);

  const policyColumn = new Uint8Array(log.entries.length);
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
    } else if (d !== Decision.None && d !== Decision.Unchecked) policyColumn[i] = PolicyCode.pass;
  }
  const report: ReportPolicy | undefined =
    loaded === undefined || inputs.policy === undefined
      ? undefined
      : {
          inputs: [inputs.policy.name, ...inputs.excludeFiles.map((f) => f.name)],
          format: loaded.format,
          ...(envelope !== undefined && { envelope: envelope.status }),
          digests: loaded.policy.digests.size,
          excludes: policy?.excludes.length ?? 0,
          passed: log.entries.length - failed - excluded,
          excluded,
          failed,
          failures: reportFailures(log, keylime, bufferKeys),
          keylimePass: keylime.pass,
          mode: options.keylimeCompat === true ? 'keylime-compat' : 'extended',
          logHashAlg: keylime.logHashAlg,
        };
  const findings = policyFindings({
    reader: bufferKeys.reader,
    keylime,
    policy,
    policyName: inputs.policy?.name,
    schemaProblems: loaded?.schemaProblems ?? [],
    envelope,
    signatureChecks: extended.checks,
    extended: options.keylimeCompat === true ? undefined : extended,
    anchoring: policy === undefined ? [] : startAnchoredExcludes(policy.excludes),
    isKeyEntry: (i) => bufferKeys.isKey(i),
    notes,
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
  };
}

/** The report's `failures`: one per Keylime event, in Keylime's order. */
function reportFailures(log: ImaLog, keylime: KeylimeEvalResult, bufferKeys: BufferKeys): ReportPolicy['failures'] {
  const { events, decisions } = keylime;
  const messages = events.messages();
  const out: ReportPolicy['failures'] = new Array(events.length);
  const keyEntry = (i: number): boolean => log.templates[log.entries.template[i]].name === 'ima-buf' && bufferKeys.isKey(i);
  for (let k = 0; k < events.length; k++) {
    const i = events.index(k);
    out[k] = { index: i, reason: failureReason(events.idCode(k), decisions[i], i, keyEntry), keylimeEvent: events.id(k), message: messages[k] };
  }
  return out;
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

function failureReason(id: EventId, decision: number, i: number, keyEntry: (i: number) => boolean): PolicyFailureReason {
  return id === EventId.NotInAllowlist && decision === Decision.NotInAllowlist && keyEntry(i) ? 'key-not-in-policy' : REASONS[id];
}

interface ExtendedResult {
  readonly report?: ReportSignatures;
  readonly column: Uint8Array;
  readonly checks: ReadonlyMap<number, SignatureCheck>;
  /** ima-buf entries whose digest is not the hash of their buffer. */
  readonly bufferMismatches: readonly number[];
  /** ima-buf entries whose digest algorithm has no hasher here: neither a match nor a mismatch. */
  readonly bufferUnchecked: readonly number[];
}

const MEASURED_IMA_KEYRINGS = new Set(['.ima', '_ima']);

/** The work policyDryRunSteps' progress counts to. */
export function policyDryRunWork(log: ImaLog): number {
  return 2 * log.entries.length;
}

/** The kernel's view of every signature, with every key at hand (see the file comment). */
function* extendedSignatures(log: ImaLog, filed: readonly FiledKey[], bufferKeys: BufferKeys, provider: HashProvider): Steps<ExtendedResult> {
  const byId = new Map<number, KeyCandidate[]>();
  const all: KeyCandidate[] = [];
  const known: ReportSignatures['keys'] = [];
  const addKey = (key: ImaPublicKey, source: string, keyId = key.keyId): void => {
    const candidate = { key, source };
    if (!all.some((c) => c.key.fingerprint === key.fingerprint)) all.push(candidate);
    for (const id of new Set([keyId, key.keyId, key.derivedKeyId])) {
      const list = byId.get(id) ?? [];
      if (!list.some((c) => c.key.fingerprint === key.fingerprint)) list.push(candidate);
      byId.set(id, list);
    }
    known.push({ keyid: formatKeyId(keyId), source, algorithm: key.label });
  };
  for (const f of filed) addKey(f.key, f.source, f.keyId);
  const lookup = { keylimeKey: () => undefined, candidates: (id: number) => byId.get(id) ?? [] };

  const column = new Uint8Array(log.entries.length);
  const checks = new Map<number, SignatureCheck>();
  const counts = new Map<SignatureStatus, number>();
  const failures: ReportSignatures['failures'] = [];
  const bufferMismatches: number[] = [];
  const bufferUnchecked: number[] = [];
  const fieldsOf = signatureFieldsOf(log);
  const { reader } = bufferKeys;
  let anySig = false;
  for (let i = 0; i < log.entries.length; i++) {
    if (i % ENTRIES_PER_STEP === 0 && i > 0) yield log.entries.length + i;
    const buf = bufferKeys.buffer(i);
    if (buf !== undefined) {
      const digest = bufferDigestAgrees(reader, i, buf, provider);
      if (digest === 'mismatch') bufferMismatches.push(i);
      else if (digest === 'unknown') bufferUnchecked.push(i);
      const name = reader.name(i);
      if (MEASURED_IMA_KEYRINGS.has(name)) {
        const parsed = bufferKeys.keys(i);
        if (parsed?.ok === true) for (const key of parsed.keys) addKey(key, `entry ${i} (${name})`);
      }
    }
    const where = fieldsOf[log.entries.template[i]];
    if (!hasSignatureFields(where)) continue;
    anySig = true;
    const check = checkEntrySignatures(reader, i, where, lookup, all);
    if (check === undefined) continue;
    checks.set(i, check);
    counts.set(check.status, (counts.get(check.status) ?? 0) + 1);
    column[i] = SignatureCode[check.status];
    if (check.status !== 'valid' && check.status !== 'unsigned') {
      failures.push({ index: i, status: check.status, ...(check.keyId !== undefined && { keyid: check.keyId }), ...(check.reason !== undefined && { reason: check.reason }) });
    }
  }
  if (!anySig && filed.length === 0) return { column, checks, bufferMismatches, bufferUnchecked };
  const c = (s: SignatureStatus): number => counts.get(s) ?? 0;
  return {
    report: {
      valid: c('valid'),
      invalid: c('invalid'),
      unknownKey: c('unknown-key'),
      unsupported: c('unsupported'),
      malformed: c('malformed'),
      unsigned: c('unsigned'),
      keys: known,
      failures,
    },
    column,
    checks,
    bufferMismatches,
    bufferUnchecked,
  };
}

/**
 * Whether an ima-buf entry's d-ng is the hash of its buffer (Keylime never checks);
 * 'unknown' when its algorithm has no hasher here (reported as not checked, never as a pass).
 */
function bufferDigestAgrees(reader: EntryReader, i: number, buf: Uint8Array, provider: HashProvider): 'match' | 'mismatch' | 'unknown' {
  const { log } = reader;
  const alg = parseHashAlgorithm(log.digestAlgorithms[log.entries.fileDigestAlgorithm[i]] ?? '');
  const hasher = alg === undefined ? undefined : provider.get(alg);
  if (hasher === undefined) return 'unknown';
  return bytesEqual(hasher.digest(buf), reader.fileDigest(i)) ? 'match' : 'mismatch';
}
