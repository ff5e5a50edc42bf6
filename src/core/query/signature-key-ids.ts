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

/** Key id per entry; `NO_KEY_ID` where the entry has no signature. */
export type KeyIdColumn = Float64Array;
export const NO_KEY_ID = -1;

const SIGNATURE_TYPES = new Set([0x03, 0x06]);
const SIGNATURE_HEADER_SIZE = 9;

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
  const d = log.data;
  const o = range.offset;
  if (!SIGNATURE_TYPES.has(d[o])) return NO_KEY_ID;
  return d[o + 3] * 0x1000000 + (d[o + 4] << 16) + (d[o + 5] << 8) + d[o + 6];
}

export function computeKeyIds(log: ImaLog): KeyIdColumn {
  const sigFields = signatureFieldIndices(log);
  const out = new Float64Array(log.entries.length).fill(NO_KEY_ID);
  if (sigFields.every((f) => f < 0)) return out;
  for (let i = 0; i < out.length; i++) out[i] = readKeyId(log, i, sigFields);
  return out;
}

export function formatKeyId(keyId: number): string {
  return keyId === NO_KEY_ID ? '' : keyId.toString(16).padStart(8, '0');
}
