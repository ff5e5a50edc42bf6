/**
 * What the analysis consumes and produces. The CLI and the app's worker both build
 * `LoadedInputs` (the worker streams the IMA log itself) and call `analyze()`.
 */
import type { LoadedPolicy } from '../policy/runtime-policy';
import type { Pause } from '../replay/replay-chains';
import type { HashAlgorithm } from '../hash/hash-algorithm';
import type { ImaLog } from '../model/ima-log';
import type { TemplateHashSummary } from '../ima/template-digests';
import type { InputKind, PcrBankValues, Report, ReportInput } from '../report/report';
import type { Recognised } from '../inputs/registry';
import type { LogFacts } from './log-facts';
import type { PolicyDryRun } from '../policy/policy-dry-run';
import type { Unreadable } from '../inputs/load-sink';
import type { PcrConflict } from '../tpm/pcrs/pcr-value-set';

/** A file or paste as the user gave it. */
export interface RawInput {
  readonly name: string;
  readonly bytes: Uint8Array;
  /** Overrides content detection (CLI --kind, the app's re-classify menu). */
  readonly kind?: InputKind;
  /** `kind` is the user's word (--kind, the app's menu), not what detection found. */
  readonly kindGiven?: boolean;
  /** What the caller's classification learned (core/inputs/registry), so the loader need not sniff again. */
  readonly recognised?: Recognised;
  /** A runtime policy already read from `bytes` (the CLI reads a big one on another thread), so the loader need not read it again. */
  readonly policy?: LoadedPolicy;
  /**
   * Why the caller could not read it (a pasted part nothing understood): refused with this
   * reason, as a file no kind fits is, and not read again.
   */
  readonly unreadable?: string;
}

/**
 * Work the caller has already done, so that analyze does not repeat it: the app's worker pool
 * and the CLI's threads verify template hashes in parallel, and the CLI's threads also compute
 * whole columns of extend values and running values.
 */
export interface Precomputed {
  /** The result of verifyTemplateHashes on the log (its flags are already set). */
  readonly templateHashes?: TemplateHashSummary;
  /** Whole columns over all entries, keyed by extendValuesKey or runningValuesKey. */
  readonly extendColumns?: ReadonlyMap<string, Uint8Array>;
}

export interface AnalyzeOptions {
  /** Banks to replay; default: banks of the supplied PCR values and quote, else sha1+sha256. */
  readonly banks?: readonly HashAlgorithm[];
  /** The nonce the verifier sent (hex). */
  readonly nonce?: string;
  /**
   * The work already done on a list, asked for as each list is analysed (undefined: analyze
   * does it): the CLI's threads make it for the longest, the app's pool for each list it
   * verifies. Only the lists analyse analyses are asked for.
   */
  readonly precomputed?: (log: ImaLog) => Precomputed | undefined | Promise<Precomputed | undefined>;
  /** Called between blocks of every replay and between steps of the policy dry run (see Pause). */
  readonly pause?: Pause;
  /** Judge the runtime policy exactly as Keylime does, with no extended findings (--keylime-compat). */
  readonly keylimeCompat?: boolean;
  /** How far the policy dry run and its signature checks are (`done` of `total`), told at each pause. */
  readonly onPolicyProgress?: (done: number, total: number) => void;
}

/** The IMA log once parsed, plus the report line describing its file. */
export interface LoadedLog {
  readonly log: ImaLog;
  readonly input: ReportInput;
}

/** Per-entry replay facts the views need besides the report (kept in the worker). */
export interface Analysis {
  readonly report: Report;
  readonly log?: ImaLog;
  /** Entry index after which the replay meets the quote or supplied PCRs (count of entries), if any. */
  readonly matchedEntries?: number;
  /** Boots, kexec records and byte-order facts of the log (the timeline draws them). */
  readonly logFacts?: LogFacts;
  /** The policy dry run's per-entry results, when a policy or keys were given. */
  readonly policyRun?: PolicyDryRun;
  /**
   * With no policy run: SignatureCode per entry, `malformed` where a signature no key can
   * verify was found (malformed-signatures.ts); absent when there is none.
   */
  readonly signatureColumn?: Uint8Array;
  /** The inputs that could not be read as any kind or as theirs, and why (input-unreadable findings). */
  readonly unreadable?: readonly Unreadable[];
  /** PCRs given different values, none of them checked (the replay panel shows each reading). */
  readonly pcrConflicts?: readonly PcrConflict[];
  /**
   * The PCR values supplied (a conflicting PCR is not among them): the evmctl PCR export takes
   * them for the PCRs the log does not extend. Not in the report (its shape is the contract's).
   */
  readonly suppliedPcrs?: PcrBankValues;
}
