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
import { formatKeyId, parseImaKeys, type ImaPublicKey } from '../ima-signature/ima-key';
import { checkImaSignature, type KeyCandidate, type SignatureStatus } from '../ima-signature/ima-signature';
import { templateFieldRange } from '../ima/template-field-range';
import type { ImaLog } from '../model/ima-log';
import type { Finding } from '../report/report';
import { bytesEqual, decodeText } from '../util/bytes';
import { checkEnvelope, type EnvelopeCheck } from './dsse';
import { startAnchoredExcludes } from './excludes';
import { Decision, evaluateKeylime, type KeylimeEvalResult } from './keylime-eval';
import { suppliedKeys, type PolicyInputs } from './policy-inputs';
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
  keys: { keyid: string; source: string; algorithm: string }[];
  failures: { index: number; status: 'invalid' | 'unknown-key' | 'unsupported' | 'malformed'; keyid?: string; reason?: string }[];
}

/** Per-entry codes of the app's `data-policy` / `data-signature` columns. */
export const POLICY_CELL = ['none', 'pass', 'fail', 'excluded'] as const;
export const SIGNATURE_CELL = ['none', 'valid', 'invalid', 'unknown-key', 'unsigned', 'unsupported', 'malformed'] as const;

export interface PolicyDryRun {
  readonly policy?: ReportPolicy;
  readonly signatures?: ReportSignatures;
  readonly findings: readonly Finding[];
  /** Index into POLICY_CELL per entry. */
  readonly policyColumn: Uint8Array;
  /** Index into SIGNATURE_CELL per entry. */
  readonly signatureColumn: Uint8Array;
  readonly keylime: KeylimeEvalResult;
  /** Per entry, the extended signature check (entries with a sig field only). */
  readonly signatureChecks: ReadonlyMap<number, ReturnType<typeof checkImaSignature>>;
}

export interface DryRunOptions {
  readonly keylimeCompat?: boolean;
  readonly ignoreTomtouErrors?: boolean;
}

export function runPolicyDryRun(log: ImaLog, inputs: PolicyInputs, options: DryRunOptions, provider: HashProvider): PolicyDryRun {
  const loaded = inputs.policy?.loaded;
  const extraExcludes = inputs.excludeFiles.flatMap((f) => f.patterns);
  const policy: RuntimePolicy | undefined =
    loaded === undefined ? undefined : { ...loaded.policy, excludes: [...loaded.policy.excludes, ...extraExcludes] };
  const notes = [...inputs.notes];

  const supplied = suppliedKeys(inputs);
  const policyKeyring = policy === undefined ? undefined : parseTenantKeyring(policy.verificationKeys, 'policy verification-keys');
  notes.push(...(policyKeyring?.problems ?? []));
  if (supplied.length > 0 && (policyKeyring?.keys?.length ?? 0) > 0) {
    notes.push("the supplied keys are used as Keylime's tenant keyring, which then ignores the policy's verification-keys (as the verifier does with an agent's ima_sign_verification_keys)");
  }
  const tenantKeys = supplied.length > 0 ? supplied : policy !== undefined ? (policyKeyring?.keys ?? []) : undefined;
  const keylime = evaluateKeylime(log, { policy, tenantKeys, ignoreTomtouErrors: options.ignoreTomtouErrors }, provider);

  const envelope: EnvelopeCheck | undefined =
    loaded?.envelope === undefined ? undefined : checkEnvelope(loaded.envelope, inputs.keys.flatMap((k) => k.keys));
  const extended = extendedSignatures(log, [...supplied, ...(policyKeyring?.keys ?? [])], provider);

  const policyColumn = new Uint8Array(log.entries.length);
  const failedEntries = new Set(keylime.events.map((e) => e.index));
  let excluded = 0;
  for (let i = 0; i < policyColumn.length; i++) {
    const d = keylime.decisions[i];
    if (failedEntries.has(i)) policyColumn[i] = 2;
    else if (d === Decision.Excluded) {
      policyColumn[i] = 3;
      excluded++;
    }
    else if (d !== Decision.None && d !== Decision.Unchecked) policyColumn[i] = 1;
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
          passed: log.entries.length - failedEntries.size - excluded,
          excluded,
          failed: failedEntries.size,
          failures: keylime.events.map((e) => ({
            index: e.index,
            reason: failureReason(e.id, keylime.decisions[e.index], log, e.index),
            keylimeEvent: e.id,
            message: typeof e.context === 'string' ? e.context : String(e.context.message),
          })),
          keylimePass: keylime.pass,
          mode: options.keylimeCompat === true ? 'keylime-compat' : 'extended',
          logHashAlg: keylime.logHashAlg,
        };
  const findings = policyFindings({
    log,
    keylime,
    policy,
    policyName: inputs.policy?.name,
    schemaProblems: loaded?.schemaProblems ?? [],
    envelope,
    signatureChecks: extended.checks,
    extended: options.keylimeCompat === true ? undefined : extended,
    anchoring: policy === undefined ? [] : startAnchoredExcludes(policy.excludes),
    isKeyEntry: (i) => bufferIsKey(log, i),
    notes,
  });
  return {
    ...(report !== undefined && { policy: report }),
    ...(extended.report !== undefined && { signatures: extended.report }),
    findings,
    policyColumn,
    signatureColumn: extended.column,
    keylime,
    signatureChecks: extended.checks,
  };
}

function failureReason(id: string, decision: number, log: ImaLog, index: number): PolicyFailureReason {
  if (id.endsWith('not_in_allowlist')) {
    const keyEntry = log.templates[log.entries.template[index]].name === 'ima-buf' && bufferIsKey(log, index);
    return keyEntry && decision === Decision.NotInAllowlist ? 'key-not-in-policy' : 'not-in-policy';
  }
  if (id.endsWith('runtime_policy_hash')) return 'digest-not-in-policy';
  if (id.endsWith('invalid_signature')) return 'signature-invalid';
  if (id === 'ima.validation.ima_hash') return 'template-hash';
  if (id === 'ima.parser.entry') return 'unparsable';
  if (id === 'ima.validation.ima_pcr') return 'wrong-pcr';
  if (id === 'ima.validation.tomtou') return 'violation';
  return 'invalid-key';
}

/** Whether an ima-buf entry's buffer is a key (Keylime judges it by `keyrings`). */
function bufferIsKey(log: ImaLog, index: number): boolean {
  const r = templateFieldRange(log, index, 2);
  return r !== undefined && parseImaKeys(log.data.subarray(r.offset, r.offset + r.length)).ok;
}

interface ExtendedResult {
  readonly report?: ReportSignatures;
  readonly column: Uint8Array;
  readonly checks: ReadonlyMap<number, ReturnType<typeof checkImaSignature>>;
  /** ima-buf entries whose digest is not the hash of their buffer. */
  readonly bufferMismatches: readonly number[];
  /** ima-buf entries whose digest algorithm has no hasher here: neither a match nor a mismatch. */
  readonly bufferUnchecked: readonly number[];
}

const MEASURED_IMA_KEYRINGS = new Set(['.ima', '_ima']);

/** The kernel's view of every signature, with every key at hand (see the file comment). */
function extendedSignatures(log: ImaLog, filed: readonly FiledKey[], provider: HashProvider): ExtendedResult & { report?: ReportSignatures } {
  const byId = new Map<number, KeyCandidate[]>();
  const known: ReportSignatures['keys'] = [];
  const addKey = (key: ImaPublicKey, source: string, keyId = key.keyId): void => {
    for (const id of new Set([keyId, key.keyId, key.derivedKeyId])) {
      const list = byId.get(id) ?? [];
      if (!list.some((c) => c.key.fingerprint === key.fingerprint)) list.push({ key, source });
      byId.set(id, list);
    }
    known.push({ keyid: formatKeyId(keyId), source, algorithm: key.label });
  };
  for (const f of filed) addKey(f.key, f.source, f.keyId);
  const lookup = { keylimeKey: () => undefined, candidates: (id: number) => byId.get(id) ?? [] };

  const column = new Uint8Array(log.entries.length);
  const checks = new Map<number, ReturnType<typeof checkImaSignature>>();
  const counts = new Map<SignatureStatus, number>();
  const failures: ReportSignatures['failures'] = [];
  const bufferMismatches: number[] = [];
  const bufferUnchecked: number[] = [];
  const sigFieldOf = log.templates.map((t) => (t.name === 'ima' ? -1 : t.fields.indexOf('sig')));
  const bufFieldOf = log.templates.map((t) => (t.name === 'ima' ? -1 : t.fields.indexOf('buf')));
  let anySig = false;
  for (let i = 0; i < log.entries.length; i++) {
    const t = log.entries.template[i];
    const bufField = bufFieldOf[t];
    if (bufField >= 0) {
      const r = templateFieldRange(log, i, bufField);
      const buf = r === undefined ? undefined : log.data.subarray(r.offset, r.offset + r.length);
      if (buf !== undefined) {
        const digest = bufferDigestAgrees(log, i, buf, provider);
        if (digest === 'mismatch') bufferMismatches.push(i);
        else if (digest === 'unknown') bufferUnchecked.push(i);
        const name = entryName(log, i);
        if (MEASURED_IMA_KEYRINGS.has(name)) {
          const parsed = parseImaKeys(buf);
          if (parsed.ok) for (const key of parsed.keys) addKey(key, `entry ${i} (${name})`);
        }
      }
    }
    const sigField = sigFieldOf[t];
    if (sigField < 0) continue;
    anySig = true;
    const r = templateFieldRange(log, i, sigField);
    if (r === undefined) continue;
    const algorithm = log.digestAlgorithms[log.entries.fileDigestAlgorithm[i]] ?? '';
    const verity = algorithm.startsWith('verity:');
    const o = log.entries.fileDigestOffset[i];
    const digest = log.data.subarray(o, o + log.entries.fileDigestLength[i]);
    const check = checkImaSignature(log.data.subarray(r.offset, r.offset + r.length), digest, algorithm.replace(/^(?:ima|verity):/, ''), lookup, verity);
    checks.set(i, check);
    counts.set(check.status, (counts.get(check.status) ?? 0) + 1);
    column[i] = SIGNATURE_CELL.indexOf(check.status);
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

function entryName(log: ImaLog, i: number): string {
  const o = log.entries.nameOffset[i];
  return decodeText(log.data.subarray(o, o + log.entries.nameLength[i]));
}

/**
 * Whether an ima-buf entry's d-ng is the hash of its buffer (Keylime never checks);
 * 'unknown' when its algorithm has no hasher here (reported as not checked, never as a pass).
 */
function bufferDigestAgrees(log: ImaLog, i: number, buf: Uint8Array, provider: HashProvider): 'match' | 'mismatch' | 'unknown' {
  const alg = parseHashAlgorithm(log.digestAlgorithms[log.entries.fileDigestAlgorithm[i]] ?? '');
  const hasher = alg === undefined ? undefined : provider.get(alg);
  if (hasher === undefined) return 'unknown';
  const o = log.entries.fileDigestOffset[i];
  return bytesEqual(hasher.digest(buf), log.data.subarray(o, o + log.entries.fileDigestLength[i])) ? 'match' : 'mismatch';
}

