/**
 * What the kinds' loaders read inputs into, for one `loadInputs` call: each loader adds what
 * its input holds (a list, PCR values, a quote…) or refuses the input with the reason.
 * `loadInputs` then pairs quotes, signatures and keys and hands it all to `analyze`.
 */
import type { HashAlgorithm } from '../hash/hash-algorithm';
import type { FirmwareLog } from '../eventlog/event-log';
import type { PcrValues } from '../tpm/pcrs/pcr-values';
import type { PcrConflict } from '../tpm/pcrs/pcr-value-set';
import type { TpmSignature } from '../tpm/signature/signature';
import type { AkPublic } from '../tpm/keys/ak-public';
import type { ReportInput } from '../report/report';
import { bytesEqual, toHex } from '../util/bytes';
import { addPolicyInput, emptyPolicyInputs, InputFileError, type PolicyInputKind, type PolicyInputs } from '../policy/policy-inputs';
import type { LoadedLog, RawInput } from '../analysis/analysis-types';
import type { Named, QuoteInput } from '../analysis/pair-quotes';
import type { InputKind } from './input-kinds';

export interface Unreadable {
  readonly name: string;
  readonly kind?: InputKind;
  readonly reason: string;
}

export class LoadSink {
  readonly logs: LoadedLog[] = [];
  firmware: { readonly log: FirmwareLog; readonly input: ReportInput } | undefined;
  readonly pcrValues = new Map<HashAlgorithm, Map<number, Uint8Array>>();
  /** `bank:pcr` → the input that gave the value in pcrValues. */
  private readonly pcrSources = new Map<string, string>();
  /**
   * PCRs given different values (in one listing, or by two inputs): none of their values is
   * in pcrValues, so none is checked; each reading says where it came from.
   */
  readonly pcrConflicts: PcrConflict[] = [];
  /** `bank:pcr` → its entry in pcrConflicts, for the readings of later inputs. */
  private readonly conflictAt = new Map<string, { bank: PcrConflict['bank']; pcr: number; readings: Array<PcrConflict['readings'][number]> }>();
  readonly quotes: QuoteInput[] = [];
  readonly signatures: Array<Named<TpmSignature>> = [];
  readonly keys: Array<Named<AkPublic>> = [];
  /** Each key's input and report line: a key that verifies no quote becomes an `ima-key`. */
  readonly keyInputs = new Map<Named<AkPublic>, { readonly input: RawInput; readonly report: ReportInput }>();
  policyInputs: PolicyInputs = emptyPolicyInputs();
  readonly unreadable: Unreadable[] = [];
  readonly unused: Array<{ name: string; reason: string }> = [];
  readonly notes: string[] = [];
  /**
   * Binary inputs no PCR listing form fits, given as PCR values or of no kind: perhaps a
   * tpm2-tools `-F values` file, digests only, read once the quotes (their selection) are known.
   */
  readonly withoutSelection: RawInput[] = [];
  /**
   * tpm2_quote stdouts' PCR values with the calcDigest printed beside them: merged by
   * loadInputs once it has checked that calcDigest is their digest (it has the hashers).
   */
  readonly calcDigests: Array<{ readonly input: RawInput; readonly values: PcrValues; readonly calcDigest: Uint8Array }> = [];
  /** Inputs found inside an input (a bundle's parts), read next as if each had been given. */
  readonly found: RawInput[] = [];
  /** Each input's line in the report (set by loadInputs before its loader runs). */
  readonly reports = new Map<RawInput, ReportInput>();

  /** `input` cannot be read as its kind (`input.kind`): the reason says where and why. */
  refuse(input: RawInput, reason: string): void {
    this.unreadable.push({ name: input.name, ...(input.kind !== undefined ? { kind: input.kind } : {}), reason });
  }

  addKey(input: RawInput, key: AkPublic): void {
    const named = { value: key, input: input.name };
    const report = this.reports.get(input);
    if (report !== undefined) this.keyInputs.set(named, { input, report });
    this.keys.push(named);
  }

  /**
   * Adds a listing's values. A PCR given earlier with another value makes this listing
   * unreadable (fail closed), and neither value is checked: which reading is the machine's
   * cannot be told, and keeping either would make the verdict depend on the order of the files.
   */
  mergePcrValues(from: PcrValues, name: string): void {
    for (const [bank, pcrs] of from) {
      let target = this.pcrValues.get(bank);
      if (target === undefined) this.pcrValues.set(bank, (target = new Map()));
      for (const [pcr, value] of pcrs) {
        const key = `${bank}:${pcr}`;
        const conflict = this.conflictAt.get(key);
        if (conflict !== undefined) {
          // A PCR already in conflict: a further reading is not used either; a new value is said.
          const hex = toHex(value);
          if (conflict.readings.some((r) => r.value === hex)) continue;
          this.refuseConflict(name, bank, pcr, hex, conflict.readings);
          conflict.readings.push({ value: hex, source: name });
          continue;
        }
        const prior = target.get(pcr);
        if (prior !== undefined && !bytesEqual(prior, value)) {
          const readings = [{ value: toHex(prior), source: this.pcrSources.get(key) ?? 'an earlier input' }];
          this.refuseConflict(name, bank, pcr, toHex(value), readings);
          readings.push({ value: toHex(value), source: name });
          const entry = { bank, pcr, readings };
          this.conflictAt.set(key, entry);
          this.pcrConflicts.push(entry);
          target.delete(pcr);
          continue;
        }
        target.set(pcr, value);
        if (prior === undefined) this.pcrSources.set(key, name);
      }
    }
  }

  /** A listing that gives a PCR another value than `readings` is refused, naming them. */
  private refuseConflict(name: string, bank: string, pcr: number, value: string, readings: PcrConflict['readings']): void {
    const others = readings.map((r) => `${r.value} in ${r.source}`).join(' and ');
    this.unreadable.push({
      name,
      kind: 'pcr-values',
      reason: `${bank} PCR ${pcr} is ${value} here but ${others}: two readings of one PCR disagree, so neither can be checked (give the values read with this log and quote only)`,
    });
  }

  /** A listing refused for giving a PCR two values: its conflicts are kept, sourced to its lines. */
  addListingConflicts(conflicts: readonly PcrConflict[], name: string): void {
    for (const c of conflicts) this.pcrConflicts.push({ ...c, readings: c.readings.map((r) => ({ value: r.value, source: `${name}, ${r.source}` })) });
  }

  /** An input of a policy kind; what cannot be read as it is refused with the place. */
  addPolicyInput(input: RawInput, kind: PolicyInputKind): void {
    try {
      this.policyInputs = addPolicyInput(this.policyInputs, input.name, input.bytes, kind);
    } catch (e) {
      if (!(e instanceof InputFileError)) throw e;
      this.refuse(input, `${e.place}: ${e.reason}`);
    }
  }
}
