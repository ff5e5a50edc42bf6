/**
 * Test and sample tooling: TPM 2.0 quotes made without a TPM. A TPMS_ATTEST is assembled
 * from its fields (quote-format.md §1.2–1.4: big-endian, TPM2B sizes, PCR bitmap byte i bit j
 * = PCR 8i+j) and signed with a WebCrypto RSA key generated on the spot, so the key, the
 * quote and the signature are all ours. Pure: WebCrypto exists in Node and browsers alike.
 */
import { tpmAlgId, type HashAlgorithm } from '../hash/hash-algorithm';
import type { Hasher } from '../hash/hash-provider';
import { concatBytes, toBase64 } from '../util/bytes';

export interface QuoteFields {
  /** In quote order; PCRs are written as a bitmap, so their order within a bank is ascending. */
  readonly selection: ReadonlyArray<{ readonly bank: HashAlgorithm; readonly pcrs: readonly number[] }>;
  readonly pcrDigest: Uint8Array;
  readonly extraData?: Uint8Array;
  readonly clock?: bigint;
  readonly resetCount?: number;
  readonly restartCount?: number;
  readonly firmwareVersion?: bigint;
}

function u16(v: number): Uint8Array {
  return new Uint8Array([(v >> 8) & 0xff, v & 0xff]);
}
function u32(v: number): Uint8Array {
  return new Uint8Array([(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff]);
}
function u64(v: bigint): Uint8Array {
  const out = new Uint8Array(8);
  for (let i = 7; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}
function tpm2b(bytes: Uint8Array): Uint8Array {
  return concatBytes([u16(bytes.length), bytes]);
}

/** The signed TPMS_ATTEST bytes (no TPM2B size prefix). */
export function buildQuoteAttest(fields: QuoteFields): Uint8Array {
  const selections = fields.selection.map((s) => {
    const bitmap = new Uint8Array(3);
    for (const p of s.pcrs) bitmap[p >> 3] |= 1 << (p & 7);
    return concatBytes([u16(tpmAlgId(s.bank)), new Uint8Array([3]), bitmap]);
  });
  const signerName = concatBytes([u16(0x000b), new Uint8Array(32).fill(0x5a)]);
  return concatBytes([
    u32(0xff544347),
    u16(0x8018),
    tpm2b(signerName),
    tpm2b(fields.extraData ?? new Uint8Array()),
    u64(fields.clock ?? 123456789n),
    u32(fields.resetCount ?? 1),
    u32(fields.restartCount ?? 0),
    new Uint8Array([1]),
    u64(fields.firmwareVersion ?? 0x2019102300163636n),
    u32(selections.length),
    ...selections,
    tpm2b(fields.pcrDigest),
  ]);
}

/** pcrDigest: the signing hash over the selected PCR values in selection order. */
export function quoteDigest(
  selection: QuoteFields['selection'],
  value: (bank: HashAlgorithm, pcr: number) => Uint8Array,
  hasher: Hasher,
): Uint8Array {
  return hasher.digestParts(selection.flatMap((s) => [...s.pcrs].sort((a, b) => a - b).map((p) => value(s.bank, p))));
}

export interface SignedQuote {
  readonly attest: Uint8Array;
  /** TPMT_SIGNATURE: RSASSA, SHA-256. */
  readonly signature: Uint8Array;
  /** The AK as SubjectPublicKeyInfo PEM. */
  readonly akPem: string;
}

const RSASSA_SHA256 = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };

function webCrypto(): WebCryptoSubtle {
  return (globalThis as unknown as { crypto: { subtle: WebCryptoSubtle } }).crypto.subtle;
}

/** Signs a quote with a fresh RSA-2048 RSASSA-PKCS1-v1_5/SHA-256 key (an AK of our own). */
export async function signQuote(attest: Uint8Array): Promise<SignedQuote> {
  const algorithm = { ...RSASSA_SHA256, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) };
  return signQuoteWith(attest, await webCrypto().generateKey(algorithm, true, ['sign', 'verify']));
}

/** Signs several quotes with one fresh RSA-2048 key (one AK, one quote per bank, as GCE does). */
export async function signQuotes(attests: readonly Uint8Array[]): Promise<SignedQuote[]> {
  const algorithm = { ...RSASSA_SHA256, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) };
  const keys = await webCrypto().generateKey(algorithm, true, ['sign', 'verify']);
  return Promise.all(attests.map((a) => signQuoteWith(a, keys)));
}

/** An RSA private key as a JWK (RFC 7517 §6.3): its public half is `kty`, `n`, `e`. */
export interface RsaPrivateJwk {
  readonly kty: 'RSA';
  readonly n: string;
  readonly e: string;
  readonly d: string;
  readonly p: string;
  readonly q: string;
  readonly dp: string;
  readonly dq: string;
  readonly qi: string;
}

/**
 * Signs with a fixed RSA key: RSASSA-PKCS1-v1_5 is deterministic, so the same quote and key
 * give the same signature every time (the bundled samples are rebuilt byte for byte).
 */
export async function signQuoteWithJwk(attest: Uint8Array, jwk: RsaPrivateJwk): Promise<SignedQuote> {
  const subtle = webCrypto();
  const { kty, n, e, d, p, q, dp, dq, qi } = jwk;
  const privateKey = await subtle.importKey('jwk', { kty, n, e, d, p, q, dp, dq, qi, alg: 'RS256', ext: true }, RSASSA_SHA256, true, ['sign']);
  const publicKey = await subtle.importKey('jwk', { kty, n, e, alg: 'RS256', ext: true }, RSASSA_SHA256, true, ['verify']);
  return signQuoteWith(attest, { privateKey, publicKey });
}

async function signQuoteWith(attest: Uint8Array, keys: { privateKey: unknown; publicKey: unknown }): Promise<SignedQuote> {
  const subtle = webCrypto();
  const sig = new Uint8Array(await subtle.sign('RSASSA-PKCS1-v1_5', keys.privateKey, attest));
  const spki = new Uint8Array(await subtle.exportKey('spki', keys.publicKey));
  const b64 = toBase64(spki).replace(/.{64}/g, '$&\n');
  return {
    attest,
    signature: concatBytes([u16(0x0014), u16(tpmAlgId('sha256')), tpm2b(sig)]),
    akPem: `-----BEGIN PUBLIC KEY-----\n${b64.trimEnd()}\n-----END PUBLIC KEY-----\n`,
  };
}

interface WebCryptoSubtle {
  generateKey(algorithm: unknown, extractable: boolean, usages: string[]): Promise<{ privateKey: unknown; publicKey: unknown }>;
  importKey(format: 'jwk', key: unknown, algorithm: unknown, extractable: boolean, usages: string[]): Promise<unknown>;
  sign(algorithm: unknown, key: unknown, data: Uint8Array): Promise<ArrayBuffer>;
  exportKey(format: 'spki', key: unknown): Promise<ArrayBuffer>;
}
