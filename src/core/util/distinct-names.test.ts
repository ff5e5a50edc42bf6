import { describe, expect, it } from 'vitest';
import { distinctNames } from './distinct-names';

describe('distinctNames', () => {
  it('keeps base names that differ', () => {
    expect(distinctNames(['/a/list', 'b/pcrs', 'quote.msg'])).toEqual(['list', 'pcrs', 'quote.msg']);
  });

  it('adds as many path parts as tell two files of one name apart, and no more', () => {
    expect(distinctNames(['/d/2025-03-01/brm', '/d/2025-03-08/brm', '/d/2025-03-08/pcrs'])).toEqual(['2025-03-01/brm', '2025-03-08/brm', 'pcrs']);
    expect(distinctNames(['x/a/brm', 'y/a/brm', 'brm2'])).toEqual(['x/a/brm', 'y/a/brm', 'brm2']);
    expect(distinctNames(['a/brm', 'brm'])).toEqual(['a/brm', 'brm']);
  });

  it('numbers the same file given twice', () => {
    expect(distinctNames(['/d/list', '/d/list', 'list'])).toEqual(['d/list', 'd/list (2)', 'list']);
    expect(distinctNames(['/a/b/c/pcrs', '/a/b/c/pcrs', 'list'])).toEqual(['pcrs', 'pcrs (2)', 'list']);
    expect(distinctNames(['list', 'list'])).toEqual(['list', 'list (2)']);
    // A number already taken by a file's own name is skipped: no two names alike.
    expect(distinctNames(['a/x (2)', 'b/x', 'b/x'])).toEqual(['x (2)', 'x', 'x (3)']);
  });
});
