/**
 * How many entries each template and each PCR has: the overview's counts, the report's
 * templates and the timeline's PCR lanes all read them (one pass over two columns).
 */
import type { ImaLog } from './ima-log';

export interface PcrCount {
  readonly pcr: number;
  readonly count: number;
}

export interface EntryCounts {
  /** Entries per template, by index into `log.templates`. */
  readonly perTemplate: Uint32Array;
  /** The PCRs the log extends, ascending, with their entry counts. */
  readonly pcrs: readonly PcrCount[];
}

export function countEntries(log: ImaLog): EntryCounts {
  const e = log.entries;
  const perTemplate = new Uint32Array(log.templates.length);
  const perPcr = new Uint32Array(256);
  for (let i = 0; i < e.length; i++) {
    perTemplate[e.template[i]]++;
    perPcr[e.pcr[i]]++;
  }
  const pcrs: PcrCount[] = [];
  perPcr.forEach((count, pcr) => {
    if (count > 0) pcrs.push({ pcr, count });
  });
  return { perTemplate, pcrs };
}
