/**
 * The whole diagnosis: verify the log, replay every bank, compare with PCR values, the
 * quote and the firmware log, and explain. Raw inputs → loadInputs → analyze → Report.
 * The CLI calls `analyzeRaw`; the app's worker streams the log itself and calls `analyze`.
 */
import { HASH_ALGORITHMS, type HashAlgorithm } from '../hash/hash-algorithm';
import type { HashProvider } from '../hash/hash-provider';
import { verifyTemplateHashes } from '../ima/template-digests';
import { lastVerifiedEntry } from '../ima/last-verified-entry';
import { namedReading, ownReadingOrder, REPORT_SCHEMA, type Finding, type PcrBankValues, type PcrCheck, type Report } from '../report/report';
import type { ImaLog } from '../model/ima-log';
import type { TemplateHashSummary } from '../ima/template-digests';
import { bytesEqual, toHex } from '../util/bytes';
import type { Analysis, AnalyzeOptions, LoadedLog, RawInput } from './analysis-types';
import { loadInputs, withAnalysedList, type LoadedInputs, type PreloadedLists } from './load-inputs';
import { compareLists, describeExtraList } from './extra-lists';
import { computeLogFacts, type LogFacts } from './log-facts';
import { bankValues, defaultHypothesis, pcrCheck, pcrsOfLog, pcrTargets, replayAndCheckPcrs, type PcrReplay } from './check-pcrs';
import { checkBankLists, isOtherBank, withCompanionColumns } from './bank-lists';
import { checkFirmware } from './check-firmware';
import { nonceProblem } from '../tpm/quote/nonce';
import { checkQuote, type QuoteCheck } from './check-quote';
import { quoteProbe } from './quote-probe';
import { checkBootAggregates, uncheckedBootAggregates, type BootAggregateSources, type PcrLookup } from './check-boot-aggregate';
import {
  bootAggregateFindings,
  kexecCounterNotes,
  kexecFindings,
  logFindings,
  pcrFindings,
  quoteFindings,
  uncheckedBootAggregateFindings,
  violationFindings,
} from './findings';
import { compareFindings } from './finding-help';
import { inputFindings, quoteSources } from './quote-inputs';
import { bufferDigestFindings, checkBufferDigests } from '../policy/buffer-digest';
import { hasPolicyInputs } from '../policy/policy-inputs';
import { policyDryRunSteps, policyDryRunWork, type PolicyDryRun } from '../policy/policy-dry-run';
import { malformedSignatures, uncheckedSignaturesFinding, type MalformedSignatures } from './malformed-signatures';
import { scanMalformedSignatures } from '../ima-signature/entry-signatures';
import { finishSteps, finishStepsWithPauses } from '../util/steps';
import { plural } from '../util/count-text';

/** Banks to replay: asked for, else those of the supplied values and quote, else sha1+sha256. */
export function chooseBanks(loaded: LoadedInputs, options: AnalyzeOptions): HashAlgorithm[] {
  const banks = new Set<HashAlgorithm>(options.banks ?? []);
  if (banks.size === 0) {
    for (const bank of loaded.pcrValues.keys()) banks.add(bank);
    for (const q of loaded.quotes) for (const s of q.quote.selection) if (s.bank !== undefined) banks.add(s.bank);
    if (banks.size === 0) {
      banks.add('sha1');
      banks.add('sha256');
    }
    // Per-bank lists given together: every bank they record is replayed.
    const companions = loaded.companions ?? [];
    if (companions.length > 0) {
      for (const l of [loaded.log, ...companions]) if (l?.log.digestBank !== undefined) banks.add(l.log.digestBank);
    }
  }
  return HASH_ALGORITHMS.filter((b) => banks.has(b));
}

export async function analyzeRaw(raw: readonly RawInput[], options: AnalyzeOptions, provider: HashProvider): Promise<Analysis> {
  return analyze(await loadInputs(raw, provider), options, provider);
}

export async function analyzeWithLog(lists: PreloadedLists, others: readonly RawInput[], options: AnalyzeOptions, provider: HashProvider): Promise<Analysis> {
  return analyze(await loadInputs(others, provider, lists), options, provider);
}

/**
 * Banks the log is replayed into: those reported (chooseBanks), and those of every supplied
 * PCR value and quote, which are checked whatever `--bank` says (never silently left out).
 */
export function replayBanksOf(loaded: LoadedInputs, banks: readonly HashAlgorithm[]): HashAlgorithm[] {
  const replayBanks = new Set(banks);
  for (const bank of loaded.pcrValues.keys()) replayBanks.add(bank);
  for (const q of loaded.quotes) for (const s of q.quote.selection) if (s.bank !== undefined) replayBanks.add(s.bank);
  return HASH_ALGORITHMS.filter((b) => replayBanks.has(b));
}

/**
 * Whether the other inputs leave a streaming pass over the list enough (streamed-log.ts): no
 * other list, quote or firmware log, each of which reads the list entry by entry. Policy
 * inputs are judged in the pass itself (StreamedLog.policy).
 */
export function inputsAllowStreamedLog(loaded: LoadedInputs): boolean {
  if (loaded.log !== undefined || (loaded.companions ?? []).length > 0) return false;
  return loaded.quotes.length === 0 && loaded.firmware === undefined;
}

/**
 * Whether the list a streaming pass kept (`loaded.streamedLog`) is all `analyze` needs: the
 * inputs allow it, and every supplied value of a PCR the list extends is its bank's final
 * value. Otherwise the caller analyses the list's model, which finds prefixes and tries the
 * other hypotheses.
 */
export function streamedLogSuffices(loaded: LoadedInputs, options: AnalyzeOptions): boolean {
  const streamed = loaded.streamedLog;
  if (streamed === undefined || !inputsAllowStreamedLog(loaded)) return false;
  if (hasPolicyInputs(loaded.policyInputs) && streamed.policy === undefined) return false;
  const banks = replayBanksOf(loaded, chooseBanks(loaded, options));
  if (banks.some((bank) => !streamed.finals.has(bank))) return false;
  return pcrTargets(banks, loaded.pcrValues, streamed.logPcrs).every((t) => {
    const final = streamed.finals.get(t.bank)?.get(t.pcr);
    return final !== undefined && bytesEqual(final, t.value);
  });
}

/** Findings on the replay: each PCR check with the evidence the log gives, kexec, boot aggregates. */
function replayFindings(
  log: Pick<ImaLog, 'errors' | 'byteOrder'>,
  facts: LogFacts,
  hashes: TemplateHashSummary,
  checks: readonly PcrCheck[],
  lastVerified: number | undefined,
  loaded: LoadedInputs,
  firmwarePcr: PcrLookup | undefined,
  provider: HashProvider,
): Finding[] {
  const findings: Finding[] = [];
  const evidence: string[] = [];
  if (hashes.mismatches.length > 0) evidence.push(`${plural(hashes.mismatches.length, 'entry fails its', 'entries fail their')} template hash (first #${hashes.mismatches[0]}).`);
  // The parser skips to the next plausible entry: what is lost is what the skipped bytes held.
  if (log.errors.length > 0) {
    evidence.push(
      `${plural(log.errors.length, 'stretch', 'stretches')} of the list could not be read as entries (the first at byte ${log.errors[0].offset}): the entries ${log.errors.length === 1 ? 'it' : 'they'} held are missing from the replay, and later entries are numbered from where reading resumed.`,
    );
  }
  const kexec = kexecFindings(facts);
  if (kexec.some((f) => f.code === 'kexec-window-lost')) evidence.push('Entries were likely lost across a kexec (see kexec-window-lost).');
  if (facts.boots.length === 0) {
    evidence.push(
      log.errors[0]?.offset === 0
        ? 'The log has no readable boot_aggregate: its first bytes could not be read as an entry.'
        : 'The log has no boot_aggregate: it may be a segment or from a kernel whose list was trimmed.',
    );
  }
  evidence.push(...kexecCounterNotes(facts));
  if (lastVerified !== undefined && hashes.mismatches.length > 0) evidence.push(`Last entry verified before the first template-hash failure: #${lastVerified}.`);
  findings.push(...pcrFindings(checks, facts.report.entries, evidence, { list: ownReadingOrder(log.byteOrder, facts.report.byteOrder), hashed: facts.hashOrder }));
  findings.push(...kexec);

  const bootSources: BootAggregateSources = {
    ...(loaded.pcrValues.size > 0 ? { supplied: (bank, pcr) => loaded.pcrValues.get(bank)?.get(pcr) } : {}),
    ...(loaded.firmware !== undefined && firmwarePcr !== undefined ? { firmware: { pcr: firmwarePcr, log: loaded.firmware.log } } : {}),
  };
  const bootChecks = checkBootAggregates(facts.boots, bootSources, provider);
  findings.push(...bootAggregateFindings(bootChecks));
  findings.push(...uncheckedBootAggregateFindings(uncheckedBootAggregates(facts.boots, bootChecks, bootSources)));
  return findings;
}

/** `checks` with each reading named by the byte order it hashes in (check-pcrs.ts namedReading). */
function namedChecks(checks: readonly PcrCheck[], log: ImaLog, facts: LogFacts): PcrCheck[] {
  const own = ownReadingOrder(log.byteOrder, facts.report.byteOrder);
  return checks.map((c) => (c.hypothesis === undefined ? c : { ...c, hypothesis: namedReading(c.hypothesis, log.byteOrder, own) }));
}

/**
 * The PCRs of the log a quote selects and no supplied value covers, when a prefix of the log
 * reproduces its pcrDigest: their values there are what the quote attests (PcrCheck.fromQuote).
 */
function pcrChecksFromQuote(
  loaded: LoadedInputs,
  pcrReplay: PcrReplay,
  existing: readonly PcrCheck[],
  input: string,
  q: QuoteCheck,
): PcrCheck[] {
  const m = q.report.matchedEntries;
  const log = loaded.log?.log;
  if (log === undefined || q.report.digestMatches !== true || m === undefined || q.hypothesis === undefined) return [];
  const out: PcrCheck[] = [];
  for (const { bank, pcr, value } of q.attested ?? []) {
    const covered = loaded.pcrValues.get(bank)?.has(pcr) === true || existing.some((c) => c.bank === bank && c.pcr === pcr);
    const whole = pcrReplay.replay[bank]?.[String(pcr)];
    if (covered || whole === undefined) continue;
    out.push({
      bank,
      pcr,
      expected: toHex(value),
      replayed: whole,
      status: m === log.entries.length ? 'match' : 'prefix',
      matchedEntries: m,
      hypothesis: q.hypothesis,
      fromQuote: input,
    });
  }
  return out;
}

/**
 * The analysis of the inputs. Of two lists of one bank (two boots' lists, the binary and the
 * ASCII list of one boot) the one analysed never depends on which is longer or came first
 * alone: with PCR values or a quote, it is the one whose replay reproduces them (each list is
 * tried; a full match before one they stop short of); the others are said with what they hold
 * and whether their own replay was tried (extra-lists.ts), never silently left out. Lists that record different measurements, when
 * nothing supplied tells which is the machine's (no values or quote, neither's replay
 * reproduces them, or more than one's does), are an error, `lists-disagree`, whatever their
 * order: one could have been edited.
 */
export async function analyze(loaded: LoadedInputs, options: AnalyzeOptions, provider: HashProvider): Promise<Analysis> {
  const log = loaded.log;
  const sameBank = log === undefined ? [] : (loaded.extra ?? []).filter((l) => !isOtherBank(log.log, l.log));
  if (log === undefined || sameBank.length === 0) return withExtraLists(await analyzeList(loaded, options, provider), loaded);
  const lists = loaded.lists;
  const checked = loaded.pcrValues.size > 0 || loaded.quotes.length > 0;
  const all = [log, ...sameBank].sort((a, b) => b.log.entries.length - a.log.entries.length);
  // A list is analysed once.
  const analysed = new Map<LoadedLog, { loaded: LoadedInputs; analysis: Analysis; reproduced?: string }>();
  const analyse = async (list: LoadedLog) => {
    const done = analysed.get(list);
    if (done !== undefined) return done;
    const its = withAnalysedList(loaded, list);
    const analysis = await analyzeList(its, options, provider);
    const result = { loaded: its, analysis, reproduced: reproducedChecks(analysis.report) };
    analysed.set(list, result);
    return result;
  };
  // Each list's replay against the supplied checks; a list of the same measurements as one
  // tried replays as it does (the binary and ASCII lists of one boot): its twin's result.
  const twinOf = new Map<LoadedLog, LoadedLog>();
  if (checked) {
    for (const list of all) {
      const twin = [...analysed.keys()].find((t) => compareLists(list, t).relation === 'same');
      if (twin === undefined) await analyse(list);
      twinOf.set(list, twin ?? list);
    }
  }
  // A full match before a list the checks stop short of (log-ahead-of-pcrs: a line repeated
  // or appended), then the longest, then by content: never by the order the files came in.
  const full = (l: LoadedLog): number => ((analysed.get(l)?.analysis.report.pcrChecks ?? []).every((c) => c.status === 'match') ? 0 : 1);
  const byContent = (a: LoadedLog, b: LoadedLog): number => (a.input.sha256 < b.input.sha256 ? -1 : a.input.sha256 > b.input.sha256 ? 1 : a.input.name < b.input.name ? -1 : a.input.name > b.input.name ? 1 : 0);
  const reproducing = all
    .filter((l) => analysed.get(l)?.reproduced !== undefined)
    .sort((a, b) => full(a) - full(b) || b.log.entries.length - a.log.entries.length || byContent(a, b));
  const failedLists = all.filter((l) => {
    const twin = twinOf.get(l);
    return twin !== undefined && analysed.get(twin)?.reproduced === undefined;
  });
  // Positions in `lists` (withExtraLists' copies keep them).
  const failed = new Set(failedLists.map((l) => lists.indexOf(l)).filter((i) => i >= 0));
  const best = reproducing[0];
  if (best !== undefined && reproducing.every((l) => l === best || compareLists(l, best).relation !== 'differs')) {
    const chosen = await analyse(best);
    return withExtraLists(chosen.analysis, chosen.loaded, { reproduced: chosen.reproduced, failed });
  }
  // Nothing tells which list is the machine's: the longest of those in question is analysed,
  // the first by content among equals (byContent), so that the report is the same in every order.
  const pool = reproducing.length > 0 ? reproducing : all;
  const longest = pool.filter((l) => l.log.entries.length === pool[0].log.entries.length);
  const pick = [...longest].sort(byContent)[0];
  const chosen = await analyse(pick);
  const disagreeing = all.filter((l) => l !== pick && compareLists(l, pick).relation === 'differs');
  if (disagreeing.length > 0) {
    const names = [pick, ...disagreeing].map((l) => l.input.name).sort();
    const why = !checked
      ? 'no PCR values or quote were given to tell which one the machine measured'
      : reproducing.length === 0
        ? "no list's replay reproduces the supplied PCR values or quote"
        : 'the replay of more than one reproduces the supplied PCR values or quote';
    chosen.analysis.report.findings.push({
      code: 'lists-disagree',
      severity: 'error',
      message: `${names.join(', ')}: IMA lists of one bank that record different measurements, and ${why}, so none is taken as the machine's (one may have been edited). Compare them (imascope compare ${names[0]} ${names[1]}) or supply the PCR values or quote read with the machine's list.`,
    });
  }
  return withExtraLists(chosen.analysis, chosen.loaded, checked ? { reproduced: chosen.reproduced, failed } : undefined);
}

/**
 * What a list's replay reproduces ("the supplied PCR values and the quote"): undefined when a
 * check of the list failed, or none was made (values only of PCRs the list does not extend, a
 * quote that selects none of them).
 */
function reproducedChecks(report: Report): string | undefined {
  if (report.findings.some((f) => f.code === 'pcr-mismatch' || f.code === 'quote-digest-mismatch')) return undefined;
  const values = (report.pcrChecks ?? []).some((c) => c.fromQuote === undefined);
  const quotes = (report.quotes ?? []).filter((q) => q.digestMatches === true && q.matchedEntries !== undefined).length;
  const parts = [values ? 'the supplied PCR values' : '', quotes === 0 ? '' : quotes === 1 ? 'the quote' : 'the quotes'].filter((p) => p !== '');
  return parts.length === 0 ? undefined : parts.join(' and ');
}

/**
 * The findings on the lists set aside, added to `analysis`: a list that records other
 * measurements than the one analysed (or is damaged) is a warning, an undamaged copy of it
 * information. `choice.failed`: positions in `loaded.lists` of the lists whose replay was tried
 * and did not reproduce the checks.
 */
function withExtraLists(analysis: Analysis, loaded: LoadedInputs, choice?: { reproduced?: string; failed: ReadonlySet<number> }): Analysis {
  const extra = loaded.extra ?? [];
  if (extra.length === 0) return analysis;
  const findings = analysis.report.findings;
  const described = extra.map((l) => ({
    name: l.input.name,
    ...describeExtraList(l, loaded.log, choice === undefined ? undefined : { reproduced: choice.reproduced, failed: choice.failed.has(loaded.lists.indexOf(l)) }),
  }));
  for (const d of described) if (!d.sameAsAnalysed) findings.push({ code: 'input-unused', severity: 'warning', message: `${d.name}: ${d.reason}` });
  for (const d of described) if (d.sameAsAnalysed) findings.push({ code: 'input-unused', severity: 'info', message: `${d.name}: ${d.reason}` });
  findings.sort(compareFindings);
  return analysis;
}

/** The analysis with `loaded.log` as the list analysed (`analyze` chooses it). */
async function analyzeList(loaded: LoadedInputs, options: AnalyzeOptions, provider: HashProvider): Promise<Analysis> {
  const findings: Finding[] = [];
  const report: Report = { schema: REPORT_SCHEMA, inputs: [...loaded.inputs], findings };
  const banks = chooseBanks(loaded, options);

  // Firmware log: its replay supplies PCRs 0–9 (and others) when no values were given.
  let firmwarePcr: PcrLookup | undefined;
  if (loaded.firmware !== undefined) {
    const imaPcrs = loaded.log === undefined ? new Set<number>() : pcrsOfLog(loaded.log.log);
    const fw = checkFirmware(loaded.firmware.log, loaded.firmware.input.name, loaded.pcrValues, imaPcrs, provider);
    firmwarePcr = fw.pcr;
    report.firmware = fw.report;
    findings.push(...fw.findings);
  }
  const fixedPcr = (bank: HashAlgorithm, pcr: number): Uint8Array | undefined =>
    loaded.pcrValues.get(bank)?.get(pcr) ?? firmwarePcr?.(bank, pcr);
  // The first quote is probed for in the replay's own pass, so that it costs no second pass
  // over the log; every further quote (one per bank, as GCE sends) costs one pass of its own.
  const probes = loaded.quotes.map((q) => quoteProbe(q.quote, q.signature?.value, fixedPcr, provider));
  const probe = probes[0];

  let pcrReplay: PcrReplay | undefined;
  let logFacts: LogFacts | undefined;
  let checks: PcrCheck[] | undefined;
  let violations: readonly number[] = [];
  const streamed = loaded.log === undefined ? loaded.streamedLog : undefined;
  const entryCount = loaded.log?.log.entries.length ?? streamed?.entryCount;
  if (loaded.log !== undefined) {
    const { log, input } = loaded.log;
    const precomputed = await options.precomputed?.(log);
    const hashes = precomputed?.templateHashes ?? verifyTemplateHashes(log, provider);
    if (log.format === 'binary') input.byteOrder = log.byteOrder;
    if (hashes.digestBank !== undefined) input.digestBank = hashes.digestBank;
    const facts = computeLogFacts(log, hashes);
    logFacts = facts;
    report.log = facts.report;
    violations = hashes.violations;
    findings.push(...logFindings(log, facts, hashes, input.name));
    // Per-bank lists of other banks: checked on their own, compared, and replayed for their bank.
    const companions = loaded.companions ?? [];
    findings.push(...checkBankLists(loaded.log, companions, provider).findings);
    const extendColumns = withCompanionColumns(log, companions, provider, precomputed?.extendColumns);

    pcrReplay = await replayAndCheckPcrs(log, provider, replayBanksOf(loaded, banks), loaded.pcrValues, {
      extendColumns,
      pause: options.pause,
      quote: probe,
    });
    report.replay = Object.fromEntries(Object.entries(pcrReplay.replay).filter(([bank]) => banks.includes(bank as HashAlgorithm)));
    checks = namedChecks(pcrReplay.checks, log, facts);
    if (checks.length > 0) report.pcrChecks = checks;
    const lastVerified = hashes.mismatches.length > 0 ? lastVerifiedEntry(log) : undefined;
    findings.push(...replayFindings(log, facts, hashes, checks, lastVerified, loaded, firmwarePcr, provider));
  } else if (streamed !== undefined) {
    // The list as a streaming pass kept it (streamed-log.ts), when streamedLogSuffices: every
    // supplied value is its bank's final value, so each check is a match over the whole list.
    const { input, hashes, facts } = streamed;
    input.byteOrder = streamed.byteOrder;
    if (hashes.digestBank !== undefined) input.digestBank = hashes.digestBank;
    logFacts = facts;
    report.log = facts.report;
    violations = hashes.violations;
    findings.push(...logFindings(streamed, facts, hashes, input.name));
    report.replay = {};
    for (const bank of banks) {
      const final = streamed.finals.get(bank);
      if (final !== undefined) report.replay[bank] = bankValues(final);
    }
    const hypothesis = defaultHypothesis(streamed);
    checks = pcrTargets(replayBanksOf(loaded, banks), loaded.pcrValues, streamed.logPcrs).map((t) => {
      const final = streamed.finals.get(t.bank)?.get(t.pcr);
      return pcrCheck(t, streamed.entryCount, { at: streamed.entryCount, hypothesis, final }, final);
    });
    if (checks.length > 0) report.pcrChecks = checks;
    findings.push(...replayFindings(streamed, facts, hashes, checks, undefined, loaded, firmwarePcr, provider));
  }

  // Whether a check was met only with violations extended as zeros (the violation finding says so).
  let zeroMatched = checks?.some((c) => c.status !== 'mismatch' && c.hypothesis?.violations === 'zero') ?? false;
  const quoteChecks: PcrCheck[] = [];
  let matchedEntries: number | undefined;
  // Every quote on its own; the verdict is the worst of them (each adds its findings).
  const quoteReports: NonNullable<Report['quotes']> = [];
  const nonceUnreadable = options.nonce === undefined ? undefined : nonceProblem(options.nonce);
  for (const [i, paired] of loaded.quotes.entries()) {
    const q = await checkQuote(paired.quote, {
      provider,
      log: loaded.log?.log,
      pcrReplay,
      probe: probes[i],
      fixedPcr,
      signature: paired.signature?.value,
      ak: paired.ak?.value,
      akTwins: [...loaded.aks, ...loaded.imaKeys].map((k) => k.value),
      // Fail closed: a nonce that cannot be read is not compared (no mismatch said as if it
      // were fine); it is a check not made, below.
      nonce: nonceUnreadable === undefined ? options.nonce : undefined,
      pause: options.pause,
    });
    quoteReports.push({
      ...q.report,
      input: paired.input,
      ...quoteSources(paired),
      ...(q.akNotAttestationKey !== undefined ? { akNotAttestationKey: q.akNotAttestationKey } : {}),
    });
    if (i === 0) {
      report.quote = q.report;
      matchedEntries = q.report.matchedEntries;
    }
    // A quote no key verifies is judged with the first key of any kind (pair-quotes.ts).
    const judgedWith = paired.ak !== undefined && !loaded.aks.includes(paired.ak) ? paired.ak.input : undefined;
    findings.push(...quoteFindings(q, entryCount, loaded.quotes.length > 1 ? paired.input : undefined, judgedWith));
    if (q.hypothesis?.violations === 'zero') zeroMatched = true;
    if (loaded.log !== undefined && pcrReplay !== undefined && logFacts !== undefined) {
      const fromQuote = pcrChecksFromQuote(loaded, pcrReplay, [...(report.pcrChecks ?? []), ...quoteChecks], paired.input, q);
      quoteChecks.push(...namedChecks(fromQuote, loaded.log.log, logFacts));
    }
  }
  // CONTRACT §3: pcrChecks are for the PCRs supplied values or a quote cover.
  if (quoteChecks.length > 0) report.pcrChecks = [...(report.pcrChecks ?? []), ...quoteChecks];
  findings.push(...violationFindings(violations, zeroMatched));
  if (quoteReports.length > 0) report.quotes = quoteReports;
  findings.push(...inputFindings(loaded));
  if (nonceUnreadable !== undefined) {
    findings.push({ code: 'check-incomplete', severity: 'error', message: `The nonce was not compared with the quote: ${nonceUnreadable}.` });
  } else if (options.nonce !== undefined && loaded.quotes.length === 0) {
    findings.push({ code: 'check-incomplete', severity: 'error', message: `A nonce (${options.nonce}) was given, but no quote to compare it with: give the TPM quote it was sent for.` });
  }
  if (matchedEntries === undefined) {
    matchedEntries = checks?.find((c) => c.matchedEntries !== undefined)?.matchedEntries;
  }

  for (const u of loaded.unreadable) {
    findings.push({ code: 'input-unreadable', severity: 'error', message: `${u.name}: cannot be read${u.kind === undefined ? '' : ` as ${u.kind}`}: ${u.reason}` });
  }
  let policyRun: PolicyDryRun | undefined;
  let malformed: MalformedSignatures | undefined;
  // Fail closed: an exclude list judges nothing without the policy it belongs to.
  const lonelyExcludes = loaded.policyInputs.policy === undefined ? loaded.policyInputs.excludeFiles : [];
  for (const f of lonelyExcludes) {
    findings.push({ code: 'check-incomplete', severity: 'error', message: `${f.name}: an exclude list takes effect only with a runtime policy (Keylime keeps excludes in the policy): give the policy it belongs to.` });
  }
  const policyGiven = hasPolicyInputs(loaded.policyInputs);
  if (policyGiven && loaded.log !== undefined) {
    const log = loaded.log.log;
    const steps = policyDryRunSteps(log, loaded.policyInputs, { keylimeCompat: options.keylimeCompat }, provider);
    // Signatures can take minutes: with a pause (the app's worker) rows are served meanwhile.
    const { pause, onPolicyProgress } = options;
    policyRun =
      pause === undefined
        ? finishSteps(steps)
        : await finishStepsWithPauses(steps, pause, (done) => onPolicyProgress?.(done, policyDryRunWork(log)));
  } else if (policyGiven) {
    // A streamed list was judged window by window (streamedLogSuffices makes sure it was).
    policyRun = streamed?.policy?.finish();
  }
  if (policyRun !== undefined) {
    if (policyRun.policy !== undefined) report.policy = policyRun.policy;
    if (policyRun.signatures !== undefined) report.signatures = policyRun.signatures;
    findings.push(...policyRun.findings);
  } else if (policyGiven) {
    findings.push({ code: 'check-incomplete', severity: 'error', message: 'A runtime policy, exclude list or IMA keys were given without an IMA measurement list to judge.' });
  } else if (loaded.log !== undefined || loaded.streamedLog !== undefined) {
    // With no key or policy the dry run does not run; a malformed signature needs neither.
    // (A streamed list has none: the stream leaves such a list to the model.)
    const scan = loaded.log === undefined ? undefined : scanMalformedSignatures(loaded.log.log);
    malformed = loaded.log === undefined || scan === undefined ? undefined : malformedSignatures(loaded.log.log, scan);
    if (malformed !== undefined) {
      report.signatures = malformed.signatures;
      findings.push(malformed.finding);
    }
    const signed = scan?.unchecked ?? loaded.streamedLog?.signedEntries ?? 0;
    if (malformed === undefined && signed > 0) findings.push(uncheckedSignaturesFinding(signed));
  }

  // Every buffer against its recorded digest, with or without a policy (a streamed list has
  // no mismatch: the stream leaves such a list to the model). The model's dry run hashed
  // each buffer already.
  if (loaded.log !== undefined) findings.push(...bufferDigestFindings(policyRun?.bufferDigests ?? checkBufferDigests(loaded.log.log, provider)));

  for (const u of loaded.unused) findings.push({ code: 'input-unused', severity: 'warning', message: `${u.name}: ${u.reason}` });
  for (const note of loaded.notes) findings.push({ code: 'input-unused', severity: 'info', message: note });

  findings.sort(compareFindings);
  return {
    report,
    log: loaded.log?.log,
    matchedEntries,
    ...(logFacts !== undefined && { logFacts }),
    ...(policyRun !== undefined && { policyRun }),
    ...(malformed !== undefined && { signatureColumn: malformed.column }),
    ...(loaded.unreadable.length > 0 && { unreadable: loaded.unreadable }),
    ...(loaded.pcrConflicts.length > 0 && { pcrConflicts: loaded.pcrConflicts }),
    ...(loaded.pcrValues.size > 0 && { suppliedPcrs: suppliedBankValues(loaded) }),
  };
}

function suppliedBankValues(loaded: LoadedInputs): PcrBankValues {
  const out: PcrBankValues = {};
  for (const [bank, pcrs] of loaded.pcrValues) out[bank] = bankValues(pcrs);
  return out;
}
