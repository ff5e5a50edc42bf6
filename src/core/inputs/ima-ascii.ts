/**
 * `ima-ascii`: ascii_runtime_measurements. The sniff reads the digest width of the first
 * lines (the bank's digest size), which the parser is given.
 */
import type { ImaParseOptions } from '../ima/parse-ima-log';
import { sniffAsciiList } from '../ima/ascii-list-parser';
import type { InputKindModule } from './input-kind-module';
import { loadImaList } from './ima-list';

export function asciiListOptions(digestSize: number | undefined): ImaParseOptions {
  return { format: 'ascii', ...(digestSize !== undefined ? { digestSize } : {}) };
}

export const imaAscii: InputKindModule<number> = {
  kind: 'ima-ascii',
  sniff: (sample) => sniffAsciiList(sample.head),
  load: (input, digestSize, sink) => loadImaList(input, asciiListOptions(digestSize), sink),
};
