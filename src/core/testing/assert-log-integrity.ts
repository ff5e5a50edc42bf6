/**
 * Structural invariants every parsed IMA log must satisfy, whatever the input: entries in
 * order and inside `data`, each entry's regions inside the entry, lengths that agree with
 * the framing words, indices that point into their tables. Throws an Error naming the
 * first broken invariant (test helper).
 */
import { NO_DIGEST_ALGORITHM } from '../model/ima-log';
import type { ImaLog } from '../model/ima-log';
import { readU32 } from '../ima/template-registry';

export function assertLogIntegrity(log: ImaLog): void {
  const e = log.entries;
  const n = e.length;
  const fail = (i: number, what: string): never => {
    throw new Error(`entry ${i}: ${what}`);
  };
  const columns = [
    e.entryOffset, e.sourceOffset, e.entrySize, e.pcr, e.template, e.flags, e.templateDataOffset,
    e.templateDataSize, e.nameOffset, e.nameLength, e.fileDigestOffset, e.fileDigestLength,
    e.fileDigestAlgorithm,
  ];
  if (columns.some((c) => c.length !== n)) throw new Error('a column length differs from entries.length');
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
    if (start < previousEnd) fail(i, `starts at ${start}, before the previous entry ends (${previousEnd})`);
    if (end > log.data.length) fail(i, `ends at ${end}, past data (${log.data.length})`);
    if (log.format === 'ascii' && start !== previousEnd) fail(i, 're-encoded entries are not back to back');
    if (log.format === 'binary' && e.sourceOffset[i] !== start) fail(i, 'binary sourceOffset differs from entryOffset');
    if (e.sourceOffset[i] <= previousSource || e.sourceOffset[i] >= log.sourceSize) fail(i, 'sourceOffset out of order or range');
    previousEnd = end;
    previousSource = e.sourceOffset[i];
    if (e.pcr[i] > 63) fail(i, `PCR ${e.pcr[i]}`);
    if (readU32(log.data, start, le) !== e.pcr[i]) fail(i, 'pcr column differs from the PCR word');
    if (e.template[i] >= log.templates.length) fail(i, 'template index out of range');
    const nameLen = readU32(log.data, start + 4 + D, le);
    if (log.templates[e.template[i]].name.length !== nameLen) fail(i, 'template name length differs from its word');
    const td = e.templateDataOffset[i];
    const tdEnd = td + e.templateDataSize[i];
    if (td < start + 8 + D + nameLen || tdEnd !== end) fail(i, 'template data is not the tail of the entry');
    if (log.templates[e.template[i]].name !== 'ima' && readU32(log.data, td - 4, le) !== e.templateDataSize[i]) {
      fail(i, 'templateDataSize differs from the L word');
    }
    const within = (off: number, len: number): boolean => len === 0 || (off >= td && off + len <= tdEnd);
    if (!within(e.nameOffset[i], e.nameLength[i])) fail(i, 'name outside the template data');
    if (!within(e.fileDigestOffset[i], e.fileDigestLength[i])) fail(i, 'file digest outside the template data');
    const alg = e.fileDigestAlgorithm[i];
    if (e.fileDigestLength[i] > 0 && alg >= log.digestAlgorithms.length) fail(i, 'file digest algorithm index out of range');
    if (e.fileDigestLength[i] === 0 && alg !== NO_DIGEST_ALGORITHM) fail(i, 'algorithm set without a file digest');
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
