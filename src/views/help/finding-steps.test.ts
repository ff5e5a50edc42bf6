import { describe, expect, it } from 'vitest';
import type { Finding } from '../../core/report/report';
import { findingEntries, stepFinding } from './finding-steps';

const finding = (severity: Finding['severity'], entries?: number[]): Finding =>
  ({ code: 'violation', severity, message: '', ...(entries !== undefined && { entries }) }) as Finding;

describe('finding steps', () => {
  it('steps through error and warning entries in log order, leaving info out', () => {
    const entries = findingEntries([finding('warning', [27, 8]), finding('info', [0]), finding('error', [15, 8])]);
    expect(entries).toEqual([8, 15, 27]);
  });

  it('uses informational findings when nothing else points at an entry', () => {
    expect(findingEntries([finding('info', [4]), finding('warning')])).toEqual([4]);
  });

  it('moves forward and back from the selection, wrapping round', () => {
    const e = [8, 15, 27];
    expect(stepFinding(e, undefined, 1)).toBe(8);
    expect(stepFinding(e, undefined, -1)).toBe(27);
    expect(stepFinding(e, 8, 1)).toBe(15);
    expect(stepFinding(e, 10, 1)).toBe(15);
    expect(stepFinding(e, 27, 1)).toBe(8);
    expect(stepFinding(e, 15, -1)).toBe(8);
    expect(stepFinding(e, 8, -1)).toBe(27);
    expect(stepFinding([], 3, 1)).toBeUndefined();
  });
});
