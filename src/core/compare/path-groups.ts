/**
 * Where a person would file a path when reading what changed: the package-like prefixes that
 * move together on an update (a kernel's module tree, a multiarch library directory, a snap
 * revision, a Python package), and otherwise the file's directory. Grouping by these turns
 * "412 lines of /usr/lib/modules/6.8.0-49/kernel/…" into one line.
 */

export type PathGroupKind = 'kernel-modules' | 'package' | 'directory' | 'records';

export interface PathGroup {
  /** The prefix (no trailing slash), or RECORDS_GROUP for names that are not paths. */
  readonly key: string;
  readonly kind: PathGroupKind;
}

/** The group of names that are not absolute paths (ima-buf records, kernel event names). */
export const RECORDS_GROUP = '(records without a path)';

/** Each captures the group's prefix; the first that matches wins. */
const PREFIXES: ReadonlyArray<readonly [RegExp, PathGroupKind]> = [
  [/^(\/(?:usr\/)?lib\/modules\/[^/]+)\//, 'kernel-modules'],
  [/^(\/usr\/src\/linux-(?:headers|kbuild)-[^/]+)\//, 'package'],
  // A multiarch directory, and its first subdirectory when the file is deeper (gconv, perl…).
  [/^(\/(?:usr\/)?lib(?:32|64|x32)?\/[^/]*-linux-[^/]*(?:\/[^/]+(?=\/))?)\//, 'package'],
  [/^(\/usr\/(?:local\/)?lib\/python[^/]*\/(?:site|dist)-packages\/[^/]+)\//, 'package'],
  [/^(\/usr\/lib\/jvm\/[^/]+)\//, 'package'],
  [/^(\/snap\/[^/]+\/[^/]+)\//, 'package'],
  [/^(\/opt\/[^/]+)\//, 'package'],
  [/^(\/nix\/store\/[^/]+)\//, 'package'],
  [/^(\/var\/lib\/docker\/overlay2\/[^/]+)\//, 'package'],
  [/^(\/var\/lib\/containers\/storage\/overlay\/[^/]+)\//, 'package'],
];

export function pathGroup(path: string): PathGroup {
  if (!path.startsWith('/')) return { key: RECORDS_GROUP, kind: 'records' };
  for (const [pattern, kind] of PREFIXES) {
    const m = pattern.exec(path);
    if (m) return { key: m[1], kind };
  }
  const slash = path.lastIndexOf('/');
  return { key: slash === 0 ? '/' : path.slice(0, slash), kind: 'directory' };
}
