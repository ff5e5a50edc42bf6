/**
 * Turns raw inputs (files, pastes) into parsed artefacts: the IMA log, PCR values, the
 * quote with its signature and key, the firmware log. Nothing here judges them; that is
 * `analyze`. Every input is accounted for: what could not be used is said in `unused`.
 */
import type { HashAlgorithm } from '../hash/hash-algorithm';
import type { HashProvider } from '../hash/hash-provider';
import { parseImaLog } from '../ima/parse-ima-log';
import { parseFirmwareLog, type FirmwareLog } from '../eventlog/event-log';
import { parsePcrValues, type PcrValues } from '../tpm/pcr-values';
import { parseQuote, type TpmsAttestQuote } from '../tpm/quote';
import { parseKeylimeQuote } from '../tpm/keylime';
import { parseTpmSignature, type TpmSignature } from '../tpm/signature';
import { parseAkPublic, type AkPublic } from '../tpm/ak-public';
import type { InputKind, ReportInput } from '../report/report';
import { toHex } from '../util/bytes';
import { classifyInput } from './classify-input';
import { arrangeBankLists } from './bank-lists';
import type { LoadedLog, RawInput } from './analysis-types';

export interface LoadedInputs {
  readonly log?: LoadedLog;
  /** Per-bank lists of the same log in other banks (bank-lists.ts); each replays its bank. */
  readonly companions?: readonly LoadedLog[];
  readonly firmware?: { readonly log: FirmwareLog; readonly input: ReportInput };
  readonly pcrValues: PcrValues;
  readonly quote?: TpmsAttestQuote;
  readonly signature?: TpmSignature;
  readonly ak?: AkPublic;
  /** Inputs that were read but not used, with the reason. */
  readonly unused: ReadonlyArray<{ readonly name: string; readonly reason: string }>;
  /** Every input, for the report. */
  readonly inputs: readonly ReportInput[];
  /** Problems found while reading non-log inputs (e.g. "PCR 10 given twice with different values"). */
  readonly notes: readonly string[];
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
  let quote: TpmsAttestQuote | undefined;
  let signature: TpmSignature | undefined;
  let ak: AkPublic | undefined;

  for (const input of raw) {
    const kind: InputKind | undefined = input.kind ?? classifyInput(input.bytes.subarray(0, 64 * 1024));
    const base = { name: input.name, size: input.bytes.length, sha256: await fingerprint(input.bytes, provider) };
    if (kind === undefined) {
      unused.push({ name: input.name, reason: 'not recognised as any accepted input' });
      continue;
    }
    const report: ReportInput = { ...base, kind };
    inputs.push(report);
    switch (kind) {
      case 'ima-binary':
      case 'ima-ascii': {
        const parsed = parseImaLog(input.bytes, { format: kind === 'ima-binary' ? 'binary' : 'ascii' });
        logs.push({ log: parsed, input: report });
        break;
      }
      case 'tcg-eventlog':
        if (firmware !== undefined) unused.push({ name: input.name, reason: 'a second firmware log' });
        else firmware = { log: parseFirmwareLog(input.bytes), input: report };
        break;
      case 'pcr-values': {
        const parsed = parsePcrValues(input.bytes);
        if (parsed === undefined) unused.push({ name: input.name, reason: 'no PCR values could be read' });
        else {
          mergePcrValues(pcrValues, parsed.values, notes, input.name);
          for (const p of parsed.problems) notes.push(`${input.name}: ${p}`);
        }
        break;
      }
      case 'tpm-quote': {
        const text = new TextDecoder().decode(input.bytes.subarray(0, 1 << 20));
        const keylime = parseKeylimeQuote(text);
        if (keylime !== undefined) {
          quote = keylime.quote;
          signature ??= keylime.signature;
          if (keylime.pcrValues !== undefined) mergePcrValues(pcrValues, keylime.pcrValues, notes, input.name);
          for (const p of keylime.problems) notes.push(`${input.name}: ${p}`);
          break;
        }
        const parsed = parseQuote(input.bytes);
        if (parsed?.quote === undefined) {
          unused.push({ name: input.name, reason: parsed?.problems.join('; ') ?? 'not a TPM quote' });
        } else {
          quote = parsed.quote;
          for (const p of parsed.problems) notes.push(`${input.name}: ${p}`);
          // tpm2_quote's stdout carries the signature and the PCR values beside the quote.
          if (text.startsWith('quoted:')) {
            signature ??= parseTpmSignature(input.bytes);
            const pcrs = parsePcrValues(input.bytes);
            if (pcrs !== undefined) mergePcrValues(pcrValues, pcrs.values, notes, input.name);
          }
        }
        break;
      }
      case 'tpm-signature': {
        const parsed = parseTpmSignature(input.bytes);
        if (parsed === undefined) unused.push({ name: input.name, reason: 'not a TPM signature' });
        else signature = parsed;
        break;
      }
      case 'ak-public': {
        const parsed = parseAkPublic(input.bytes);
        if (parsed === undefined) unused.push({ name: input.name, reason: 'not a public key' });
        else ak = parsed;
        break;
      }
    }
  }
  const { primary: log, companions, extra } = arrangeBankLists(logs);
  for (const l of extra) unused.push({ name: l.input.name, reason: `a second IMA list of the same bank; only ${log?.input.name ?? ''} is analysed` });
  return { log, companions, firmware, pcrValues, quote, signature, ak, unused, inputs, notes };
}
