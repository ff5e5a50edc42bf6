/**
 * The entries a permalink carries with option includeEntries: those its findings name, so
 * the opener sees "entry #1234 is /usr/bin/foo, template digest …, mismatch" without the
 * log. Each finding contributes at most its first ENTRIES_PER_FINDING entries (a finding
 * naming 10,000 violations needs a few examples, not all), merged in log order.
 * Runs where the log is: in the worker, or the CLI.
 */
import type { ImaLog } from '../model/ima-log';
import type { Report } from '../report/report';
import { computeKeyIds, type KeyIdColumn } from '../query/signature-key-ids';
import { entryRow } from '../export/entry-row';
import { SCHEMA_LIMITS, type PermalinkEntry } from './permalink-schema';

export const ENTRIES_PER_FINDING = 20;

export function collectFindingEntries(log: ImaLog, report: Report, keyIds?: KeyIdColumn): PermalinkEntry[] {
  const wanted = new Set<number>();
  for (const f of report.findings) {
    for (const i of (f.entries ?? []).slice(0, ENTRIES_PER_FINDING)) {
      if (Number.isInteger(i) && i >= 0 && i < log.entries.length) wanted.add(i);
    }
  }
  if (wanted.size === 0) return [];
  const column = keyIds ?? computeKeyIds(log);
  return [...wanted]
    .sort((a, b) => a - b)
    .map((i) => {
      const row = entryRow(log, i, column);
      // A link never carries a name it would refuse to open (PATH_MAX-sized names are real).
      return row.name.length > SCHEMA_LIMITS.name ? { ...row, name: `${row.name.slice(0, SCHEMA_LIMITS.name - 1)}…` } : row;
    });
}
