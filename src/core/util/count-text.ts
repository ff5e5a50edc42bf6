/**
 * Counts in text, the same in the CLI, the reports and the app: digits group with a fixed
 * locale (en-US) so output does not depend on the machine that printed it.
 */
const INTEGER = new Intl.NumberFormat('en-US');

export function formatCount(n: number): string {
  return INTEGER.format(n);
}

/** "1 entry", "2 entries", "1,024 PCR values". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}
