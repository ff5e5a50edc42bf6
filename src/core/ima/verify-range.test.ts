// Range verification must give exactly what whole-list verification gives (flags and
// summary), however the list is split; verifyTemplateHashes is itself checked against
// independent truth in template-digests.test.ts. The built list's expected verdicts come from
// how it was built (which entries were corrupted, which are violations, which hash in the
// other byte order), and the real lists' from their provenance (every hash recomputes).
import { beforeAll, describe, expect, it } from 'vitest';
import { createWasmHashProvider, type HashProvider } from '../hash/hash-provider';
import { EntryFlag, type ImaLog } from '../model/ima-log';
import { hasSharedData, readSharedData } from '../testing/shared-data';
import { buildImaLog, type BuildEntry } from '../testing/build-ima-log';
import { encodeText } from '../util/bytes';
import { parseImaLog } from './parse-ima-log';
import { verifyTemplateHashes } from './template-digests';
import { summarizeTemplateHashes, TEMPLATE_HASH_FLAGS, verifyTemplateHashRange } from './verify-range';

let provider: HashProvider;
beforeAll(async () => {
  provider = await createWasmHashProvider();
});

/** Verifies `log` in the given ranges (with the bank the whole-list check settled). */
function verifyInRanges(log: ImaLog, cuts: readonly number[]) {
  const bank = log.digestBank;
  const bounds = [0, ...cuts, log.entries.length];
  for (let k = 0; k + 1 < bounds.length; k++) {
    verifyTemplateHashRange(log, bank === undefined ? undefined : provider.get(bank), bounds[k], bounds[k + 1]);
  }
  return summarizeTemplateHashes(log, bank);
}

function expectSameAsWhole(bytes: Uint8Array, cuts: (n: number) => number[]) {
  const whole = parseImaLog(bytes);
  const expected = verifyTemplateHashes(whole, provider);
  const split = parseImaLog(bytes);
  split.digestBank = whole.digestBank;
  // Stale verification bits must be replaced, not merged.
  for (let i = 0; i < split.entries.length; i++) split.entries.flags[i] |= TEMPLATE_HASH_FLAGS;
  const summary = verifyInRanges(split, cuts(split.entries.length));
  expect(Array.from(split.entries.flags)).toEqual(Array.from(whole.entries.flags));
  expect(summary).toEqual(expected);
  return summary;
}

describe('verifyTemplateHashRange', () => {
  it('gives the whole-list verdicts on a list with violations, corruption and opposite-order hashes', () => {
    const entries: BuildEntry[] = [];
    // Long enough that a range spans several hashing batches (1024 entries).
    for (let i = 0; i < 2600; i++) {
      entries.push({
        path: `/usr/bin/tool-${i}`,
        ...(i % 97 === 5 ? { violation: true } : {}),
        ...(i % 61 === 7 && i % 97 !== 5 ? { corruptTemplateDigest: true } : {}),
        ...(i % 53 === 11 ? { hashByteOrder: 'big' as const } : {}),
        ...(i === 3 ? { template: 'ima' } : {}),
        ...(i === 4 ? { template: 'ima', corruptTemplateDigest: true } : {}),
      });
    }
    const built = buildImaLog(entries, { provider, listBank: 'sha256' });
    const summary = expectSameAsWhole(built.binary, (n) => [1, 2, 3, 5, 64, 65, 200, n - 1]);
    expectSameAsWhole(built.binary, () => []);
    const indices = (pred: (i: number) => boolean) => entries.map((_, i) => i).filter(pred);
    expect(summary.digestBank).toBe('sha256');
    expect(summary.violations).toEqual(indices((i) => i % 97 === 5));
    expect(summary.mismatches).toEqual(indices((i) => (i % 61 === 7 || i === 4) && i % 97 !== 5));
    expect(summary.oppositeByteOrder).toEqual(indices((i) => i % 53 === 11 && i % 61 !== 7 && i % 97 !== 5));
    expect(summary.checked).toBe(2600 - summary.violations.length);
    expect(summary.unchecked).toEqual([]);
  });

  it('marks every entry unchecked (violations aside) when no hasher has the bank', () => {
    const built = buildImaLog(
      [{ path: '/a' }, { path: '/b', violation: true }, { path: '/c' }],
      { provider },
    );
    const log = parseImaLog(built.binary);
    verifyTemplateHashRange(log, undefined, 0, 3);
    expect(Array.from(log.entries.flags, (f) => f & TEMPLATE_HASH_FLAGS)).toEqual([
      EntryFlag.HashUnchecked,
      EntryFlag.Violation,
      EntryFlag.HashUnchecked,
    ]);
    expect(summarizeTemplateHashes(log, undefined)).toMatchObject({ checked: 0, unchecked: [0, 2], violations: [1] });
  });

  it('leaves an ASCII line of an unknown template unchecked, as whole-list verification does', () => {
    const built = buildImaLog([{ path: '/a' }, { path: '/b' }], { provider });
    const text = built.ascii.replace(/ ima-ng /, ' made-up ');
    const summary = expectSameAsWhole(encodeText(text), () => [1]);
    expect(summary.unchecked).toEqual([0]);
  });

  it.skipIf(!hasSharedData())('gives the whole-list verdicts on real lists (every template, violations, sha256 bank)', () => {
    expectSameAsWhole(readSharedData('realdata', 'ibmtss', 'imatest.log'), () => [1, 4, 9]);
    const sha256 = expectSameAsWhole(readSharedData('realdata', 'ima-verify', '2025-03-01', 'binary_runtime_measurements_sha256'), (n) => [
      1000,
      2048,
      n - 10,
    ]);
    // PROVENANCE: 4289 entries, 6 violations, every other template hash recomputes.
    expect(sha256).toMatchObject({ digestBank: 'sha256', checked: 4283, mismatches: [] });
    expect(sha256.violations).toHaveLength(6);
  });
});
