import { describe, expect, it } from 'vitest';
import { filtersPolicyFailures, withPolicyFailures } from './policy-failures-filter';

describe('the policy failures switch edits the filter expression', () => {
  it('reads the switch from the expression\'s top-level conjuncts', () => {
    expect(filtersPolicyFailures('policy == fail')).toBe(true);
    expect(filtersPolicyFailures('pcr == 10 and policy==fail')).toBe(true);
    expect(filtersPolicyFailures('policy == fail || pcr == 10')).toBe(false);
    expect(filtersPolicyFailures('!policy == fail')).toBe(false);
    expect(filtersPolicyFailures('policy == pass')).toBe(false);
    expect(filtersPolicyFailures('policy ==')).toBe(false);
    expect(filtersPolicyFailures('')).toBe(false);
  });

  it('turning it on adds the conjunct, keeping an or-expression whole', () => {
    expect(withPolicyFailures('', true)).toBe('policy == fail');
    expect(withPolicyFailures('pcr == 10', true)).toBe('pcr == 10 && policy == fail');
    expect(withPolicyFailures('pcr == 10 || pcr == 11', true)).toBe('(pcr == 10 || pcr == 11) && policy == fail');
    expect(withPolicyFailures('pcr == 10 && policy == fail', true)).toBe('pcr == 10 && policy == fail');
    for (const s of ['pcr == 10', 'pcr == 10 || pcr == 11', 'bash']) expect(filtersPolicyFailures(withPolicyFailures(s, true))).toBe(true);
  });

  it('turning it off removes the conjunct wherever it stands', () => {
    expect(withPolicyFailures('policy == fail', false)).toBe('');
    expect(withPolicyFailures('pcr == 10 && policy == fail', false)).toBe('pcr == 10');
    expect(withPolicyFailures('policy==fail and pcr == 10', false)).toBe('pcr == 10');
    expect(withPolicyFailures('pcr == 10 && policy == fail && bash', false)).toBe('pcr == 10 && bash');
    expect(withPolicyFailures('(pcr == 10 || pcr == 11) && policy == fail', false)).toBe('(pcr == 10 || pcr == 11)');
    expect(withPolicyFailures('pcr == 10', false)).toBe('pcr == 10');
    for (const s of ['pcr == 10', 'a || b', '']) expect(withPolicyFailures(withPolicyFailures(s, true), false).trim()).toBe(s.replace(/^(.*\|\|.*)$/, '($1)'));
  });
});
