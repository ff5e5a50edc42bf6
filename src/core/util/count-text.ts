/**
 * Counts in text, the same in the CLI, the reports and the app: digits group with a fixed
 * locale (en-US) so output does not depend on the machine that printed it.
 */

/**
 * Made on first use for what is not a count (fractions, negatives, -0): constructing an
 * Intl.NumberFormat loads ICU's locale data, ~17 ms of CPU, a tenth of the CLI's start-up
 * (issue 14), and counts do not need it.
 */
let intl: Intl.NumberFormat | undefined;

export function formatCount(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0 || Object.is(n, -0)) return (intl ??= new Intl.NumberFormat('en-US')).format(n);
  // en-US groups a whole number's digits by threes with commas.
  const digits = String(n);
  let out = digits.slice(0, ((digits.length - 1) % 3) + 1);
  for (let i = out.length; i < digits.length; i += 3) out += `,${digits.slice(i, i + 3)}`;
  return out;
}

/** "1 entry", "2 entries", "1,024 PCR values". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}
