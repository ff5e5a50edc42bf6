/**
 * Names for inputs that tell them apart. An input is named by its file's base name, as users
 * call it; two files of one name (a list from each of two boots, both
 * `binary_runtime_measurements`) are named by as many of their last path parts as tell them
 * apart (`2025-03-01/binary_runtime_measurements`), and one file given twice by its name and
 * its place among them (`list (2)`), so that no message or finding names two inputs alike.
 */
export function distinctNames(paths: readonly string[]): string[] {
  const parts = paths.map((p) => p.split('/').filter((s, i, all) => s !== '' || i === all.length - 1));
  const names = parts.map((p) => p[p.length - 1]);
  for (let depth = 2; ; depth++) {
    // Only other files need more of the path: the same one given again is numbered below.
    const clashing = clashes(names);
    const longer = clashing.filter((k) => parts[k].length >= depth && clashing.some((j) => names[j] === names[k] && paths[j] !== paths[k]));
    for (const k of longer) names[k] = parts[k].slice(-depth).join('/');
    if (longer.length === 0) break;
  }
  // Still alike: the same path given more than once (or paths alike to their root).
  const taken = new Set<string>();
  return names.map((name) => unusedName(name, taken));
}

/** `name`, or `name (2)`, `name (3)`… the first not in `taken`; added to it. */
export function unusedName(name: string, taken: Set<string>): string {
  let out = name;
  for (let n = 2; taken.has(out); n++) out = `${name} (${n})`;
  taken.add(out);
  return out;
}

/** Indexes of the names another one shares. */
function clashes(names: readonly string[]): number[] {
  const count = new Map<string, number>();
  for (const n of names) count.set(n, (count.get(n) ?? 0) + 1);
  return names.flatMap((n, k) => ((count.get(n) ?? 0) > 1 ? [k] : []));
}
