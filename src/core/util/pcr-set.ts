/** PCR index sets as people write them, for the CLI, the app and finding messages. */

/** [10, 0, 1, 2, 3, 7] → "0–3, 7, 10" (sorted; runs of consecutive PCRs as ranges). */
export function formatPcrSet(pcrs: readonly number[]): string {
  const sorted = [...pcrs].sort((a, b) => a - b);
  const runs: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    runs.push(j === i ? `${sorted[i]}` : `${sorted[i]}–${sorted[j]}`);
    i = j + 1;
  }
  return runs.join(', ');
}
