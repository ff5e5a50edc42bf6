/**
 * TPM 2.0 quotes: TPMS_ATTEST (TPM 2.0 Part 2 §10.12.12), the structure the TPM signs.
 * quote-format.md §1.2 (worked example: swtpm q1, §1.5). All fields big-endian:
 *
 *   off  size  field
 *   0    4     magic            FF 54 43 47  (TPM_GENERATED_VALUE, "\xFFTCG")
 *   4    2     type             80 18        (TPM_ST_ATTEST_QUOTE)
 *   6    2+n   qualifiedSigner  TPM2B_NAME   (nameAlg ‖ H(parent QN ‖ AK name))
 *   …    2+n   extraData        TPM2B_DATA   (the verifier's nonce, verbatim)
 *   …    8     clock            ms powered since the clock was set (not wall time)
 *   …    4     resetCount       } obfuscated (random-looking) when the AK is not in the
 *   …    4     restartCount     } endorsement or platform hierarchy: show, do not judge
 *   …    1     safe             1 = clock never rolled back
 *   …    8     firmwareVersion  vendor-specific
 *   …    var   pcrSelect        TPML_PCR_SELECTION (pcr-selection.ts)
 *   …    2+n   pcrDigest        TPM2B_DIGEST: H_sig(selected PCR values concatenated)
 *
 * Producers: tpm2_quote `-m` and Keylime write the bare TPMS_ATTEST; some libraries dump the
 * TPM2B_ATTEST (u16 size first), detected by size = length − 2 and the magic at offset 2.
 * tpm2_quote's stdout prints it as hex after `quoted:`. Only the TPMS_ATTEST bytes are signed.
 *
 * TPM 1.2 quotes are another structure (TPM Main Part 2 §11.3/§11.4): TPM_QUOTE_INFO =
 * `01 01 00 00 "QUOT"` ‖ compositeHash(20) ‖ nonce(20), TPM_QUOTE_INFO2 = `00 36 "QUT2"` ‖
 * nonce(20) ‖ TPM_PCR_INFO_SHORT. They are recognised and described (`tpm12`), not verified.
 */
import type { HashAlgorithm } from '../../hash/hash-algorithm';
import { asText, binaryCandidates } from '../binary-input';
import { splitKeylime } from './keylime-string';
import { pcrsFromBitmap, readTpmlPcrSelection, type PcrBankSelection } from '../pcrs/pcr-selection';
import { attestTypeName, hex16, TPM_GENERATED_VALUE, TPM_ST_ATTEST_QUOTE } from '../tpm-constants';
import { TpmFormatError, TpmReader, tryDecode } from '../tpm-reader';
import { fromBase64, fromHex } from '../../util/bytes';

export interface TpmsAttestQuote {
  /** The signed TPMS_ATTEST, without TPM2B size. */
  bytes: Uint8Array;
  magic: number;
  type: number;
  qualifiedSigner: Uint8Array;
  extraData: Uint8Array;
  clock: bigint;
  resetCount: number;
  restartCount: number;
  safe: boolean;
  firmwareVersion: bigint;
  selection: Array<{ bank: HashAlgorithm | undefined; algId: number; pcrs: number[] }>;
  pcrDigest: Uint8Array;
}

/** A TPM 1.2 TPM_QUOTE_INFO / TPM_QUOTE_INFO2, recognised so we can say what it is. */
export interface Tpm12QuoteInfo {
  structure: 'TPM_QUOTE_INFO' | 'TPM_QUOTE_INFO2';
  /** TPM_QUOTE_INFO: SHA-1 of the TPM_PCR_COMPOSITE (selection ‖ size ‖ SHA-1 PCRs). */
  compositeHash?: Uint8Array;
  /** the nonce */
  externalData: Uint8Array;
  /** TPM_QUOTE_INFO2: the selected PCRs and the composite of the PCR_INFO_SHORT */
  pcrs?: number[];
  digestAtRelease?: Uint8Array;
}

export interface QuoteParse {
  quote?: TpmsAttestQuote;
  problems: string[];
  tpm12?: Tpm12QuoteInfo;
}

export const TPM12_NOT_SUPPORTED = 'a TPM 1.2 quote (TPM_QUOTE_INFO): recognised, but imascope checks only TPM 2.0 quotes (TPMS_ATTEST)';

function hasMagicAt(bytes: Uint8Array, at: number): boolean {
  if (bytes.length < at + 4) return false;
  const word = (bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3];
  return word >>> 0 === TPM_GENERATED_VALUE;
}

function asciiAt(bytes: Uint8Array, at: number, text: string): boolean {
  if (bytes.length < at + text.length) return false;
  return [...text].every((c, i) => bytes[at + i] === c.charCodeAt(0));
}

/** The TPMS_ATTEST inside `bytes` (bare or TPM2B-wrapped) and where it starts. */
function locateAttest(bytes: Uint8Array): { body: Uint8Array; problems: string[] } | undefined {
  if (hasMagicAt(bytes, 0)) return { body: bytes, problems: [] };
  if (!hasMagicAt(bytes, 2)) return undefined;
  const size = (bytes[0] << 8) | bytes[1];
  if (size === bytes.length - 2) return { body: bytes.subarray(2), problems: [] };
  if (size < bytes.length - 2) {
    return {
      body: bytes.subarray(2, 2 + size),
      problems: [
        `offset ${2 + size}: ${bytes.length - 2 - size} bytes after the TPM2B_ATTEST ignored`,
      ],
    };
  }
  return {
    body: bytes.subarray(2),
    problems: [
      `offset 0: TPM2B_ATTEST size ${size} exceeds the ${bytes.length - 2} bytes that follow`,
    ],
  };
}

/** A binary TPMS_ATTEST / TPM2B_ATTEST / TPM 1.2 quote info; undefined if none. */
export function decodeQuoteBytes(bytes: Uint8Array): QuoteParse | undefined {
  const tpm12 = decodeTpm12QuoteInfo(bytes);
  if (tpm12 !== undefined) return tpm12;
  const located = locateAttest(bytes);
  if (located === undefined) return undefined;
  const { body, problems } = located;
  // Offsets in messages count from the start of the input, TPM2B prefix included.
  const base = body.byteOffset - bytes.byteOffset;
  try {
    const quote = readAttest(new TpmReader(body), problems, base);
    return quote === undefined ? { problems } : { quote, problems };
  } catch (e) {
    if (e instanceof TpmFormatError) {
      return { problems: [...problems, `offset ${base + e.offset}: ${e.detail}`] };
    }
    return { problems: [...problems, String(e)] };
  }
}

function readAttest(r: TpmReader, problems: string[], base: number): TpmsAttestQuote | undefined {
  const magic = r.u32('magic');
  const type = r.u16('type');
  const qualifiedSigner = r.tpm2b('qualifiedSigner');
  const extraData = r.tpm2b('extraData');
  const clock = r.u64('clock');
  const resetCount = r.u32('resetCount');
  const restartCount = r.u32('restartCount');
  const safeAt = r.offset;
  const safe = r.u8('safe');
  if (safe > 1) problems.push(`offset ${base + safeAt}: clockInfo.safe is ${safe}, not 0 or 1`);
  const firmwareVersion = r.u64('firmwareVersion');
  if (type !== TPM_ST_ATTEST_QUOTE) {
    problems.push(
      `offset ${base + 4}: attestation type ${hex16(type)} (${attestTypeName(type)}) ` +
        'is not a quote (0x8018)',
    );
    return undefined;
  }
  const selection: PcrBankSelection[] = readTpmlPcrSelection(r);
  const pcrDigest = r.tpm2b('pcrDigest');
  if (r.remaining > 0) {
    problems.push(
      `offset ${base + r.offset}: ${r.remaining} bytes after the TPMS_ATTEST are not signed; ignored`,
    );
  }
  return {
    bytes: r.bytes.slice(0, r.offset),
    magic,
    type,
    qualifiedSigner,
    extraData,
    clock,
    resetCount,
    restartCount,
    safe: safe === 1,
    firmwareVersion,
    selection,
    pcrDigest,
  };
}

function decodeTpm12QuoteInfo(bytes: Uint8Array): QuoteParse | undefined {
  if (bytes.length === 48 && bytes[0] === 1 && bytes[1] === 1 && asciiAt(bytes, 4, 'QUOT')) {
    return {
      problems: [TPM12_NOT_SUPPORTED],
      tpm12: {
        structure: 'TPM_QUOTE_INFO',
        compositeHash: bytes.slice(8, 28),
        externalData: bytes.slice(28, 48),
      },
    };
  }
  if (bytes[0] === 0x00 && bytes[1] === 0x36 && asciiAt(bytes, 2, 'QUT2')) {
    const decoded = tryDecode((): Tpm12QuoteInfo => {
      const r = new TpmReader(bytes);
      r.offset = 6;
      const externalData = r.take(20, 'externalData');
      const pcrs = pcrsFromBitmap(r.take(r.u16('sizeOfSelect'), 'pcrSelect'));
      r.u8('localityAtRelease');
      const digestAtRelease = r.take(20, 'digestAtRelease');
      return { structure: 'TPM_QUOTE_INFO2', externalData, pcrs, digestAtRelease };
    });
    return decoded.value === undefined
      ? { problems: [TPM12_NOT_SUPPORTED, decoded.error] }
      : { problems: [TPM12_NOT_SUPPORTED], tpm12: decoded.value };
  }
  return undefined;
}

const QUOTED_LINE_RE = /^\s*quoted:\s*(?:0x)?([0-9a-f]+)\s*$/im;

/**
 * A quote from binary, hex or base64, with or without TPM2B size; also tpm2_quote's stdout
 * (`quoted: <hex>`) and a Keylime quote string or agent response (their attest field; use
 * parseKeylimeQuote for the rest). undefined if the input holds no quote. Never throws.
 */
export function parseQuote(input: Uint8Array | string): QuoteParse | undefined {
  const text = asText(input);
  if (text !== undefined) {
    const quoted = QUOTED_LINE_RE.exec(text);
    const fromStdout = quoted === null ? undefined : fromHex(quoted[1]);
    if (fromStdout !== undefined) return decodeQuoteBytes(fromStdout);
    const keylime = splitKeylime(text);
    if (keylime !== undefined) {
      const attest = fromBase64(keylime.attest);
      return (
        (attest === undefined ? undefined : decodeQuoteBytes(attest)) ?? {
          problems: [
            'Keylime quote: field 1 is not a TPMS_ATTEST (zlib-compressed fields are not supported)',
          ],
        }
      );
    }
  }
  for (const candidate of binaryCandidates(input)) {
    const parsed = decodeQuoteBytes(candidate);
    if (parsed !== undefined) return parsed;
  }
  return undefined;
}
