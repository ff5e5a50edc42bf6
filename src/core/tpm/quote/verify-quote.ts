/**
 * Checking a quote (quote-format.md §1.4, §1.6):
 *
 * Signature — over the TPMS_ATTEST bytes, hashed with TPMT_SIGNATURE.hash; WebCrypto hashes
 * internally (globalThis.crypto.subtle: browsers, workers, Node ≥ 20).
 *   RSASSA → RSASSA-PKCS1-v1_5.
 *   RSAPSS → RSA-PSS; WebCrypto needs the exact salt length and TPMs differ: libtpms and
 *     FIPS-mode TPMs use salt = hash length, TPM 2.0 Part 1 Annex B.7 says the largest the
 *     key allows. We try hLen, then emLen − hLen − 2. (tpm2_checkquote 5.4 has no PSS at
 *     all and wrongly fails swtpm/q4_rsapss; the signature is valid.)
 *   ECDSA → r ‖ s left-padded to the AK's curve size (TPM2B or DER input alike).
 *   Plain signatures carry no hash id: the hash is then the AK's scheme hash, else the one
 *     whose size equals pcrDigest's (pcrDigest is made with the signing hash), and for plain
 *     RSA both paddings are tried, the AK's own scheme first.
 *
 * pcrDigest — H_sig(concatenation of the raw PCR values), banks in the attest's selection
 * order, ascending PCR within a bank, hashed with the SIGNING hash, not the bank's: a sha1
 * PCR quoted by an RSASSA-SHA256 key contributes its 20 bytes to a SHA-256 digest
 * (swtpm q3: sha1:10 + sha256:0–10 → ce68cd49…).
 */
import { digestSize, type HashAlgorithm } from '../../hash/hash-algorithm';
import type { Hasher } from '../../hash/hash-provider';
import type { AkPublic } from '../keys/ak-public';
import { bankLabel } from '../pcrs/pcr-selection';
import { bankForDigestLength } from '../pcrs/pcr-value-set';
import type { TpmsAttestQuote } from './quote';
import { ecdsaRawSignature, type TpmSignature } from '../signature/signature';
import { curveFieldBytes, hex16 } from '../tpm-constants';

export interface SignatureVerdict {
  valid: boolean;
  detail: string;
}

const WEBCRYPTO_HASH: Readonly<Partial<Record<HashAlgorithm, string>>> = {
  sha1: 'SHA-1',
  sha256: 'SHA-256',
  sha384: 'SHA-384',
  sha512: 'SHA-512',
};

interface Attempt {
  label: string;
  importParams: Record<string, unknown>;
  verifyParams: Record<string, unknown>;
  signature: Uint8Array;
}

function signingHash(
  quote: TpmsAttestQuote,
  sig: TpmSignature,
  ak: AkPublic,
): { hash: HashAlgorithm | undefined; from: string } {
  if (sig.hashAlg !== undefined) return { hash: sig.hashAlg, from: 'the signature' };
  if (ak.schemeHash !== undefined) return { hash: ak.schemeHash, from: "the AK's scheme" };
  return { hash: bankForDigestLength(quote.pcrDigest.length), from: 'the pcrDigest size' };
}

function rsaAttempts(sig: TpmSignature, ak: AkPublic, hash: string, hLen: number): Attempt[] {
  const importPkcs1 = { name: 'RSASSA-PKCS1-v1_5', hash };
  const importPss = { name: 'RSA-PSS', hash };
  const pkcs1: Attempt = {
    label: 'RSASSA-PKCS1-v1_5',
    importParams: importPkcs1,
    verifyParams: { name: 'RSASSA-PKCS1-v1_5' },
    signature: sig.signature,
  };
  const emLen = Math.ceil(((ak.bits ?? sig.signature.length * 8) - 1) / 8);
  const pss = [...new Set([hLen, emLen - hLen - 2])].map(
    (saltLength): Attempt => ({
      label: `RSA-PSS (salt ${saltLength})`,
      importParams: importPss,
      verifyParams: { name: 'RSA-PSS', saltLength },
      signature: sig.signature,
    }),
  );
  if (sig.scheme === 'rsassa') return [pkcs1];
  if (sig.scheme === 'rsapss') return pss;
  return ak.schemeHint === 'rsapss' ? [...pss, pkcs1] : [pkcs1, ...pss];
}

/** Verifies the quote's signature with the AK. Never throws; `detail` says what was tried. */
export async function verifyQuoteSignature(
  quote: TpmsAttestQuote,
  sig: TpmSignature,
  ak: AkPublic,
): Promise<SignatureVerdict> {
  if (sig.scheme === 'other') {
    const alg = sig.sigAlg === undefined ? 'unknown' : hex16(sig.sigAlg);
    return {
      valid: false,
      detail: `signature scheme ${alg} cannot be checked (only RSASSA, RSA-PSS and ECDSA)`,
    };
  }
  const { hash, from } = signingHash(quote, sig, ak);
  const webHash = hash === undefined ? undefined : WEBCRYPTO_HASH[hash];
  if (hash === undefined || webHash === undefined) {
    return {
      valid: false,
      detail: `signing hash ${hash ?? 'unknown'} (from ${from}) is not available in WebCrypto`,
    };
  }
  const isEcdsa = sig.scheme === 'ecdsa' || sig.scheme === 'der-ecdsa';
  if (isEcdsa !== (ak.kind === 'ecc')) {
    return {
      valid: false,
      detail:
        `${isEcdsa ? 'an ECDSA' : 'an RSA'} signature cannot come from this ` +
        `${ak.kind.toUpperCase()} AK`,
    };
  }
  let attempts: Attempt[];
  if (isEcdsa) {
    if (ak.curve === undefined || ak.spkiDer.length === 0) {
      const curve = ak.curveId === undefined ? 'unknown' : hex16(ak.curveId);
      return {
        valid: false,
        detail: `the AK's curve ${curve} is not available in WebCrypto (only NIST P-256/384/521)`,
      };
    }
    const empty = new Uint8Array(0);
    const rs = ecdsaRawSignature(sig.r ?? empty, sig.s ?? empty, curveFieldBytes(ak.curve));
    if (rs === undefined) return { valid: false, detail: `ECDSA r or s is wider than ${ak.curve}` };
    attempts = [
      {
        label: `ECDSA ${ak.curve}`,
        importParams: { name: 'ECDSA', namedCurve: ak.curve },
        verifyParams: { name: 'ECDSA', hash: webHash },
        signature: rs,
      },
    ];
  } else {
    attempts = rsaAttempts(sig, ak, webHash, digestSize(hash));
  }

  const errors: string[] = [];
  for (const a of attempts) {
    try {
      const key = await crypto.subtle.importKey('spki', ak.spkiDer, a.importParams, false, [
        'verify',
      ]);
      if (await crypto.subtle.verify(a.verifyParams, key, a.signature, quote.bytes)) {
        const detail = `${a.label} with ${webHash} (hash from ${from}): signature valid`;
        return { valid: true, detail };
      }
    } catch (e) {
      errors.push(`${a.label}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const tried = attempts.map((a) => a.label).join(', ');
  const why = errors.length > 0 ? ` (${errors.join('; ')})` : '';
  return {
    valid: false,
    detail:
      `${tried} with ${webHash} (hash from ${from}): ` +
      `the signature does not verify with this AK${why}`,
  };
}

/**
 * The pcrDigest a quote with this selection must carry, from the PCR values `pcrs` gives.
 * `hasher` is the SIGNING hash. Any PCR `pcrs` lacks (or a bank we cannot name) is listed in
 * `missing`, and then there is no digest.
 */
export function computePcrDigest(
  selection: TpmsAttestQuote['selection'],
  pcrs: (bank: HashAlgorithm, pcr: number) => Uint8Array | undefined,
  hasher: Hasher,
): { digest?: Uint8Array; missing: Array<{ bank: string; pcr: number }> } {
  const parts: Uint8Array[] = [];
  const missing: Array<{ bank: string; pcr: number }> = [];
  for (const sel of selection) {
    for (const pcr of [...sel.pcrs].sort((a, b) => a - b)) {
      const value = sel.bank === undefined ? undefined : pcrs(sel.bank, pcr);
      if (value === undefined) missing.push({ bank: bankLabel(sel), pcr });
      else parts.push(value);
    }
  }
  return missing.length > 0 ? { missing } : { digest: hasher.digestParts(parts), missing };
}
