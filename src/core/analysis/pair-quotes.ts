/**
 * Which signature and which key belong to which quote, when several of each are given (GCE
 * ships one quote per bank, each with its signature; go-tpm-tools bundles them; a user drops
 * `quote-sha1.msg quote-sha256.msg sig-sha1 sig-sha256 ak.pem`).
 *
 * A signature carried inside its quote's input (a Keylime string, tpm2_quote's stdout) is that
 * quote's. Every other signature is tried against every quote without one, with every key: a
 * signature that verifies a quote is its pair, whatever order the files came in. What is left
 * after that is paired in the order given (the i-th unpaired quote with the i-th unpaired
 * signature), so that a bad signature is reported against the quote it was given beside,
 * and never silently dropped. Verification is cheap next to the log: a few quotes, a few keys.
 *
 * A key that verifies some quote is an attestation key. A TPM public area is an AK whatever it
 * verifies (an IMA key never comes as one); a bare public key or certificate that verifies no
 * quote is an IMA verification key (CONTRACT §5.1 `ima-key`) only when every quote had a
 * signature to try it on: beside a quote without one it may well be that quote's AK, and is
 * kept as such so that the missing signature is reported (fail closed).
 */
import type { AkPublic } from '../tpm/keys/ak-public';
import { isTpmPublicArea } from '../tpm/keys/ak-public';
import type { TpmsAttestQuote } from '../tpm/quote/quote';
import type { TpmSignature } from '../tpm/signature/signature';
import { verifyQuoteSignature } from '../tpm/quote/verify-quote';

export interface Named<T> {
  readonly value: T;
  /** The input it came from. */
  readonly input: string;
}

export interface QuoteInput {
  readonly quote: TpmsAttestQuote;
  readonly input: string;
  /** A signature carried in the same input. */
  readonly embedded?: TpmSignature;
  /** Why the signature the input carries could not be read: it is still this quote's. */
  readonly embeddedUnreadable?: string;
}

export interface PairedQuote {
  readonly quote: TpmsAttestQuote;
  readonly input: string;
  readonly signature?: Named<TpmSignature>;
  /** Why the signature its own input carries could not be read (then it has no `signature`). */
  readonly signatureUnreadable?: string;
  /** The key that verifies it, else the key it is judged with (the first AK given). */
  readonly ak?: Named<AkPublic>;
}

export interface QuotePairing {
  readonly quotes: readonly PairedQuote[];
  /** Separate signatures no quote was left for. */
  readonly spareSignatures: ReadonlyArray<Named<TpmSignature>>;
  /** Keys that verify a quote, and TPM public areas. */
  readonly aks: ReadonlyArray<Named<AkPublic>>;
  /** Bare keys and certificates that verify no supplied quote. */
  readonly imaKeys: ReadonlyArray<Named<AkPublic>>;
}

/**
 * `givenAsAk`: keys the user declared attestation keys (`--kind FILE=ak-public`, the app's
 * menu): they stay AKs when they verify no quote, never becoming IMA keys behind the user's back.
 */
export async function pairQuotes(
  quotes: readonly QuoteInput[],
  signatures: ReadonlyArray<Named<TpmSignature>>,
  keys: ReadonlyArray<Named<AkPublic>>,
  givenAsAk: ReadonlySet<Named<AkPublic>> = new Set(),
): Promise<QuotePairing> {
  // A certificate is tried first: when it and a bare key hold the same AK (a go-tpm-tools
  // bundle has both), the quote is reported with the certificate's subject and issuer.
  const tryOrder = [...keys.filter((k) => k.value.certificate !== undefined), ...keys.filter((k) => k.value.certificate === undefined)];
  const verifies = async (quote: TpmsAttestQuote, sig: TpmSignature): Promise<Named<AkPublic> | undefined> => {
    for (const key of tryOrder) if ((await verifyQuoteSignature(quote, sig, key.value)).valid) return key;
    return undefined;
  };
  const signatureOf: Array<Named<TpmSignature> | undefined> = quotes.map((q) =>
    q.embedded === undefined ? undefined : { value: q.embedded, input: q.input },
  );
  const keyOf: Array<Named<AkPublic> | undefined> = quotes.map(() => undefined);
  const spare = [...signatures];
  // 1. Signatures that verify a quote, in any order.
  for (let i = 0; i < quotes.length; i++) {
    const embedded = signatureOf[i];
    if (embedded !== undefined) {
      keyOf[i] = await verifies(quotes[i].quote, embedded.value);
      continue;
    }
    if (quotes[i].embeddedUnreadable !== undefined) continue;
    for (let s = 0; s < spare.length; s++) {
      const key = await verifies(quotes[i].quote, spare[s].value);
      if (key === undefined) continue;
      signatureOf[i] = spare[s];
      keyOf[i] = key;
      spare.splice(s, 1);
      break;
    }
  }
  // 2. The rest in the order given.
  for (let i = 0; i < quotes.length && spare.length > 0; i++) {
    if (signatureOf[i] === undefined && quotes[i].embeddedUnreadable === undefined) signatureOf[i] = spare.shift();
  }
  const verifying = new Set(keyOf.filter((k) => k !== undefined));
  // A quote whose own signature could not be read may still be a bare key's: that key stays an AK.
  const everyQuoteSigned = signatureOf.every((s) => s !== undefined);
  const aks = keys.filter((k) => verifying.has(k) || isTpmPublicArea(k.value) || givenAsAk.has(k) || !everyQuoteSigned);
  const imaKeys = keys.filter((k) => !aks.includes(k));
  // A quote no key verifies is judged with the first AK, else the first key of any kind, so
  // that its signature is reported invalid (not unchecked) when a key was given.
  const fallback = aks[0] ?? keys[0];
  return {
    quotes: quotes.map((q, i) => {
      const signature = signatureOf[i];
      const ak = keyOf[i] ?? fallback;
      return {
        quote: q.quote,
        input: q.input,
        ...(signature !== undefined ? { signature } : {}),
        ...(q.embeddedUnreadable !== undefined ? { signatureUnreadable: q.embeddedUnreadable } : {}),
        ...(ak !== undefined ? { ak } : {}),
      };
    }),
    spareSignatures: spare,
    aks,
    imaKeys,
  };
}
