/**
 * What the two IMA list kinds share: reading a list held in memory with what its sniff
 * learned, and refusing one that yields no entry.
 */
import type { RawInput } from '../analysis/analysis-types';
import { parseImaLog, type ImaParseOptions } from '../ima/parse-ima-log';
import type { LoadSink } from './load-sink';
import type { ImaLog } from '../model/ima-log';

export function loadImaList(input: RawInput, options: ImaParseOptions, sink: LoadSink): void {
  const parsed = parseImaLog(input.bytes, options);
  const refused = noEntryRead(parsed, input.bytes.length);
  if (refused !== undefined) {
    sink.refuse(input, refused);
    return;
  }
  const report = sink.reports.get(input);
  if (report !== undefined) sink.logs.push({ log: parsed, input: report });
}

/**
 * Why a parsed list of `size` bytes is no list, when it yields no entry at all (a --kind the
 * file does not fit, a patched kernel's framing): an input that cannot be read as its kind
 * (`input-unreadable`, CONTRACT §5.1: exit 2), not a list with some bytes that are not entries
 * (`parse-error`). Undefined when it has an entry, or is empty. The CLI's loader and the
 * app's lists, parsed by its worker (load-inputs), are judged by this one rule.
 */
export function noEntryRead(log: Pick<ImaLog, 'entries' | 'errors'>, size: number): string | undefined {
  if (log.entries.length > 0 || size === 0) return undefined;
  const e = log.errors[0];
  return e === undefined ? 'offset 0: no IMA measurement entry could be read' : `offset ${e.offset}: ${e.message}`;
}
