/**
 * The signing key id of every entry that carries an IMA signature, as a column the search
 * and the table can read without decoding entries one by one.
 *
 * The `sig` field (ima-sig, ima-sigv2, ima-modsig, custom formats with `sig`) holds the raw
 * `security.ima` xattr (ima-format.md §4.2): `type u8 ‖ version u8 ‖ hash_algo u8 ‖
 * keyid be32 ‖ sig_size be16 ‖ sig`, with type 0x03 (EVM_IMA_XATTR_DIGSIG) or 0x06
 * (IMA_VERITY_DIGSIG). The key id is the low 32 bits of the SubjectKeyIdentifier of the
 * signing certificate, always big-endian whatever the list's byte order.
 */
import type { ImaLog, IndexIntoEntryTable } from '../model/ima-log';
import { templateFieldRange } from '../ima/template-field-range';
import { SIGNATURE_HEADER_SIZE, signatureKeyIdAt } from '../ima/decode/signature-header';

/**
 * Key id per entry (`at(i)`); `NO_KEY_ID` where the entry has no signature. A list whose
 * templates have no `sig` field (most: ima-ng) gets no column at all, rather than 8 MB of
 * NO_KEY_ID per million entries.
 */
export interface KeyIdColumn {
  readonly at: (i: IndexIntoEntryTable) => number;
}
export const NO_KEY_ID = -1;

const SIGNATURE_TYPES = new Set([0x03, 0x06]);

/** Index of the `sig` field per template (-1 when it has none); `ima` has no field framing. */
export function signatureFieldIndices(log: ImaLog): readonly number[] {
  return log.templates.map((t) => (t.name === 'ima' ? -1 : t.fields.indexOf('sig')));
}

/** The key id of entry `i`, or NO_KEY_ID. `sigFields` from `signatureFieldIndices`. */
export function readKeyId(log: ImaLog, i: IndexIntoEntryTable, sigFields: readonly number[]): number {
  const field = sigFields[log.entries.template[i]];
  if (field === undefined || field < 0) return NO_KEY_ID;
  const range = templateFieldRange(log, i, field);
  if (range === undefined || range.length < SIGNATURE_HEADER_SIZE) return NO_KEY_ID;
  const o = log.bytes.at(range.offset, range.length);
  const d = log.bytes.bytes;
  if (!SIGNATURE_TYPES.has(d[o])) return NO_KEY_ID;
  return signatureKeyIdAt(d, o);
}

export function computeKeyIds(log: ImaLog): KeyIdColumn {
  const sigFields = signatureFieldIndices(log);
  if (sigFields.every((f) => f < 0)) return { at: () => NO_KEY_ID };
  const ids = new Float64Array(log.entries.length);
  for (let i = 0; i < ids.length; i++) ids[i] = readKeyId(log, i, sigFields);
  return { at: (i) => ids[i] ?? NO_KEY_ID };
}

export function formatKeyId(keyId: number): string {
  return keyId === NO_KEY_ID ? '' : keyId.toString(16).padStart(8, '0');
}
