/** Oracle: Python's `stat.filemode`, run once over every case. */
import { execFileSync } from 'node:child_process';
import { expect, it } from 'vitest';
import { formatFileMode } from './file-mode';

it('matches stat.filemode for every file type and special bit', () => {
  const types = [0o140000, 0o120000, 0o100000, 0o060000, 0o040000, 0o020000, 0o010000, 0];
  const perms = [0o7777, 0o4755, 0o2750, 0o1777, 0o4644, 0o2640, 0o1666, 0o644, 0o000, 0o111];
  const modes = types.flatMap((t) => perms.map((p) => t | p));
  const expected = execFileSync(
    'python3',
    ['-c', `import stat\nfor m in [${modes.join(',')}]: print(stat.filemode(m))`],
    { encoding: 'utf8' },
  )
    .trim()
    .split('\n');
  expect(modes.map(formatFileMode)).toEqual(expected);
});
