/**
 * Options that write a file (`analyze --html FILE`, `compare --write-policy FILE`) never
 * overwrite the evidence: an output path that names one of the inputs, or an existing file that
 * reads as any input kind (an IMA list, PCR values, a quote, a policy…), is refused before
 * anything is read or written. `--html binary_runtime_measurements pcrs.txt` (--html taken for
 * a switch) would otherwise replace the list with the report.
 */
import { statSync, type Stats } from 'node:fs';
import { readHead } from './read-head';
import { resolve } from 'node:path';
import { SNIFF_HEAD_BYTES } from '../core/inputs/input-kind-module';
import { recogniseInput } from '../core/inputs/registry';

/** Files up to this size are sniffed whole (some kinds show only whole); larger ones by their head. */
const WHOLE_SNIFF_MAX_BYTES = 64 * 1024 * 1024;

/**
 * Why `option output` must not be written, or undefined when it may. Inputs are the same file
 * as the output when their resolved paths are equal, or when they are one file on disk (same
 * device and inode: a hard link, a symlink, another spelling through `..` or a bind mount).
 */
export function outputRefusal(option: string, output: string, inputs: readonly string[]): string | undefined {
  const target = resolve(output);
  const stat = statOrUndefined(output);
  for (const input of inputs) {
    if (resolve(input) === target) return `${option} ${output}: that is also an input file; not overwritten`;
    const other = stat === undefined ? undefined : statOrUndefined(input);
    if (stat !== undefined && other !== undefined && other.dev === stat.dev && other.ino === stat.ino) {
      return `${option} ${output}: that is the same file as the input ${input}; not overwritten`;
    }
  }
  if (stat === undefined || !stat.isFile()) return undefined;
  const kind = sniffedKind(output, stat.size);
  return kind === undefined ? undefined : `${option} ${output}: the file exists and reads as ${kind} (measurement data); not overwritten: remove it or name another file`;
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** The input kind an existing file of `size` bytes reads as; undefined when none (or it cannot be read: writing it will say why). */
function sniffedKind(path: string, size: number): string | undefined {
  // Small files whole (a structure with an exact length is judged whole), large ones by their head.
  const head = readHead(path, size <= WHOLE_SNIFF_MAX_BYTES ? size : SNIFF_HEAD_BYTES);
  return head === undefined ? undefined : recogniseInput(head.bytes, head.bytes.length === head.size)?.module.kind;
}
