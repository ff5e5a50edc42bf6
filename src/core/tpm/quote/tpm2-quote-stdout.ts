/**
 * tpm2_quote's stdout, every line it prints (tpm2-tools tools/tpm2_quote.c process_output and
 * lib/pcr.c pcr_print_pcr_struct / pcr_print_values; the same lines from 4.0 to 5.8):
 *
 *   quoted: <hex TPMS_ATTEST>             tpm2_util_print_tpm2b, lower-case, no 0x
 *   signature:
 *     alg: rsassa|rsapss|ecdsa|…          tpm2_alg_util_algtostr of the signature scheme
 *     sig: <hex>                          tpm2_convert_sig: the plain signature (ECDSA: DER)
 *   pcrs:                                 only with -o: the PCRs read back after the quote
 *     sha256:                             one per bank, in the quote's selection order
 *       0 : 0x<HEX>                       "    %-2d: 0x", upper-case
 *   calcDigest: <hex>                     only with -o: the -g hash of the values printed
 *
 * calcDigest is what tpm2_quote hashed from the values it printed just above, in the order
 * printed (tpm2_openssl_hash_pcr_banks over the same selection and values): a calcDigest that
 * is not the digest of the printed values means the text was changed after tpm2_quote printed
 * it, and its values cannot be trusted. (A calcDigest that differs from the quote's pcrDigest
 * is tpm2_quote's own error, "Error validating calculated PCR composite with quote": PCRs that
 * moved between the quote and the read-back; the quote check reports that.)
 */
import { hashAlgorithmsOfSize, type HashAlgorithm } from '../../hash/hash-algorithm';
import type { HashProvider } from '../../hash/hash-provider';
import { bytesEqual, fromHex, toHex } from '../../util/bytes';
import type { PcrValues } from '../pcrs/pcr-value-set';

/** The first line: `quoted: <hex>`. */
export const QUOTED_LINE_RE = /^\s*quoted:\s*(?:0x)?[0-9a-f]+\s*$/i;
/** The lines after it that carry a value; a bad value is still tpm2_quote's line, read and refused by its reader. */
const KEYED_LINE_RE = /^\s*(?:signature|alg|sig|calcDigest)\s*:/i;
/** Its value is trimmed apart: `\s*(.*?)\s*$` backtracks quadratically over inner spaces. */
const CALC_DIGEST_RE = /^\s*calcDigest\s*:([^]*)$/i;
/** tpm2_util_print_tpm2b prints one run of hex digits: spaces inside it are no digest's. */
const CALC_DIGEST_VALUE_RE = /^(?:0x)?[0-9a-f]+$/i;

/** `pcrs:`, a bank (`  sha256:`), or a PCR line `    10: …` whatever its value (a bad one is refused by the PCR reader). */
const PCR_BLOCK_LINE_RE = /^\s*(?:pcrs|sha1|sha256|sha384|sha512|sm3_256)\s*:\s*$|^\s*\d{1,3}\s*:/i;

/** A line tpm2_quote prints after `quoted:`. */
export function isTpm2QuoteStdoutLine(line: string): boolean {
  return KEYED_LINE_RE.test(line) || PCR_BLOCK_LINE_RE.test(line);
}

export interface Tpm2QuoteStdout {
  /** undefined when no `calcDigest:` line was printed (tpm2_quote without -o). */
  readonly calcDigest?: Uint8Array;
  /** Why the `calcDigest:` line cannot be read. */
  readonly calcDigestUnreadable?: string;
  /** Lines tpm2_quote does not print (`line N: text`): said, never silently skipped. */
  readonly unread: readonly string[];
}

/** The lines of a tpm2_quote stdout besides its quote, signature and PCR values. */
export function readTpm2QuoteStdout(text: string): Tpm2QuoteStdout {
  const unread: string[] = [];
  let calcDigest: Uint8Array | undefined;
  let calcDigestUnreadable: string | undefined;
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    if (line.trim() === '' || (i === 0 && QUOTED_LINE_RE.test(line))) return;
    const calc = CALC_DIGEST_RE.exec(line);
    if (calc !== null) {
      const text = calc[1].trim();
      const value = CALC_DIGEST_VALUE_RE.test(text) ? fromHex(text) : undefined;
      if (calcDigest !== undefined || calcDigestUnreadable !== undefined) calcDigestUnreadable = `line ${i + 1}: a second calcDigest line`;
      else if (value === undefined || value.length === 0) calcDigestUnreadable = `line ${i + 1}: calcDigest is not hex: ${text.slice(0, 80)}`;
      else calcDigest = value;
      return;
    }
    if (!isTpm2QuoteStdoutLine(line)) unread.push(`line ${i + 1}: ${line.trim().slice(0, 80)}`);
  });
  return {
    ...(calcDigest !== undefined && calcDigestUnreadable === undefined ? { calcDigest } : {}),
    ...(calcDigestUnreadable !== undefined ? { calcDigestUnreadable } : {}),
    unread,
  };
}

/**
 * undefined when `calcDigest` is the digest of `values` in the order printed (banks in order,
 * each bank's PCRs in order), by a hash of its size; else why not. Every hash of that size
 * this provider has is tried (a 32-byte calcDigest is sha256 or sm3_256: `-g` is not printed).
 */
export function checkCalcDigest(values: PcrValues, calcDigest: Uint8Array, provider: HashProvider): string | undefined {
  const parts = [...values.values()].flatMap((pcrs) => [...pcrs.values()]);
  const count = parts.length;
  if (count === 0) return `its calcDigest ${toHex(calcDigest)} has no PCR values printed above it to be the digest of`;
  const algs = hashAlgorithmsOfSize(calcDigest.length);
  if (algs.length === 0) return `its calcDigest ${toHex(calcDigest)} has ${calcDigest.length} bytes, the size of no hash`;
  const tried: string[] = [];
  const untried: HashAlgorithm[] = [];
  for (const alg of algs) {
    const hasher = provider.get(alg);
    if (hasher === undefined) {
      untried.push(alg);
      continue;
    }
    const digest = hasher.digestParts(parts);
    if (bytesEqual(digest, calcDigest)) return undefined;
    tried.push(`${alg} ${toHex(digest)}`);
  }
  if (tried.length === 0) return `its calcDigest ${toHex(calcDigest)} cannot be checked against the PCR values its 'pcrs:' block prints (${untried.join(', ')} is not available here), so those values are not used`;
  const notTried = untried.length > 0 ? `; ${untried.join(', ')} could not be tried here` : '';
  return `its calcDigest ${toHex(calcDigest)} is not the digest of the ${count} PCR values its 'pcrs:' block prints (${tried.join(', ')}${notTried}): the text was changed after tpm2_quote printed it, so those values are not used`;
}
