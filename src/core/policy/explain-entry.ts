/**
 * The rule that decided one entry in the policy dry run, in words, for the detail pane: the
 * exclude that matched, the policy list that holds (or lacks) the digest, the key that
 * verified the signature, Keylime's event for a failure.
 */
import { formatKeyId } from '../ima-signature/ima-key';
import type { ByteSource } from '../model/byte-source';
import type { ImaLog } from '../model/ima-log';
import { toHex } from '../util/bytes';
import { EntryReader } from './entry-reader';
import { Decision } from './keylime-eval';
import type { PolicyDryRun } from './policy-dry-run';

/** The entry's bytes are read from `source` (default: the model's data). */
export function explainEntry(run: PolicyDryRun, log: ImaLog, i: number, source?: ByteSource): string[] {
  const out: string[] = [];
  const reader = new EntryReader(log, source);
  const name = reader.name(i);
  const digest = toHex(reader.fileDigest(i));
  const { keylime } = run;
  switch (keylime.decisions[i]) {
    case Decision.DigestListed:
      out.push(`Keylime: passes, ${digest.slice(0, 16)}… is listed for "${name}" in the policy.`);
      break;
    case Decision.SignatureValid: {
      const key = run.signatureChecks.get(i)?.key;
      out.push(`Keylime: passes by its signature${key !== undefined ? ` (keyid ${formatKeyId(key.key.keyId)}, ${key.source})` : ''}; the policy is not consulted.`);
      break;
    }
    case Decision.Excluded: {
      const by = keylime.excludes.matching(name);
      out.push(`Keylime: excluded${by.length > 0 ? ` by ${by.map((p) => `"${p}"`).join(', ')}` : ''} (matched at the start of the path).`);
      break;
    }
    case Decision.Violation:
      out.push('Keylime: a violation entry; its content is not checked.');
      break;
    case Decision.KeyringIgnored:
      out.push(`Keylime: keyring "${name}" is in ima.ignored_keyrings; the key is not learned.`);
      break;
    case Decision.Unchecked:
      out.push('Keylime: nothing to check it against (no policy and no keyring).');
      break;
    default:
      break;
  }
  const { events } = keylime;
  for (let k = 0; k < events.length; k++) {
    if (events.index(k) !== i) continue;
    const e = events.at(k);
    const message = typeof e.context === 'string' ? e.context : String(e.context.message);
    const accepted = typeof e.context === 'object' && Array.isArray(e.context.expected) ? ` (accepted: ${(e.context.expected as string[]).join(', ')})` : '';
    out.push(`Keylime fails it: ${e.id}: ${message}${accepted}`);
  }
  const learned = keylime.learned.find((l) => l.index === i);
  if (learned !== undefined) out.push(`Keylime learns the key with keyid ${formatKeyId(learned.keyId)} into ${learned.keyring}.`);
  const sig = run.signatureChecks.get(i);
  if (sig !== undefined) {
    const by = sig.key !== undefined ? ` by ${sig.key.source}` : '';
    out.push(`Signature: ${sig.status}${sig.keyId !== undefined ? `, keyid ${sig.keyId}` : ''}${sig.status === 'valid' ? by : ''}${sig.reason !== undefined ? `: ${sig.reason}` : ''}.`);
  }
  return out;
}
