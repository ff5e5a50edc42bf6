/**
 * `ls -l` style text of an inode mode (the `imode` field of evm-sig): file type letter, then
 * rwx triplets with setuid/setgid (`s`/`S`) and sticky (`t`/`T`), as coreutils and Python's
 * `stat.filemode()` print it.
 */

const TYPE_LETTERS: Readonly<Record<number, string>> = {
  0o140000: 's',
  0o120000: 'l',
  0o100000: '-',
  0o060000: 'b',
  0o040000: 'd',
  0o020000: 'c',
  0o010000: 'p',
};

export function formatFileMode(mode: number): string {
  const type = TYPE_LETTERS[mode & 0o170000] ?? '?';
  const triplet = (shift: number, special: boolean, specialLetter: string): string => {
    const r = mode & (4 << shift) ? 'r' : '-';
    const w = mode & (2 << shift) ? 'w' : '-';
    const executable = (mode & (1 << shift)) !== 0;
    const x = special
      ? executable
        ? specialLetter
        : specialLetter.toUpperCase()
      : executable
        ? 'x'
        : '-';
    return r + w + x;
  };
  return (
    type +
    triplet(6, (mode & 0o4000) !== 0, 's') +
    triplet(3, (mode & 0o2000) !== 0, 's') +
    triplet(0, (mode & 0o1000) !== 0, 't')
  );
}
