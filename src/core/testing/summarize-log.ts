/**
 * A compact, JSON-friendly summary of a parsed IMA log for snapshot-style assertions
 * (Firefox Profiler's profile-summary): counts, templates, flags, the first and last
 * entries, and the errors. Two logs with equal summaries and equal `data` are the same log
 * for every practical purpose.
 */
import { EntryFlag } from '../model/ima-log';
import type { ImaLog } from '../model/ima-log';
import { readEntryName, readRecordedDigest } from '../ima/template-digests';
import { toHex } from '../util/bytes';

export interface EntrySummary {
  readonly pcr: number;
  readonly template: string;
  /** Recorded template digest, hex. */
  readonly digest: string;
  readonly name: string;
}

export interface LogSummary {
  readonly format: ImaLog['format'];
  readonly byteOrder: ImaLog['byteOrder'];
  readonly digestSize: number;
  readonly digestBank: string | undefined;
  readonly entries: number;
  /** Entries per template name, in order of first use. */
  readonly templates: Record<string, number>;
  /** Entries per PCR index. */
  readonly pcrs: Record<number, number>;
  /** Entries carrying each EntryFlag bit (only bits that occur). */
  readonly flags: Record<string, number>;
  readonly digestAlgorithms: readonly string[];
  readonly first: EntrySummary | undefined;
  readonly last: EntrySummary | undefined;
  readonly errors: readonly { offset: number; message: string }[];
  readonly sourceSize: number;
  readonly dataSize: number;
}

export function summarizeEntry(log: ImaLog, i: number): EntrySummary {
  return {
    pcr: log.entries.pcr[i],
    template: log.templates[log.entries.template[i]].name,
    digest: toHex(readRecordedDigest(log, i)),
    name: readEntryName(log, i),
  };
}

export function summarizeLog(log: ImaLog): LogSummary {
  const n = log.entries.length;
  const templates: Record<string, number> = {};
  const pcrs: Record<number, number> = {};
  const flags: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const t = log.templates[log.entries.template[i]].name;
    templates[t] = (templates[t] ?? 0) + 1;
    const pcr = log.entries.pcr[i];
    pcrs[pcr] = (pcrs[pcr] ?? 0) + 1;
    for (const [name, bit] of Object.entries(EntryFlag)) {
      if ((log.entries.flags[i] & bit) !== 0) flags[name] = (flags[name] ?? 0) + 1;
    }
  }
  return {
    format: log.format,
    byteOrder: log.byteOrder,
    digestSize: log.digestSize,
    digestBank: log.digestBank,
    entries: n,
    templates,
    pcrs,
    flags,
    digestAlgorithms: log.digestAlgorithms,
    first: n > 0 ? summarizeEntry(log, 0) : undefined,
    last: n > 0 ? summarizeEntry(log, n - 1) : undefined,
    errors: log.errors.map((e) => ({ offset: e.offset, message: e.message })),
    sourceSize: log.sourceSize,
    dataSize: log.data.length,
  };
}
