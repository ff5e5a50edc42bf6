/**
 * A TPM quote laid out for the replay panel, field by field (quote-format.md §1.2: magic,
 * type, qualifiedSigner, extraData, clockInfo, firmwareVersion, pcrSelect, pcrDigest), with
 * what checking it involves: the signature verdict and how it was reached (scheme, hash,
 * salt; verify-quote.ts), and where each selected PCR's value comes from when the pcrDigest
 * is recomputed — the IMA replay for PCRs the log extends, else the supplied values, else
 * the firmware log's replay (check-quote.ts).
 */
import { hashAlgorithmFromTpmAlgId, type HashAlgorithm } from '../hash/hash-algorithm';
import { attestTypeName, hex16, TPM_GENERATED_VALUE, TPM_ST_ATTEST_QUOTE } from '../tpm/tpm-constants';
import { verifyQuoteSignature } from '../tpm/quote/verify-quote';
import { toHex } from '../util/bytes';
import { pcrsOfLog } from './check-pcrs';
import type { LoadedInputs } from './load-inputs';
import { quoteSigningHash } from './quote-probe';

/** Where a selected PCR's value comes from when the pcrDigest is recomputed. */
export type DigestInputSource = 'log' | 'supplied' | 'firmware' | 'missing';

export interface QuoteDetails {
  /** TPM_GENERATED_VALUE 0xff544347 when the TPM made the structure. */
  readonly magic: string;
  readonly magicValid: boolean;
  readonly type: string;
  readonly typeName: string;
  readonly isQuote: boolean;
  /** TPM2B_NAME: nameAlg ‖ H(parent QN ‖ AK name), hex. */
  readonly qualifiedSigner: string;
  readonly signerNameAlg?: HashAlgorithm;
  /** The verifier's nonce, verbatim, hex. */
  readonly extraData: string;
  /** extraData as text when it is printable ASCII (Keylime sends its nonce so). */
  readonly extraDataText?: string;
  /** Milliseconds the TPM has been powered since its clock was set (decimal, a u64). */
  readonly clock: string;
  readonly resetCount: number;
  readonly restartCount: number;
  readonly safe: boolean;
  /** 0x + 16 hex digits, as on the wire. */
  readonly firmwareVersion: string;
  /** In quote order; `bank` is the algorithm id in hex when not a known hash. */
  readonly selection: ReadonlyArray<{ readonly bank: string; readonly pcrs: readonly number[] }>;
  readonly pcrDigest: string;
  /** The hash the pcrDigest is computed with: the signing scheme's. */
  readonly signingHash?: HashAlgorithm;
  /** Present when both a signature and an AK were given. */
  readonly signature?: { readonly valid: boolean; readonly detail: string };
  /** What is missing for a signature check. */
  readonly signatureMissing?: readonly ('signature' | 'attestation key')[];
  /** Why the signature the quote's own input carries could not be read (then `signature` is missing). */
  readonly signatureUnreadable?: string;
  readonly signatureScheme?: string;
  readonly ak?: {
    readonly kind: 'rsa' | 'ecc';
    readonly bits?: number;
    readonly curve?: string;
    readonly source: string;
    /** The key's input when it is no attestation key (it verifies no supplied quote; the report calls it an ima-key). */
    readonly imaKey?: string;
  };
  /** Every selected PCR, in digest order, with the source of its value. */
  readonly digestInputs: ReadonlyArray<{ readonly bank: string; readonly pcr: number; readonly source: DigestInputSource }>;
}

function printable(bytes: Uint8Array): string | undefined {
  if (bytes.length === 0 || !bytes.every((b) => b >= 0x20 && b < 0x7f)) return undefined;
  return String.fromCharCode(...bytes);
}

/** `known`: the values of PCRs the log does not extend (knownPcrValue), as the analysis took them. */
export async function describeQuote(loaded: LoadedInputs, known: (bank: HashAlgorithm, pcr: number) => Uint8Array | undefined): Promise<QuoteDetails | undefined> {
  // The first quote: what single-quote views describe.
  const first = loaded.quotes[0];
  if (first === undefined) return undefined;
  const { quote } = first;
  const signature = first.signature?.value;
  const ak = first.ak?.value;
  const logPcrs = loaded.log === undefined ? new Set<number>() : pcrsOfLog(loaded.log.log);
  const signerNameAlg = quote.qualifiedSigner.length >= 2 ? hashAlgorithmFromTpmAlgId((quote.qualifiedSigner[0] << 8) | quote.qualifiedSigner[1]) : undefined;
  const extraDataText = printable(quote.extraData);
  const signingHash = quoteSigningHash(quote, signature);
  const sourceOf = (bank: HashAlgorithm | undefined, pcr: number): DigestInputSource => {
    if (bank === undefined) return 'missing';
    if (logPcrs.has(pcr)) return 'log';
    if (loaded.pcrValues.get(bank)?.has(pcr) === true) return 'supplied';
    return known(bank, pcr) !== undefined ? 'firmware' : 'missing';
  };
  const missing = [...(signature === undefined ? ['signature' as const] : []), ...(ak === undefined ? ['attestation key' as const] : [])];
  const verdict = signature !== undefined && ak !== undefined ? await verifyQuoteSignature(quote, signature, ak) : undefined;
  return {
    magic: `0x${quote.magic.toString(16).padStart(8, '0')}`,
    magicValid: quote.magic === TPM_GENERATED_VALUE,
    type: hex16(quote.type),
    typeName: attestTypeName(quote.type),
    isQuote: quote.type === TPM_ST_ATTEST_QUOTE,
    qualifiedSigner: toHex(quote.qualifiedSigner),
    ...(signerNameAlg === undefined ? {} : { signerNameAlg }),
    extraData: toHex(quote.extraData),
    ...(extraDataText === undefined ? {} : { extraDataText }),
    clock: quote.clock.toString(),
    resetCount: quote.resetCount,
    restartCount: quote.restartCount,
    safe: quote.safe,
    firmwareVersion: `0x${quote.firmwareVersion.toString(16).padStart(16, '0')}`,
    selection: quote.selection.map((s) => ({ bank: s.bank ?? hex16(s.algId), pcrs: [...s.pcrs] })),
    pcrDigest: toHex(quote.pcrDigest),
    ...(signingHash === undefined ? {} : { signingHash }),
    ...(verdict === undefined ? {} : { signature: { valid: verdict.valid, detail: verdict.detail } }),
    ...(missing.length === 0 ? {} : { signatureMissing: missing }),
    ...(first.signatureUnreadable === undefined ? {} : { signatureUnreadable: first.signatureUnreadable }),
    ...(signature === undefined ? {} : { signatureScheme: signature.scheme }),
    ...(ak === undefined
      ? {}
      : {
          ak: {
            kind: ak.kind,
            ...(ak.bits === undefined ? {} : { bits: ak.bits }),
            ...(ak.curve === undefined ? {} : { curve: ak.curve }),
            source: ak.source,
            ...(first.ak !== undefined && !loaded.aks.includes(first.ak) ? { imaKey: first.ak.input } : {}),
          },
        }),
    digestInputs: quote.selection.flatMap((s) =>
      [...s.pcrs].sort((a, b) => a - b).map((pcr) => ({ bank: s.bank ?? hex16(s.algId), pcr, source: sourceOf(s.bank, pcr) })),
    ),
  };
}
