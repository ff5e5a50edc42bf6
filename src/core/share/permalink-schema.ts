/**
 * What a permalink carries, and the validator that turns untrusted JSON back into it.
 *
 * A permalink is input anyone can forge, so decoding trusts nothing: every field is checked
 * against this schema (type, enum, integer range, hex pattern, string and array length),
 * unknown keys are dropped (with a note), and the result is rebuilt as fresh plain objects,
 * so a `__proto__` or `constructor` key in the JSON can never reach a prototype. The walk is
 * schema-driven with fixed depth: deep nesting in the JSON is never recursed into.
 *
 * The same walk, in `encode` mode, fits a payload into the limits before encoding: lists
 * and texts past a limit are cut (and noted) instead of rejected, so imascope never makes a
 * link it would then refuse to open.
 */
import type { PolicyFailureReason, ReportPolicy, ReportSignatures } from '../policy/policy-dry-run';
import { HASH_ALGORITHMS, type HashAlgorithm } from '../hash/hash-algorithm';
import { FINDING_HELP } from '../analysis/finding-help';
import { MAX_TEMPLATE_NAME_LENGTH } from '../ima/template-registry';
import { ENTRY_STATUSES } from '../query/entry-status';
import type { RowQuery, SortColumn } from '../query/filter-entries';
import type { EntryRow } from '../export/entry-row';
import {
  INPUT_KINDS,
  REPORT_SCHEMA,
  type Finding,
  type FindingCode,
  type FirmwarePcrCheck,
  type KexecFact,
  type PcrBankValues,
  type PcrCheck,
  type Report,
  type ReportFirmware,
  type ReportInput,
  type ReportLog,
  type ReportQuote,
} from '../report/report';

/** Version of the payload JSON (`v`); bump on an incompatible change. */
export const PERMALINK_PAYLOAD_VERSION = 1;

/** What the page was showing; entry indices are 0-based positions in the log. */
export interface PermalinkView {
  selectedEntry?: number;
  /** The entry table's query (templates are indices into the log's template table). */
  filter?: RowQuery;
  /** The timeline's brush (the table's range filter), in entry positions. */
  timeline?: { start: number; end: number };
  /** The timeline's view (its zoom), in entry positions. */
  zoom?: { start: number; end: number };
  /** The open log tab. */
  tab?: 'ima' | 'firmware';
  /** False when the replay panel was folded. */
  replayOpen?: boolean;
}

/** An entry a finding names, enough to show it without the log. */
export type PermalinkEntry = EntryRow;

export interface PermalinkPayload {
  v: typeof PERMALINK_PAYLOAD_VERSION;
  report: Report;
  view?: PermalinkView;
  /** The entries named in findings (option includeEntries). */
  entries?: PermalinkEntry[];
  /** Standard base64 of the whole IMA log file as given (option embedLog, small logs only). */
  log?: string;
  /** What the encoder left out to stay within the length budget, in plain words. */
  dropped?: string[];
}

// Limits. Generous for anything analyze() produces, small enough that a forged payload
// cannot make the page allocate much beyond the 4 MiB the decompressor allows.
export const SCHEMA_LIMITS = {
  /** Characters of a finding message or parse-error text. */
  text: 10_000,
  /** Characters of a file or entry name (PATH_MAX is 4096). */
  name: 4096,
  inputs: 256,
  findings: 2000,
  /** Numbers in one index list (violations, mismatches, a finding's entries…). */
  indexList: 100_000,
  /** Records in one list of objects (boots, kexec records, parse errors, PCR checks). */
  records: 10_000,
  /** Entries carried in a link. */
  entries: 10_000,
  templates: 1000,
  /** Characters of hex for a PCR, template or file digest (SHA-512 is 128). */
  digestHex: 128,
  /** Characters of hex for TPM2B fields of a quote (pcrDigest, extraData). */
  quoteHex: 1024,
  search: 1000,
  dropped: 64,
  /** Characters of the embedded log's base64 (3 MiB of log; the whole JSON stays ≤ 4 MiB). */
  logBase64: 4 * 1024 * 1024,
} as const;

/** Largest entry index: rows are Int32Array positions. */
const MAX_INDEX = 0x7fffffff;
/** PCR numbers as the model stores them (u8; absurd values are parse errors). */
const MAX_PCR = 255;
const MAX_U32 = 0xffffffff;

type Mode = 'decode' | 'encode';

/** A key from the input, quoted and shortened for a message (keys can be megabytes long). */
const keyLabel = (k: string): string => JSON.stringify(k.length > 40 ? `${k.slice(0, 39)}…` : k);

/** A field that does not fit the schema; caught at the boundary, never escapes the module. */
class SchemaError extends Error {}

class Walk {
  readonly notes: string[] = [];
  constructor(readonly mode: Mode) {}

  fail(path: string, expected: string): never {
    throw new SchemaError(`${path}: expected ${expected}`);
  }

  note(message: string): void {
    if (this.notes.length < 20) this.notes.push(message);
  }

  /** A JSON object; with `keys`, any other key is noted as ignored (a map passes none). */
  object(v: unknown, path: string, keys?: readonly string[]): Record<string, unknown> {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(path, 'an object');
    const o = v as Record<string, unknown>;
    if (keys === undefined) return o;
    const unknown = Object.keys(o).filter((k) => !keys.includes(k));
    if (unknown.length > 0) this.note(`ignored unknown field(s) ${unknown.slice(0, 5).map(keyLabel).join(', ')} in ${path}`);
    return o;
  }

  /** Own property `key` of `o` when present and not undefined. */
  has(o: Record<string, unknown>, key: string): boolean {
    return Object.prototype.hasOwnProperty.call(o, key) && o[key] !== undefined;
  }

  string(v: unknown, path: string, max: number, pattern?: RegExp, patternName?: string): string {
    if (typeof v !== 'string') this.fail(path, 'a string');
    let s = v;
    if (s.length > max) {
      if (this.mode === 'decode') this.fail(path, `at most ${max} characters`);
      s = `${s.slice(0, max - 1)}…`;
      this.note(`${path} cut to ${max} characters`);
    }
    if (pattern !== undefined && !pattern.test(s)) this.fail(path, patternName ?? String(pattern));
    return s;
  }

  hex(v: unknown, path: string, max: number): string {
    return this.string(v, path, max, /^(?:[0-9a-f]{2})*$/, 'lowercase hex digits in pairs');
  }

  number(v: unknown, path: string, min: number, max: number): number {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) this.fail(path, `a number from ${min} to ${max}`);
    return v;
  }

  int(v: unknown, path: string, min: number, max: number): number {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      this.fail(path, `an integer from ${min} to ${max}`);
    }
    return v;
  }

  bool(v: unknown, path: string): boolean {
    if (typeof v !== 'boolean') this.fail(path, 'true or false');
    return v;
  }

  oneOf<T extends string>(v: unknown, path: string, values: readonly T[]): T {
    if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) {
      this.fail(path, `one of ${values.join(', ')}`);
    }
    return v as T;
  }

  array<T>(v: unknown, path: string, max: number, item: (x: unknown, p: string) => T): T[] {
    if (!Array.isArray(v)) this.fail(path, 'an array');
    let items: readonly unknown[] = v;
    if (items.length > max) {
      if (this.mode === 'decode') this.fail(path, `at most ${max} items`);
      items = items.slice(0, max);
      this.note(`${path} cut to ${max} items`);
    }
    return items.map((x, k) => item(x, `${path}[${k}]`));
  }

  /**
   * A string-keyed map; keys checked by `key`. Keys are names from a log (a template may be
   * named `__proto__`), so each becomes an own data property, never a prototype.
   */
  record<T>(
    v: unknown,
    path: string,
    max: number,
    key: (k: string, p: string) => void,
    value: (x: unknown, p: string) => T,
  ): Record<string, T> {
    const o = this.object(v, path);
    const out: Record<string, T> = {};
    const keys = Object.keys(o);
    if (keys.length > max) this.fail(path, `at most ${max} keys`);
    for (const k of keys) {
      const p = `${path}[${keyLabel(k)}]`;
      key(k, p);
      Object.defineProperty(out, k, { value: value(o[k], p), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }

  indices(v: unknown, path: string): number[] {
    return this.array(v, path, SCHEMA_LIMITS.indexList, (x, p) => this.int(x, p, 0, MAX_INDEX));
  }

  count(v: unknown, path: string): number {
    return this.int(v, path, 0, Number.MAX_SAFE_INTEGER);
  }

  bank(v: unknown, path: string): HashAlgorithm {
    return this.oneOf(v, path, HASH_ALGORITHMS);
  }

  bankKey(k: string, path: string): void {
    if (!(HASH_ALGORITHMS as readonly string[]).includes(k)) this.fail(path, `a bank (${HASH_ALGORITHMS.join(', ')})`);
  }

  pcrKey(k: string, path: string): void {
    if (!/^(?:0|[1-9][0-9]{0,2})$/.test(k) || Number(k) > MAX_PCR) this.fail(path, `a PCR number from 0 to ${MAX_PCR}`);
  }

  pcr(v: unknown, path: string): number {
    return this.int(v, path, 0, MAX_PCR);
  }

  bankValues(v: unknown, path: string): PcrBankValues {
    return this.record(v, path, HASH_ALGORITHMS.length, (k, p) => this.bankKey(k, p), (pcrs, p) =>
      this.record(pcrs, p, MAX_PCR + 1, (k, q) => this.pcrKey(k, q), (x, q) => this.hex(x, q, SCHEMA_LIMITS.digestHex)),
    );
  }
}

// Copies only the listed optional keys that are present: output objects never carry
// `undefined` members, so a decoded report deep-equals (and serializes like) the original.
function optional<T extends object, K extends keyof T & string>(
  w: Walk,
  o: Record<string, unknown>,
  target: T,
  key: K,
  read: (x: unknown, p: string) => T[K],
  path: string,
): void {
  if (w.has(o, key)) target[key] = read(o[key], `${path}.${key}`);
}

function readInput(w: Walk, v: unknown, path: string): ReportInput {
  const o = w.object(v, path, ['name', 'kind', 'size', 'sha256', 'byteOrder', 'digestBank', 'selectionFrom']);
  const input: ReportInput = {
    name: w.string(o.name, `${path}.name`, SCHEMA_LIMITS.name),
    kind: w.oneOf(o.kind, `${path}.kind`, INPUT_KINDS),
    size: w.count(o.size, `${path}.size`),
    sha256: w.string(o.sha256, `${path}.sha256`, 64, /^[0-9a-f]{64}$/, '64 lowercase hex digits'),
  };
  optional(w, o, input, 'byteOrder', (x, p) => w.oneOf(x, p, ['little', 'big'] as const), path);
  optional(w, o, input, 'digestBank', (x, p) => w.bank(x, p), path);
  optional(w, o, input, 'selectionFrom', (x, p) => w.array(x, p, SCHEMA_LIMITS.inputs, (y, q) => w.string(y, q, SCHEMA_LIMITS.name)), path);
  return input;
}

function readKexec(w: Walk, v: unknown, path: string): KexecFact {
  const o = w.object(v, path, ['index', 'event', 'segmentSize', 'binarySize', 'count']);
  const fact: KexecFact = {
    index: w.int(o.index, `${path}.index`, 0, MAX_INDEX),
    event: w.oneOf(o.event, `${path}.event`, ['kexec_load', 'kexec_execute'] as const),
  };
  for (const key of ['segmentSize', 'binarySize', 'count'] as const) {
    optional(w, o, fact, key, (x, p) => w.count(x, p), path);
  }
  return fact;
}

function readLog(w: Walk, v: unknown, path: string): ReportLog {
  const keys = ['entries', 'templates', 'byteOrder', 'violations', 'templateHash', 'boots', 'kexec', 'errors'];
  const o = w.object(v, path, keys);
  const th = w.object(o.templateHash, `${path}.templateHash`, ['checked', 'mismatches']);
  return {
    entries: w.count(o.entries, `${path}.entries`),
    templates: w.record(
      o.templates,
      `${path}.templates`,
      SCHEMA_LIMITS.templates,
      (k, p) => {
        if (k.length > MAX_TEMPLATE_NAME_LENGTH) w.fail(p, `a template name of at most ${MAX_TEMPLATE_NAME_LENGTH} characters`);
      },
      (x, p) => w.count(x, p),
    ),
    byteOrder: w.oneOf(o.byteOrder, `${path}.byteOrder`, ['little', 'big', 'mixed'] as const),
    violations: w.indices(o.violations, `${path}.violations`),
    templateHash: {
      checked: w.count(th.checked, `${path}.templateHash.checked`),
      mismatches: w.indices(th.mismatches, `${path}.templateHash.mismatches`),
    },
    boots: w.array(o.boots, `${path}.boots`, SCHEMA_LIMITS.records, (x, p) => {
      const b = w.object(x, p, ['index', 'digest']);
      const boot: ReportLog['boots'][number] = { index: w.int(b.index, `${p}.index`, 0, MAX_INDEX) };
      // "<algo>:<hex>", the algorithm as the log wrote it ("sha256", "ima:sha256"); absent when
      // the entry's template records no digest.
      optional(w, b, boot, 'digest', (y, q) => w.string(y, q, 200 + SCHEMA_LIMITS.digestHex, /:(?:[0-9a-f]{2})*$/, '"<algorithm>:<hex>"'), p);
      return boot;
    }),
    kexec: w.array(o.kexec, `${path}.kexec`, SCHEMA_LIMITS.records, (x, p) => readKexec(w, x, p)),
    errors: w.array(o.errors, `${path}.errors`, SCHEMA_LIMITS.records, (x, p) => {
      const e = w.object(x, p, ['offset', 'message']);
      return { offset: w.count(e.offset, `${p}.offset`), message: w.string(e.message, `${p}.message`, SCHEMA_LIMITS.text) };
    }),
  };
}

function readPcrCheck(w: Walk, v: unknown, path: string): PcrCheck {
  const o = w.object(v, path, ['bank', 'pcr', 'expected', 'replayed', 'status', 'matchedEntries', 'hypothesis', 'fromQuote']);
  const check: PcrCheck = {
    bank: w.bank(o.bank, `${path}.bank`),
    pcr: w.pcr(o.pcr, `${path}.pcr`),
    expected: w.hex(o.expected, `${path}.expected`, SCHEMA_LIMITS.digestHex),
    replayed: w.hex(o.replayed, `${path}.replayed`, SCHEMA_LIMITS.digestHex),
    status: w.oneOf(o.status, `${path}.status`, ['match', 'prefix', 'mismatch'] as const),
  };
  optional(w, o, check, 'matchedEntries', (x, p) => w.count(x, p), path);
  optional(
    w,
    o,
    check,
    'hypothesis',
    (x, p) => {
      const h = w.object(x, p, ['extend', 'violations', 'byteOrder']);
      return {
        extend: w.oneOf(h.extend, `${p}.extend`, ['per-bank', 'padded-sha1'] as const),
        violations: w.oneOf(h.violations, `${p}.violations`, ['ff', 'zero'] as const),
        byteOrder: w.oneOf(h.byteOrder, `${p}.byteOrder`, ['little', 'big'] as const),
      };
    },
    path,
  );
  optional(w, o, check, 'fromQuote', (x, p) => w.string(x, p, SCHEMA_LIMITS.text), path);
  return check;
}

const QUOTE_KEYS = ['pcrDigest', 'computedDigest', 'digestMatches', 'selection', 'nonce', 'nonceMatches', 'signature', 'clock', 'firmwareVersion', 'matchedEntries'];

/** One of `quotes` (CONTRACT §5.3): a §3 quote plus the inputs it came from. */
function readQuoteEntry(w: Walk, v: unknown, path: string): NonNullable<Report['quotes']>[number] {
  const o = w.object(v, path, [...QUOTE_KEYS, 'input', 'signatureInput', 'signatureUnreadable', 'akInput', 'akCertificate', 'akNotAttestationKey']);
  const entry: NonNullable<Report['quotes']>[number] = { ...readQuote(w, v, path, false), input: w.string(o.input, `${path}.input`, SCHEMA_LIMITS.text) };
  optional(w, o, entry, 'signatureInput', (x, p) => w.string(x, p, SCHEMA_LIMITS.text), path);
  optional(w, o, entry, 'signatureUnreadable', (x, p) => w.string(x, p, SCHEMA_LIMITS.text), path);
  optional(w, o, entry, 'akInput', (x, p) => w.string(x, p, SCHEMA_LIMITS.text), path);
  optional(
    w,
    o,
    entry,
    'akCertificate',
    (x, p) => {
      const c = w.object(x, p, ['subject', 'issuer', 'notBefore', 'notAfter', 'key']);
      const text = (k: string): string => w.string(c[k], `${p}.${k}`, SCHEMA_LIMITS.text);
      return { subject: text('subject'), issuer: text('issuer'), notBefore: text('notBefore'), notAfter: text('notAfter'), key: text('key') };
    },
    path,
  );
  optional(w, o, entry, 'akNotAttestationKey', (x, p) => w.string(x, p, SCHEMA_LIMITS.text), path);
  return entry;
}

/** `checkKeys`: false when the caller reads further keys of the same object. */
function readQuote(w: Walk, v: unknown, path: string, checkKeys = true): ReportQuote {
  const o = w.object(v, path, checkKeys ? QUOTE_KEYS : undefined);
  const c = w.object(o.clock, `${path}.clock`, ['clock', 'resetCount', 'restartCount', 'safe']);
  const quote: ReportQuote = {
    pcrDigest: w.hex(o.pcrDigest, `${path}.pcrDigest`, SCHEMA_LIMITS.quoteHex),
    selection: w.record(
      o.selection,
      `${path}.selection`,
      HASH_ALGORITHMS.length,
      (k, p) => w.bankKey(k, p),
      (x, p) => w.array(x, p, MAX_PCR + 1, (y, q) => w.pcr(y, q)),
    ),
    nonce: w.hex(o.nonce, `${path}.nonce`, SCHEMA_LIMITS.quoteHex),
    signature: w.oneOf(o.signature, `${path}.signature`, ['valid', 'invalid', 'unchecked'] as const),
    clock: {
      clock: w.count(c.clock, `${path}.clock.clock`),
      resetCount: w.int(c.resetCount, `${path}.clock.resetCount`, 0, MAX_U32),
      restartCount: w.int(c.restartCount, `${path}.clock.restartCount`, 0, MAX_U32),
      safe: w.bool(c.safe, `${path}.clock.safe`),
    },
    firmwareVersion: w.string(o.firmwareVersion, `${path}.firmwareVersion`, 16, /^[0-9a-f]{16}$/, '16 lowercase hex digits'),
  };
  optional(w, o, quote, 'computedDigest', (x, p) => w.hex(x, p, SCHEMA_LIMITS.quoteHex), path);
  optional(w, o, quote, 'digestMatches', (x, p) => w.bool(x, p), path);
  optional(w, o, quote, 'nonceMatches', (x, p) => w.bool(x, p), path);
  optional(w, o, quote, 'matchedEntries', (x, p) => w.count(x, p), path);
  return quote;
}

function readFirmwareCheck(w: Walk, v: unknown, path: string): FirmwarePcrCheck {
  const o = w.object(v, path, ['bank', 'pcr', 'expected', 'replayed', 'status', 'explainedBy']);
  const check: FirmwarePcrCheck = {
    bank: w.bank(o.bank, `${path}.bank`),
    pcr: w.pcr(o.pcr, `${path}.pcr`),
    expected: w.hex(o.expected, `${path}.expected`, SCHEMA_LIMITS.digestHex),
    replayed: w.hex(o.replayed, `${path}.replayed`, SCHEMA_LIMITS.digestHex),
    status: w.oneOf(o.status, `${path}.status`, ['match', 'mismatch'] as const),
  };
  optional(w, o, check, 'explainedBy', (x, p) => w.string(x, p, 64, /^[a-z0-9-]+$/, 'a quirk id (a-z, 0-9, -)'), path);
  return check;
}

function readFirmware(w: Walk, v: unknown, path: string): ReportFirmware {
  const o = w.object(v, path, ['events', 'replay', 'bootAggregates', 'checks', 'ccRegisters']);
  const fw: ReportFirmware = {
    events: w.count(o.events, `${path}.events`),
    replay: w.bankValues(o.replay, `${path}.replay`),
    bootAggregates: w.record(
      o.bootAggregates,
      `${path}.bootAggregates`,
      HASH_ALGORITHMS.length,
      (k, p) => w.bankKey(k, p),
      (x, p) => w.hex(x, p, SCHEMA_LIMITS.digestHex),
    ),
  };
  optional(w, o, fw, 'checks', (x, p) => w.array(x, p, SCHEMA_LIMITS.records, (y, q) => readFirmwareCheck(w, y, q)), path);
  optional(
    w,
    o,
    fw,
    'ccRegisters',
    (x, p) =>
      w.record(
        x,
        p,
        5,
        (k, q) => w.string(k, q, 8, /^(?:MRTD|RTMR\[[0-3]\])$/, 'a register name (MRTD, RTMR[0]–RTMR[3])'),
        (y, q) => w.hex(y, q, SCHEMA_LIMITS.digestHex),
      ),
    path,
  );
  return fw;
}

const FINDING_CODES = Object.keys(FINDING_HELP) as FindingCode[];

function readFinding(w: Walk, v: unknown, path: string): Finding {
  const o = w.object(v, path, ['code', 'severity', 'message', 'entries']);
  const finding: Finding = {
    code: w.oneOf(o.code, `${path}.code`, FINDING_CODES),
    severity: w.oneOf(o.severity, `${path}.severity`, ['error', 'warning', 'info'] as const),
    message: w.string(o.message, `${path}.message`, SCHEMA_LIMITS.text),
  };
  optional(w, o, finding, 'entries', (x, p) => w.indices(x, p), path);
  return finding;
}

function readReport(w: Walk, v: unknown, path: string): Report {
  const keys = ['schema', 'inputs', 'log', 'replay', 'pcrChecks', 'quote', 'quotes', 'firmware', 'policy', 'signatures', 'findings'];
  const o = w.object(v, path, keys);
  if (o.schema !== REPORT_SCHEMA) w.fail(`${path}.schema`, `"${REPORT_SCHEMA}"`);
  const report: Report = {
    schema: REPORT_SCHEMA,
    inputs: w.array(o.inputs, `${path}.inputs`, SCHEMA_LIMITS.inputs, (x, p) => readInput(w, x, p)),
    findings: w.array(o.findings, `${path}.findings`, SCHEMA_LIMITS.findings, (x, p) => readFinding(w, x, p)),
  };
  optional(w, o, report, 'log', (x, p) => readLog(w, x, p), path);
  optional(w, o, report, 'replay', (x, p) => w.bankValues(x, p), path);
  optional(w, o, report, 'pcrChecks', (x, p) => w.array(x, p, SCHEMA_LIMITS.records, (y, q) => readPcrCheck(w, y, q)), path);
  optional(w, o, report, 'quote', (x, p) => readQuote(w, x, p), path);
  optional(w, o, report, 'quotes', (x, p) => w.array(x, p, SCHEMA_LIMITS.inputs, (y, q) => readQuoteEntry(w, y, q)), path);
  optional(w, o, report, 'firmware', (x, p) => readFirmware(w, x, p), path);
  optional(w, o, report, 'policy', (x, p) => readPolicy(w, x, p), path);
  optional(w, o, report, 'signatures', (x, p) => readSignatures(w, x, p), path);
  return report;
}

const POLICY_FAILURE_REASONS: readonly PolicyFailureReason[] = ['not-in-policy', 'digest-not-in-policy', 'signature-invalid', 'key-not-in-policy', 'template-hash', 'unparsable', 'wrong-pcr', 'violation', 'invalid-key'];

/** CONTRACT §5.3 `policy`. */
function readPolicy(w: Walk, v: unknown, path: string): ReportPolicy {
  const keys = ['inputs', 'format', 'envelope', 'digests', 'excludes', 'passed', 'excluded', 'failed', 'failures', 'keylimePass', 'mode', 'logHashAlg'];
  const o = w.object(v, path, keys);
  const policy: ReportPolicy = {
    inputs: w.array(o.inputs, `${path}.inputs`, SCHEMA_LIMITS.inputs, (x, p) => w.string(x, p, SCHEMA_LIMITS.name)),
    format: w.oneOf(o.format, `${path}.format`, ['keylime-v1', 'keylime-dsse', 'legacy-json', 'allowlist'] as const),
    digests: w.count(o.digests, `${path}.digests`),
    excludes: w.count(o.excludes, `${path}.excludes`),
    passed: w.count(o.passed, `${path}.passed`),
    excluded: w.count(o.excluded, `${path}.excluded`),
    failed: w.count(o.failed, `${path}.failed`),
    failures: w.array(o.failures, `${path}.failures`, SCHEMA_LIMITS.records, (x, p) => {
      const f = w.object(x, p, ['index', 'reason', 'keylimeEvent', 'message']);
      return {
        index: w.int(f.index, `${p}.index`, 0, MAX_INDEX),
        reason: w.oneOf(f.reason, `${p}.reason`, POLICY_FAILURE_REASONS),
        keylimeEvent: w.string(f.keylimeEvent, `${p}.keylimeEvent`, 100, /^[a-z0-9_.-]+$/, 'a Keylime event id'),
        message: w.string(f.message, `${p}.message`, SCHEMA_LIMITS.text),
      };
    }),
    keylimePass: w.bool(o.keylimePass, `${path}.keylimePass`),
    mode: w.oneOf(o.mode, `${path}.mode`, ['keylime-compat', 'extended'] as const),
    logHashAlg: w.bank(o.logHashAlg, `${path}.logHashAlg`),
  };
  optional(w, o, policy, 'envelope', (x, p) => w.oneOf(x, p, ['valid', 'invalid', 'unchecked'] as const), path);
  return policy;
}

/** CONTRACT §5.3 `signatures`. */
function readSignatures(w: Walk, v: unknown, path: string): ReportSignatures {
  const o = w.object(v, path, ['valid', 'invalid', 'unknownKey', 'unsupported', 'malformed', 'unsigned', 'unchecked', 'keys', 'failures']);
  const signatures: ReportSignatures = {
    valid: w.count(o.valid, `${path}.valid`),
    invalid: w.count(o.invalid, `${path}.invalid`),
    unknownKey: w.count(o.unknownKey, `${path}.unknownKey`),
    unsupported: w.count(o.unsupported, `${path}.unsupported`),
    malformed: w.count(o.malformed, `${path}.malformed`),
    unsigned: w.count(o.unsigned, `${path}.unsigned`),
    keys: w.array(o.keys, `${path}.keys`, SCHEMA_LIMITS.records, (x, p) => {
      const k = w.object(x, p, ['keyid', 'source', 'algorithm']);
      return {
        keyid: w.string(k.keyid, `${p}.keyid`, 8, /^[0-9a-f]{8}$/, '8 lowercase hex digits'),
        source: w.string(k.source, `${p}.source`, SCHEMA_LIMITS.name),
        algorithm: w.string(k.algorithm, `${p}.algorithm`, 40),
      };
    }),
    failures: w.array(o.failures, `${path}.failures`, SCHEMA_LIMITS.records, (x, p) => {
      const f = w.object(x, p, ['index', 'status', 'keyid', 'reason']);
      const failure: ReportSignatures['failures'][number] = {
        index: w.int(f.index, `${p}.index`, 0, MAX_INDEX),
        status: w.oneOf(f.status, `${p}.status`, ['invalid', 'unknown-key', 'unsupported', 'malformed'] as const),
      };
      optional(w, f, failure, 'keyid', (y, q) => w.string(y, q, 8, /^[0-9a-f]{8}$/, '8 lowercase hex digits'), p);
      optional(w, f, failure, 'reason', (y, q) => w.string(y, q, SCHEMA_LIMITS.text), p);
      return failure;
    }),
  };
  optional(w, o, signatures, 'unchecked', (y, q) => w.count(y, q), path);
  return signatures;
}

// Record<SortColumn, …> keeps this list exhaustive when a column is added.
const SORT_COLUMN_SET: Readonly<Record<SortColumn, true>> = {
  index: true,
  pcr: true,
  template: true,
  status: true,
  templateDigest: true,
  fileDigest: true,
  name: true,
  keyId: true,
};
export const SORT_COLUMNS = Object.keys(SORT_COLUMN_SET) as SortColumn[];

function readView(w: Walk, v: unknown, path: string): PermalinkView {
  const o = w.object(v, path, ['selectedEntry', 'filter', 'timeline', 'zoom', 'tab', 'replayOpen']);
  const view: PermalinkView = {};
  optional(w, o, view, 'selectedEntry', (x, p) => w.int(x, p, 0, MAX_INDEX), path);
  optional(
    w,
    o,
    view,
    'filter',
    (x, p): RowQuery => {
      const f = w.object(x, p, ['search', 'templates', 'pcrs', 'statuses', 'sort']);
      const s = w.object(f.sort, `${p}.sort`, ['column', 'descending']);
      return {
        search: w.string(f.search, `${p}.search`, SCHEMA_LIMITS.search),
        templates: w.array(f.templates, `${p}.templates`, SCHEMA_LIMITS.templates, (y, q) => w.int(y, q, 0, 0xffff)),
        pcrs: w.array(f.pcrs, `${p}.pcrs`, MAX_PCR + 1, (y, q) => w.pcr(y, q)),
        statuses: w.array(f.statuses, `${p}.statuses`, ENTRY_STATUSES.length, (y, q) => w.oneOf(y, q, ENTRY_STATUSES)),
        sort: { column: w.oneOf(s.column, `${p}.sort.column`, SORT_COLUMNS), descending: w.bool(s.descending, `${p}.sort.descending`) },
      };
    },
    path,
  );
  const span = (x: unknown, p: string): { start: number; end: number } => {
    const t = w.object(x, p, ['start', 'end']);
    const window = { start: w.number(t.start, `${p}.start`, 0, MAX_INDEX), end: w.number(t.end, `${p}.end`, 0, MAX_INDEX) };
    if (window.end < window.start) w.fail(`${p}.end`, 'a value not below start');
    return window;
  };
  optional(w, o, view, 'timeline', span, path);
  optional(w, o, view, 'zoom', span, path);
  optional(w, o, view, 'tab', (x, p) => w.oneOf(x, p, ['ima', 'firmware'] as const), path);
  optional(w, o, view, 'replayOpen', (x, p) => w.bool(x, p), path);
  return view;
}

function readEntry(w: Walk, v: unknown, path: string): PermalinkEntry {
  const keys = ['index', 'pcr', 'template', 'templateDigest', 'status', 'fileDigestAlgorithm', 'fileDigest', 'name', 'keyId'];
  const o = w.object(v, path, keys);
  return {
    index: w.int(o.index, `${path}.index`, 0, MAX_INDEX),
    pcr: w.pcr(o.pcr, `${path}.pcr`),
    template: w.string(o.template, `${path}.template`, MAX_TEMPLATE_NAME_LENGTH),
    templateDigest: w.hex(o.templateDigest, `${path}.templateDigest`, SCHEMA_LIMITS.digestHex),
    status: w.oneOf(o.status, `${path}.status`, ENTRY_STATUSES),
    fileDigestAlgorithm: w.string(o.fileDigestAlgorithm, `${path}.fileDigestAlgorithm`, 140),
    fileDigest: w.hex(o.fileDigest, `${path}.fileDigest`, SCHEMA_LIMITS.quoteHex),
    name: w.string(o.name, `${path}.name`, SCHEMA_LIMITS.name),
    keyId: w.string(o.keyId, `${path}.keyId`, 8, /^(?:[0-9a-f]{8})?$/, '8 lowercase hex digits or empty'),
  };
}

function readPayload(w: Walk, v: unknown): PermalinkPayload {
  const o = w.object(v, 'payload', ['v', 'report', 'view', 'entries', 'log', 'dropped']);
  if (o.v !== PERMALINK_PAYLOAD_VERSION) {
    w.fail('payload.v', `${PERMALINK_PAYLOAD_VERSION} (this link was made by another imascope version)`);
  }
  const payload: PermalinkPayload = { v: PERMALINK_PAYLOAD_VERSION, report: readReport(w, o.report, 'report') };
  optional(w, o, payload, 'view', (x, p) => readView(w, x, p), 'payload');
  optional(w, o, payload, 'entries', (x, p) => w.array(x, p, SCHEMA_LIMITS.entries, (y, q) => readEntry(w, y, q)), 'payload');
  optional(
    w,
    o,
    payload,
    'log',
    (x, p) => w.string(x, p, SCHEMA_LIMITS.logBase64, /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/, 'standard base64'),
    'payload',
  );
  optional(w, o, payload, 'dropped', (x, p) => w.array(x, p, SCHEMA_LIMITS.dropped, (y, q) => w.string(y, q, 500)), 'payload');
  return payload;
}

export type PayloadCheck =
  | { readonly ok: true; readonly payload: PermalinkPayload; readonly notes: string[] }
  | { readonly ok: false; readonly error: string };

/**
 * Checks parsed JSON against the schema. `decode`: anything off is an error naming the field.
 * `encode`: over-long lists and texts are cut to the limits (noted) instead.
 */
export function checkPayload(json: unknown, mode: Mode): PayloadCheck {
  const w = new Walk(mode);
  try {
    return { ok: true, payload: readPayload(w, json), notes: w.notes };
  } catch (e) {
    if (e instanceof SchemaError) return { ok: false, error: e.message };
    // A RangeError (stack) or anything else from hostile input is still just a bad link.
    return { ok: false, error: `payload could not be checked (${e instanceof Error ? e.name : 'error'})` };
  }
}
