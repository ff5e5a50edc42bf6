/**
 * What the CLI writes for a person at a terminal. Reports and messages carry names from the
 * inputs (paths measured on the machine, names in a policy, file names) that may hold escape
 * sequences, which recolour or retitle the terminal, or bidi overrides, which reverse what is
 * read: each such character is written as its mark (visible-text.ts), never raw. `--json`
 * output is data and stays exact (JSON escapes C0 controls itself).
 */
import { visibleText } from '../core/util/visible-text';

/** A report or listing for stdout, safe for a terminal. */
export function terminalText(text: string): string {
  return visibleText(text);
}

/** One message on stderr, `imascope: ` first. */
export function say(message: string): void {
  process.stderr.write(`imascope: ${visibleText(message)}\n`);
}
