/**
 * Malformed IMA signatures in a log judged with no key and no policy (the policy dry run
 * reports them otherwise, as `signature-invalid`). No key can verify such a value, so saying
 * so needs none: the report's `signatures` block (CONTRACT §5.3) counts them, a warning names
 * them, and the table's signature column marks them. Nobody asked for the signatures to be
 * checked, so this is a warning, not a failed check; well-formed signatures stay unjudged.
 */
import { scanMalformedSignatures } from '../ima-signature/entry-signatures';
import type { ByteSource } from '../model/byte-source';
import type { ImaLog } from '../model/ima-log';
import { EntryReader } from '../policy/entry-reader';
import type { ReportSignatures } from '../policy/policy-dry-run';
import { SignatureCode } from '../query/entry-verdicts';
import type { Finding } from '../report/report';
import { plural } from '../util/count-text';

export interface MalformedSignatures {
  readonly signatures: ReportSignatures;
  readonly finding: Finding;
  /** SignatureCode per entry: `malformed` where found, `none` (not checked) elsewhere. */
  readonly column: Uint8Array;
}

/** How many entries the finding names before "and N more". */
const SHOWN = 8;

/** Undefined when the log holds no malformed signature (`scan`: the log's, when already made). */
export function malformedSignatures(log: ImaLog, scan = scanMalformedSignatures(log), source?: ByteSource): MalformedSignatures | undefined {
  if (scan === undefined || scan.malformed.length === 0) return undefined;
  const { malformed } = scan;
  const column = new Uint8Array(log.entries.length);
  for (const m of malformed) column[m.index] = SignatureCode.malformed;
  const reader = new EntryReader(log, source);
  const shown = malformed.slice(0, SHOWN).map((m) => `"${reader.name(m.index)}" (entry ${m.index}): ${m.reason}`);
  const rest = malformed.length > SHOWN ? `; and ${malformed.length - SHOWN} more` : '';
  const them = malformed.length === 1 ? 'it' : 'them';
  const unchecked = scan.unchecked === 0 ? '' : `; ${plural(scan.unchecked, 'other signature was', 'other signatures were')} not checked, with no key to check ${scan.unchecked === 1 ? 'it' : 'them'}`;
  return {
    signatures: {
      valid: 0,
      invalid: 0,
      unknownKey: 0,
      unsupported: 0,
      malformed: malformed.length,
      unsigned: scan.unsigned,
      unchecked: scan.unchecked,
      keys: [],
      failures: malformed.map((m) => ({ index: m.index, status: 'malformed', ...(m.keyId !== undefined && { keyid: m.keyId }), reason: m.reason })),
    },
    finding: {
      code: 'signature-malformed',
      severity: 'warning',
      message: `${plural(malformed.length, 'IMA signature is', 'IMA signatures are')} malformed, so no key can verify ${them}: ${shown.join('; ')}${rest}${unchecked}.`,
      entries: malformed.map((m) => m.index),
    },
    column,
  };
}

/**
 * Said when a log's signatures are all well formed and nothing checks them (no key, no
 * policy): signed entries are not silently taken as checked. Information only: nobody asked
 * for them to be checked, and Keylime without keyrings does not check them either.
 */
export function uncheckedSignaturesFinding(signed: number): Finding {
  return {
    code: 'signatures-unchecked',
    severity: 'info',
    message: `${plural(signed, 'entry carries an IMA signature', 'entries carry IMA signatures')} that nothing here checked: no key and no runtime policy were given. Give the signing certificates or public keys (ima-key) to check ${signed === 1 ? 'it' : 'them'} as the kernel does.`,
  };
}
