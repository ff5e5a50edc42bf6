import { describe, expect, it } from 'vitest';
import { hasInvisibleControls, visibleParts, visibleText } from './visible-text';

describe('names that would spoof', () => {
  it('a right-to-left override is shown as a mark, not obeyed', () => {
    const name = '/tmp/evil\u202Eos.fdp';
    expect(visibleText(name)).toBe('/tmp/evil⟨U+202E⟩os.fdp');
    expect(visibleParts(name)).toEqual([
      { text: '/tmp/evil', control: false },
      { text: '⟨U+202E⟩', control: true },
      { text: 'os.fdp', control: false },
    ]);
  });

  it('every bidi embedding, override and isolate, and other invisible controls, are marked', () => {
    for (const cp of [0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069, 0x200b, 0x200e, 0x200f, 0xfeff, 0x00ad, 0x1b, 0x7f, 0x85]) {
      const ch = String.fromCodePoint(cp);
      expect(hasInvisibleControls(`a${ch}b`)).toBe(true);
      expect(visibleText(`a${ch}b`)).toBe(`a⟨U+${cp.toString(16).toUpperCase().padStart(4, '0')}⟩b`);
    }
  });

  it('ordinary names, tabs, newlines and right-to-left letters are left alone', () => {
    for (const s of ['/usr/bin/ls', 'a\tb', 'שלום.txt', 'ملف', '']) {
      expect(hasInvisibleControls(s)).toBe(false);
      expect(visibleText(s)).toBe(s);
    }
    expect(visibleParts('')).toEqual([{ text: '', control: false }]);
  });
});
