/**
 * tpm2_quote's stdout: the lines tools/tpm2_quote.c and lib/pcr.c print, and its calcDigest
 * checked against the PCR values printed above it. The truth is the tool's own output: the
 * swtpm runs (swtpm/README.md) print a calcDigest that tpm2_quote computed from those values.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createHashProvider, type HashProvider } from '../../hash/hash-provider';
import { readSharedText } from '../../testing/shared-data';
import { toHex } from '../../util/bytes';
import { parsePcrValues } from '../pcrs/pcr-values';
import { parseQuote } from './quote';
import { checkCalcDigest, isTpm2QuoteStdoutLine, readTpm2QuoteStdout } from './tpm2-quote-stdout';

const STDOUTS = ['q1_rsassa_sha256_10', 'q2_rsassa_plain', 'q3_ecdsa_multibank', 'q3b_ecdsa_plain', 'q4_rsapss', 'q5_keylime'];

let provider: HashProvider;
beforeAll(async () => {
  provider = await createHashProvider();
});

function check(text: string): string | undefined {
  const calc = readTpm2QuoteStdout(text).calcDigest;
  const values = parsePcrValues(text)?.values;
  if (calc === undefined || values === undefined) throw new Error('no calcDigest or no PCR values');
  return checkCalcDigest(values, calc, provider);
}

describe('tpm2_quote stdout', () => {
  it('every real stdout: each line is one tpm2_quote prints, and calcDigest is the digest of the values printed', () => {
    for (const name of STDOUTS) {
      const text = readSharedText('swtpm', `${name}.stdout.yaml`);
      const read = readTpm2QuoteStdout(text);
      expect(read.unread, name).toEqual([]);
      expect(read.calcDigestUnreadable, name).toBeUndefined();
      // The TPM's pcrDigest: these runs read the PCRs back unchanged.
      expect(toHex(read.calcDigest ?? new Uint8Array()), name).toBe(toHex(parseQuote(text)?.quote?.pcrDigest ?? new Uint8Array(1)));
      expect(check(text), name).toBeUndefined();
    }
  });

  it("the lines of tpm2_quote.c's process_output and lib/pcr.c's pcr_print_values, whatever the scheme or bank", () => {
    for (const line of ['signature:', '  alg: rsassa', '  alg: ecschnorr', '  sig: 00ff', 'pcrs:', '  sha1:', '  sha384:', '  sm3_256:', '    0 : 0x00', '    23: 0xAB', 'calcDigest: 00ff']) {
      expect(isTpm2QuoteStdoutLine(line), line).toBe(true);
    }
    for (const line of ['quoted: ff544347', '$ tpm2_quote -c ak.ctx', 'ERROR: Error validating calculated PCR composite with quote', 'PCR-10: 00', 'rc=0']) {
      expect(isTpm2QuoteStdoutLine(line), line).toBe(false);
    }
  });

  it('a calcDigest or a PCR value changed after tpm2_quote printed them: not the digest, said with what it is', () => {
    const text = readSharedText('swtpm', 'q3_ecdsa_multibank.stdout.yaml');
    const calc = text.replace('calcDigest: ce68', 'calcDigest: cf68');
    expect(check(calc)).toBe(
      "its calcDigest cf68cd49782a7d34dbf08ec6ea5d2daaba760b4f2ee5dfca7c7ff89b01cdd6aa is not the digest of the 12 PCR values its 'pcrs:' block prints (sha256 ce68cd49782a7d34dbf08ec6ea5d2daaba760b4f2ee5dfca7c7ff89b01cdd6aa, sm3 c67c36aef37593f8fd4c6199b41699bd6f1fc01b1a389469aaebc0421d40794f): the text was changed after tpm2_quote printed it, so those values are not used",
    );
    const pcr = text.replace('    3 : 0x3D', '    3 : 0x3E');
    expect(check(pcr)).toMatch(/^its calcDigest ce68cd49\w+ is not the digest of the 12 PCR values its 'pcrs:' block prints \(sha256 326f5c44/);
    // A PCR left out is a change too: 11 values do not hash to it.
    expect(check(text.replace(/^ {4}7 : .*\n/m, ''))).toMatch(/not the digest of the 11 PCR values/);
  });

  it('a calcDigest that cannot be read, a second one, a line tpm2_quote does not print: said', () => {
    const text = readSharedText('swtpm', 'q1_rsassa_sha256_10.stdout.yaml');
    expect(readTpm2QuoteStdout(text.replace(/^calcDigest: .*$/m, 'calcDigest: zz'))).toEqual({ calcDigestUnreadable: 'line 8: calcDigest is not hex: zz', unread: [] });
    expect(readTpm2QuoteStdout(`${text}calcDigest: 00\n`).calcDigestUnreadable).toBe('line 9: a second calcDigest line');
    expect(readTpm2QuoteStdout(text.replace('pcrs:', 'note: hello\npcrs:')).unread).toEqual(['line 5: note: hello']);
    // No calcDigest (tpm2_quote without -o prints no PCRs and no digest): nothing to check.
    expect(readTpm2QuoteStdout(text.split('pcrs:')[0])).toEqual({ unread: [] });
  });

  // tpm2_quote prints its digest as one run of hex: 'ab' with spaces inside was read as the
  // byte 0xab. A lazy value before '\s*$' backtracked quadratically over those spaces (minutes
  // on this line).
  it('a calcDigest with spaces inside its hex is no digest, however many', { timeout: 5000 }, () => {
    const text = readSharedText('swtpm', 'q1_rsassa_sha256_10.stdout.yaml');
    for (const spaces of [' ', ' '.repeat(1 << 20)]) {
      const read = readTpm2QuoteStdout(text.replace(/^calcDigest: .*$/m, `calcDigest: a${spaces}b `));
      expect(read.calcDigest).toBeUndefined();
      expect(read.calcDigestUnreadable).toBe(`line 8: calcDigest is not hex: ${`a${spaces}b`.slice(0, 80)}`);
    }
    expect(readTpm2QuoteStdout(text.replace(/^calcDigest: (.*)$/m, 'calcDigest:\t 0x$1 ')).calcDigestUnreadable).toBeUndefined();
  });
});
