/**
 * Replays the log into every requested bank and compares each supplied PCR value with the
 * running value after every entry. When the kernel's default interpretation (per-bank
 * template digests, violations as 0xFF, the list's byte order) reproduces no prefix, the
 * other interpretations are tried, so the report can say which one a machine's kernel used:
 * zero-padded SHA-1 digests (kernels 5.1–5.7), violations extended as zeros (a verifier
 * bug), the opposite byte order (a list converted between architectures).
 */
import type { HashAlgorithm } from '../hash/hash-algorithm';
import type { HashProvider } from '../hash/hash-provider';
import type { ImaLog } from '../model/ima-log';
import type { Hypothesis, PcrBankValues, PcrCheck } from '../report/report';
import { computeExtendValues } from '../replay/extend-values';
import {
  replayChains,
  type Chain,
  type ChainResult,
  type Pause,
  type PcrTarget,
  type QuoteProbe,
  type QuoteProbeResult,
} from '../replay/replay-chains';
import { toHex } from '../util/bytes';

export function defaultHypothesis(log: Pick<ImaLog, 'byteOrder'>): Hypothesis {
  return { extend: 'per-bank', violations: 'ff', byteOrder: log.byteOrder };
}

/** The interpretations tried, in order of how likely they are, the default first. */
export function hypothesesFor(log: ImaLog): Hypothesis[] {
  const own = log.byteOrder;
  const other = own === 'little' ? 'big' : 'little';
  return [
    { extend: 'per-bank', violations: 'ff', byteOrder: own },
    { extend: 'padded-sha1', violations: 'ff', byteOrder: own },
    { extend: 'per-bank', violations: 'zero', byteOrder: own },
    { extend: 'padded-sha1', violations: 'zero', byteOrder: own },
    { extend: 'per-bank', violations: 'ff', byteOrder: other },
    { extend: 'padded-sha1', violations: 'ff', byteOrder: other },
  ];
}

export function hypothesisKey(h: Hypothesis): string {
  return `${h.extend}/${h.violations}/${h.byteOrder}`;
}

export interface PcrReplay {
  /** Final values under the default interpretation: report.replay. */
  readonly replay: PcrBankValues;
  readonly checks: PcrCheck[];
  /** The quote probe the default interpretation's pass also ran, and what it found. */
  readonly quote?: { readonly probe: QuoteProbe; readonly result: QuoteProbeResult };
  /** Builds (and caches) a chain for a bank under a hypothesis. */
  readonly chainFor: (bank: HashAlgorithm, h: Hypothesis) => Chain | undefined;
  readonly logPcrs: ReadonlySet<number>;
}

export function pcrsOfLog(log: ImaLog): Set<number> {
  const set = new Set<number>();
  const column = log.entries.pcr;
  for (let i = 0; i < column.length; i++) set.add(column[i]);
  return set;
}

/** The supplied values the replay of `banks` is compared with: those of PCRs the log extends. */
export function pcrTargets(
  banks: readonly HashAlgorithm[],
  supplied: ReadonlyMap<HashAlgorithm, ReadonlyMap<number, Uint8Array>>,
  logPcrs: ReadonlySet<number>,
): PcrTarget[] {
  const targets: PcrTarget[] = [];
  for (const bank of banks) {
    for (const [pcr, value] of supplied.get(bank) ?? []) if (logPcrs.has(pcr)) targets.push({ bank, pcr, value });
  }
  return targets;
}

/** A bank's final values for report.replay: every PCR the log extends, ascending. */
export function bankValues(final: ReadonlyMap<number, Uint8Array>): Record<string, string> {
  const values: Record<string, string> = {};
  for (const p of [...final.keys()].sort((a, b) => a - b)) values[String(p)] = toHex(final.get(p) ?? new Uint8Array());
  return values;
}

/**
 * The check of one supplied value. `found`: the most entries whose replay gives it (see
 * ChainResult.matchedAt) under the hypothesis that does, with that replay's final value;
 * `defaultFinal`: the default replay's final value, shown when nothing gives it.
 */
export function pcrCheck(
  t: PcrTarget,
  entryCount: number,
  found: { readonly at: number; readonly hypothesis: Hypothesis; readonly final: Uint8Array | undefined } | undefined,
  defaultFinal: Uint8Array | undefined,
): PcrCheck {
  const check: PcrCheck = {
    bank: t.bank,
    pcr: t.pcr,
    expected: toHex(t.value),
    replayed: toHex(found?.final ?? defaultFinal ?? new Uint8Array()),
    status: found === undefined ? 'mismatch' : found.at === entryCount ? 'match' : 'prefix',
  };
  if (found !== undefined) {
    check.matchedEntries = found.at;
    check.hypothesis = found.hypothesis;
  }
  return check;
}

export interface ReplayOptions {
  /** Whole extend-value and running-value columns a caller computed (computeExtendValues). */
  readonly extendColumns?: ReadonlyMap<string, Uint8Array>;
  readonly pause?: Pause;
  /** A quote to probe for in the same pass (probeQuote then starts from its result). */
  readonly quote?: QuoteProbe;
}

export async function replayAndCheckPcrs(
  log: ImaLog,
  provider: HashProvider,
  banks: readonly HashAlgorithm[],
  supplied: ReadonlyMap<HashAlgorithm, ReadonlyMap<number, Uint8Array>>,
  options: ReplayOptions = {},
): Promise<PcrReplay> {
  const { extendColumns = new Map(), pause, quote: probe } = options;
  const logPcrs = pcrsOfLog(log);
  const chainCache = new Map<string, Chain | undefined>();
  const chainFor = (bank: HashAlgorithm, h: Hypothesis): Chain | undefined => {
    const key = `${bank}/${hypothesisKey(h)}`;
    if (!chainCache.has(key)) {
      const extend = computeExtendValues(log, provider, bank, h, extendColumns);
      chainCache.set(key, extend === undefined ? undefined : { hypothesis: h, extend });
    }
    return chainCache.get(key);
  };

  const targets = pcrTargets(banks, supplied, logPcrs);

  const hypotheses = hypothesesFor(log);
  const defaultChains = new Map<HashAlgorithm, Chain>();
  for (const bank of banks) {
    const c = chainFor(bank, hypotheses[0]);
    if (c !== undefined) defaultChains.set(bank, c);
  }
  const chainOfBank = new Map([...defaultChains.keys()].map((bank, k) => [bank, k]));
  const quote = probe === undefined ? undefined : { probe, chainOfBank };
  const first = await replayChains(log, provider, [...defaultChains.values()], targets, quote, pause);
  const replay: PcrBankValues = {};
  for (const r of first.chains) replay[r.bank] = bankValues(r.final);

  const n = log.entries.length;
  const resultOf = (results: readonly ChainResult[], t: PcrTarget): { at: number; chain: ChainResult } | undefined => {
    for (const r of results) {
      const at = r.bank === t.bank ? r.matchedAt.get(t.pcr) : undefined;
      if (at !== undefined) return { at, chain: r };
    }
    return undefined;
  };

  // Unmatched targets: try the other interpretations for their banks, all in one pass.
  const unmatched = targets.filter((t) => resultOf(first.chains, t) === undefined);
  const alternatives: ChainResult[] = [];
  if (unmatched.length > 0) {
    const altChains: Chain[] = [];
    for (const bank of new Set(unmatched.map((t) => t.bank))) {
      for (const h of hypotheses.slice(1)) {
        const c = chainFor(bank, h);
        if (c !== undefined) altChains.push(c);
      }
    }
    alternatives.push(...(await replayChains(log, provider, altChains, unmatched, undefined, pause)).chains);
  }

  const checks: PcrCheck[] = targets.map((t) => {
    const defaultFinal = first.chains.find((r) => r.bank === t.bank)?.final.get(t.pcr);
    const found = resultOf(first.chains, t) ?? resultOf(alternatives, t);
    return pcrCheck(t, n, found === undefined ? undefined : { at: found.at, hypothesis: found.chain.hypothesis, final: found.chain.final.get(t.pcr) }, defaultFinal);
  });
  return {
    replay,
    checks,
    ...(probe !== undefined && first.quote !== undefined ? { quote: { probe, result: first.quote } } : {}),
    chainFor,
    logPcrs,
  };
}

export interface QuoteProbeOutcome {
  readonly matchedEntries?: number;
  /** With matchedEntries: the log's selected values there (QuoteProbeResult.attested). */
  readonly attested?: QuoteProbeResult['attested'];
  readonly finalDigest?: Uint8Array;
  readonly hypothesis?: Hypothesis;
  readonly missing: ReadonlyArray<{ bank: HashAlgorithm; pcr: number }>;
  /** The quote's digest is that of its PCRs before the log extended any (QuoteProbeResult.atReset). */
  readonly atReset?: boolean;
}

/**
 * Runs a quote probe under each interpretation until one reproduces the quote's digest. The
 * default interpretation's result comes from the replay's own pass when it probed this quote.
 */
export async function probeQuote(
  log: ImaLog,
  provider: HashProvider,
  pcrReplay: PcrReplay,
  probe: QuoteProbe,
  pause?: Pause,
): Promise<QuoteProbeOutcome> {
  const banks = [...new Set(probe.selection.map((s) => s.bank))].filter((b) =>
    probe.selection.some((s) => s.bank === b && s.pcrs.some((p) => pcrReplay.logPcrs.has(p))),
  );
  const replay = async (h: Hypothesis): Promise<QuoteProbeResult | undefined> => {
    const chains: Chain[] = [];
    const chainOfBank = new Map<HashAlgorithm, number>();
    for (const bank of banks) {
      const c = pcrReplay.chainFor(bank, h);
      if (c === undefined) continue;
      chainOfBank.set(bank, chains.length);
      chains.push(c);
    }
    return (await replayChains(log, provider, chains, [], { probe, chainOfBank }, pause)).quote;
  };
  let defaultResult: QuoteProbeOutcome | undefined;
  for (const [k, h] of hypothesesFor(log).entries()) {
    const result = k === 0 && pcrReplay.quote?.probe === probe ? pcrReplay.quote.result : await replay(h);
    if (result === undefined) break;
    const r = { matchedEntries: result.matchedEntries, attested: result.attested, finalDigest: result.finalDigest, hypothesis: h, missing: result.missing, atReset: result.atReset };
    defaultResult ??= r;
    if (result.matchedEntries !== undefined || result.missing.length > 0 || banks.length === 0) return r;
  }
  return { ...(defaultResult ?? { missing: [] }), hypothesis: undefined, matchedEntries: undefined, attested: undefined };
}
