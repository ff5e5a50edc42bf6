/**
 * What a policy dry run tells the user, grouped by what to change (CONTRACT §5.4):
 * paths missing from the policy (with the digest to add), digests that differ (with the
 * accepted ones beside the measured one), signatures that fail and by which keyid, keys
 * learned from which entry, excludes Keylime ignores or that reach further than meant.
 * Keylime's failures are errors (its verifier would fail the attestation); the extended
 * signature checks add their own findings beside them.
 */
import { formatKeyId } from '../ima-signature/ima-key';
import type { SignatureCheck } from '../ima-signature/ima-signature';
import type { Finding, FindingCode, Severity } from '../report/report';
import { escapedText } from '../util/bytes';
import { plural } from '../util/count-text';
import type { EnvelopeCheck } from './dsse';
import type { KeylimeEvalResult } from './keylime-eval';
import { EventId, SHOWN_EVENTS, type KeylimeEvents } from './keylime-events';
import type { SchemaProblem } from './policy-schema';
import type { RuntimePolicy } from './runtime-policy';

/**
 * What the findings say of entries was kept as they were judged (the events' names, digests
 * and templates; the extended pass's `names`): no entry is read here, so a list judged in
 * windows is said as a whole model is.
 */
export interface PolicyFindingInput {
  readonly keylime: KeylimeEvalResult;
  readonly policy?: RuntimePolicy;
  readonly policyName?: string;
  readonly schemaProblems: readonly SchemaProblem[];
  readonly envelope?: EnvelopeCheck;
  /** The kernel's view of each signature: explains Keylime's signature failures. */
  readonly signatureChecks: ReadonlyMap<number, SignatureCheck>;
  /** ima-buf entries whose buffer does not hash to their recorded digest (buffer-digest.ts). */
  readonly forgedBuffers: ReadonlySet<number>;
  /** Findings of the extended checks; absent in --keylime-compat mode. */
  readonly extended?: {
    readonly checks: ReadonlyMap<number, SignatureCheck>;
    /** The names of the entries these findings spell out. */
    readonly names: ReadonlyMap<number, string>;
  };
  readonly anchoring: ReadonlyArray<readonly [string, string]>;
  readonly notes: readonly string[];
}

/** How many items a grouped finding spells out before "and N more" (only those are built). */
const SHOWN = SHOWN_EVENTS;

export function policyFindings(input: PolicyFindingInput): Finding[] {
  const { keylime } = input;
  const out: Finding[] = [];
  /** `entries` becomes the finding's own: a fresh array (a million entries are not copied again). */
  const push = (code: FindingCode, severity: Severity, message: string, entries?: number[]): void =>
    void out.push({ code, severity, message, ...(entries !== undefined && entries.length > 0 && { entries }) });
  const { events } = keylime;
  const { entries: byId, first } = groupEvents(events);
  // Names are told apart byte for byte (keylime-eval's lookups): bytes that are not UTF-8 are
  // printed escaped, never as U+FFFD, which stands for any of them.
  const nameOf = (k: number): string => escapedText(events.nameBytes(k));
  /** Where the entry of event `k` (one of the first SHOWN of its id) belongs in the policy, and its digest. */
  const shown = (k: number): { list: string; digest: string } => {
    const entry = events.shown(k);
    if (entry === undefined) throw new Error(`event ${k} was not kept to be shown`);
    return { list: entry.template !== 'ima-buf' ? 'digests' : events.keyEntry(k) ? 'keyrings' : 'ima-buf', digest: entry.digest };
  };

  if (input.envelope?.status === 'invalid') push('policy-envelope-invalid', 'error', `${input.policyName ?? 'the policy'}: ${input.envelope.detail} Keylime refuses the policy (code 401); re-sign it or give the key that signed it.`);
  // A signature without a key to check it is a check that cannot be made: a failure (fail closed).
  if (input.envelope?.status === 'unchecked') push('check-incomplete', 'error', `${input.policyName ?? 'the policy'} is DSSE-signed but its signature could not be checked: ${input.envelope.detail}. Give the signer's EC public key (PEM or certificate; Keylime's ecdsa keyid is the SHA-256 of its PEM) to check it.`);
  if (input.schemaProblems.length > 0) {
    const shown = input.schemaProblems.slice(0, SHOWN).map((p) => `${p.place || '/'} ${p.message}`);
    push('policy-schema-invalid', 'warning', `${input.policyName ?? 'the policy'} fails Keylime's runtime-policy schema, so the verifier would refuse to store it (its evaluator, used here, still reads it): ${more(shown, input.schemaProblems.length)}.`);
  }
  const ex = keylime.excludes;
  if (ex.status === 'ignored') push('policy-excludes-ignored', 'warning', `The ${ex.patterns.length} excludes do not compile as one Python pattern (${ex.reason ?? ''}), so Keylime ignores every one of them. Fix or remove the offending line.`);
  if (ex.status === 'inexact') push('policy-excludes-inexact', 'warning', `An exclude uses Python syntax with no exact JavaScript form (${ex.reason ?? ''}): entries are judged here as if no exclude matched, which Keylime may not do.`);
  for (const [pattern, example] of input.anchoring.slice(0, SHOWN)) {
    push('policy-exclude-anchoring', 'info', `The exclude "${pattern}" is anchored at the start only, so it also excludes ${example}. End it with $ if only that path is meant.`);
  }

  const missing = byId[EventId.NotInAllowlist];
  if (missing.length > 0) {
    const lines = first[EventId.NotInAllowlist].map((k) => {
      const { list, digest } = shown(k);
      return `"${nameOf(k)}" (entry ${events.index(k)}): add ${digest} to ${list}`;
    });
    push('policy-not-in-allowlist', 'error', `${plural(missing.length, 'entry measures a path or name', 'entries measure paths or names')} not in the policy (Keylime: File not found in allowlist): ${more(lines, missing.length)}.`, missing);
  }
  const differ = byId[EventId.RuntimePolicyHash];
  if (differ.length > 0) {
    const lines = first[EventId.RuntimePolicyHash].map((k) => {
      const i = events.index(k);
      const ctx = events.context(k) as { got: string; expected: readonly string[] };
      return `"${nameOf(k)}" (entry ${i}) measured ${ctx.got}, the policy accepts ${ctx.expected.join(', ')}: add this digest for this path if the change is expected`;
    });
    push('policy-digest-mismatch', 'error', `${plural(differ.length, 'entry has a digest', 'entries have digests')} the policy does not list for the path (Keylime: Hash not found in runtime policy): ${more(lines, differ.length)}.`, differ);
  }
  // Keylime's one event has three causes, told apart as CONTRACT §5.4 names them: a signature
  // that does not verify (or cannot be read, as extendedFindings counts it), one no key could
  // check (its keyid in no keyring), and no signature at all (not an unverified signature).
  const failedSignatures = eventsOf(events, EventId.InvalidSignature);
  const groups = { 'signature-invalid': [] as number[], 'policy-signature-unverified': [] as number[], 'policy-unsigned-entry': [] as number[] };
  for (const k of failedSignatures) {
    const status = input.signatureChecks.get(events.index(k))?.status;
    if (status === 'invalid' || status === 'malformed') groups['signature-invalid'].push(k);
    else groups[status === 'unsigned' ? 'policy-unsigned-entry' : 'policy-signature-unverified'].push(k);
  }
  for (const [code, lead] of [
    ['signature-invalid', 'With no runtime policy, Keylime needs every signed entry to verify'],
    ['policy-signature-unverified', 'With no runtime policy, Keylime needs every signed entry to verify'],
    ['policy-unsigned-entry', 'With keys and no runtime policy, Keylime fails every ima-sig entry that carries no signature (a runtime policy listing their digests, or signing the files, makes them pass)'],
  ] as const) {
    const group = groups[code];
    if (group.length === 0) continue;
    const cause = (k: number): string => (code === 'policy-unsigned-entry' ? '' : signatureCause(input.signatureChecks.get(events.index(k))));
    const lines = group.slice(0, SHOWN).map((k) => `"${nameOf(k)}" (entry ${events.index(k)})${cause(k)}`);
    push(code, 'error', `${lead}: ${more(lines, group.length)}.`, group.map((k) => events.index(k)));
  }
  const unparsable = byId[EventId.ParserEntry];
  if (unparsable.length > 0) {
    push('policy-unparsable-entry', 'error', `Keylime parses only the ima, ima-ng, ima-sig and ima-buf templates; ${plural(unparsable.length, 'entry uses', 'entries use')} ${keylime.unparsableTemplates.join(', ')} and would each fail as "Line was not parsable into a valid IMA entry". Switch the IMA policy to ima-ng or ima-sig.`, unparsable);
  }
  const hashes = byId[EventId.ImaHash];
  if (hashes.length > 0) push('policy-template-hash', 'error', `${plural(hashes.length, 'entry fails', 'entries fail')} Keylime's template-hash check (recomputed with ${keylime.logHashAlg}, ${input.policy === undefined ? "Keylime's default when no runtime policy is given" : "the policy's ima.log_hash_alg"}${keylime.droppedSignatureHashes ? '; a signature whose header size is wrong is dropped by Keylime, changing the data it hashes' : ''}); the content of such entries is not checked${input.policy === undefined ? ' (their signatures are not verified)' : ' against the policy'}.`, hashes);
  const pcr = byId[EventId.ImaPcr];
  if (pcr.length > 0) push('policy-wrong-pcr', 'error', `${plural(pcr.length, 'entry is', 'entries are')} measured into a PCR other than 10, which Keylime fails ("IMA PCR is not the configured one").`, pcr);
  const tomtou = byId[EventId.Tomtou];
  if (tomtou.length > 0) push('policy-violation', 'error', `${plural(tomtou.length, 'violation entry fails', 'violation entries fail')} because ignore_tomtou_errors is true (Keylime's code default; the shipped keylime.conf sets false).`, tomtou);
  const badKeys = byId[EventId.InvalidKey];
  if (badKeys.length > 0) push('policy-invalid-key', 'error', `${plural(badKeys.length, 'ima-buf entry holds', 'ima-buf entries hold')} a key that is neither RSA nor EC, which Keylime fails ("does not have a supported key").`, badKeys);

  for (const l of keylime.learned) {
    const key = `the key with keyid ${formatKeyId(l.keyId)} (${l.key.label}${l.key.certificate !== undefined ? `, ${l.key.certificate.subject}` : ''}) from entry ${l.index} into keyring ${l.keyring}`;
    // Keylime judges the recorded digest and learns the buffer's key without hashing it: a
    // forged entry makes it trust a key the policy never listed (buffer-digest-mismatch).
    if (input.forgedBuffers.has(l.index)) {
      push('policy-key-learned', 'info', `Keylime learns ${key}, because the policy's keyrings list the entry's recorded digest; but the buffer does not hash to that digest, so this key is not the one the policy lists. Later signatures by it verify in Keylime${input.extended === undefined ? '' : '; the extended checks do not use it'} (see buffer-digest-mismatch).`, [l.index]);
    } else {
      push('policy-key-learned', 'info', `Keylime learns ${key}: the policy's keyrings list its digest. Later signatures by it verify.`, [l.index]);
    }
  }

  if (input.extended !== undefined) extendedFindings(input.extended, push);
  for (const note of input.notes) push('policy-note', 'info', note);
  if (keylime.pass && input.policy !== undefined) {
    push('policy-pass', 'info', `Every entry passes ${input.policyName ?? 'the policy'} as Keylime's verifier judges it${keylime.decisions.includes(3) ? ' (some through excludes)' : ''}.`);
  }
  return out;
}

function extendedFindings(
  extended: NonNullable<PolicyFindingInput['extended']>,
  push: (code: FindingCode, severity: Severity, message: string, entries?: number[]) => void,
): void {
  const name = (i: number): string => {
    const kept = extended.names.get(i);
    if (kept === undefined) throw new Error(`the name of entry ${i} was not kept to be shown`);
    return kept;
  };
  const invalid: number[] = [];
  const unknown = new Map<string, number[]>();
  const unsupported: number[] = [];
  for (const [i, c] of extended.checks) {
    if (c.status === 'invalid' || c.status === 'malformed') invalid.push(i);
    else if (c.status === 'unknown-key') {
      const key = c.keyId ?? '';
      const group = unknown.get(key);
      if (group === undefined) unknown.set(key, [i]);
      else group.push(i);
    }
    else if (c.status === 'unsupported') unsupported.push(i);
  }
  if (invalid.length > 0) {
    const lines = invalid.slice(0, SHOWN).map((i) => `"${name(i)}" (entry ${i}): ${extended.checks.get(i)?.reason ?? ''}`);
    push('signature-invalid', 'error', `${plural(invalid.length, 'IMA signature does', 'IMA signatures do')} not verify as the kernel checks signatures (the file, its digest or the signature changed since signing): ${more(lines, invalid.length)}.`, invalid);
  }
  for (const [keyId, entries] of unknown) {
    push('signature-unknown-key', 'warning', `${keyId === '' ? 'The certificate that made these appended signatures' : `The key with keyid ${keyId}`} is not in the keyring: give its certificate (or add it to verification-keys). It signed ${plural(entries.length, 'entry', 'entries')}, e.g. "${name(entries[0])}" (entry ${entries[0]}).`, entries);
  }
  if (unsupported.length > 0) {
    const reasons = [...new Set(unsupported.map((i) => extended.checks.get(i)?.reason ?? ''))];
    push('signature-unsupported', 'info', `${plural(unsupported.length, 'signature')} cannot be checked here: ${reasons.join('; ')}.`, unsupported);
  }
}

function signatureCause(check: SignatureCheck | undefined): string {
  if (check === undefined) return ': its signature could not be validated';
  switch (check.status) {
    case 'unknown-key':
      return `: the key with keyid ${check.keyId ?? '?'} is not in the keyring: give its certificate`;
    case 'valid':
      return ': the signature verifies as the kernel checks it, but not by Keylime’s rules (version, hash name or key id)';
    default:
      return `: ${check.reason ?? check.status}`;
  }
}

/** Per EventId, the entries of its events and the numbers of its first SHOWN events, in Keylime's order. */
function groupEvents(events: KeylimeEvents): { entries: number[][]; first: number[][] } {
  const entries: number[][] = Object.values(EventId).map(() => []);
  const first: number[][] = Object.values(EventId).map(() => []);
  for (let k = 0; k < events.length; k++) {
    const id = events.idCode(k);
    if (entries[id].push(events.index(k)) <= SHOWN) first[id].push(k);
  }
  return { entries, first };
}

/** The numbers of the events of `id`, in order. */
function eventsOf(events: KeylimeEvents, id: EventId): number[] {
  const out: number[] = [];
  for (let k = 0; k < events.length; k++) if (events.idCode(k) === id) out.push(k);
  return out;
}

function more(shown: readonly string[], total: number): string {
  return shown.join('; ') + (total > shown.length ? `; and ${total - shown.length} more` : '');
}
