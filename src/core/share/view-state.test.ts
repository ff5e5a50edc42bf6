/**
 * The view in the address: a round trip keeps every field, and forged fragments lose only
 * the fields that do not fit.
 */
import { describe, expect, it } from 'vitest';
import { decodeViewState, encodeViewState, isViewFragment, type ViewState } from './view-state';

describe('view state in the fragment', () => {
  it('round-trips every field, in a fixed order, defaults left out', () => {
    const view: ViewState = {
      entry: 1234,
      filter: 'pcr == 10 && name matches "\\.so$" || "a&b=c#d"',
      sort: { column: 'name', descending: true },
      pcrs: [10, 11],
      templates: ['ima-ng', 'd-ng|n-ng|sig', 'a,b'],
      statuses: ['violation', 'mismatch'],
      range: { start: 5, end: 900 },
      zoom: { start: 100.25, end: 350 },
      tab: 'firmware',
      replayOpen: false,
      log: '0123456789abcdef',
    };
    const text = encodeViewState(view);
    expect(text.startsWith('entry=1234&filter=')).toBe(true);
    expect(text).toContain('&sort=-name&pcr=10%2C11&template=ima-ng&template=d-ng%7Cn-ng%7Csig&template=a%2Cb&status=violation%2Cmismatch&range=5-900&zoom=100.25-350&tab=firmware&replay=0&log=0123456789abcdef');
    expect(decodeViewState(`#${text}`)).toEqual(view);
    expect(encodeViewState({ sort: { column: 'index', descending: false }, tab: 'ima', replayOpen: true, filter: '  ' })).toBe('');
  });

  it('drops each field that does not fit, keeping the rest', () => {
    expect(decodeViewState('entry=-1&filter=pcr==10')).toEqual({ filter: 'pcr==10' });
    expect(decodeViewState('entry=1.5')).toEqual({});
    expect(decodeViewState('entry=99999999999')).toEqual({});
    expect(decodeViewState('entry=0x10')).toEqual({});
    expect(decodeViewState('entry=7&entry=8')).toEqual({ entry: 7 });
    expect(decodeViewState('sort=constructor')).toEqual({});
    expect(decodeViewState('sort=-__proto__&tab=toString&replay=yes')).toEqual({});
    expect(decodeViewState('pcr=10,256,x,10,11')).toEqual({ pcrs: [10, 11] });
    expect(decodeViewState('status=violation,constructor')).toEqual({ statuses: ['violation'] });
    expect(decodeViewState(`template=${'x'.repeat(300)}&template=ima-ng&template=`)).toEqual({ templates: ['ima-ng'] });
    expect(decodeViewState('range=9-3&zoom=1-1')).toEqual({});
    expect(decodeViewState('range=1.5-3&zoom=0.5-2.25')).toEqual({ zoom: { start: 0.5, end: 2.25 } });
    expect(decodeViewState('log=ABCDEF0123456789&filter=')).toEqual({});
    expect(decodeViewState(`filter=${'a'.repeat(1001)}`)).toEqual({});
    expect(decodeViewState('%E0%A4%A&entry=%')).toEqual({});
    expect(decodeViewState('__proto__=1&constructor=2&entry=3')).toEqual({ entry: 3 });
  });

  it('leaves the permalink fragment alone', () => {
    expect(isViewFragment('#r=1.abc')).toBe(false);
    expect(isViewFragment('#entry=3')).toBe(true);
    expect(decodeViewState('#r=1.entry=3')).toEqual({});
  });
});
