/** The pending verdict says how far the analysis is: template hashes, then the policy judgement. */
import { describe, expect, it } from 'vitest';
import type { LoadSummary } from '../../worker/protocol';
import { computeVerdict } from './verdict';

const summary = { log: { entryCount: 4000 } } as LoadSummary;

describe('computeVerdict while the analysis runs', () => {
  it('counts the template hashes checked, then the policy steps judged', () => {
    expect(computeVerdict(summary, { kind: 'pending', verified: { done: 1000, total: 4000 } }).detail).toBe('Template hashes: 1,000 of 4,000 checked (25%).');
    const judging = computeVerdict(summary, { kind: 'pending', verified: { done: 4000, total: 4000 }, judged: { done: 2000, total: 8000 } });
    expect(judging.tone).toBe('pending');
    expect(judging.detail).toBe("Runtime policy and IMA signatures: 25% judged (Keylime's pass, then every signature as the kernel checks it).");
  });
});
