import { describe, expect, it } from 'vitest';
import { completeFilter, type CompletionValues } from './filter-complete';

const VALUES: CompletionValues = { templates: ['ima-ng', 'ima-sig', 'my template'], pcrs: [10, 11], algorithms: ['sha256', 'ima:sha512'] };
const labels = (text: string, caret = text.length): string[] => completeFilter(text, caret, VALUES).items.map((i) => i.label);

describe('completeFilter', () => {
  it('offers field names where a condition starts', () => {
    expect(labels('')).toContain('pcr');
    expect(labels('te')).toEqual(['template']);
    expect(labels('pcr == 10 and t')).toEqual(['template', 'tdigest']);
    expect(labels('not (k')).toEqual(['keyid', 'kexec']);
  });

  it('offers the operators a field takes', () => {
    expect(labels('pcr ')).toEqual(['==', '!=', '<', '<=', '>', '>=', 'in']);
    expect(labels('sig ')).toEqual(['==', '!=', 'in']);
    expect(labels('name c')).toEqual(['contains']);
  });

  it('offers the values of the field being compared, quoted when needed, and replaces the word typed', () => {
    expect(labels('template == ')).toEqual(['ima-ng', 'ima-sig', 'my template']);
    const c = completeFilter('pcr == 10 && template == ima-s', 30, VALUES);
    expect(c).toMatchObject({ start: 25, end: 30, items: [{ label: 'ima-sig', insert: 'ima-sig ' }] });
    expect(completeFilter('template == my', 14, VALUES).items[0].insert).toBe('"my template" ');
    expect(labels('status == hash')).toEqual(['hash-mismatch']);
    expect(labels('sig in {valid ')).toEqual(['valid', 'invalid', 'unknown-key', 'unsigned', 'none']);
    expect(labels('alg == ')).toEqual(['sha256', 'sha512']);
    expect(labels('pcr == 1')).toEqual(['10', '11']);
  });

  it('offers and / or after a condition, and nothing inside an open string', () => {
    expect(labels('pcr == 10 ')).toEqual(['and', 'or']);
    expect(labels('bash ')).toEqual(['and', 'or']);
    expect(labels('name contains "ab')).toEqual([]);
  });
});
