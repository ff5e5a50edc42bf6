/**
 * The replay panel's question: under which reading of this log does it reproduce what the
 * verifier received? Answered for every reading at once (ima-format.md §5.2, §6;
 * quote-format.md §1.4), the readings being those of check-pcrs.ts `hypothesesFor`:
 *
 *   extend      per-bank template digests (5.8+) | zero-padded SHA-1 digests (5.1–5.7)
 *   violations  extended as 0xFF (the kernel)    | as zeros (a broken verifier)
 *   byte order  the list's own                   | the opposite (a list converted between
 *                                                  architectures)
 *
 * For each reading and each supplied (bank, PCR) that the log extends: the entries replayed
 * when the running value first equalled the supplied one, and the value after the whole
 * log; the same for the quote's pcrDigest. Each boot_aggregate is compared with its
 * candidates over PCRs 0–7 and 0–9. When some value is reproduced by no reading, the likely
 * causes are weighed with the evidence the analysis found: kexec windows, boot_aggregate and
 * the quote's counters (another boot), the banks quoted and supplied, PCRs the log never
 * extends, altered or unreadable entries.
 *
 * Chains come from check-pcrs.ts (its cache of extend values per bank and reading) and run
 * through replay-chains.ts. replayChains takes one quote probe per pass, so there is one pass
 * per reading, each extending that reading's chain of every bank involved: the same hashing
 * as a single pass over all chains. Memory: the extend values of every chain are held at
 * once (up to 6 readings × banks × entries × digest size), so this runs on demand, when the
 * replay panel opens, not on every load.
 */
import { HASH_ALGORITHMS, parseHashAlgorithm, type HashAlgorithm } from '../hash/hash-algorithm';
import type { HashProvider } from '../hash/hash-provider';
import type { ImaLog } from '../model/ima-log';
import { computeBootAggregateCandidates } from '../eventlog/boot-aggregate';
import { firmwarePcrValue, replayFirmwareLog } from '../eventlog/replay-firmware';
import { replayChains, type Chain, type Pause, type PcrTarget } from '../replay/replay-chains';
import { namedReading, ownReadingOrder, type Hypothesis, type Report } from '../report/report';
import { toHex } from '../util/bytes';
import { lastVerifiedEntry } from '../ima/last-verified-entry';
import type { LoadedInputs } from './load-inputs';
import { quoteProbe } from './quote-probe';
import { hypothesesFor, hypothesisKey, replayAndCheckPcrs } from './check-pcrs';
import { withCompanionColumns } from './bank-lists';

/** A supplied PCR value that the log extends: one column of the hypotheses table. */
export interface HypothesisTarget {
  readonly bank: HashAlgorithm;
  readonly pcr: number;
  readonly expected: string;
}

/** One cell: where the replay met the value, and where it ends. */
export interface HypothesisOutcome {
  /** Entries replayed when the value first equalled the target; absent when no prefix does. */
  readonly matchedEntries?: number;
  /** The PCR value (or the quote's digest) after the whole log; '' when it cannot be computed. */
  readonly final: string;
}

export interface HypothesisRow {
  readonly hypothesis: Hypothesis;
  /** `extend/violations/byteOrder`, as check-pcrs.ts `hypothesisKey`. */
  readonly key: string;
  /** The kernel's default reading (the first row). */
  readonly isDefault: boolean;
  /** One per target, in `targets` order. */
  readonly pcrs: readonly HypothesisOutcome[];
  /** Present when a quote was given. */
  readonly quote?: HypothesisOutcome;
}

export interface BootAggregateCandidateRow {
  readonly bank: HashAlgorithm;
  readonly pcrs: '0-7' | '0-9';
  readonly digest: string;
  readonly matches: boolean;
}

export interface BootAggregateRow {
  /** Entry index of the boot_aggregate. */
  readonly index: number;
  /** As logged, "alg:hex". */
  readonly logged: string;
  readonly candidates: readonly BootAggregateCandidateRow[];
  /** All-zero: the kernel found no TPM, nothing to compare. */
  readonly noTpm: boolean;
}

export type CauseKind =
  | 'kexec-lost'
  | 'other-boot'
  | 'other-bank'
  | 'pcr-not-extended'
  | 'altered-entries'
  | 'truncated-log';

/** How strongly the evidence points at a cause. */
export type Likelihood = 'likely' | 'possible' | 'unknown' | 'ruled-out';

export interface LikelyCause {
  readonly kind: CauseKind;
  readonly likelihood: Likelihood;
  /** One sentence: what can be concluded. */
  readonly summary: string;
  readonly evidence: readonly string[];
  /** Entries to look at. */
  readonly entries?: readonly number[];
}

export interface ReplayHypotheses {
  readonly entryCount: number;
  readonly targets: readonly HypothesisTarget[];
  readonly quote?: {
    readonly pcrDigest: string;
    /** Selected PCRs with no value from the log, the supplied values or the firmware log. */
    readonly missing: ReadonlyArray<{ readonly bank: HashAlgorithm; readonly pcr: number }>;
    /** Selected PCRs the log extends, per bank (their values come from the replay). */
    readonly fromLog: ReadonlyArray<{ readonly bank: HashAlgorithm; readonly pcr: number }>;
  };
  readonly rows: readonly HypothesisRow[];
  /**
   * True when only the default reading is listed: it reproduced every value, so the others
   * were not replayed (each costs a pass over the log; ask with `all` to replay them).
   */
  readonly othersSkipped?: boolean;
  readonly bootAggregates: readonly BootAggregateRow[];
  /** Where PCRs 0–9 for boot_aggregate came from. */
  readonly bootSource?: 'supplied' | 'firmware';
  /** Set when some target or the quote is reproduced by no reading. */
  readonly unexplained?: {
    /** The last entry, before the first template-hash failure, whose template hash verified. */
    readonly lastVerifiedEntry?: number;
    /** Most likely first; ruled-out causes last, with the evidence against them. */
    readonly causes: readonly LikelyCause[];
  };
}

type PcrLookup = (bank: HashAlgorithm, pcr: number) => Uint8Array | undefined;

/**
 * The value of a PCR the log does not extend: supplied, else what the firmware log gives it
 * (firmwarePcrValue: its replay, or the reset value of an SRTM PCR it never extends), as
 * analyze's own checks take it.
 */
export function knownPcrValue(loaded: LoadedInputs, provider: HashProvider): PcrLookup {
  const firmware = loaded.firmware === undefined ? undefined : replayFirmwareLog(loaded.firmware.log, provider);
  return (bank, pcr) => loaded.pcrValues.get(bank)?.get(pcr) ?? (firmware === undefined ? undefined : firmwarePcrValue(firmware, bank, pcr));
}

/** The kernel's default reading reproduced every supplied value and the quote (analyze's own checks, whose readings are named). */
function defaultReadingSuffices(report: Report, log: ImaLog, name: (h: Hypothesis) => Hypothesis): boolean {
  const defaultKey = hypothesisKey(name(hypothesesFor(log)[0]));
  const pcrsOk = (report.pcrChecks ?? []).every((c) => c.hypothesis !== undefined && hypothesisKey(c.hypothesis) === defaultKey);
  return pcrsOk && report.quote?.digestMatches !== false;
}

/**
 * `all`: replay every reading even when the default one reproduces everything (the panel's
 * "replay every reading" button); by default only the needed work is done.
 */
export async function replayAllHypotheses(
  loaded: LoadedInputs,
  report: Report,
  provider: HashProvider,
  options: { readonly all?: boolean; readonly pause?: Pause } = {},
): Promise<ReplayHypotheses | undefined> {
  const log = loaded.log?.log;
  if (log === undefined) return undefined;
  // Rows name each reading by the byte order it hashes in, as the report's checks do.
  const own = ownReadingOrder(log.byteOrder, report.log?.byteOrder ?? log.byteOrder);
  const name = (h: Hypothesis): Hypothesis => namedReading(h, log.byteOrder, own);
  const othersSkipped = options.all !== true && defaultReadingSuffices(report, log, name);
  const fixed = knownPcrValue(loaded, provider);
  // With no banks, replayAndCheckPcrs replays nothing: what it gives here is its chain cache
  // (whose default reading of a companion's bank is that per-bank list's own digests).
  const extendColumns = withCompanionColumns(log, loaded.companions ?? [], provider);
  const { chainFor, logPcrs } = await replayAndCheckPcrs(log, provider, [], new Map(), { extendColumns });

  const targets: PcrTarget[] = [];
  for (const bank of HASH_ALGORITHMS) {
    const values = loaded.pcrValues.get(bank);
    if (values === undefined) continue;
    for (const pcr of [...values.keys()].sort((a, b) => a - b)) {
      const value = values.get(pcr);
      if (value !== undefined && logPcrs.has(pcr)) targets.push({ bank, pcr, value });
    }
  }
  const first = loaded.quotes[0];
  const probe = first === undefined ? undefined : quoteProbe(first.quote, first.signature?.value, fixed, provider);
  const fromLog = (probe?.selection ?? []).flatMap((s) => s.pcrs.filter((p) => logPcrs.has(p)).map((pcr) => ({ bank: s.bank, pcr })));
  const banks = HASH_ALGORITHMS.filter((b) => targets.some((t) => t.bank === b) || fromLog.some((q) => q.bank === b));

  let missing: ReadonlyArray<{ bank: HashAlgorithm; pcr: number }> = [];
  const readings = othersSkipped ? hypothesesFor(log).slice(0, 1) : hypothesesFor(log);
  const rows: HypothesisRow[] = [];
  for (const [k, hypothesis] of readings.entries()) {
    const chains: Chain[] = [];
    const chainOfBank = new Map<HashAlgorithm, number>();
    for (const bank of banks) {
      const chain = chainFor(bank, hypothesis);
      if (chain === undefined) continue;
      chainOfBank.set(bank, chains.length);
      chains.push(chain);
    }
    const quote = probe === undefined ? undefined : { probe, chainOfBank };
    const result = await replayChains(log, provider, chains, targets, quote, options.pause);
    const pcrs = targets.map((t): HypothesisOutcome => {
      const chain = result.chains.find((c) => c.bank === t.bank);
      const final = chain?.final.get(t.pcr);
      const matchedEntries = chain?.matchedAt.get(t.pcr);
      return { final: final === undefined ? '' : toHex(final), ...(matchedEntries === undefined ? {} : { matchedEntries }) };
    });
    const named = name(hypothesis);
    const row: HypothesisRow = { hypothesis: named, key: hypothesisKey(named), isDefault: k === 0, pcrs };
    if (result.quote === undefined) {
      rows.push(row);
      continue;
    }
    missing = result.quote.missing;
    const { finalDigest, matchedEntries } = result.quote;
    rows.push({
      ...row,
      quote: { final: finalDigest === undefined ? '' : toHex(finalDigest), ...(matchedEntries === undefined ? {} : { matchedEntries }) },
    });
  }

  const bootSource = loaded.pcrValues.size > 0 ? 'supplied' : report.firmware !== undefined ? 'firmware' : undefined;
  const bootAggregates = compareBootAggregates(report, fixed, provider);
  const result: ReplayHypotheses = {
    entryCount: log.entries.length,
    targets: targets.map((t) => ({ bank: t.bank, pcr: t.pcr, expected: toHex(t.value) })),
    ...(first === undefined ? {} : { quote: { pcrDigest: toHex(first.quote.pcrDigest), missing, fromLog } }),
    rows,
    ...(othersSkipped ? { othersSkipped } : {}),
    bootAggregates,
    ...(bootSource === undefined ? {} : { bootSource }),
  };
  const unreproduced =
    targets.some((_, t) => rows.every((r) => r.pcrs[t].matchedEntries === undefined)) ||
    (probe !== undefined && missing.length === 0 && rows.every((r) => r.quote?.matchedEntries === undefined));
  if (!unreproduced) return result;
  const last = lastVerifiedEntry(log);
  const causes = weighCauses({ loaded, report, result, logPcrs, fixed });
  return { ...result, unexplained: { ...(last === undefined ? {} : { lastVerifiedEntry: last }), causes } };
}

/** Each boot_aggregate against its candidates over PCRs 0–7 and 0–9 (supplied, else firmware). */
function compareBootAggregates(report: Report, fixed: PcrLookup, provider: HashProvider): BootAggregateRow[] {
  const boots = report.log?.boots ?? [];
  if (boots.length === 0) return [];
  const all = computeBootAggregateCandidates(fixed, provider);
  // A boot_aggregate whose template records no digest has nothing to compare: no row.
  return boots.flatMap(({ index, digest }) => {
    if (digest === undefined) return [];
    const colon = digest.indexOf(':');
    const bank = parseHashAlgorithm(digest.slice(0, colon));
    const hex = digest.slice(colon + 1);
    return {
      index,
      logged: digest,
      candidates: all
        .filter((c) => c.bank === bank)
        .map((c) => ({ bank: c.bank, pcrs: c.pcrs, digest: toHex(c.digest), matches: toHex(c.digest) === hex })),
      noTpm: /^0*$/.test(hex),
    };
  });
}

interface CauseContext {
  readonly loaded: LoadedInputs;
  readonly report: Report;
  readonly result: ReplayHypotheses;
  readonly logPcrs: ReadonlySet<number>;
  readonly fixed: PcrLookup;
}

const LIKELIHOOD_ORDER: readonly Likelihood[] = ['likely', 'possible', 'unknown', 'ruled-out'];

function weighCauses(ctx: CauseContext): LikelyCause[] {
  const causes = [
    kexecCause(ctx),
    otherBootCause(ctx),
    otherBankCause(ctx),
    notExtendedCause(ctx),
    alteredCause(ctx),
    truncatedCause(ctx),
  ].filter((c): c is LikelyCause => c !== undefined);
  return causes.sort((a, b) => LIKELIHOOD_ORDER.indexOf(a.likelihood) - LIKELIHOOD_ORDER.indexOf(b.likelihood));
}

function kexecCause({ report }: CauseContext): LikelyCause {
  const lost = report.findings.filter((f) => f.code === 'kexec-window-lost');
  const boots = report.log?.boots ?? [];
  const kexec = report.log?.kexec ?? [];
  const counters = kexec
    .filter((m) => m.count !== undefined && m.count !== m.index)
    .map((m) => `${m.event} at entry ${m.index} counts ${m.count ?? 0} entries but ${m.index} precede it.`);
  if (lost.length > 0) {
    return {
      kind: 'kexec-lost',
      likelihood: 'likely',
      summary: 'Entries were measured across a kexec soft reboot but never reached the list: the TPM holds extends the log lacks.',
      evidence: [...lost.map((f) => f.message), ...counters],
      entries: lost.flatMap((f) => f.entries ?? []),
    };
  }
  if (boots.length > 1) {
    return {
      kind: 'kexec-lost',
      likelihood: counters.length > 0 ? 'possible' : 'unknown',
      summary: `The list was carried across ${boots.length - 1} kexec soft reboot(s); its kexec records show no lost window, but a list copied at kexec_load can still miss what came after.`,
      evidence: [`boot_aggregate entries at ${boots.map((b) => `#${b.index}`).join(', ')}.`, ...counters],
      entries: boots.map((b) => b.index),
    };
  }
  return {
    kind: 'kexec-lost',
    likelihood: 'ruled-out',
    summary: 'Not a kexec loss: the list holds a single boot and no kexec record.',
    evidence: [boots.length === 1 ? `One boot_aggregate, at entry ${boots[0].index}.` : 'No boot_aggregate at all.'],
  };
}

function otherBootCause({ loaded, result }: CauseContext): LikelyCause {
  const evidence: string[] = [];
  const source = result.bootSource === 'supplied' ? 'the supplied PCRs 0–9' : 'the firmware log replay of PCRs 0–9';
  const compared = result.bootAggregates.filter((b) => !b.noTpm && b.candidates.length > 0);
  const mismatched = compared.filter((b) => !b.candidates.some((c) => c.matches));
  for (const b of compared) {
    const match = b.candidates.find((c) => c.matches);
    evidence.push(
      match !== undefined
        ? `boot_aggregate at entry ${b.index} equals ${match.bank} over PCRs ${match.pcrs} of ${source}.`
        : `boot_aggregate at entry ${b.index} is ${b.logged}; ${source} give ${b.candidates.map((c) => `${c.bank} over ${c.pcrs} = ${c.digest.slice(0, 16)}…`).join(', ')}.`,
    );
  }
  const quote = loaded.quotes[0]?.quote;
  if (quote !== undefined) {
    evidence.push(
      `The quote says the TPM was reset ${quote.resetCount} times and restarted ${quote.restartCount} times. A measurement list carries no such counter, so it cannot be dated against them; compare them with an earlier quote of the same machine (a higher resetCount means it rebooted since). They look random when the AK is outside the endorsement hierarchy.`,
    );
  }
  const entries = result.bootAggregates.map((b) => b.index);
  if (mismatched.length > 0) {
    return {
      kind: 'other-boot',
      likelihood: 'likely',
      summary: `The log is probably from another boot: its boot_aggregate does not match ${source} (or those PCRs are from another time or machine).`,
      evidence,
      entries: mismatched.map((b) => b.index),
    };
  }
  if (compared.length > 0) {
    return {
      kind: 'other-boot',
      likelihood: 'ruled-out',
      summary: `Not another boot, as far as PCRs 0–9 tell: the log's boot_aggregate matches ${source}.`,
      evidence,
      entries,
    };
  }
  evidence.unshift(
    result.bootAggregates.length === 0
      ? 'The log has no boot_aggregate entry to tie it to a boot.'
      : 'No PCRs 0–7 are known (supply PCR values or the firmware event log), so boot_aggregate cannot be checked.',
  );
  return {
    kind: 'other-boot',
    likelihood: 'unknown',
    summary: 'Whether the log is from the quoted boot cannot be concluded from these inputs.',
    evidence,
    entries,
  };
}

function otherBankCause({ loaded, result }: CauseContext): LikelyCause | undefined {
  const quote = loaded.quotes[0]?.quote;
  if (quote === undefined) return undefined;
  const quoted = new Set(result.quote?.fromLog.map((q) => q.bank) ?? []);
  const quotedBanks = [...new Set(quote.selection.map((s) => s.bank ?? `0x${s.algId.toString(16)}`))];
  const suppliedBanks = [...loaded.pcrValues.keys()];
  const agreeing = result.targets
    .map((t, k) => ({ t, ok: result.rows.some((r) => r.pcrs[k].matchedEntries !== undefined) }))
    .filter((x) => x.ok && !quoted.has(x.t.bank));
  const evidence = [
    `The quote selects the ${quotedBanks.join(', ')} bank(s)${quoted.size > 0 ? `, reading ${[...quoted].join(', ')} for the PCRs the log extends` : ''}.`,
  ];
  if (suppliedBanks.length > 0) evidence.push(`PCR values were supplied for ${suppliedBanks.join(', ')}.`);
  if (quote.selection.some((s) => s.bank === undefined)) {
    evidence.push('The quote selects a bank whose hash algorithm is not known here, so it cannot be replayed.');
  }
  if (agreeing.length > 0) {
    const names = agreeing.map((x) => `${x.t.bank} PCR ${x.t.pcr}`).join(', ');
    return {
      kind: 'other-bank',
      likelihood: 'likely',
      summary: `The log reproduces the supplied ${names}, a bank the quote does not cover: the verifier may be comparing the quote with the wrong bank.`,
      evidence,
    };
  }
  const unknownBank = quote.selection.some((s) => s.bank === undefined);
  return {
    kind: 'other-bank',
    likelihood: unknownBank ? 'likely' : 'ruled-out',
    summary: unknownBank
      ? 'The quote covers a bank this tool cannot replay.'
      : 'Not a bank mix-up: the log is replayed in the very banks the quote selects.',
    evidence,
  };
}

function notExtendedCause({ loaded, report, result, logPcrs, fixed }: CauseContext): LikelyCause | undefined {
  const evidence: string[] = [];
  let likely = false;
  const quote = loaded.quotes[0]?.quote;
  if (quote !== undefined) {
    const others = quote.selection.flatMap((s) =>
      s.bank === undefined ? [] : s.pcrs.filter((p) => !logPcrs.has(p)).map((pcr) => ({ bank: s.bank as HashAlgorithm, pcr })),
    );
    if ((result.quote?.fromLog.length ?? 0) === 0) {
      likely = true;
      evidence.push('The quote selects no PCR that the log extends: the log cannot explain its digest.');
    }
    if (others.length > 0) {
      const from = (bank: HashAlgorithm, pcr: number): string =>
        loaded.pcrValues.get(bank)?.has(pcr) === true ? 'supplied' : fixed(bank, pcr) !== undefined ? 'firmware log' : 'unknown';
      evidence.push(
        `The quote also selects ${others.map((o) => `${o.bank}:${o.pcr} (${from(o.bank, o.pcr)})`).join(', ')}, which the log does not extend; if those values are not what the TPM held, no replay can reproduce the quote.`,
      );
    }
    const missing = result.quote?.missing ?? [];
    if (missing.length > 0) {
      likely = true;
      evidence.push(`No value is known for ${missing.map((m) => `${m.bank}:${m.pcr}`).join(', ')}: supply PCR values or the firmware event log.`);
    }
  }
  const firmwareMismatches = (report.firmware?.checks ?? []).filter((c) => c.status === 'mismatch' && c.explainedBy === undefined);
  if (firmwareMismatches.length > 0) {
    likely = true;
    evidence.push(
      `The firmware log does not replay to the supplied ${firmwareMismatches.map((c) => `${c.bank} PCR ${c.pcr}`).join(', ')}.`,
    );
  }
  const logList = [...logPcrs].sort((a, b) => a - b);
  const suppliedElsewhere = [...loaded.pcrValues].flatMap(([bank, pcrs]) =>
    [...pcrs.keys()].filter((p) => p >= 10 && !logPcrs.has(p)).map((p) => `${bank}:${p}`),
  );
  if (suppliedElsewhere.length > 0) {
    evidence.push(`Values were supplied for ${suppliedElsewhere.join(', ')}, which the log (PCR ${logList.join(', ')}) never extends.`);
  }
  if (evidence.length === 0) return undefined;
  return {
    kind: 'pcr-not-extended',
    likelihood: likely ? 'likely' : 'possible',
    summary: likely
      ? 'The values compared include PCRs that this log does not extend, and they do not hold what is needed.'
      : `Part of what is compared does not come from this log (it extends PCR ${logList.join(', ')}).`,
    evidence,
  };
}

function alteredCause({ report }: CauseContext): LikelyCause | undefined {
  const mismatches = report.log?.templateHash.mismatches ?? [];
  if (mismatches.length === 0) return undefined;
  return {
    kind: 'altered-entries',
    likelihood: 'likely',
    summary: `${mismatches.length} entries were altered after measurement: their template digest is not the hash of their data.`,
    evidence: [
      `First at entry ${mismatches[0]}. Either the data or the recorded digest changed: the recorded digests' bank replays the recorded values, the other banks hash the data, so at most one of them can still match.`,
    ],
    entries: mismatches,
  };
}

function truncatedCause({ report }: CauseContext): LikelyCause | undefined {
  const errors = report.log?.errors ?? [];
  if (errors.length === 0) return undefined;
  return {
    kind: 'truncated-log',
    likelihood: 'likely',
    summary: 'Part of the list could not be read as entries: what it held is missing from the replay.',
    evidence: errors.map((e) => `At byte ${e.offset}: ${e.message}`),
  };
}

