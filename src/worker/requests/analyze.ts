/**
 * `analyze` and what the replay panel asks of its result. Chain: analyze(pastes, nonce) →
 * verifyLogInPool (template hashes, in ranges on the verification pool, 'verifying'
 * progress; rows are served meanwhile) → analyzeWithLog({log, others}, precomputed)
 * (replay, findings) → AnalysisSummary; the state keeps the analysis for the table's
 * verdict cells, the timeline and getReplayDetails.
 */
import { analyzeWithLog } from '../../core/analysis/analyze';
import { arrangeBankLists } from '../../core/analysis/bank-lists';
import type { Analysis, LoadedLog, Precomputed, RawInput } from '../../core/analysis/analysis-types';
import { recogniseInput } from '../../core/inputs/registry';
import { knownPcrValue, replayAllHypotheses } from '../../core/analysis/hypotheses';
import { loadInputs } from '../../core/analysis/load-inputs';
import { describeQuote } from '../../core/analysis/quote-details';
import type { HashProvider } from '../../core/hash/hash-provider';
import type { ImaLog } from '../../core/model/ima-log';
import { ENTRY_STATUSES, entryStatus, type EntryStatus } from '../../core/query/entry-status';
import type { ReportInput } from '../../core/report/report';
import { encodeText } from '../../core/util/bytes';
import { withCasePart } from '../case-logs';
import { describeUnrecognized } from '../describe-input';
import { fingerprintLogFile } from '../fingerprint';
import type { AnalysisSummary, InputReading, InputSummary, LoadSummary, PastedInput, PasteSummary, ReplayDetails, RequestId, RequestParams } from '../protocol';
import { SessionError, type Handlers, type OpenedLog, type OpenState, type Session, type Verification } from '../session';
import { splitPastedInput } from '../split-pasted-input';
import { verifyLogInPool } from '../verify-log';

/** Verifies template hashes, replays and judges, with the pasted texts as extra inputs. */
async function analyze(session: Session, params: RequestParams<'analyze'>, id: RequestId): Promise<AnalysisSummary> {
  const now = session.options.now ?? (() => performance.now());
  const started = now();
  const state = session.state;
  const provider = await session.hashProvider();
  const pasted = params.pastes.filter((p) => p.text.trim() !== '').map((p) => splitPastedInput(p, pasteInput(p)));
  const opened = state.log;
  let loaded: LoadedLog | undefined;
  let precomputed: Precomputed | undefined;
  if (opened !== undefined) {
    const size = opened.log.entries.length;
    session.progress(id, 'verifying', 0, opened.file.size, 0);
    const verification = verify(session, opened, provider);
    verification.progressTo = id;
    const sha256 = await fingerprint(session, opened, provider);
    precomputed = await poolVerified(verification);
    // analyze() fills byteOrder and digestBank once verification has confirmed them.
    const input: ReportInput = {
      name: opened.overview.name,
      kind: opened.kind,
      size: opened.file.size,
      sha256,
    };
    loaded = { log: opened.log, input };
    session.progress(id, 'analyzing', opened.file.size, opened.file.size, size);
  }
  // Every list of the case, in the order given (the report names them so, whichever is shown):
  // of two lists of one bank, the analysis analyses the one whose replay reproduces the PCR
  // values or quote (as the CLI does) and reports the others unused.
  const caseLists = listsOfCase(state);
  const lists: LoadedLog[] = [];
  for (const l of caseLists) {
    lists.push(l === opened && loaded !== undefined ? loaded : { log: l.log, input: { name: l.overview.name, kind: l.kind, size: l.file.size, sha256: await fingerprint(session, l, provider) } });
  }
  const others = [...state.others, ...pasted.flatMap((p) => p.raws)];
  const nonce = params.nonce !== undefined && params.nonce.trim() !== '' ? params.nonce.trim() : pasted.find((p) => p.nonce !== undefined)?.nonce;
  // The pool has verified the template hashes (verify): analyze takes the result instead
  // of hashing a million entries on this thread. Another list of the bank is verified there
  // too, when the analysis tries its replay (PCR values or a quote given: analyze).
  const verifiedInPool = (log: ImaLog): Precomputed | Promise<Precomputed | undefined> | undefined => {
    if (log === opened?.log) return precomputed;
    const other = caseLists.find((l) => l.log === log);
    return other === undefined ? undefined : poolVerified(verify(session, other, provider));
  };
  const analysis = await analyzeWithLog(
    { lists, ...(loaded !== undefined ? { shown: loaded } : {}) },
    others,
    {
      ...(params.banks !== undefined && params.banks.length > 0 ? { banks: params.banks } : {}),
      ...(nonce !== undefined ? { nonce } : {}),
      precomputed: verifiedInPool,
      pause: session.pause(),
      onPolicyProgress: policyProgress(session, id, now),
      ...(params.keylimeCompat === true ? { keylimeCompat: true } : {}),
    },
    provider,
  );
  // The list analysed: the one shown, or another of its bank the evidence chose.
  const analysedList = caseLists.find((l) => l.log === analysis.log) ?? opened;
  const shown = analysedList === undefined || analysedList === opened ? state : showList(state, analysedList);
  if (shown !== state) {
    if (session.state === state) session.state = shown;
    if (session.committed === state) session.committed = shown;
  }
  // Verification set the status flags: every cached filtered view may be stale.
  shown.views.clear();
  // …and the compiled expressions read the verdict columns this analysis replaces.
  shown.expressions.clear();
  shown.analysis = analysis;
  shown.marks = undefined;
  shown.policyRun = analysis.policyRun;
  const basisLog = lists.find((l) => l.log === analysis.log);
  shown.replayBasis = { others, lists, report: analysis.report, ...(basisLog ? { shown: basisLog } : {}) };
  const readWithCase = readingsOfInputs(state.summary.inputs, analysis);
  return {
    report: analysis.report,
    pastes: pasted.map((p) => withRefusals(p.summary, analysis)),
    statusCounts: analysedList ? countStatuses(analysedList.log) : {},
    analyzeMillis: Math.round(now() - started),
    pasteParts: pasted.flatMap((p) => p.parts),
    ...(readWithCase.length > 0 ? { readWithCase } : {}),
    ...(analysis.pcrConflicts !== undefined ? { pcrConflicts: analysis.pcrConflicts } : {}),
    ...(shown !== state ? { shown: shown.summary } : {}),
    ...(analysis.suppliedPcrs !== undefined ? { suppliedPcrs: analysis.suppliedPcrs } : {}),
  };
}

/** Every list of the case (shown, companions, set aside), in the order given (OpenState.logs). */
function listsOfCase(state: OpenState): OpenedLog[] {
  const lists = [...(state.log ? [state.log] : []), ...state.companions, ...state.extras];
  return lists.sort((a, b) => state.logs.indexOf(a) - state.logs.indexOf(b));
}

/**
 * The case with `list`, another list of the shown one's bank, shown instead: its companions
 * and the lists set aside arranged around it as the analysis arranged them (withAnalysedList),
 * and nothing worked out for the list shown before (filtered views, the comparison with a
 * reference) kept.
 */
function showList(state: OpenState, list: OpenedLog): OpenState {
  const { companions, extra } = arrangeBankLists(listsOfCase(state), list);
  const summary: LoadSummary = { ...state.summary, log: list.overview, inputs: state.summary.inputs.map((i) => withCasePart(i, list, companions, extra)) };
  const { comparison: _comparison, ...kept } = state;
  return { ...kept, summary, log: list, companions, extras: extra, views: new Map(), expressions: new Map() };
}

/**
 * A paste whose kind was recognised may still be refused by the analysis (a PCR given another
 * value than a file gives): said beside the paste box, not only in the findings. Its parts are
 * named `<paste>, line N` (split-pasted-input.ts).
 */
function withRefusals(summary: InputSummary, analysis: Analysis): PasteSummary {
  const refused = (analysis.unreadable ?? []).filter((u) => u.name === summary.name || u.name.startsWith(`${summary.name}, line `)).map((u) => u.reason);
  return refused.length > 0 ? { ...summary, refused } : summary;
}

/**
 * The inputs as the analysis settled them with the rest of the case (the core's loadInputs,
 * as the CLI does), where that differs from what the open step's sniff said: one no kind
 * fitted alone, read as a tpm2 '-F values' PCR file with a quote's selection or refused
 * saying what is missing; a key sniffed as an attestation key that verifies no quote, kept as
 * an IMA verification key. Matched by name (and size) as the report names inputs.
 */
function readingsOfInputs(inputs: readonly InputSummary[], analysis: Analysis): InputReading[] {
  const out: InputReading[] = [];
  for (const s of inputs) {
    if (s.supersededBy !== undefined) continue;
    const read = analysis.report.inputs.find((i) => i.name === s.name && i.size === s.size);
    if (read !== undefined) {
      if (read.kind !== s.kind) out.push({ id: s.id, kind: read.kind });
      continue;
    }
    const refused = s.kind === undefined ? analysis.unreadable?.find((u) => u.name === s.name) : undefined;
    if (refused !== undefined) out.push({ id: s.id, reason: refused.reason });
  }
  return out;
}

/**
 * The replay under every reading of the log, and the quote field by field, for the last
 * analysis of the open inputs. Chain: the replay panel opens → getReplayDetails → the
 * inputs that analysis read, parsed again (small: quotes, keys, PCR listings; the log is
 * the verified model) → replayAllHypotheses + describeQuote → ReplayDetails.
 */
async function getReplayDetails(session: Session, allReadings: boolean): Promise<ReplayDetails> {
  const basis = session.state.replayBasis;
  if (basis === undefined) throw new SessionError('noLog', 'Nothing has been analysed yet');
  const provider = await session.hashProvider();
  const loaded = await loadInputs(basis.others, provider, basis);
  const hypotheses = await replayAllHypotheses(loaded, basis.report, provider, { all: allReadings, pause: session.pause() });
  const quote = await describeQuote(loaded, knownPcrValue(loaded, provider));
  return { ...(hypotheses ? { hypotheses } : {}), ...(quote ? { quote } : {}) };
}

/** The policy dry run's progress, posted at most every PROGRESS_MS (it is told every few dozen entries). */
function policyProgress(session: Session, id: RequestId, now: () => number): (done: number, total: number) => void {
  let last = -Infinity;
  return (done, total) => {
    if (now() - last < PROGRESS_MS) return;
    last = now();
    session.progress(id, 'judging', done, total, done);
  };
}

const PROGRESS_MS = 100;

function pasteInput(paste: PastedInput): { raw: RawInput; summary: InputSummary } {
  const bytes = encodeText(paste.text.trim());
  const detectedKind = recogniseInput(bytes, true)?.module.kind;
  const summary: InputSummary = {
    id: paste.id,
    name: paste.name,
    size: bytes.length,
    kind: detectedKind,
    detectedKind,
    ...(detectedKind === undefined ? { looksLike: describeUnrecognized(bytes) } : {}),
  };
  return { raw: { name: paste.name, bytes, ...(detectedKind ? { kind: detectedKind } : {}) }, summary };
}

/**
 * Starts what every analysis of a newly opened log needs first, as soon as it is parsed:
 * the verification of its template hashes and the fingerprint of its file. The page asks for
 * the analysis only after it has shown the first rows (and its timeline), which at 1M
 * entries is a few hundred milliseconds the verification can use.
 */
export async function prepareAnalysis(session: Session, opened: OpenedLog): Promise<void> {
  const provider = await session.hashProvider();
  // Still the log shown (a newer open may have replaced it meanwhile).
  if (session.state.log !== opened) return;
  verify(session, opened, provider);
  void fingerprint(session, opened, provider).catch(() => undefined);
}

/** The file's SHA-256, made once per opened log; a failed attempt is not kept (the next analysis tries again). */
function fingerprint(session: Session, opened: OpenedLog, provider: HashProvider): Promise<string> {
  if (opened.sha256 === undefined) {
    const made = fingerprintLogFile(opened.log, opened.file, session.verifyPool(), provider);
    opened.sha256 = made;
    made.catch(() => {
      if (opened.sha256 === made) opened.sha256 = undefined;
    });
  }
  return opened.sha256;
}

/** A verification's result; a pool that failed (not cancelled) leaves the verification to analyze itself. */
function poolVerified(verification: Verification): Promise<Precomputed | undefined> {
  return verification.result.catch((e: unknown) => {
    if (e instanceof SessionError) throw e;
    return undefined;
  });
}

/**
 * The pool's verification of a list of the case (verify-log.ts), shared by every analysis
 * of the same list; progress goes to the analysis waiting for it (Verification.progressTo).
 */
export function verify(session: Session, opened: OpenedLog, provider: HashProvider): Verification {
  const log = opened.log;
  const cached = session.verifications.get(log);
  if (cached !== undefined) return cached;
  const controller = new AbortController();
  const total = opened.file.size;
  const n = log.entries.length;
  // Declared first: the pool may report progress before verifyLogInPool returns (a small list).
  let verification: Verification | undefined = undefined;
  const result = verifyLogInPool(log, session.verifyPool(), provider, {
    signal: controller.signal,
    inPlace: session.options.verifyInPlace === true,
    onProgress: (done) => {
      const to = verification?.progressTo;
      if (to !== undefined) session.progress(to, 'verifying', Math.round((total * done) / Math.max(1, n)), total, done);
    },
  }).catch((e: unknown) => {
    session.verifications.delete(log);
    throw controller.signal.aborted ? new SessionError('cancelled', 'Cancelled') : e;
  });
  // Handled by whichever analysis awaits it, maybe after a rejection: not unhandled meanwhile.
  result.catch(() => undefined);
  verification = { result, controller, progressTo: undefined };
  session.verifications.set(log, verification);
  return verification;
}

function countStatuses(log: ImaLog): Partial<Record<EntryStatus, number>> {
  const counts = new Map<EntryStatus, number>();
  const f = log.entries.flags;
  for (let i = 0; i < f.length; i++) {
    const s = entryStatus(f[i]);
    counts.set(s, (counts.get(s) ?? 0) + 1);
  }
  const out: Partial<Record<EntryStatus, number>> = {};
  for (const s of ENTRY_STATUSES) {
    const c = counts.get(s);
    if (c !== undefined) out[s] = c;
  }
  return out;
}

export const analyzeHandlers: Handlers<'analyze' | 'getReplayDetails'> = {
  analyze: (session, params, { id }) => analyze(session, params, id),
  getReplayDetails: (session, { allReadings }) => getReplayDetails(session, allReadings === true),
};
