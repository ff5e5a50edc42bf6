/**
 * Keylime quotes (quote-format.md §2.4): the quote string `r<b64 TPMS_ATTEST>:<b64
 * TPMT_SIGNATURE>:<b64 pcrblob>` and the agent's JSON response around it
 * (keylime-string.ts splits both). The pcrblob is a tpm2-tools serialized PCR file, and it is
 * the only way PCR values reach a Keylime verifier.
 *
 * Checks Keylime itself makes and we repeat as problems (keylime/tpm/tpm_util.py
 * `checkquote`): the signature hash must be the agent's `hash_alg` ("Quote was expected to use
 * … but used … instead"); the pcrblob selection must be the quote's. Keylime's optional zlib
 * compression of the fields is not supported.
 *
 * Fixtures: swtpm/keylime_quote_string.txt, swtpm/keylime_agent_quote_response.json (checked
 * with Keylime's own checkquote), realdata/rust-keylime/test-quote.txt.
 */
import { parseHashAlgorithm, type HashAlgorithm } from '../../hash/hash-algorithm';
import { fromBase64 } from '../../util/bytes';
import { splitKeylime } from './keylime-string';
import { parseSerializedPcrFile } from '../pcrs/pcr-file-binary';
import { formatPcrSelection } from '../pcrs/pcr-selection';
import type { PcrValues } from '../pcrs/pcr-value-set';
import { decodeQuoteBytes, type TpmsAttestQuote } from './quote';
import { readTpmSignature, type TpmSignature } from '../signature/signature';

/** What an agent response carries besides the quote. */
export interface KeylimeAgentFields {
  hashAlg?: HashAlgorithm;
  encAlg?: string;
  signAlg?: string;
  /** `pubkey`: the agent's NK (transport key) PEM — NOT the attestation key. */
  nkPublicPem?: string;
  /** ASCII IMA measurement list */
  imaMeasurementList?: string;
  /** > 0: the list is a suffix starting at this entry (incremental attestation) */
  imaMeasurementListEntry?: number;
  /** binary_bios_measurements, decoded from base64 */
  mbMeasurementList?: Uint8Array;
  /** Why `mb_measurement_list`, given, could not be decoded. */
  mbMeasurementListUnreadable?: string;
  /** `ima_measurement_list_entry` given but not an entry number: where the list starts is unknown. */
  imaMeasurementListEntryInvalid?: string;
}

export interface KeylimeQuote {
  quote: TpmsAttestQuote;
  signature?: TpmSignature;
  /** Why field 2 is not a signature, when it holds something (a check the user asked for). */
  unreadableSignature?: string;
  pcrValues?: PcrValues;
  problems: string[];
  agent?: KeylimeAgentFields;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function agentFields(results: Record<string, unknown>, problems: string[]): KeylimeAgentFields {
  const hashAlgName = str(results.hash_alg);
  const hashAlg = hashAlgName === undefined ? undefined : parseHashAlgorithm(hashAlgName);
  if (hashAlgName !== undefined && hashAlg === undefined) {
    problems.push(`hash_alg "${hashAlgName}" is unknown`);
  }
  const mb = str(results.mb_measurement_list);
  const mbBytes = mb === undefined ? undefined : fromBase64(mb);
  const entry = results.ima_measurement_list_entry;
  const entryIsNumber = typeof entry === 'number' && Number.isSafeInteger(entry) && entry >= 0;
  return {
    hashAlg,
    encAlg: str(results.enc_alg),
    signAlg: str(results.sign_alg),
    nkPublicPem: str(results.pubkey),
    imaMeasurementList: str(results.ima_measurement_list),
    imaMeasurementListEntry: entryIsNumber ? entry : undefined,
    ...(entry !== undefined && entry !== null && !entryIsNumber ? { imaMeasurementListEntryInvalid: `ima_measurement_list_entry is ${JSON.stringify(entry).slice(0, 40)}, not an entry number` } : {}),
    mbMeasurementList: mbBytes,
    ...(mb !== undefined && mbBytes === undefined ? { mbMeasurementListUnreadable: 'mb_measurement_list is not base64' } : {}),
  };
}

/** A Keylime quote string or agent response; undefined if the text is neither. Never throws. */
export function parseKeylimeQuote(text: string): KeylimeQuote | undefined {
  const fields = splitKeylime(text);
  if (fields === undefined) return undefined;
  const attestBytes = fromBase64(fields.attest);
  const parsed = attestBytes === undefined ? undefined : decodeQuoteBytes(attestBytes);
  if (parsed?.quote === undefined) return undefined;
  const { quote } = parsed;
  const problems = [...parsed.problems];

  const sigBytes = fields.signature === '' ? undefined : fromBase64(fields.signature);
  const sigReading = sigBytes === undefined ? undefined : readTpmSignature(sigBytes);
  const signature = sigReading?.signature;
  const unreadableSignature =
    fields.signature === '' || signature !== undefined ? undefined : `field 2 is not a TPMT_SIGNATURE${sigReading === undefined ? ' (not base64)' : ` (${sigReading.error})`}`;

  let pcrValues: PcrValues | undefined;
  const blob = fields.pcrBlob === '' ? undefined : fromBase64(fields.pcrBlob);
  const pcrFile = blob === undefined ? undefined : parseSerializedPcrFile(blob);
  if (fields.pcrBlob !== '' && pcrFile === undefined) {
    problems.push('field 3 is not a tpm2-tools serialized PCR file');
  } else if (pcrFile !== undefined) {
    pcrValues = pcrFile.values;
    problems.push(...pcrFile.problems.map((p) => `pcrblob: ${p}`));
    const fileSel = formatPcrSelection(pcrFile.selection);
    const quoteSel = formatPcrSelection(quote.selection);
    if (fileSel !== quoteSel) {
      problems.push(`pcrblob selects ${fileSel} but the quote selects ${quoteSel}`);
    }
  }

  const agent = fields.results === undefined ? undefined : agentFields(fields.results, problems);
  const expected = agent?.hashAlg;
  const used = signature?.hashAlg;
  if (expected !== undefined && used !== undefined && expected !== used) {
    problems.push(`Quote was expected to use ${expected} but used ${used} instead`);
  }
  return {
    quote,
    ...(signature === undefined ? {} : { signature }),
    ...(unreadableSignature === undefined ? {} : { unreadableSignature }),
    ...(pcrValues === undefined ? {} : { pcrValues }),
    problems,
    ...(agent === undefined ? {} : { agent }),
  };
}
