/**
 * The report: CONTRACT §3, exactly. The CLI prints it with --json, the app exports it and
 * the permalink carries it. Keys with `?` in the contract are optional here.
 */
import type { HashAlgorithm } from '../hash/hash-algorithm';
import type { ReportPolicy, ReportSignatures } from '../policy/policy-dry-run';
import type { InputKind } from '../inputs/input-kinds';
import type { ByteOrder } from '../model/ima-log';

// The input kinds' home is src/core/inputs (one module each); the report names them.
export type { InputKind } from '../inputs/input-kinds';
export { INPUT_KINDS } from '../inputs/input-kinds';

export const REPORT_SCHEMA = 'imascope.report/1';

export type Severity = 'error' | 'warning' | 'info';

export type FindingCode =
  | 'parse-error'
  | 'unknown-template'
  | 'byte-order-big'
  | 'byte-order-mixed'
  | 'byte-order-contradicted'
  | 'template-hash-mismatch'
  | 'violation'
  | 'pcr-match'
  | 'log-ahead-of-pcrs'
  | 'pcr-mismatch'
  | 'padded-sha1-extend'
  | 'kexec-soft-reboot'
  | 'kexec-window-lost'
  | 'boot-aggregate-mismatch'
  | 'quote-digest-mismatch'
  | 'quote-signature-invalid'
  | 'quote-nonce-mismatch'
  // Our own additions (the contract allows extending):
  | 'quote-match'
  | 'boot-aggregate-match'
  | 'boot-aggregate-unchecked'
  | 'firmware-pcr-match'
  | 'firmware-pcr-mismatch'
  | 'firmware-event-digest'
  | 'firmware-note'
  | 'input-unused'
  | 'name-with-spaces'
  | 'digest-size-mismatch'
  // Fail closed (issue 11): an input that cannot be read as its kind (the CLI exits 2) …
  | 'input-unreadable'
  // … a supplied check that cannot be made (a signature without a key, a key without a quote) …
  | 'check-incomplete'
  // … and the CLI's `analyze --json` when it stops before a report (CONTRACT §2: stdout
  // still carries one JSON document): bad arguments, an HTML report it cannot write, a bug.
  | 'usage-error'
  | 'output-unwritable'
  | 'internal-error'
  // … and a key that verifies no quote, taken as an IMA verification key (info).
  | 'input-ima-key'
  // … and a quote given with neither signature nor key: its digest checked, its origin not.
  | 'quote-unsigned'
  // … and a quote that selects none of the PCRs the log extends: it attests none of the log.
  | 'quote-misses-log'
  // … and a quote whose signature verifies with a TPM key that is no attestation key (error).
  | 'quote-key-not-ak'
  // CONTRACT §5.4 (the policy dry run):
  | 'policy-not-in-allowlist'
  | 'policy-digest-mismatch'
  | 'policy-pass'
  | 'policy-envelope-invalid'
  | 'policy-excludes-ignored'
  | 'signature-invalid'
  | 'signature-unknown-key'
  // and our own:
  | 'policy-schema-invalid'
  | 'policy-excludes-inexact'
  | 'policy-exclude-anchoring'
  | 'policy-unparsable-entry'
  | 'policy-template-hash'
  | 'policy-wrong-pcr'
  | 'policy-violation'
  | 'policy-invalid-key'
  | 'policy-signature-unverified'
  // … an ima-sig entry with no signature, failed by Keylime with keys and no policy.
  | 'policy-unsigned-entry'
  | 'signatures-unchecked'
  | 'policy-key-learned'
  | 'policy-note'
  | 'signature-unsupported'
  // … a malformed IMA signature in a log judged with no key or policy (warning).
  | 'signature-malformed'
  | 'buffer-digest-mismatch'
  | 'buffer-digest-unchecked'
  | 'bank-lists-differ'
  | 'lists-disagree'
  | 'bank-lists-read-apart';

export interface ReportInput {
  name: string;
  kind: InputKind;
  size: number;
  sha256: string;
  byteOrder?: 'little' | 'big';
  digestBank?: HashAlgorithm;
  /**
   * PCR digests given without PCR numbers (a tpm2 `-F values` file, a sysfs PCR file): the
   * quotes whose selection they were read with, each placing them alike.
   */
  selectionFrom?: string[];
}

export interface KexecFact {
  index: number;
  event: 'kexec_load' | 'kexec_execute';
  segmentSize?: number;
  binarySize?: number;
  count?: number;
}

export interface ReportLog {
  entries: number;
  templates: Record<string, number>;
  byteOrder: 'little' | 'big' | 'mixed';
  violations: number[];
  templateHash: { checked: number; mismatches: number[] };
  /** `digest` is absent when the boot_aggregate entry's template records no file digest (`n-ng`). */
  boots: { index: number; digest?: string }[];
  kexec: KexecFact[];
  errors: { offset: number; message: string }[];
}

/** bank → PCR index (decimal string) → lowercase hex */
export type PcrBankValues = Partial<Record<HashAlgorithm, Record<string, string>>>;

export interface Hypothesis {
  extend: 'per-bank' | 'padded-sha1';
  violations: 'ff' | 'zero';
  byteOrder: 'little' | 'big';
}

/**
 * The byte order the list's own reading hashes in, as reports name it, from the list's parsed
 * order (`listed`: ImaLog.byteOrder) and the order the report gives it (ReportLog.byteOrder).
 * Readings are made relative to `listed`, entries that verified only in the other order
 * flipped. That is a binary list's framing; an ASCII list has no framing and parses as
 * little-endian, so when its template hashes establish big-endian, its own reading hashes
 * big-endian and is named so. A mixed list's own reading hashes each entry in its own order:
 * it is named by its framing, as listed.
 */
export function ownReadingOrder(listed: ByteOrder, reported: ByteOrder | 'mixed'): ByteOrder {
  return reported === 'mixed' ? listed : reported;
}

/** `h` as reports name it: the byte order it actually hashes in (`own`: ownReadingOrder). */
export function namedReading(h: Hypothesis, listed: ByteOrder, own: ByteOrder): Hypothesis {
  return own === listed ? h : { ...h, byteOrder: h.byteOrder === 'little' ? 'big' : 'little' };
}

export interface PcrCheck {
  bank: HashAlgorithm;
  pcr: number;
  expected: string;
  replayed: string;
  status: 'match' | 'prefix' | 'mismatch';
  matchedEntries?: number;
  hypothesis?: Hypothesis;
  /**
   * A PCR no value was supplied for, known from the quote (named) whose pcrDigest a prefix of
   * the log reproduces: `expected` is its value at that prefix. A quote no prefix reproduces
   * tells no PCR's value, so it gives no check (its quote-mismatch finding says it all).
   */
  fromQuote?: string;
}

export interface ReportQuote {
  pcrDigest: string;
  computedDigest?: string;
  digestMatches?: boolean;
  selection: Partial<Record<HashAlgorithm, number[]>>;
  nonce: string;
  nonceMatches?: boolean;
  signature: 'valid' | 'invalid' | 'unchecked';
  clock: { clock: number; resetCount: number; restartCount: number; safe: boolean };
  firmwareVersion: string;
  matchedEntries?: number;
}

/** Where a quote's signature and key came from (our extension of §5.3's quote objects). */
export interface QuoteSources {
  signatureInput?: string;
  /** Why the signature the quote's own input carries could not be read (then `signature` is unchecked). */
  signatureUnreadable?: string;
  akInput?: string;
  /**
   * Why the key its signature verifies with is not an attestation key (its TPM attributes):
   * `signature` stays `valid`, and the quote is not trusted (finding quote-key-not-ak).
   */
  akNotAttestationKey?: string;
  /** The AK's certificate, when it came as one. */
  akCertificate?: { subject: string; issuer: string; notBefore: string; notAfter: string; key: string };
}

/** A supplied PCR value compared with the firmware log's replay (our extension of §3). */
export interface FirmwarePcrCheck {
  bank: HashAlgorithm;
  pcr: number;
  expected: string;
  replayed: string;
  status: 'match' | 'mismatch';
  /** Id of the firmware quirk that reproduces the value (e.g. ExitBootServices not logged). */
  explainedBy?: string;
}

export interface ReportFirmware {
  events: number;
  replay: PcrBankValues;
  bootAggregates: Partial<Record<HashAlgorithm, string>>;
  checks?: FirmwarePcrCheck[];
  /**
   * A confidential-computing (TDX) event log: its replay by register ("RTMR[0]" → SHA-384
   * hex), and `replay` stays empty, since it gives no TPM PCR (cc-eventlog.ts).
   */
  ccRegisters?: Record<string, string>;
}

export interface Finding {
  code: FindingCode;
  severity: Severity;
  message: string;
  entries?: number[];
}

export interface Report {
  schema: typeof REPORT_SCHEMA;
  inputs: ReportInput[];
  log?: ReportLog;
  replay?: PcrBankValues;
  pcrChecks?: PcrCheck[];
  quote?: ReportQuote;
  /** Every supplied quote (CONTRACT §5.3); `quote` stays, as the first of them. */
  quotes?: Array<ReportQuote & { input: string } & QuoteSources>;
  firmware?: ReportFirmware;
  /** CONTRACT §5.3: the policy dry run. */
  policy?: ReportPolicy;
  signatures?: ReportSignatures;
  findings: Finding[];
}
