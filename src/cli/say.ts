/**
 * What the CLI writes for a person at a terminal. Reports and messages carry names from the
 * inputs (paths measured on the machine, names in a policy, file names) that may hold escape
 * sequences, which recolour or retitle the terminal, bidi overrides, which reverse what is
 * read, or line breaks, which would start a line of their own ("VERDICT: PASS"): each such
 * character is written as its mark (visible-text.ts), never raw. `--json` output is data and
 * stays exact (JSON escapes C0 controls itself).
 */
import { controlMark, visibleText } from '../core/util/visible-text';

/** One line as a terminal shows it: its controls and line breaks marked. */
function terminalLine(line: string): string {
  return visibleText(line).replace(/\n/g, controlMark);
}

/** Lines of a report or listing for stdout, each one line on the terminal. */
export function terminalLines(lines: readonly string[]): string {
  return `${lines.map(terminalLine).join('\n')}\n`;
}

/** One message on stderr, `imascope: ` first, on one line. */
export function say(message: string): void {
  process.stderr.write(`imascope: ${terminalLine(message)}\n`);
}
