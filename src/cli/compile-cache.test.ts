import { describe, expect, it } from 'vitest';
import { openCache, sealCache, sourceDigestOf } from './compile-cache';

describe('the CLI code cache is tied to its bundle', () => {
  const bundle = Buffer.from('module.exports.main = () => 1;');
  const data = Buffer.from([1, 2, 3, 4]);

  it('opens the data made from the same bundle', () => {
    expect(openCache(sealCache(sourceDigestOf(bundle), data), sourceDigestOf(bundle))).toEqual(data);
  });

  it('refuses the data of a bundle edited to the same length, which V8 itself would accept', () => {
    const edited = Buffer.from('module.exports.main = () => 2;');
    expect(edited.length).toBe(bundle.length);
    expect(openCache(sealCache(sourceDigestOf(bundle), data), sourceDigestOf(edited))).toBeUndefined();
  });

  it('refuses a file too short to hold a digest, or a cache from before the digest', () => {
    expect(openCache(Buffer.from([1, 2]), sourceDigestOf(bundle))).toBeUndefined();
    expect(openCache(data, sourceDigestOf(bundle))).toBeUndefined();
  });
});
