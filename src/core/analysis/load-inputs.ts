/**
 * Turns raw inputs (files, pastes) into parsed artefacts: the IMA log, PCR values, the
 * quotes with their signatures and keys, the firmware log. Nothing here judges them; that is
 * `analyze`. Every input is accounted for: what could not be read as its kind is in
 * `unreadable` (an error: the CLI exits 2, the app's verdict is red), what was read but is
 * not needed is in `unused`, and second lists of a bank already taken in `extra` (analyze
 * says what each holds).
 */
import type { HashProvider } from '../hash/hash-provider';
import type { FirmwareLog } from '../eventlog/event-log';
import type { PcrValues } from '../tpm/pcrs/pcr-values';
import type { PcrConflict } from '../tpm/pcrs/pcr-value-set';
import type { TpmSignature } from '../tpm/signature/signature';
import type { AkPublic } from '../tpm/keys/ak-public';
import type { InputKind, ReportInput } from '../report/report';
import { bytesEqual, toHex } from '../util/bytes';
import { recogniseAs, recogniseInput } from '../inputs/registry';
import { readWithQuoteSelection } from '../inputs/pcr-values';
import { diagnoseUnrecognised } from '../inputs/diagnose';
import { asText } from '../tpm/binary-input';
import { LoadSink, type Unreadable } from '../inputs/load-sink';
import { noEntryRead } from '../inputs/ima-list';
import { checkCalcDigest } from '../tpm/quote/tpm2-quote-stdout';
import { parseImaKeys } from '../ima-signature/ima-key';
import { addPolicyInput, sortEnvelopeKey, type PolicyInputs } from '../policy/policy-inputs';
import { arrangeBankLists } from './bank-lists';
import type { LoadedLog, RawInput } from './analysis-types';
import type { StreamedLog } from './streamed-log';
import { pairQuotes, type Named, type PairedQuote } from './pair-quotes';

export interface LoadedInputs {
  readonly log?: LoadedLog;
  /**
   * A binary list read by a streaming pass instead of being parsed into `log` (the CLI, when
   * `streamedLogSuffices`): what the report needs of it, without its model.
   */
  readonly streamedLog?: StreamedLog;
  /** Per-bank lists of the same log in other banks (bank-lists.ts); each replays its bank. */
  readonly companions?: readonly LoadedLog[];
  /** Second lists of a bank already taken: not analysed, but what each holds is said (extra-lists.ts). */
  readonly extra?: readonly LoadedLog[];
  /**
   * Every IMA list given (the raw inputs', or those the app's worker parsed), in the order
   * given: analyze analyses another list of the analysed list's bank when it, not the longest,
   * reproduces the supplied PCR values or quote (withAnalysedList).
   */
  readonly lists: readonly LoadedLog[];
  readonly firmware?: { readonly log: FirmwareLog; readonly input: ReportInput };
  readonly pcrValues: PcrValues;
  /** PCRs given different values: none of their values is in pcrValues (LoadSink.pcrConflicts). */
  readonly pcrConflicts: readonly PcrConflict[];
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
  readonly unreadable: readonly Unreadable[];
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

/** Sizes a '-F values' file can have: whole digests (20, 32, 48, 64 bytes), at most 16 banks of 24 PCRs. */
function couldBeDigests(bytes: Uint8Array): boolean {
  return bytes.length >= 20 && bytes.length % 4 === 0 && bytes.length <= 16 * 24 * 64;
}

/** The kinds whose loaders find inputs inside theirs (`LoadSink.found`). */
const HOLDS_PARTS: ReadonlySet<InputKind> = new Set(['tpm-quote', 'attestation-bundle']);

/** Whether an input of `kind` may hold parts (partsOf): the others need not be read for them. */
export function mayHoldParts(kind: InputKind | undefined): boolean {
  return kind !== undefined && HOLDS_PARTS.has(kind);
}

/**
 * The inputs `input` holds, read by loadInputs as if each had been given (a go-tpm-tools
 * bundle's parts, the IMA list and firmware log of a Keylime agent response), named
 * `input › part`. The app opens them as inputs of the case (a list part is shown in the table);
 * loadInputs then does not read them twice.
 */
export function partsOf(input: RawInput): RawInput[] {
  if (input.kind === undefined || !mayHoldParts(input.kind)) return [];
  const recognised = input.recognised ?? recogniseAs(input.kind, input.bytes, true);
  if (recognised === undefined) return [];
  const sink = new LoadSink();
  recognised.module.load({ name: input.name, bytes: input.bytes, kind: recognised.module.kind }, recognised.learned, sink);
  return sink.found;
}

/**
 * IMA lists the app's worker has already streamed: every list of the case, in the order given,
 * and the one its table shows. That one is the list `log` (the worker gives its precomputed
 * work), whichever is longer; analyze may still analyse another of its bank.
 */
export interface PreloadedLists {
  readonly lists: readonly LoadedLog[];
  readonly shown?: LoadedLog;
}

/** Parses every input. The CLI passes everything as raw inputs; the app's worker, its lists parsed (`preloaded`). */
export async function loadInputs(raw: readonly RawInput[], provider: HashProvider, preloaded: PreloadedLists = { lists: [] }): Promise<LoadedInputs> {
  const inputs: ReportInput[] = [];
  const sink = new LoadSink();
  // Every IMA list given; arrangeBankLists picks the one shown and its per-bank companions.
  // One that yields no entry is refused as the CLI's loader refuses it (loadImaList).
  for (const l of preloaded.lists) {
    inputs.push(l.input);
    const refused = noEntryRead(l.log, l.input.size);
    if (refused === undefined) sink.logs.push(l);
    else sink.unreadable.push({ name: l.input.name, kind: l.input.kind, reason: refused });
  }
  // Inputs the user declared attestation keys: they stay AKs (pairQuotes).
  const declaredAk = new Set<RawInput>();
  // A bundle's parts join the queue as inputs of their own (attestation-bundle.ts).
  const queue: RawInput[] = [...raw];
  for (let at = 0; at < queue.length; at++) {
    const given = queue[at];
    if (given.unreadable !== undefined) {
      sink.unreadable.push({ name: given.name, reason: given.unreadable });
      continue;
    }
    const recognised = given.recognised ?? (given.kind === undefined ? recogniseInput(given.bytes, true) : recogniseAs(given.kind, given.bytes, true));
    const base = { name: given.name, size: given.bytes.length, sha256: await fingerprint(given.bytes, provider) };
    if (recognised === undefined) {
      if (asText(given.bytes) === undefined) sink.withoutSelection.push({ name: given.name, bytes: given.bytes });
      else sink.unreadable.push({ name: given.name, reason: 'not recognised as any accepted input' });
      continue;
    }
    const { module, learned } = recognised;
    const input: RawInput = { name: given.name, bytes: given.bytes, kind: module.kind, ...(given.policy !== undefined && { policy: given.policy }) };
    if (given.kindGiven === true && module.kind === 'ak-public') declaredAk.add(input);
    const report: ReportInput = { ...base, kind: module.kind };
    inputs.push(report);
    sink.reports.set(input, report);
    module.load(input, learned, sink);
    // A part the caller already gave as an input of its own (the app opens a part that is an
    // IMA list as the case's log: partsOf) is not read twice; the same name with other bytes is.
    const parts: RawInput[] = [];
    for (const part of sink.found.splice(0)) {
      const sha256 = await fingerprint(part.bytes, provider);
      if (!inputs.some((i) => i.name === part.name && i.sha256 === sha256) && !queue.some((q) => q.name === part.name && bytesEqual(q.bytes, part.bytes))) parts.push(part);
    }
    queue.splice(at + 1, 0, ...parts);
  }
  // tpm2_quote's PCR values are used only when the calcDigest printed with them is their digest.
  for (const c of sink.calcDigests) {
    const why = checkCalcDigest(c.values, c.calcDigest, provider);
    if (why === undefined) sink.mergePcrValues(c.values, c.input.name);
    else sink.refuse(c.input, why);
  }
  // Digests without PCR numbers: read with a quote's selection, else refused saying so.
  for (const given of sink.withoutSelection) {
    const result = readWithQuoteSelection(given, sink);
    const forced = given.kind !== undefined;
    if (result.read) {
      // The report says which quotes' selection placed its digests.
      const report = sink.reports.get(given);
      if (report !== undefined) report.selectionFrom = result.quotes;
      else inputs.push({ name: given.name, size: given.bytes.length, sha256: await fingerprint(given.bytes, provider), kind: 'pcr-values', selectionFrom: result.quotes });
    } else {
      const nearest = forced ? undefined : diagnoseUnrecognised(given.bytes);
      const hint = forced || couldBeDigests(given.bytes) ? `; ${result.why}` : '';
      const reason = forced ? result.why : `not recognised as any accepted input${nearest === undefined ? '' : `; nearest reading: ${nearest}`}${hint}`;
      sink.unreadable.push({ name: given.name, ...(forced ? { kind: 'pcr-values' as const } : {}), reason });
    }
  }
  sink.refuseConflicts();
  const { pcrValues, unreadable, unused, notes } = sink;
  let policyInputs = sink.policyInputs;
  const givenAsAk = new Set([...sink.keyInputs].filter(([, k]) => declaredAk.has(k.input)).map(([named]) => named));
  const pairing = await pairQuotes(sink.quotes, sink.signatures, sink.keys, givenAsAk);
  // A key that verifies no quote is reported as what it is (CONTRACT §5.1) and, when it can
  // verify IMA signatures, joins the keys of the policy dry run.
  for (const k of pairing.imaKeys) {
    const given = sink.keyInputs.get(k);
    if (given === undefined) continue;
    given.report.kind = 'ima-key';
    // A key given to be used that is neither the AK nor a readable IMA key checks nothing:
    // refused (fail closed), never silently left out.
    const ima = parseImaKeys(given.input.bytes);
    if (ima.ok) policyInputs = addPolicyInput(policyInputs, given.input.name, given.input.bytes, 'ima-key');
    else unreadable.push({ name: given.input.name, kind: 'ima-key', reason: `${ima.error.place}: ${ima.error.message}` });
  }
  // A key that verifies a signed policy's envelope is the policy's signing key: set apart
  // here, with the AKs and IMA keys, so that it is never reported as an IMA key.
  const sorted = sortEnvelopeKey(policyInputs);
  policyInputs = sorted.inputs;
  const imaKeys = pairing.imaKeys.filter((k) => !sorted.signingFiles.includes(k.input));
  const shown = sink.logs.find((l) => l === preloaded.shown);
  const { primary: log, companions, extra } = arrangeBankLists(sink.logs, shown);
  return {
    log,
    companions,
    extra,
    lists: sink.logs,
    firmware: sink.firmware,
    pcrValues,
    pcrConflicts: sink.pcrConflicts,
    quotes: pairing.quotes,
    spareSignatures: pairing.spareSignatures,
    aks: pairing.aks,
    imaKeys,
    unreadable,
    unused,
    inputs,
    notes,
    policyInputs,
  };
}

/**
 * `loaded` with `list` (one of `loaded.lists`) as the list analysed, its companions and the
 * lists set aside arranged around it, and every input's report line a copy: the analysis
 * notes a list's byte order and bank on its line, and a candidate analysed and then dropped
 * must leave no trace in the report of the one kept.
 */
export function withAnalysedList(loaded: LoadedInputs, list: LoadedLog): LoadedInputs {
  const copies = new Map(loaded.inputs.map((i) => [i, { ...i }]));
  const copy = (l: LoadedLog): LoadedLog => ({ ...l, input: copies.get(l.input) ?? l.input });
  const lists = loaded.lists.map(copy);
  const { primary, companions, extra } = arrangeBankLists(lists, lists[loaded.lists.indexOf(list)]);
  const firmware = loaded.firmware;
  return {
    ...loaded,
    inputs: [...copies.values()],
    log: primary,
    companions,
    extra,
    lists,
    ...(firmware !== undefined && { firmware: { ...firmware, input: copies.get(firmware.input) ?? firmware.input } }),
  };
}
