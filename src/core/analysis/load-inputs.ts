/**
 * Turns raw inputs (files, pastes) into parsed artefacts: the IMA log, PCR values, the
 * quotes with their signatures and keys, the firmware log. Nothing here judges them; that is
 * `analyze`. Every input is accounted for: what could not be read as its kind is in
 * `unreadable` (an error: the CLI exits 2, the app's verdict is red), what was read but is
 * not needed is in `unused`.
 */
import type { HashAlgorithm } from '../hash/hash-algorithm';
import type { HashProvider } from '../hash/hash-provider';
import { parseImaLog } from '../ima/parse-ima-log';
import { parseFirmwareLog, type FirmwareLog } from '../eventlog/event-log';
import { parsePcrValues, type PcrValues } from '../tpm/pcr-values';
import { parseQuote, type TpmsAttestQuote } from '../tpm/quote';
import { parseKeylimeQuote } from '../tpm/keylime';
import { parseTpmSignature, readTpmSignature, type TpmSignature } from '../tpm/signature';
import { readAkPublic, type AkPublic } from '../tpm/ak-public';
import type { InputKind, ReportInput } from '../report/report';
import { toHex } from '../util/bytes';
import { classifyInput } from './classify-input';
import { readAttestationBundle } from '../tpm/attestation-bundle';
import { parseImaKeys } from '../ima-signature/ima-key';
import { addPolicyInput, emptyPolicyInputs, InputFileError, type PolicyInputs } from '../policy/policy-inputs';
import { arrangeBankLists } from './bank-lists';
import type { LoadedLog, RawInput } from './analysis-types';
import { pairQuotes, type Named, type PairedQuote, type QuoteInput } from './pair-quotes';

export interface LoadedInputs {
  readonly log?: LoadedLog;
  /** Per-bank lists of the same log in other banks (bank-lists.ts); each replays its bank. */
  readonly companions?: readonly LoadedLog[];
  readonly firmware?: { readonly log: FirmwareLog; readonly input: ReportInput };
  readonly pcrValues: PcrValues;
  /** The first quote, its signature and key (what single-quote code reads: describeQuote, hypotheses). */
  readonly quote?: TpmsAttestQuote;
  readonly signature?: TpmSignature;
  readonly ak?: AkPublic;
  /** Every quote with the signature and key paired with it (pair-quotes.ts), in the order given. */
  readonly quotes: readonly PairedQuote[];
  /** Signatures given as their own input that no quote was left for. */
  readonly spareSignatures: ReadonlyArray<Named<TpmSignature>>;
  /** Attestation keys: TPM public areas, and bare keys or certificates that verify a quote. */
  readonly aks: ReadonlyArray<Named<AkPublic>>;
  /** Bare keys and certificates that verify no quote: IMA verification keys (kind `ima-key`). */
  readonly imaKeys: ReadonlyArray<Named<AkPublic>>;
  /**
   * Inputs that cannot be read as the kind they were given or recognised as: the reason says
   * where (byte offset, line or field) and what was expected there.
   */
  readonly unreadable: ReadonlyArray<{ readonly name: string; readonly kind?: InputKind; readonly reason: string }>;
  /** Inputs that were read but not used, with the reason. */
  readonly unused: ReadonlyArray<{ readonly name: string; readonly reason: string }>;
  /** Every input, for the report. */
  readonly inputs: readonly ReportInput[];
  /** Problems found while reading non-log inputs (e.g. "PCR 10 given twice with different values"). */
  readonly notes: readonly string[];
  /** Runtime policy, exclude lists, keyrings and IMA keys (CONTRACT §5.1). */
  readonly policyInputs: PolicyInputs;
}

export async function fingerprint(bytes: Uint8Array, provider: HashProvider): Promise<string> {
  const h = provider.get('sha256');
  if (h !== undefined) return toHex(h.digest(bytes));
  const s = await provider.createStream('sha256');
  if (s === undefined) throw new Error('no sha256 available');
  s.update(bytes);
  return toHex(s.digest());
}

function mergePcrValues(into: Map<HashAlgorithm, Map<number, Uint8Array>>, from: PcrValues, notes: string[], name: string): void {
  for (const [bank, pcrs] of from) {
    let target = into.get(bank);
    if (target === undefined) into.set(bank, (target = new Map()));
    for (const [pcr, value] of pcrs) {
      const prior = target.get(pcr);
      if (prior !== undefined && toHex(prior) !== toHex(value)) {
        notes.push(`${name}: ${bank} PCR ${pcr} differs from a value given earlier; the later one is used`);
      }
      target.set(pcr, value);
    }
  }
}

/**
 * Parses every input. `preloadedLog` is the IMA log the app's worker has already streamed
 * (`preloadedCompanions`: its per-bank lists of other banks);
 * the CLI passes everything as raw inputs.
 */
export async function loadInputs(
  raw: readonly RawInput[],
  provider: HashProvider,
  preloadedLog?: LoadedLog,
  preloadedCompanions: readonly LoadedLog[] = [],
): Promise<LoadedInputs> {
  const inputs: ReportInput[] = [];
  const unused: Array<{ name: string; reason: string }> = [];
  const unreadable: Array<{ name: string; kind?: InputKind; reason: string }> = [];
  const notes: string[] = [];
  const pcrValues = new Map<HashAlgorithm, Map<number, Uint8Array>>();
  // Every IMA list given; arrangeBankLists picks the one shown and its per-bank companions.
  const logs: LoadedLog[] = [];
  if (preloadedLog !== undefined) {
    logs.push(preloadedLog);
    inputs.push(preloadedLog.input);
  }
  for (const c of preloadedCompanions) {
    logs.push(c);
    inputs.push(c.input);
  }
  let firmware: LoadedInputs['firmware'];
  const quoteInputs: QuoteInput[] = [];
  const signatures: Array<Named<TpmSignature>> = [];
  const keys: Array<Named<AkPublic>> = [];
  const keyInputs = new Map<Named<AkPublic>, { input: RawInput; report: ReportInput }>();
  let policyInputs = emptyPolicyInputs();

  // A bundle's parts join the queue as inputs of their own (attestation-bundle.ts).
  const queue: RawInput[] = [...raw];
  for (let at = 0; at < queue.length; at++) {
    const input = queue[at];
    const kind: InputKind | undefined = input.kind ?? classifyInput(input.bytes.subarray(0, 64 * 1024));
    const base = { name: input.name, size: input.bytes.length, sha256: await fingerprint(input.bytes, provider) };
    if (kind === undefined) {
      unreadable.push({ name: input.name, reason: 'not recognised as any accepted input' });
      continue;
    }
    const report: ReportInput = { ...base, kind };
    inputs.push(report);
    const refuse = (reason: string): void => {
      unreadable.push({ name: input.name, kind, reason });
    };
    switch (kind) {
      case 'attestation-bundle': {
        const bundle = readAttestationBundle(input.name, input.bytes);
        if (bundle.parts === undefined) refuse(bundle.error);
        else {
          queue.splice(at + 1, 0, ...bundle.parts);
          notes.push(...bundle.notes);
        }
        break;
      }
      case 'ima-binary':
      case 'ima-ascii': {
        const parsed = parseImaLog(input.bytes, { format: kind === 'ima-binary' ? 'binary' : 'ascii' });
        // A list that yields no entry at all (a --kind the file does not fit) is no list.
        if (parsed.entries.length === 0 && input.bytes.length > 0) {
          const e = parsed.errors[0];
          refuse(e === undefined ? 'offset 0: no IMA measurement entry could be read' : `offset ${e.offset}: ${e.message}`);
          break;
        }
        logs.push({ log: parsed, input: report });
        break;
      }
      case 'tcg-eventlog':
        if (firmware !== undefined) unused.push({ name: input.name, reason: 'a second firmware log' });
        else firmware = { log: parseFirmwareLog(input.bytes), input: report };
        break;
      case 'pcr-values': {
        const parsed = parsePcrValues(input.bytes);
        if (parsed === undefined) refuse('no PCR listing form fits (tpm2_pcrread YAML, serialized/marshaled files, PCR-NN lines, N: hex lines, JSON)');
        else if ((parsed.unreadable?.length ?? 0) > 0 || parsed.unindexed !== undefined) {
          refuse(parsed.unreadable?.join('; ') ?? parsed.problems.join('; '));
        } else {
          mergePcrValues(pcrValues, parsed.values, notes, input.name);
          for (const p of parsed.problems) notes.push(`${input.name}: ${p}`);
        }
        break;
      }
      case 'tpm-quote': {
        const text = new TextDecoder().decode(input.bytes.subarray(0, 1 << 20));
        const keylime = parseKeylimeQuote(text);
        if (keylime !== undefined) {
          quoteInputs.push({ quote: keylime.quote, input: input.name, ...(keylime.signature ? { embedded: keylime.signature } : {}) });
          if (keylime.pcrValues !== undefined) mergePcrValues(pcrValues, keylime.pcrValues, notes, input.name);
          for (const p of keylime.problems) notes.push(`${input.name}: ${p}`);
          break;
        }
        const parsed = parseQuote(input.bytes);
        if (parsed?.quote === undefined) {
          refuse(parsed?.problems.join('; ') ?? 'not a TPMS_ATTEST quote (magic ff544347, type 8018), TPM2B_ATTEST, Keylime string or tpm2_quote output');
        } else {
          for (const p of parsed.problems) notes.push(`${input.name}: ${p}`);
          // tpm2_quote's stdout carries the signature and the PCR values beside the quote.
          const embedded = text.startsWith('quoted:') ? parseTpmSignature(input.bytes) : undefined;
          quoteInputs.push({ quote: parsed.quote, input: input.name, ...(embedded ? { embedded } : {}) });
          if (text.startsWith('quoted:')) {
            const pcrs = parsePcrValues(input.bytes);
            if (pcrs !== undefined) mergePcrValues(pcrValues, pcrs.values, notes, input.name);
          }
        }
        break;
      }
      case 'tpm-signature': {
        const parsed = readTpmSignature(input.bytes);
        if (parsed.signature === undefined) refuse(parsed.error);
        else signatures.push({ value: parsed.signature, input: input.name });
        break;
      }
      case 'ak-public': {
        const parsed = readAkPublic(input.bytes);
        if (parsed.key === undefined) refuse(parsed.error);
        else {
          const named = { value: parsed.key, input: input.name };
          keyInputs.set(named, { input, report });
          keys.push(named);
        }
        break;
      }
      case 'runtime-policy':
      case 'exclude-list':
      case 'ima-keyring':
      case 'ima-key':
        // Given as an IMA key: never tried as the AK. What cannot be read as its kind is
        // refused with the place (a JSON pointer, a line, a byte offset), like every input.
        try {
          policyInputs = addPolicyInput(policyInputs, input.name, input.bytes, kind);
        } catch (e) {
          if (!(e instanceof InputFileError)) throw e;
          refuse(`${e.place}: ${e.reason}`);
        }
        break;
    }
  }
  const pairing = await pairQuotes(quoteInputs, signatures, keys);
  // A key that verifies no quote is reported as what it is (CONTRACT §5.1) and, when it can
  // verify IMA signatures, joins the keys of the policy dry run.
  for (const k of pairing.imaKeys) {
    const given = keyInputs.get(k);
    if (given === undefined) continue;
    given.report.kind = 'ima-key';
    // A key given to be used that is neither the AK nor a readable IMA key checks nothing:
    // refused (fail closed), never silently left out.
    const ima = parseImaKeys(given.input.bytes);
    if (ima.ok) policyInputs = addPolicyInput(policyInputs, given.input.name, given.input.bytes, 'ima-key');
    else unreadable.push({ name: given.input.name, kind: 'ima-key', reason: `${ima.error.place}: ${ima.error.message}` });
  }
  const { primary: log, companions, extra } = arrangeBankLists(logs);
  for (const l of extra) unused.push({ name: l.input.name, reason: `a second IMA list of the same bank; only ${log?.input.name ?? ''} is analysed` });
  const first = pairing.quotes[0];
  return {
    log,
    companions,
    firmware,
    pcrValues,
    ...(first !== undefined ? { quote: first.quote } : {}),
    ...(first?.signature !== undefined ? { signature: first.signature.value } : {}),
    ...((first?.ak ?? pairing.aks[0]) !== undefined ? { ak: (first?.ak ?? pairing.aks[0]).value } : {}),
    quotes: pairing.quotes,
    spareSignatures: pairing.spareSignatures,
    aks: pairing.aks,
    imaKeys: pairing.imaKeys,
    unreadable,
    unused,
    inputs,
    notes,
    policyInputs,
  };
}
