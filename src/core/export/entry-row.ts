/**
 * One entry of the table as plain strings and numbers: what the CSV export writes and what a
 * permalink carries for the entries its findings name. The columns are the app's table
 * columns (#, PCR, template, template digest, status, file digest algorithm, file digest,
 * name, key id); empty strings where an entry has no such field.
 */
import { NO_DIGEST_ALGORITHM, type ImaLog, type IndexIntoEntryTable } from '../model/ima-log';
import { readEntryName, readRecordedDigest } from '../ima/template-digests';
import { entryStatus, type EntryStatus } from '../query/entry-status';
import { formatKeyId, type KeyIdColumn } from '../query/signature-key-ids';
import { toHex } from '../util/bytes';

export interface EntryRow {
  readonly index: IndexIntoEntryTable;
  readonly pcr: number;
  /** Template name as written (a custom template's name is its format string). */
  readonly template: string;
  /** Lowercase hex of the recorded template digest, in the list's bank. */
  readonly templateDigest: string;
  readonly status: EntryStatus;
  /** "sha256", "ima:sha256", "sha1" for a `d` field …; '' without a file digest. */
  readonly fileDigestAlgorithm: string;
  readonly fileDigest: string;
  /** File or event name, decoded as UTF-8 (invalid bytes become U+FFFD). */
  readonly name: string;
  /** 8 hex digits of the signing key id; '' when the entry carries no signature. */
  readonly keyId: string;
}

export function entryRow(log: ImaLog, i: IndexIntoEntryTable, keyIds: KeyIdColumn): EntryRow {
  const e = log.entries;
  const algorithm = e.fileDigestAlgorithm[i];
  const digestLength = e.fileDigestLength[i];
  const digestAt = log.bytes.at(e.fileDigestOffset[i], digestLength);
  const fileDigest = toHex(log.bytes.bytes.subarray(digestAt, digestAt + digestLength));
  return {
    index: i,
    pcr: e.pcr[i],
    template: log.templates[e.template[i]].name,
    templateDigest: toHex(readRecordedDigest(log, i)),
    status: entryStatus(e.flags[i]),
    fileDigestAlgorithm: algorithm === NO_DIGEST_ALGORITHM ? '' : log.digestAlgorithms[algorithm],
    fileDigest,
    name: readEntryName(log, i),
    keyId: formatKeyId(keyIds.at(i)),
  };
}
