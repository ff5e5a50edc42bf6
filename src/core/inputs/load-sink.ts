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
  /** `bank:pcr` → the inputs that gave the value in pcrValues, in the order given. */
  private readonly pcrSources = new Map<string, string[]>();
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
   * Adds a listing's values. A PCR another input gives another value is checked with neither
   * value, and every input that gave one of its readings is refused (refuseConflicts, once all
   * are read): which reading is the machine's cannot be told, and keeping either, or refusing
   * only the later input, would make the report depend on the order of the files.
   */
  mergePcrValues(from: PcrValues, name: string): void {
    for (const [bank, pcrs] of from) {
      let target = this.pcrValues.get(bank);
      if (target === undefined) this.pcrValues.set(bank, (target = new Map()));
      for (const [pcr, value] of pcrs) {
        const key = `${bank}:${pcr}`;
        const conflict = this.conflictAt.get(key);
        if (conflict !== undefined) {
          conflict.readings.push({ value: toHex(value), source: name });
          continue;
        }
        const prior = target.get(pcr);
        const sources = this.pcrSources.get(key) ?? [];
        if (prior !== undefined && !bytesEqual(prior, value)) {
          const readings = [...sources.map((source) => ({ value: toHex(prior), source })), { value: toHex(value), source: name }];
          const entry = { bank, pcr, readings };
          this.conflictAt.set(key, entry);
          this.pcrConflicts.push(entry);
          target.delete(pcr);
          continue;
        }
        target.set(pcr, value);
        this.pcrSources.set(key, [...sources, name]);
      }
    }
  }

  /**
   * Every input that gave a reading of a PCR in conflict between inputs is refused, each
   * saying its own value and the others', in the order of their names: the same refusals
   * whatever the order of the files. Called once every input is read.
   */
  refuseConflicts(): void {
    const between = [...this.conflictAt.values()];
    const names = [...new Set(between.flatMap((c) => c.readings.map((r) => r.source)))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const name of names) {
      const said = between.flatMap((c) => {
        const own = c.readings.filter((r) => r.source === name);
        if (own.length === 0) return [];
        const others = c.readings.filter((r) => r.source !== name && !own.some((o) => o.value === r.value));
        const elsewhere = [...others].sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : 0)).map((r) => `${r.value} in ${r.source}`);
        return elsewhere.length === 0 ? [] : [`${c.bank} PCR ${c.pcr} is ${own[0].value} here but ${elsewhere.join(' and ')}`];
      });
      if (said.length === 0) continue;
      this.unreadable.push({
        name,
        kind: 'pcr-values',
        reason: `${said.join('; ')}: two readings of one PCR disagree, so neither can be checked (give the values read with this log and quote only)`,
      });
    }
  }

  /** A listing refused for giving a PCR two values: its conflicts are kept, sourced to its lines. */
  addListingConflicts(conflicts: readonly PcrConflict[], name: string): void {
    for (const c of conflicts) this.pcrConflicts.push({ ...c, readings: c.readings.map((r) => ({ value: r.value, source: `${name}, ${r.source}` })) });
  }

  /** An input of a policy kind; what cannot be read as it is refused with the place. */
  addPolicyInput(input: RawInput, kind: PolicyInputKind): void {
    try {
      this.policyInputs = addPolicyInput(this.policyInputs, input.name, input.bytes, kind, input.policy);
    } catch (e) {
      if (!(e instanceof InputFileError)) throw e;
      this.refuse(input, `${e.place}: ${e.reason}`);
    }
  }
}
