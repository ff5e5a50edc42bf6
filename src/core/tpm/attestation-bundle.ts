/**
 * go-tpm-tools `Attestation` (proto/attest.proto, binary protobuf): what a GCE VM's
 * `gotpm attest` or the Confidential Space launcher sends a verifier. One file holds the AK
 * public area (TPMT_PUBLIC), one quote per PCR bank (TPMS_ATTEST, TPMT_SIGNATURE and the
 * bank's PCR values), the firmware event log, and maybe the AK certificate (DER) and a COS
 * canonical event log.
 *
 * Decoded with @bufbuild/protobuf v2 from code protoc-gen-es generated from the upstream
 * schema (go-tpm-tools/*.proto; see the comment in attest.proto for the fields left out).
 * Why that library: the app runs under a CSP without 'unsafe-eval', and protobuf-es v2 builds
 * its descriptors from an embedded serialized FileDescriptorProto and decodes by walking them,
 * with no `new Function` or `eval` (protobufjs's reflection generates code at run time). It is
 * maintained by Buf, conformance-tested, and tree-shakes to the binary reader we use.
 *
 * The parts become inputs of their own (`bundle.pb › quote sha256`), so that every check treats
 * them exactly as if each had been given as a file. The PCR values travel as the JSON listing
 * form (CONTRACT §2), which reads back to the same bytes.
 *
 * Fixture: go-tpm-tools internal/test/attestations/gce-cos-85-nonce9009.pb (testdata/).
 */
import { fromBinary } from '@bufbuild/protobuf';
import { BinaryReader } from '@bufbuild/protobuf/wire';
import { hashAlgorithmFromTpmAlgId } from '../hash/hash-algorithm';
import type { InputKind } from '../inputs/input-kinds';
import { encodeText, toHex } from '../util/bytes';
import { parseAkPublic } from './keys/ak-public';
import { decodeQuoteBytes } from './quote/quote';
import { AttestationSchema, type Attestation } from './go-tpm-tools/attest_pb';

export interface BundlePart {
  readonly name: string;
  readonly kind: InputKind;
  readonly bytes: Uint8Array;
}

export type BundleReading =
  | { readonly parts: readonly BundlePart[]; readonly notes: readonly string[]; readonly error?: undefined }
  | { readonly parts?: undefined; readonly error: string };

/** The bundle decoded, or why it is not one. */
function decodeAttestation(bytes: Uint8Array): Attestation | string {
  try {
    return fromBinary(AttestationSchema, bytes);
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/**
 * By content: a protobuf whose first field is `ak_pub` (tag 0x0a) holding a TPM public area,
 * with at least one quote that is a TPMS_ATTEST. Random bytes rarely decode as protobuf at all,
 * and never with both. `isWhole` false: `bytes` is the file's head, judged on the top-level
 * fields it holds whole (the quotes, field 2, come before the event log, field 3).
 * Returns the decoded bundle when `bytes` is the whole file.
 */
export function sniffAttestationBundle(bytes: Uint8Array, isWhole: boolean): { readonly attestation?: Attestation } | undefined {
  if (bytes[0] !== 0x0a) return undefined;
  const a = decodeAttestation(isWhole ? bytes : completeFields(bytes));
  if (typeof a === 'string' || a.akPub.length === 0 || parseAkPublic(a.akPub) === undefined) return undefined;
  if (!a.quotes.some((q) => decodeQuoteBytes(q.quote)?.quote !== undefined)) return undefined;
  return isWhole ? { attestation: a } : {};
}

/** The top-level fields `head` holds whole. */
function completeFields(head: Uint8Array): Uint8Array {
  const reader = new BinaryReader(head);
  let end = 0;
  try {
    while (reader.pos < reader.len) {
      const [field, wireType] = reader.tag();
      reader.skip(wireType, field);
      end = reader.pos;
    }
  } catch {
    // The head ends inside a field: what came before it is judged.
  }
  return head.subarray(0, end);
}

/** The bundle's parts as inputs named after it, or why it cannot be read as a bundle. */
export function readAttestationBundle(name: string, bytes: Uint8Array, decoded?: Attestation): BundleReading {
  const a = decoded ?? decodeAttestation(bytes);
  if (typeof a === 'string') return { error: `not a go-tpm-tools Attestation protobuf: ${a}` };
  if (a.akPub.length === 0 && a.quotes.length === 0) return { error: 'a protobuf with neither ak_pub (field 1) nor quotes (field 2): not a go-tpm-tools Attestation' };
  const parts: BundlePart[] = [];
  const notes: string[] = [];
  const part = (label: string, kind: InputKind, data: Uint8Array): void => {
    parts.push({ name: `${name} › ${label}`, kind, bytes: data });
  };
  if (a.akPub.length > 0) part('ak_pub', 'ak-public', a.akPub);
  if (a.akCert.length > 0) part('ak_cert', 'ak-public', a.akCert);
  a.quotes.forEach((q, i) => {
    const bank = q.pcrs === undefined ? undefined : hashAlgorithmFromTpmAlgId(q.pcrs.hash);
    const label = `quote ${bank ?? i + 1}`;
    part(label, 'tpm-quote', q.quote);
    if (q.rawSig.length > 0) part(`${label} signature`, 'tpm-signature', q.rawSig);
    if (q.pcrs !== undefined && bank === undefined) notes.push(`${name}: ${label}: PCR bank 0x${q.pcrs.hash.toString(16)} is unknown; its values are not used`);
    if (q.pcrs !== undefined && bank !== undefined && Object.keys(q.pcrs.pcrs).length > 0) {
      const values = Object.fromEntries(Object.entries(q.pcrs.pcrs).map(([pcr, v]) => [pcr, toHex(v)]));
      part(`${label} PCRs`, 'pcr-values', encodeText(JSON.stringify({ [bank]: values })));
    }
  });
  if (a.eventLog.length > 0) part('event_log', 'tcg-eventlog', a.eventLog);
  if (a.canonicalEventLog.length > 0) notes.push(`${name}: its canonical_event_log (COS, TCG canonical format) is not read`);
  if (a.intermediateCerts.length > 0) notes.push(`${name}: its ${a.intermediateCerts.length} intermediate certificate(s) are not checked`);
  return { parts, notes };
}
