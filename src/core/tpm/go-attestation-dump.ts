/**
 * go-attestation's dump (`attest-tool dump`, `attest/attest-tool/internal.Dump`, the JSON of
 * its test data such as `attest/testdata/windows_gcp_shielded_vm.json`): one machine's AK,
 * quote, PCR values and firmware event log, as Go's encoding/json writes them (byte slices in
 * standard base64, fields in declaration order):
 *
 *   { "Static": { "TPMVersion"?, "EKPem" },
 *     "AK":     { "Public", "UseTCSDActivationFormat", "CreateData", "CreateAttestation", "CreateSignature" },
 *     "Quote":  { "Nonce", "Alg", "Quote", "Signature" },
 *     "Log":    { "PCRs": [{ "Index", "Digest", "DigestAlg" }], "PCRAlg", "Raw" } }
 *
 * Like a go-tpm-tools bundle (attestation-bundle.ts), its parts become inputs of their own
 * (`dump.json › quote`), so that every check treats them as if each had been given as a file.
 * `AK.Public` is a TPMT_PUBLIC on TPM 2.0 and a TPM_PUBKEY on TPM 1.2 (not read: TPM 1.2
 * quotes are refused); `PCRs[].DigestAlg` is Go's `crypto.Hash` (3 SHA-1, 5 SHA-256, 6 SHA-384,
 * 7 SHA-512).
 */
import type { HashAlgorithm } from '../hash/hash-algorithm';
import type { InputKind } from '../inputs/input-kinds';
import { bytesEqual, decodeExactText, encodeText, fromBase64, toHex } from '../util/bytes';
import type { BundlePart, BundleReading } from './attestation-bundle';
import { isObject, parseJsonObject } from './json-value';
import { decodeQuoteBytes } from './quote/quote';

/** Go's crypto.Hash numbers of the banks a PCR listing can name. */
const GO_CRYPTO_HASH = new Map<number, HashAlgorithm>([
  [3, 'sha1'],
  [5, 'sha256'],
  [6, 'sha384'],
  [7, 'sha512'],
]);

/**
 * By content: a JSON object whose first member is `"Static"` (Go writes a struct's fields in
 * declaration order, and Dump's first is Static) and that has the dump's sections. Judged on
 * the head alone when that is all there is (a long event log makes the file larger than it).
 */
export function sniffGoAttestationDump(text: string | undefined, whole: Uint8Array | undefined): { readonly dump?: Record<string, unknown> } | undefined {
  if (text === undefined || !/^\s*\{\s*"Static"\s*:\s*\{/.test(text)) return undefined;
  if (whole === undefined) return /"(?:AK|Quote|Log)"\s*:\s*\{/.test(text) ? {} : undefined;
  const dump = parseDump(whole);
  return typeof dump === 'string' ? undefined : { dump };
}

function parseDump(bytes: Uint8Array): Record<string, unknown> | string {
  const text = decodeExactText(bytes);
  if (text === undefined) return 'not UTF-8 text';
  const doc = parseJsonObject(text.replace(/^\ufeff/, ''));
  if (doc === undefined) return 'not a JSON object';
  if (!['AK', 'Quote', 'Log'].some((k) => isObject(doc[k]))) return 'a JSON object with none of the sections AK, Quote and Log';
  return doc;
}

/** The dump's parts as inputs named after it, or why it cannot be read as a dump. */
export function readGoAttestationDump(name: string, bytes: Uint8Array, parsed?: Record<string, unknown>): BundleReading {
  const doc = parsed ?? parseDump(bytes);
  if (typeof doc === 'string') return { error: `not a go-attestation dump: ${doc}` };
  const parts: BundlePart[] = [];
  const notes: string[] = [];
  const problems: string[] = [];
  /** A base64 field as bytes; absent, null and "" are absent, anything else unreadable. */
  const field = (section: string, key: string): Uint8Array | undefined => {
    const s = doc[section];
    const v = isObject(s) ? s[key] : undefined;
    if (v === undefined || v === null || v === '') return undefined;
    const decoded = typeof v === 'string' ? fromBase64(v) : undefined;
    if (decoded === undefined) problems.push(`${section}.${key} is not base64`);
    return decoded;
  };
  const part = (label: string, kind: InputKind, data: Uint8Array | undefined): void => {
    if (data !== undefined) parts.push({ name: `${name} › ${label}`, kind, bytes: data });
  };

  // A section given as something else than an object would be left out unseen.
  for (const section of ['Static', 'AK', 'Quote', 'Log']) {
    const s = doc[section];
    if (s !== undefined && s !== null && !isObject(s)) problems.push(`${section} is not an object`);
  }
  const ak = field('AK', 'Public');
  const quote = field('Quote', 'Quote');
  const decoded = quote === undefined ? undefined : decodeQuoteBytes(quote);
  // A TPM 1.2 AK is a TPM_PUBKEY, which serves only the TPM 1.2 quote that is refused anyway:
  // said here, so that the verdict leads with the quote's reason, not the key's structure.
  const tpm12 = decoded?.tpm12 !== undefined || (quote === undefined && isObject(doc.Static) && doc.Static.TPMVersion === 1);
  if (tpm12 && ak !== undefined) notes.push(`${name}: its AK.Public is a TPM 1.2 key (TPM_PUBKEY), not read: imascope checks only TPM 2.0 quotes`);
  else part('AK.Public', 'ak-public', ak);
  part('Quote.Quote', 'tpm-quote', quote);
  part('Quote.Signature', 'tpm-signature', field('Quote', 'Signature'));
  readPcrs(doc.Log, problems).forEach(([bank, values], i, all) => {
    const before = all.slice(0, i).filter(([b]) => b === bank).length;
    const label = `Log.PCRs ${bank}${before > 0 ? ` (${before + 1})` : ''}`;
    part(label, 'pcr-values', encodeText(JSON.stringify({ [bank]: Object.fromEntries(values) })));
  });
  part('Log.Raw', 'tcg-eventlog', field('Log', 'Raw'));
  const nonce = field('Quote', 'Nonce');
  const ek = field('Static', 'EKPem');
  const creation = field('AK', 'CreateAttestation');
  // The nonce the dump's verifier sent: a quote holding another is a replayed one.
  const extraData = decoded?.quote?.extraData ?? decoded?.tpm12?.externalData;
  if (nonce !== undefined && extraData !== undefined && !bytesEqual(extraData, nonce)) {
    problems.push(`its quote holds the nonce ${toHex(extraData) || '(none)'}, not its Quote.Nonce ${toHex(nonce)}: a quote made for another request`);
  }
  if (problems.length > 0) return { error: `a go-attestation dump, but ${problems.join('; ')}` };

  if (nonce !== undefined) notes.push(`${name}: its quote holds its Quote.Nonce ${toHex(nonce)}; give the nonce you sent (--nonce) to check it is yours`);
  if (ek !== undefined) notes.push(`${name}: its endorsement key (Static.EKPem) is not checked`);
  if (creation !== undefined) notes.push(`${name}: its AK creation attestation (AK.CreateData, CreateAttestation, CreateSignature) is not checked`);
  if (parts.length === 0) return { error: 'a go-attestation dump with no AK, quote, PCR values or event log in it' };
  return { parts, notes };
}

/**
 * `Log.PCRs` as PCR listings, one per bank, hex by PCR number; unreadable items are added to
 * `problems`. A PCR given twice with different values goes into a second listing, so that the
 * conflict is seen and neither value checked (a JSON object would keep only the last).
 */
function readPcrs(log: unknown, problems: string[]): Array<[HashAlgorithm, Map<string, string>]> {
  const listings: Array<[HashAlgorithm, Map<string, string>]> = [];
  const list = isObject(log) ? log.PCRs : undefined;
  if (list === undefined || list === null) return listings;
  if (!Array.isArray(list)) {
    problems.push('Log.PCRs is not a list');
    return listings;
  }
  for (const [i, item] of (list as unknown[]).entries()) {
    const read = readPcr(item);
    if (typeof read === 'string') {
      problems.push(`Log.PCRs[${i}]${read}`);
      continue;
    }
    const { bank, pcr, value } = read;
    const listing = listings.find(([b, values]) => b === bank && (values.get(pcr) ?? value) === value);
    if (listing === undefined) listings.push([bank, new Map([[pcr, value]])]);
    else listing[1].set(pcr, value);
  }
  return listings;
}

/** One item of `Log.PCRs` (PCR number as text, value as hex), or what makes it unreadable, after its place. */
function readPcr(item: unknown): { readonly bank: HashAlgorithm; readonly pcr: string; readonly value: string } | string {
  if (!isObject(item)) return ' is not an object';
  const { Index: index, Digest: digest, DigestAlg: alg } = item;
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index > 255) return '.Index is not a PCR number';
  const bank = typeof alg === 'number' ? GO_CRYPTO_HASH.get(alg) : undefined;
  if (bank === undefined) return `.DigestAlg ${JSON.stringify(alg) ?? 'absent'} is not a hash a PCR bank uses (Go crypto.Hash 3, 5, 6 or 7)`;
  const value = typeof digest === 'string' ? fromBase64(digest) : undefined;
  if (value === undefined) return '.Digest is not base64';
  return { bank, pcr: String(index), value: toHex(value) };
}
