/**
 * `ima-binary`: binary_runtime_measurements in either byte order, or a per-bank
 * `..._sha256` list (ima-format.md §2.3). The sniff finds the byte order and digest size
 * (sniff-ima.ts); the parser is given them and does not search again.
 */
import type { BinaryFraming } from '../ima/binary-list-parser';
import type { ImaParseOptions } from '../ima/parse-ima-log';
import { sniffBinaryImaList } from '../ima/sniff-ima';
import type { InputKindModule } from './input-kind-module';
import { loadImaList } from './ima-list';

/** Parser options for a binary list: its framing when the sniff found it. */
export function binaryListOptions(framing: BinaryFraming | undefined): ImaParseOptions {
  return { format: 'binary', ...(framing !== undefined ? { byteOrder: framing.byteOrder, digestSize: framing.digestSize } : {}) };
}

export const imaBinary: InputKindModule<BinaryFraming> = {
  kind: 'ima-binary',
  sniff: (sample) => sniffBinaryImaList(sample.head),
  load: (input, framing, sink) => loadImaList(input, binaryListOptions(framing), sink),
};
