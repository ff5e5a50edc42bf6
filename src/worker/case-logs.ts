/**
 * Which IMA lists make the open case. Inputs come in drops (each drop of files is numbered
 * by the page). The lists of the latest drop that holds any decide:
 *
 * - lists dropped onto an open case that are per-bank lists of its shown log (another bank,
 *   the same first entry: bank-lists.ts) join it;
 * - any other list starts a new case: every input of the earlier drops (their lists, and the
 *   quote, signature, key and PCR values given with them) is left behind (`newCaseFrom`).
 *
 * Among the lists kept, the longest is shown and one list per other bank is its companion
 * (arrangeBankLists); a second list of a bank already taken stays in the case, unused, so that
 * the analysis says so (input-unused, as the CLI does): never dropped without a word. The
 * analysis tries each list of that bank, as the CLI does, and shows the one the PCR values or
 * quote choose instead (requests/analyze.ts, `showList`).
 */
import { arrangeBankLists, isBankListOf, isOtherBank } from '../core/analysis/bank-lists';
import type { ImaLog } from '../core/model/ima-log';
import type { InputSummary } from './protocol';

export interface CaseLog {
  readonly log: ImaLog;
  /** The drop the list came with (0 when the page does not number them). */
  readonly drop: number;
}

export interface CaseLogs<T extends CaseLog> {
  readonly primary?: T;
  readonly companions: readonly T[];
  /** Lists of an earlier case left behind, each with the list that replaced it. */
  readonly superseded: ReadonlyArray<{ readonly item: T; readonly by: T }>;
  /** Lists of the case of a bank already taken: given, read, not analysed (input-unused). */
  readonly extra: readonly T[];
  /** A new case began with this drop: inputs of earlier drops belong to the old one. */
  readonly newCaseFrom?: number;
}

/** `shown`: the list the case showed before this drop, if it is still given. */
export function arrangeCaseLogs<T extends CaseLog>(logs: readonly T[], shown: T | undefined): CaseLogs<T> {
  if (logs.length === 0) return { companions: [], superseded: [], extra: [] };
  const latest = Math.max(...logs.map((l) => l.drop));
  const group = logs.filter((l) => l.drop === latest);
  const earlier = logs.filter((l) => l.drop < latest);
  let kept = logs;
  let newCaseFrom: number | undefined;
  if (earlier.length > 0) {
    const anchor = shown !== undefined && earlier.includes(shown) ? shown : arrangeBankLists(earlier).primary;
    const joins = anchor !== undefined && group.every((l) => isBankListOf(anchor.log, l.log));
    if (!joins) {
      kept = group;
      newCaseFrom = latest;
    }
  }
  // The list shown stays shown when it is another of the longest's bank: an analysis chose it
  // (its replay reproduced the PCR values or quote), and the next one chooses again.
  const longest = arrangeBankLists(kept).primary;
  const stays = shown !== undefined && longest !== undefined && kept.includes(shown) && !isOtherBank(longest.log, shown.log);
  const { primary, companions, extra } = arrangeBankLists(kept, stays ? shown : undefined);
  if (primary === undefined) return { companions: [], superseded: [], extra: [] };
  const superseded = (newCaseFrom === undefined ? [] : earlier).map((item) => ({ item, by: primary }));
  return { primary, companions, superseded, extra, ...(newCaseFrom !== undefined ? { newCaseFrom } : {}) };
}

/** A list of the case as the page names it: by its input's id, shown under its file's name. */
interface NamedList {
  readonly inputId: string;
  readonly overview: { readonly name: string };
}

/**
 * `summary` with its part in the case marked: a companion of the list shown (`companionOf`), a
 * list of its bank not analysed (`unusedBeside`), or neither. The open marks the case it
 * arranges; an analysis that chose another list of the bank to show marks it again.
 */
export function withCasePart(
  summary: InputSummary,
  shown: NamedList | undefined,
  companions: readonly NamedList[],
  extra: readonly NamedList[],
): InputSummary {
  const { companionOf: _companionOf, unusedBeside: _unusedBeside, ...rest } = summary;
  if (shown === undefined) return rest;
  if (companions.some((c) => c.inputId === summary.id)) return { ...rest, companionOf: shown.overview.name };
  if (extra.some((c) => c.inputId === summary.id)) return { ...rest, unusedBeside: shown.overview.name };
  return rest;
}
