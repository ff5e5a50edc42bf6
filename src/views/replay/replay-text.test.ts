import { describe, expect, it } from 'vitest';
import { clockText, coverageSentence, DIGEST_WORDS, digestInputGroups, hypothesisWords, NONCE_WORDS, outcomeOf, replayHeadline, signatureOutcome, signatureWord } from './replay-text';

describe('replay panel wording', () => {
  it('says where the log meets the quote', () => {
    expect(coverageSentence('The quote', 151, 201)).toBe('The quote covers entries 1–151 of 201; 50 were measured after it.');
    expect(coverageSentence('The quote', 200, 201)).toBe('The quote covers entries 1–200 of 201; 1 was measured after it.');
    expect(coverageSentence('The quote', 201, 201)).toBe('The quote covers all 201 entries of the log.');
  });

  it('groups digest inputs by source, PCR sets as ranges', () => {
    expect(
      digestInputGroups([
        ...[0, 1, 2].map((pcr) => ({ bank: 'sha256', pcr, source: 'supplied' as const })),
        { bank: 'sha256', pcr: 10, source: 'log' as const },
      ]).map((g) => g.text),
    ).toEqual(['sha256 PCRs 0–2 from supplied values', 'sha256 PCR 10 from IMA replay']);
  });

  it('words each quote check the same in the chips and the verification card', () => {
    expect([true, false, undefined].map((v) => NONCE_WORDS[outcomeOf(v)])).toEqual(['matches', 'differs', 'not given']);
    expect([true, false, undefined].map((v) => DIGEST_WORDS[outcomeOf(v)])).toEqual(['reproduced', 'differs', 'not checked']);
    expect((['valid', 'invalid', 'unchecked'] as const).map((signature) => signatureOutcome({ signature }))).toEqual(['good', 'bad', 'unchecked']);
    // A valid signature by a key that is no AK is a failed check, its word never a bare "valid".
    const notAk = { signature: 'valid', akNotAttestationKey: 'its objectAttributes 0x00040072 (…) lack restricted (…)' } as const;
    expect(signatureOutcome(notAk)).toBe('bad');
    expect(signatureWord(notAk)).toBe('valid, but not by an AK');
    expect(signatureWord({ signature: 'valid' })).toBe('valid');
  });

  it('names readings and the clock', () => {
    expect(hypothesisWords({ extend: 'padded-sha1', violations: 'zero', byteOrder: 'big' }, 'little')).toEqual({
      extend: 'zero-padded SHA-1 (5.1–5.7)',
      violations: 'violations as zeros',
      byteOrder: 'big-endian (flipped)',
    });
    expect(clockText('2804')).toBe('2,804 ms (2.8 s powered)');
  });
});

describe('replayHeadline', () => {
  const base = { schema: 'imascope.report/1' as const, inputs: [], findings: [] };
  const quote = {
    pcrDigest: 'ab',
    selection: { sha256: [10] },
    nonce: '',
    signature: 'valid' as const,
    clock: { clock: 1, resetCount: 1, restartCount: 0, safe: true },
    firmwareVersion: '0',
  };
  const log = { entries: 33, templates: {}, byteOrder: 'little' as const, violations: [], templateHash: { checked: 33, mismatches: [] }, boots: [], kexec: [], errors: [] };

  it('leads with the quote: covered prefix, whole log, or no prefix', () => {
    expect(replayHeadline({ ...base, log, quote: { ...quote, digestMatches: true, matchedEntries: 30 } }, 33)).toEqual({
      tone: 'warning',
      text: 'The quote covers entries 1–30 of 33; 3 were measured after it.',
      lastCovered: 29,
    });
    expect(replayHeadline({ ...base, log, quote: { ...quote, digestMatches: true, matchedEntries: 33 } }, 33).tone).toBe('ok');
    expect(replayHeadline({ ...base, log, quote: { ...quote, digestMatches: false } }, 33).tone).toBe('error');
  });

  it('a covering quote that is not trusted is said without the pass tone', () => {
    const covering = { ...quote, digestMatches: true, matchedEntries: 33 };
    expect(replayHeadline({ ...base, log, quote: { ...covering, signature: 'invalid' } }, 33)).toEqual({
      tone: 'error',
      text: 'The quote covers all 33 entries of the log. But the quote is not trusted: its signature does not verify.',
    });
    expect(replayHeadline({ ...base, log, quote: { ...covering, nonceMatches: false } }, 33)).toMatchObject({ tone: 'error', text: expect.stringMatching(/its nonce is not the one sent\.$/) });
    expect(replayHeadline({ ...base, log, quote: { ...covering, signature: 'valid', nonceMatches: true } }, 33).tone).toBe('ok');
    // Signed by a key that is no AK (quote-key-not-ak): the signature is valid, the quote untrusted.
    const notAk = { ...base, log, quote: { ...covering, signature: 'valid' as const }, quotes: [{ ...covering, input: 'q.msg', signature: 'valid' as const, akNotAttestationKey: 'lacks restricted' }] };
    expect(replayHeadline(notAk, 33)).toMatchObject({ tone: 'error', text: expect.stringMatching(/its signature verifies with is not an attestation key\.$/) });
  });

  it('a quote of PCRs the log does not extend attests no entry; supplied values still say how far the log goes (safeboot quote-t490)', () => {
    const other = { ...quote, selection: { sha256: [0, 1, 2, 4] }, digestMatches: true };
    expect(replayHeadline({ ...base, log, quote: other }, 33)).toEqual({
      tone: 'pending',
      text: "The supplied PCR values reproduce the quote's pcrDigest, but it selects no PCR the log extends: it attests no entry of the log.",
    });
    const check = { bank: 'sha256' as const, pcr: 10, expected: '', replayed: '', status: 'match' as const, matchedEntries: 33 };
    expect(replayHeadline({ ...base, log, quote: other, pcrChecks: [check] }, 33)).toEqual({ tone: 'ok', text: 'The whole log replays to the 1 supplied PCR value.' });
    expect(replayHeadline({ ...base, quote: other }, 0).text).toBe("The supplied PCR values reproduce the quote's pcrDigest.");
  });

  it('else the PCR values', () => {
    const check = { bank: 'sha256' as const, pcr: 10, expected: '', replayed: '' };
    expect(replayHeadline({ ...base, log, pcrChecks: [{ ...check, status: 'prefix', matchedEntries: 30 }] }, 33)).toMatchObject({ lastCovered: 29 });
    expect(replayHeadline({ ...base, log, pcrChecks: [{ ...check, status: 'mismatch' }] }, 33).text).toContain('No prefix');
    // A value at its reset value attests no entry: said as such, never as a covered prefix.
    expect(replayHeadline({ ...base, log, pcrChecks: [{ ...check, expected: '00'.repeat(32), status: 'mismatch' }] }, 33)).toEqual({
      tone: 'error',
      text: 'The supplied sha256 PCR 10 holds its reset value: it was never extended, so it attests no entry of the log.',
    });
  });

  it('never claims a match against no values: none compared is said, and an unreadable input is an error', () => {
    expect(replayHeadline({ ...base, log }, 33)).toEqual({ tone: 'pending', text: 'No supplied PCR value or quote to compare the replay with.' });
    const unreadable = { code: 'input-unreadable' as const, severity: 'error' as const, message: 'paste, line 1: cannot be read as pcr-values' };
    expect(replayHeadline({ ...base, log, findings: [unreadable] }, 33).tone).toBe('error');
  });

  it('a PCR given two values leads, before any check: none of its values was compared', () => {
    const conflict = { bank: 'sha256' as const, pcr: 10, readings: [{ value: 'aa', source: 'a.txt' }, { value: 'bb', source: 'b.txt' }] };
    const match = { bank: 'sha256' as const, pcr: 10, expected: '', replayed: '', status: 'match' as const };
    expect(replayHeadline({ ...base, log, pcrChecks: [match] }, 33, [conflict])).toEqual({
      tone: 'error',
      text: 'sha256 PCR 10 was given different values, so it is not compared: which reading is the machine’s cannot be told.',
    });
    expect(replayHeadline({ ...base, log }, 33, [conflict, { ...conflict, pcr: 11 }]).text).toMatch(/^sha256 PCR 10, sha256 PCR 11 were given different values, so they are not compared/);
  });
});
