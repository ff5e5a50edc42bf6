/**
 * An entry's signatures, wherever its template keeps them (`sig`: ima-sig and later; `modsig`
 * over `d-modsig`: ima-modsig; `evmsig`: evm-sig), judged as one (combineSignatureChecks).
 * Two callers: the policy dry run's extended check, with every key at hand, and the scan below
 * for signatures no key could ever verify, which runs when neither a key nor a policy was
 * given (otherwise the dry run reports them): a malformed value is a fact of the log alone.
 */
import type { ByteSource } from '../model/byte-source';
import type { ImaLog, IndexIntoEntryTable } from '../model/ima-log';
import { EntryReader } from '../policy/entry-reader';
import { KERNEL_HASH_ALGORITHMS, SIGNATURE_HEADER_SIZE } from '../ima/decode/signature-header';
import { decodeText } from '../util/bytes';
import { checkEvmSignature, checkImaSignature, combineSignatureChecks, type KeyCandidate, type KeyLookup, type SignatureCheck } from './ima-signature';
import { checkModsig } from './modsig';

/** Where an entry's signature fields are, by template (-1: none). */
export interface SignatureFieldsOf {
  readonly sig: number;
  readonly evmsig: number;
  readonly modsig: number;
  readonly modsigDigest: number;
}

/** Per template of the log, where its signature fields are (`ima` has no field framing). */
export function signatureFieldsOf(log: ImaLog): SignatureFieldsOf[] {
  return log.templates.map((t) => {
    const at = (id: string): number => (t.name === 'ima' ? -1 : t.fields.indexOf(id));
    return { sig: at('sig'), evmsig: at('evmsig'), modsig: at('modsig'), modsigDigest: at('d-modsig') };
  });
}

export function hasSignatureFields(where: SignatureFieldsOf): boolean {
  return where.sig >= 0 || where.evmsig >= 0 || where.modsig >= 0;
}

/**
 * The entry's signatures judged with `lookup` (keys by keyid, for `sig`) and `keys` (every key,
 * for `modsig` signers named by issuer and serial); undefined when its template has none.
 */
export function checkEntrySignatures(
  reader: EntryReader,
  i: IndexIntoEntryTable,
  where: SignatureFieldsOf,
  lookup: KeyLookup,
  keys: readonly KeyCandidate[],
): SignatureCheck | undefined {
  const { log } = reader;
  const parts: SignatureCheck[] = [];
  const sig = reader.field(i, where.sig);
  if (sig !== undefined) {
    const algorithm = log.digestAlgorithms[log.entries.fileDigestAlgorithm[i]] ?? '';
    const digest = reader.fileDigest(i);
    parts.push(checkImaSignature(sig, digest, algorithm.replace(/^(?:ima|verity):/, ''), lookup, algorithm.startsWith('verity:')));
  }
  const modsig = reader.field(i, where.modsig);
  if (modsig !== undefined) {
    const d = splitDigestField(reader.field(i, where.modsigDigest) ?? new Uint8Array(0));
    parts.push(checkModsig(modsig, d.algorithm, d.digest, keys));
  }
  const evmsig = reader.field(i, where.evmsig);
  if (evmsig !== undefined) parts.push(checkEvmSignature(evmsig));
  return parts.length === 0 ? undefined : combineSignatureChecks(parts);
}

/** `"<algo>:" ‖ 0 ‖ digest` (d-ng, d-modsig); empty when the field is empty or has no prefix. */
function splitDigestField(bytes: Uint8Array): { algorithm: string; digest: Uint8Array } {
  const nul = bytes.indexOf(0);
  if (nul < 1 || bytes[nul - 1] !== 0x3a) return { algorithm: '', digest: new Uint8Array(0) };
  return { algorithm: decodeText(bytes.subarray(0, nul - 1)), digest: bytes.subarray(nul + 1) };
}

/** What the scan found: the report's `signatures` counts as far as no key is needed. */
export interface MalformedSignatureScan {
  readonly malformed: ReadonlyArray<{ readonly index: IndexIntoEntryTable; readonly keyId?: string; readonly reason: string }>;
  /** Entries of a signing template with every signature field empty. */
  readonly unsigned: number;
  /** Well-formed signatures, not verified: no key was given. */
  readonly unchecked: number;
}

/** With no key, a well-formed signature's verdict stops at its keyid, before any crypto. */
const NO_KEYS: KeyLookup = { keylimeKey: () => undefined, candidates: () => [] };

/**
 * The signatures of the log that are malformed whatever key checks them (a wrong xattr type or
 * version, a header whose sig_size is not what follows, an unknown hash, a modsig that is no
 * PKCS#7): undefined when no template of the log has a signature field, so a list of
 * ima-ng entries costs nothing, and only entries with a non-empty field are judged.
 */
export function scanMalformedSignatures(log: ImaLog, source?: ByteSource): MalformedSignatureScan | undefined {
  const fields = signatureFieldsOf(log);
  if (!fields.some(hasSignatureFields)) return undefined;
  const reader = new EntryReader(log, source);
  const { template } = log.entries;
  const malformed: Array<MalformedSignatureScan['malformed'][number]> = [];
  let unsigned = 0;
  let unchecked = 0;
  for (let i = 0; i < log.entries.length; i++) {
    const where = fields[template[i]];
    if (!hasSignatureFields(where)) continue;
    if (where.modsig < 0 && where.evmsig < 0) {
      // Most entries hold no signature or a sound one: those skip building a verdict.
      const sig = reader.field(i, where.sig);
      if (sig !== undefined && sig.length === 0) {
        unsigned++;
        continue;
      }
      if (sig !== undefined && isSoundHeader(sig)) {
        unchecked++;
        continue;
      }
    }
    const check = checkEntrySignatures(reader, i, where, NO_KEYS, []);
    if (check === undefined) continue;
    if (check.status === 'unsigned') unsigned++;
    else if (check.status === 'malformed') malformed.push({ index: i, ...(check.keyId !== undefined && { keyId: check.keyId }), reason: check.reason ?? 'malformed' });
    else unchecked++;
  }
  return { malformed, unsigned, unchecked };
}

/**
 * A v2 (type 3) or v3 (type 6) header of the size it says, with a hash the kernel names: none
 * of checkImaSignature's malformed cases, so the scan need not ask it.
 */
function isSoundHeader(v: Uint8Array): boolean {
  if (v.length < SIGNATURE_HEADER_SIZE || v.length - SIGNATURE_HEADER_SIZE !== ((v[7] << 8) | v[8])) return false;
  return ((v[0] === 3 && v[1] === 2) || (v[0] === 6 && v[1] === 3)) && v[2] < KERNEL_HASH_ALGORITHMS.length;
}
