/**
 * Structural invariants every parsed IMA log must satisfy, whatever the input: entries in
 * order and inside `data`, each entry's regions inside the entry, lengths that agree with
 * the framing words, indices that point into their tables. Throws an Error naming the
 * first broken invariant (test helper).
 */
import { NO_DIGEST_ALGORITHM, templateDataOffset, templateDataSize } from '../model/ima-log';
import type { ImaLog } from '../model/ima-log';
import { readU32 } from '../ima/template-registry';

export function assertLogIntegrity(log: ImaLog): void {
  const e = log.entries;
  const n = e.length;
  const check = (ok: boolean, i: number, what: string): void => {
    if (!ok) throw new Error(`entry ${i}: ${what}`);
  };
  const columns = [
    e.entryOffset,
    e.sourceOffset,
    e.entrySize,
    e.pcr,
    e.template,
    e.flags,
    e.nameOffset,
    e.nameLength,
    e.fileDigestOffset,
    e.fileDigestLength,
    e.fileDigestAlgorithm,
  ];
  if (columns.some((c) => c.length !== n)) throw new Error('a column length differs from n');
  if (log.format === 'binary' && log.data.length !== log.sourceSize) {
    throw new Error(`binary log: data has ${log.data.length} bytes, the source ${log.sourceSize}`);
  }
  const le = log.byteOrder === 'little';
  const D = log.digestSize;
  let previousEnd = 0;
  let previousSource = -1;
  for (let i = 0; i < n; i++) {
    const start = e.entryOffset[i];
    const end = start + e.entrySize[i];
    const source = e.sourceOffset[i];
    check(start >= previousEnd, i, `starts at ${start}, before the previous end ${previousEnd}`);
    check(end <= log.data.length, i, `ends at ${end}, past data (${log.data.length})`);
    const binary = log.format === 'binary';
    check(binary || start === previousEnd, i, 're-encoded entries are not back to back');
    check(!binary || source === start, i, 'binary sourceOffset differs from entryOffset');
    check(source > previousSource && source < log.sourceSize, i, 'sourceOffset out of order');
    previousEnd = end;
    previousSource = source;

    check(e.pcr[i] <= 63, i, `PCR ${e.pcr[i]}`);
    check(readU32(log.data, start, le) === e.pcr[i], i, 'pcr column differs from the PCR word');
    check(e.template[i] < log.templates.length, i, 'template index out of range');
    const template = log.templates[e.template[i]].name;
    const nameLen = readU32(log.data, start + 4 + D, le);
    check(template.length === nameLen, i, 'template name length differs from its word');

    const td = templateDataOffset(log, i);
    const tdEnd = td + templateDataSize(log, i);
    check(td >= start + 8 + D + nameLen && tdEnd === end, i, 'template data is not the entry tail');
    const L = template === 'ima' ? templateDataSize(log, i) : readU32(log.data, td - 4, le);
    check(L === templateDataSize(log, i), i, 'template data size differs from the L word');
    const within = (off: number, len: number): boolean =>
      len === 0 || (off >= td && off + len <= tdEnd);
    check(within(e.nameOffset[i], e.nameLength[i]), i, 'name outside the template data');
    check(within(e.fileDigestOffset[i], e.fileDigestLength[i]), i, 'digest outside its region');
    const alg = e.fileDigestAlgorithm[i];
    const hasDigest = e.fileDigestLength[i] > 0;
    check(!hasDigest || alg < log.digestAlgorithms.length, i, 'file digest algorithm out of range');
    check(hasDigest || alg === NO_DIGEST_ALGORITHM, i, 'algorithm set without a file digest');
  }
  let previousError = -1;
  for (const err of log.errors) {
    if (err.offset < previousError || err.offset > log.sourceSize) {
      throw new Error(`error offsets out of order or range: ${err.offset}`);
    }
    if (err.message.length === 0) throw new Error('error without a message');
    previousError = err.offset;
  }
}
