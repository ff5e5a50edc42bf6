/**
 * What the two IMA list kinds share: reading a list held in memory with what its sniff
 * learned, and refusing one that yields no entry.
 */
import type { RawInput } from '../analysis/analysis-types';
import { parseImaLog, type ImaParseOptions } from '../ima/parse-ima-log';
import type { LoadSink } from './load-sink';

export function loadImaList(input: RawInput, options: ImaParseOptions, sink: LoadSink): void {
  const parsed = parseImaLog(input.bytes, options);
  // A list that yields no entry at all (a --kind the file does not fit) is no list.
  if (parsed.entries.length === 0 && input.bytes.length > 0) {
    const e = parsed.errors[0];
    sink.refuse(input, e === undefined ? 'offset 0: no IMA measurement entry could be read' : `offset ${e.offset}: ${e.message}`);
    return;
  }
  const report = sink.reports.get(input);
  if (report !== undefined) sink.logs.push({ log: parsed, input: report });
}
