/**
 * A binary IMA list analysed as it is read, without its model (issue 14: the CLI hashes as
 * it parses, like evmctl, in memory that does not grow with the list; the app keeps the model).
 *
 *   file → caller reads windows → ListStream.push(window) … → finish() → StreamedLog
 *
 * Each window is handed to the core's own parser, template-hash check, log facts and extend
 * values (one copy of the logic), as a small model of its whole entries; the caller carries
 * the bytes after the last whole entry into the next window. What the report needs is kept:
 * counts, the merged facts and template-hash summary, and each replayed bank's PCR values.
 *
 * This covers the common case only. Whatever needs per-entry data after the pass makes the
 * stream give up (`finish()` is undefined) and the caller runs the model path on the whole
 * file, which then gives the report: a parse error (the whole-file parser decides how to
 * resync), a template-hash mismatch or an entry that verifies only in the other byte order,
 * an unknown template, a kexec or kexec-cmdline record, a boot_aggregate after the first
 * window (soft reboots and kexec checks read sizes counted from the list's start), a
 * digest bank that changes, a malformed IMA signature, or an entry larger than a window. `streamedLogSuffices`
 * (analyze.ts) adds what only the other inputs tell: a supplied PCR the replay does not
 * reproduce needs the other hypotheses' replays, a quote or firmware log the per-entry data.
 * A runtime policy (and its excludes and keys) is judged window by window (issue 13:
 * PolicyDryRunPass keeps what its report and findings say of each entry). A policy still
 * being read when the first windows come (the CLI reads a big one on another thread) is
 * `POLICY_TO_COME`: those windows are parsed, verified and extended, and held, their bytes
 * with them, until `startPolicy` judges them.
 */
import type { HashAlgorithm } from '../hash/hash-algorithm';
import type { Hasher, HashProvider } from '../hash/hash-provider';
import { parseImaLog, type ImaParseOptions } from '../ima/parse-ima-log';
import { verifyTemplateHashes, type TemplateHashSummary } from '../ima/template-digests';
import type { ByteOrder, ImaLog } from '../model/ima-log';
import type { ReportInput } from '../report/report';
import { computeExtendValues, BLOCK_ENTRIES } from '../replay/extend-values';
import { defaultHypothesis } from './check-pcrs';
import { computeLogFacts, reportBoot, type LogFacts } from './log-facts';
import { scanMalformedSignatures } from '../ima-signature/entry-signatures';
import type { PolicyDryRunPass } from '../policy/policy-dry-run';
import { checkBufferDigests, type BufferDigestCheck } from '../policy/buffer-digest';
import { finishSteps } from '../util/steps';

/** What a streaming pass keeps of a binary list: everything `analyze` reads of it. */
export interface StreamedLog {
  readonly input: ReportInput;
  readonly format: 'binary';
  readonly byteOrder: ByteOrder;
  /** Always empty: a list with parse errors is analysed on its model. */
  readonly errors: readonly [];
  readonly entryCount: number;
  readonly hashes: TemplateHashSummary;
  readonly facts: LogFacts;
  /** PCRs the list extends. */
  readonly logPcrs: ReadonlySet<number>;
  /** Per replayed bank, the value of every PCR the list extends after its last entry (default hypothesis). */
  readonly finals: ReadonlyMap<HashAlgorithm, ReadonlyMap<number, Uint8Array>>;
  /** Entries with a well-formed IMA signature (none is malformed: that needs the model). */
  readonly signedEntries: number;
  /** The policy dry run, every entry judged as its window was read (when policy inputs were given). */
  readonly policy?: PolicyDryRunPass;
}

/** The stream's policy is read elsewhere and comes later (`startPolicy`). */
export const POLICY_TO_COME = 'to come';

/**
 * One bank's chain, extended in the list's order. The CLI may run it on another thread (its
 * bank thread, issue 14), so that the two banks' sequential extends run side by side; by
 * default it runs here (`chainOnThisThread`).
 */
export interface BankChain {
  /**
   * Extends the chain by `pcrs.length` entries: entry k extends PCR pcrs[k] by values[k × size …].
   * Both arrays are the caller's and may be overwritten once the call returns.
   */
  extend(pcrs: Uint8Array, values: Uint8Array): void;
  /** The 256 PCRs' values (`size` bytes each, from zero) after every entry given. */
  states(): Promise<Uint8Array>;
}

/** Makes the chain of `bank` elsewhere, or undefined to extend it on this thread. */
export type ChainPlacer = (bank: HashAlgorithm, size: number) => BankChain | undefined;

/** A chain extended on this thread by the hasher's batch extends. */
export function chainOnThisThread(hasher: Hasher): BankChain {
  const states = new Uint8Array(256 * hasher.size);
  return {
    extend: (pcrs, values) => hasher.extendRangeInto(pcrs, 0, pcrs.length, states, values, undefined),
    states: () => Promise.resolve(states),
  };
}

export class ListStream {
  private entries = 0;
  private plain = true;
  private digestBank: HashAlgorithm | undefined;
  private byteOrder: ByteOrder | undefined;
  private readonly logPcrs = new Set<number>();
  private readonly chains: Array<{ readonly bank: HashAlgorithm; readonly size: number; readonly chain: BankChain }>;
  private readonly hashes: TemplateHashSummary = { digestBank: undefined, checked: 0, mismatches: [], oppositeByteOrder: [], violations: [], unchecked: [] };
  private readonly templates: Record<string, number> = Object.create(null) as Record<string, number>;
  private readonly boots: Array<LogFacts['boots'][number]> = [];
  private readonly namesWithSpaces: number[] = [];
  private signedEntries = 0;
  private policy: PolicyDryRunPass | undefined;
  /** The windows parsed while the policy is to come, in order: judged when it comes. */
  private held: Array<{ readonly log: ImaLog; readonly base: number }> | undefined;

  /**
   * `options`: the list's framing as its sniff found it (binaryListOptions); `banks`: those to
   * replay; `place`: where each bank's chain is extended (default: here); `policy`: the dry
   * run that judges each window's entries, in the list's order, or POLICY_TO_COME.
   */
  constructor(
    private readonly options: ImaParseOptions,
    private readonly provider: HashProvider,
    banks: readonly HashAlgorithm[],
    place: ChainPlacer = () => undefined,
    policy?: PolicyDryRunPass | typeof POLICY_TO_COME,
  ) {
    if (policy === POLICY_TO_COME) this.held = [];
    else this.policy = policy;
    this.chains = [];
    for (const bank of banks) {
      const hasher = provider.get(bank);
      if (hasher === undefined) this.plain = false;
      else this.chains.push({ bank, size: hasher.size, chain: place(bank, hasher.size) ?? chainOnThisThread(hasher) });
    }
  }

  /** False once the list needs its model (see the file comment): the caller may stop reading. */
  get usable(): boolean {
    return this.plain;
  }

  /** Whether the windows pushed are held until the policy comes: the caller must not reuse their bytes. */
  get holdsWindows(): boolean {
    return this.held !== undefined;
  }

  /** The policy to come, read (undefined when the inputs hold none after all): judges the windows held, in order, and each one after. */
  startPolicy(policy: PolicyDryRunPass | undefined): void {
    if (this.held === undefined) throw new Error('the stream has its policy');
    for (const { log, base } of this.held) if (policy !== undefined) finishSteps(policy.judge(log, base));
    this.held = undefined;
    this.policy = policy;
  }

  /**
   * Takes the next window: the bytes carried from the previous one followed by newly read
   * ones. Returns how many bytes from its start were whole entries, all consumed; the rest
   * starts the next window. `last`: no bytes follow.
   */
  push(window: Uint8Array, last: boolean): number {
    if (!this.plain || window.length === 0) return window.length;
    const log = parseImaLog(window, { ...this.options, format: 'binary', source: window, sizeHint: window.length });
    const e = log.entries;
    const n = e.length;
    const consumed = n === 0 ? 0 : e.entryOffset[n - 1] + e.entrySize[n - 1];
    // Only the cut at the window's end may fail to parse, and only while bytes follow.
    const damaged = log.errors.some((err) => last || err.offset < consumed);
    // No whole entry: damage, or an entry longer than a window (the model path reads it).
    if (damaged || n === 0) {
      this.plain = false;
      return window.length;
    }
    const base = this.entries;
    const hashes = verifyTemplateHashes(log, this.provider);
    const facts = computeLogFacts(log, hashes);
    if (base === 0) {
      this.digestBank = hashes.digestBank;
      this.byteOrder = log.byteOrder;
    }
    const plain =
      hashes.digestBank === this.digestBank &&
      log.byteOrder === this.byteOrder &&
      hashes.mismatches.length === 0 &&
      hashes.oppositeByteOrder.length === 0 &&
      facts.unknownTemplate.length === 0 &&
      facts.digestSizeMismatches.length === 0 &&
      noBufferFindings(checkBufferDigests(log, this.provider)) &&
      facts.kexec.length === 0 &&
      facts.cmdlines.length === 0 &&
      (base === 0 || facts.boots.length === 0);
    // Malformed signatures are reported per entry (analyze.ts); windows without a signing template cost nothing.
    const signatures = plain ? scanMalformedSignatures(log) : undefined;
    if (!plain || (signatures?.malformed.length ?? 0) > 0) {
      this.plain = false;
      return window.length;
    }
    // The window's bytes are gone once it returns (unless held): the dry run judges its entries now.
    if (this.held !== undefined) this.held.push({ log, base });
    else if (this.policy !== undefined) finishSteps(this.policy.judge(log, base));
    this.entries += n;
    this.signedEntries += signatures?.unchecked ?? 0;
    this.hashes.checked += hashes.checked;
    for (const i of hashes.violations) this.hashes.violations.push(base + i);
    for (const i of hashes.unchecked) this.hashes.unchecked.push(base + i);
    for (const i of facts.namesWithSpaces) this.namesWithSpaces.push(base + i);
    // Template names in order of first appearance, as the model's interned table has them.
    for (const [name, count] of Object.entries(facts.report.templates)) this.templates[name] = (this.templates[name] ?? 0) + count;
    this.boots.push(...facts.boots);
    this.extend(log, n);
    return consumed;
  }

  /** The list's analysis, or undefined when it needs the model path. */
  async finish(input: ReportInput): Promise<StreamedLog | undefined> {
    if (this.held !== undefined) throw new Error('the policy never came (startPolicy)');
    if (!this.plain || this.entries === 0 || this.byteOrder === undefined) return undefined;
    const hashes: TemplateHashSummary = { ...this.hashes, digestBank: this.digestBank };
    const facts: LogFacts = {
      report: {
        entries: this.entries,
        templates: this.templates,
        byteOrder: this.byteOrder,
        violations: hashes.violations,
        templateHash: { checked: hashes.checked, mismatches: hashes.mismatches },
        boots: this.boots.map(reportBoot),
        kexec: [],
        errors: [],
      },
      boots: this.boots,
      kexec: [],
      cmdlines: [],
      unknownTemplate: [],
      unknownTemplateNames: [],
      oppositeByteOrder: [],
      // Every checked entry verified in the list's order (a window with another makes the stream give up).
      hashOrder: hashes.checked > 0 ? this.byteOrder : undefined,
      namesWithSpaces: this.namesWithSpaces,
      // A window with one makes the stream give up (see push).
      digestSizeMismatches: [],
    };
    const finals = new Map<HashAlgorithm, Map<number, Uint8Array>>();
    for (const c of this.chains) {
      const states = await c.chain.states();
      const values = new Map<number, Uint8Array>();
      for (const p of this.logPcrs) values.set(p, states.slice(p * c.size, (p + 1) * c.size));
      finals.set(c.bank, values);
    }
    return {
      input,
      format: 'binary',
      byteOrder: this.byteOrder,
      errors: [],
      entryCount: this.entries,
      hashes,
      facts,
      logPcrs: this.logPcrs,
      finals,
      signedEntries: this.signedEntries,
      ...(this.policy !== undefined && { policy: this.policy }),
    };
  }

  /** Extends every bank's chain by the window's entries, block by block, as replayChains does. */
  private extend(log: ReturnType<typeof parseImaLog>, n: number): void {
    const pcrColumn = log.entries.pcr.subarray(0, n);
    for (let i = 0; i < n; i++) this.logPcrs.add(pcrColumn[i]);
    const hypothesis = defaultHypothesis(log);
    for (const c of this.chains) {
      const values = computeExtendValues(log, this.provider, c.bank, hypothesis);
      if (values === undefined) {
        this.plain = false;
        return;
      }
      for (let start = 0; start < n; start += BLOCK_ENTRIES) {
        const end = Math.min(n, start + BLOCK_ENTRIES);
        c.chain.extend(pcrColumn.subarray(start, end), values.read(start, end));
      }
    }
  }
}

/** Whether a window's buffers all hash to their digests (else the model path reports them). */
function noBufferFindings(check: BufferDigestCheck): boolean {
  return check.mismatches.length === 0 && check.unchecked.length === 0;
}
