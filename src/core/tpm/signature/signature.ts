/**
 * Quote signatures (quote-format.md §1.6, §2.1):
 *
 *   TPMT_SIGNATURE (tpm2_quote -s, default "tss" format; Keylime field 2), big-endian:
 *     u16 sigAlg ; u16 hash ; then
 *       RSASSA 0x0014 / RSAPSS 0x0016:        TPM2B signature (size = modulus bytes)
 *       ECDSA 0x0018 (and ECDAA, SM2, ECSCHNORR): TPM2B r ; TPM2B s
 *       HMAC 0x0005:                          the digest (hash-sized, no size prefix)
 *     headers seen: `0014 000b 0100 …` (262 bytes), `0016 000b 0100 …`,
 *     `0018 000b 0020 <r> 0020 <s>` (72 bytes)
 *   tpm2_quote -f plain: RSA = the bare modulus-sized signature (no hash id);
 *     ECDSA = DER SEQUENCE { INTEGER r, INTEGER s } (swtpm/q3b_ecdsa_plain.sig,
 *     `30 45 02 21 00 …`)
 *   tpm2_quote stdout: `signature:` / `  alg: rsassa|rsapss|ecdsa` / `  sig: <hex>` (the plain
 *     form: for ECDSA the DER)
 *
 * For ECDSA `signature` is r ‖ s, each left-padded to the width of the smallest NIST curve
 * that fits (32, 48 or 66 bytes): WebCrypto's IEEE P1363 form. Verification re-pads r and s
 * to the AK's curve, so a TPM2B r or s shorter than the field is fine.
 */
import { hashAlgorithmFromTpmAlgId, type HashAlgorithm } from '../../hash/hash-algorithm';
import { fromHex } from '../../util/bytes';
import { asText, binaryCandidates } from '../binary-input';
import { DER, derUnsigned, readDer, readDerChildren } from '../../util/der';
import { hex16, TPM_ALG } from '../tpm-constants';
import { TpmReader, tryDecode } from '../tpm-reader';

export interface TpmSignature {
  scheme: 'rsassa' | 'rsapss' | 'ecdsa' | 'plain-rsa' | 'der-ecdsa' | 'other';
  /** From TPMT_SIGNATURE; absent for plain signatures, which carry no hash id. */
  hashAlg?: HashAlgorithm;
  /** RSA bytes, or ECDSA r ‖ s fixed width */
  signature: Uint8Array;
  r?: Uint8Array;
  s?: Uint8Array;
  /** TPM_ALG_ID of the signature scheme, for 'other' (SM2, ECDAA, ECSCHNORR, HMAC, NULL). */
  sigAlg?: number;
}

const PLAIN_RSA_SIZES = [128, 256, 384, 512];
const EC_WIDTHS = [32, 48, 66];

/** r ‖ s, each stripped of leading zeros and left-padded to `width` (default: smallest fit). */
export function ecdsaRawSignature(
  r: Uint8Array,
  s: Uint8Array,
  width?: number,
): Uint8Array | undefined {
  const rr = derUnsigned(r);
  const ss = derUnsigned(s);
  const w = width ?? EC_WIDTHS.find((n) => n >= Math.max(rr.length, ss.length));
  if (w === undefined || rr.length > w || ss.length > w) return undefined;
  const out = new Uint8Array(2 * w);
  out.set(rr, w - rr.length);
  out.set(ss, 2 * w - ss.length);
  return out;
}

function ecdsaSignature(
  scheme: 'ecdsa' | 'der-ecdsa',
  r: Uint8Array,
  s: Uint8Array,
  hashAlg: HashAlgorithm | undefined,
): TpmSignature | undefined {
  const signature = ecdsaRawSignature(r, s);
  if (signature === undefined) return undefined;
  return {
    scheme,
    ...(hashAlg === undefined ? {} : { hashAlg }),
    signature,
    r: derUnsigned(r),
    s: derUnsigned(s),
  };
}

/** Throws TpmFormatError (offset and what was expected) when `bytes` is not one TPMT_SIGNATURE. */
function readTpmtSignature(bytes: Uint8Array): TpmSignature {
  const r = new TpmReader(bytes);
  const sigAlg = r.u16('sigAlg');
  if (sigAlg === TPM_ALG.NULL) {
    if (r.remaining !== 0) r.fail(`${r.remaining} bytes follow a NULL signature`);
    return { scheme: 'other', signature: new Uint8Array(0), sigAlg };
  }
  const hashAt = r.offset;
  const hashId = r.u16('hash');
  const hashAlg = hashAlgorithmFromTpmAlgId(hashId);
  if (hashAlg === undefined) r.fail(`hash algorithm ${hex16(hashId)} is unknown`, hashAt);
  let sig: TpmSignature | undefined;
  switch (sigAlg) {
    case TPM_ALG.RSASSA:
    case TPM_ALG.RSAPSS: {
      const signature = r.tpm2b('signature');
      sig = { scheme: sigAlg === TPM_ALG.RSASSA ? 'rsassa' : 'rsapss', hashAlg, signature };
      break;
    }
    case TPM_ALG.ECDSA:
    case TPM_ALG.ECDAA:
    case TPM_ALG.SM2:
    case TPM_ALG.ECSCHNORR: {
      const rr = r.tpm2b('r', 66);
      const ss = r.tpm2b('s', 66);
      const ec = ecdsaSignature('ecdsa', rr, ss, hashAlg);
      if (ec === undefined) r.fail('r or s is longer than any NIST curve allows', 4);
      sig = ec === undefined || sigAlg === TPM_ALG.ECDSA ? ec : { ...ec, scheme: 'other', sigAlg };
      break;
    }
    case TPM_ALG.HMAC:
      sig = { scheme: 'other', hashAlg, signature: r.take(r.remaining, 'hmac'), sigAlg };
      break;
    default:
      r.fail(`signature algorithm ${hex16(sigAlg)} is not RSASSA, RSAPSS, ECDSA, ECDAA, SM2, ECSCHNORR or HMAC`, 0);
  }
  if (sig === undefined) return r.fail('not a signature');
  if (r.remaining !== 0) r.fail(`${r.remaining} bytes follow the signature`);
  return sig;
}

/** DER ECDSA-Sig-Value, filling `bytes` exactly. */
function readDerEcdsa(bytes: Uint8Array): TpmSignature | undefined {
  const seq = readDer(bytes, 0);
  if (seq?.tag !== DER.SEQUENCE || seq.end !== bytes.length) return undefined;
  const parts = readDerChildren(seq.content);
  if (parts?.length !== 2 || parts.some((p) => p.tag !== DER.INTEGER || p.content.length === 0)) {
    return undefined;
  }
  return ecdsaSignature('der-ecdsa', parts[0].content, parts[1].content, undefined);
}

/** A signature, or why the input is not one (with the byte offset where the reading failed). */
export type SignatureReading = { signature: TpmSignature; error?: undefined } | { signature?: undefined; error: string };

function decodeSignatureBytes(bytes: Uint8Array): SignatureReading {
  const tpmt = tryDecode(() => readTpmtSignature(bytes));
  if (tpmt.value !== undefined) return { signature: tpmt.value };
  const der = readDerEcdsa(bytes);
  if (der !== undefined) return { signature: der };
  if (PLAIN_RSA_SIZES.includes(bytes.length)) {
    return { signature: { scheme: 'plain-rsa', signature: bytes.slice() } };
  }
  return { error: `TPMT_SIGNATURE: ${tpmt.error}` };
}

const STDOUT_RE = /^\s*alg:\s*(\w+)\s*\n\s*sig:\s*([0-9a-f]+)\s*$/im;

/** tpm2_quote's stdout `signature:` block: the plain signature and its scheme name. */
function decodeStdoutSignature(text: string): TpmSignature | undefined {
  const m = STDOUT_RE.exec(text);
  const bytes = m === null ? undefined : fromHex(m[2]);
  if (m === null || bytes === undefined) return undefined;
  const alg = m[1].toLowerCase();
  if (alg === 'ecdsa') return readDerEcdsa(bytes);
  if (alg === 'rsassa' || alg === 'rsapss') return { scheme: alg, signature: bytes };
  return undefined;
}

/**
 * TPMT_SIGNATURE, plain RSA or DER ECDSA (binary, hex or base64), or tpm2_quote stdout; else
 * why not (as a TPMT_SIGNATURE, the form tools write by default). Never throws.
 */
export function readTpmSignature(input: Uint8Array | string): SignatureReading {
  const text = asText(input);
  if (text !== undefined) {
    const fromStdout = decodeStdoutSignature(text);
    if (fromStdout !== undefined) return { signature: fromStdout };
  }
  let first: string | undefined;
  for (const candidate of binaryCandidates(input)) {
    const reading = decodeSignatureBytes(candidate);
    if (reading.signature !== undefined) return reading;
    first ??= reading.error;
  }
  return { error: first ?? 'not a signature (no TPMT_SIGNATURE, DER ECDSA, plain RSA or tpm2_quote output)' };
}

/** readTpmSignature's signature; undefined if the input is none of the forms. */
export function parseTpmSignature(input: Uint8Array | string): TpmSignature | undefined {
  return readTpmSignature(input).signature;
}
