/**
 * One pass over the log that extends every PCR of every requested bank (one "chain" per
 * bank and hypothesis) and, after each entry, compares the running values with what the
 * user supplied: PCR values, and the quote's pcrDigest. So "the PCR equals the replay after
 * 151 of 201 entries" costs one comparison per entry, not a replay per prefix.
 */
import type { HashAlgorithm } from '../hash/hash-algorithm';
import type { Hasher, HashProvider } from '../hash/hash-provider';
import type { ImaLog } from '../model/ima-log';
import type { Hypothesis } from '../report/report';
import { bytesEqual } from '../util/bytes';
import { BLOCK_ENTRIES, type ExtendValues } from './extend-values';

/**
 * The sequential part of a chain on its own: out[i × size …] = the value of entry i's PCR
 * right after extending entry i, every PCR from zero (`ExtendValues.running`).
 */
export function computeRunningValues(
  pcrColumn: Uint8Array,
  hasher: Hasher,
  values: Uint8Array,
  out: Uint8Array,
): void {
  new RunningValues(pcrColumn, hasher).extend(values, 0, pcrColumn.length, out);
}

/** `computeRunningValues` in consecutive ranges of entries, for a caller that gets values by parts. */
export class RunningValues {
  /** The 256 PCRs' values, `hasher.size` bytes each, from zero. */
  private readonly states: Uint8Array;

  constructor(
    private readonly pcrColumn: Uint8Array,
    private readonly hasher: Hasher,
  ) {
    this.states = new Uint8Array(256 * hasher.size);
  }

  /** Extends entries [start, end), the next ones after those of the previous call. */
  extend(values: Uint8Array, start: number, end: number, out: Uint8Array): void {
    this.hasher.extendRangeInto(this.pcrColumn, start, end, this.states, values, out);
  }
}

export interface Chain {
  readonly hypothesis: Hypothesis;
  readonly extend: ExtendValues;
}

export interface PcrTarget {
  readonly bank: HashAlgorithm;
  readonly pcr: number;
  readonly value: Uint8Array;
}

/** A quote's pcrDigest to find among the prefixes of the log. */
export interface QuoteProbe {
  /** Selection in quote order; PCRs ascending within a bank. */
  readonly selection: ReadonlyArray<{ readonly bank: HashAlgorithm; readonly pcrs: readonly number[] }>;
  /** The signing hash. */
  readonly hasher: Hasher;
  /** Values of selected PCRs that the log does not extend (supplied, or from the firmware log). */
  readonly fixed: (bank: HashAlgorithm, pcr: number) => Uint8Array | undefined;
  readonly expected: Uint8Array;
}

export interface ChainResult {
  readonly hypothesis: Hypothesis;
  readonly bank: HashAlgorithm;
  /** Final value of every PCR the log extends. */
  readonly final: Map<number, Uint8Array>;
  /**
   * Per target PCR: the most entries a verifier may replay and still get the target. The
   * running value first equals it after some entry, and keeps that value until the next entry
   * that extends the same PCR: that entry's index is the count given (n when no later entry
   * extends the PCR, so the whole log reproduces it). Entries that extend other PCRs (PCR 10
   * after PCR 11's last) never make a PCR a prefix match. A target is a PCR the log extends,
   * so its reset value (before the first entry that extends it) attests no entry and is no
   * match: a PCR that was never extended is a TPM reset, another boot or another machine.
   */
  readonly matchedAt: Map<number, number>;
}

export interface QuoteProbeResult {
  /** Digest over the whole log (undefined when a selected PCR has no value at all). */
  readonly finalDigest?: Uint8Array;
  /**
   * Like `ChainResult.matchedAt`: the most entries whose replay gives the quote's digest. The
   * digest of the selected PCRs the log extends at their reset value is no match (see there).
   */
  readonly matchedEntries?: number;
  /** The quote's digest is that of its PCRs before any entry that extends one of them. */
  readonly atReset?: boolean;
  /** Selected PCRs with no value from the log or the inputs. */
  readonly missing: ReadonlyArray<{ bank: HashAlgorithm; pcr: number }>;
  /**
   * With `matchedEntries`: the selected PCRs the log extends, with their values where the
   * digest matched (what the quote attests), in selection order. Taken in the same pass, so
   * no second replay of the prefix is needed to say them.
   */
  readonly attested?: ReadonlyArray<{ bank: HashAlgorithm; pcr: number; value: Uint8Array }>;
}

/**
 * Called between blocks of a replay: a caller that serves requests on the same thread (the
 * app's log worker) yields there now and then, so a million-entry replay does not freeze it.
 */
export type Pause = () => Promise<void>;

export interface ChainsResult {
  readonly chains: ChainResult[];
  readonly quote?: QuoteProbeResult;
}

/**
 * Extends all chains in lockstep. `quote.chainOfBank` names, per bank, the chain whose values
 * the quote probe uses (the hypothesis being tested for the quote).
 */
export async function replayChains(
  log: ImaLog,
  provider: HashProvider,
  chains: readonly Chain[],
  targets: readonly PcrTarget[],
  quote?: { probe: QuoteProbe; chainOfBank: ReadonlyMap<HashAlgorithm, number> },
  pause?: Pause,
): Promise<ChainsResult> {
  const n = log.entries.length;
  const pcrColumn = log.entries.pcr;
  const logPcrs = new Set<number>();
  for (let i = 0; i < n; i++) logPcrs.add(pcrColumn[i]);

  const state = chains.map((chain) => {
    const { bank, size } = chain.extend;
    const hasher = provider.get(bank);
    if (hasher === undefined) throw new Error(`no ${bank} hash available`);
    const pcrs = new Map<number, Uint8Array>();
    for (const p of logPcrs) pcrs.set(p, new Uint8Array(size));
    const wanted = new Map<number, Uint8Array>();
    for (const t of targets) if (t.bank === bank) wanted.set(t.pcr, t.value);
    return { chain, hasher, pcrs, wanted, matchedAt: new Map<number, number>() };
  });

  // Quote probe set-up: which PCRs the probe reads from the chains, and whether an entry's PCR
  // is selected at all (only then can the digest change).
  let probeSelected: Set<number> | undefined;
  let quoteMatched: number | undefined;
  let attested: QuoteProbeResult['attested'];
  let quoteAtReset = false;
  const missing: Array<{ bank: HashAlgorithm; pcr: number }> = [];
  /** Copies of the log's selected values now (the running values change in place). */
  const attestedNow = (): NonNullable<QuoteProbeResult['attested']> => {
    if (quote === undefined) return [];
    return quote.probe.selection.flatMap((sel) => {
      const chainIndex = quote.chainOfBank.get(sel.bank);
      if (chainIndex === undefined) return [];
      return sel.pcrs.flatMap((pcr) => {
        const value = logPcrs.has(pcr) ? state[chainIndex].pcrs.get(pcr) : undefined;
        return value === undefined ? [] : [{ bank: sel.bank, pcr, value: value.slice() }];
      });
    });
  };
  const quoteDigest = (): Uint8Array | undefined => {
    if (quote === undefined) return undefined;
    const parts: Uint8Array[] = [];
    for (const sel of quote.probe.selection) {
      const chainIndex = quote.chainOfBank.get(sel.bank);
      for (const p of sel.pcrs) {
        const fromLog = chainIndex !== undefined && logPcrs.has(p) ? state[chainIndex].pcrs.get(p) : undefined;
        const v = fromLog ?? quote.probe.fixed(sel.bank, p);
        if (v === undefined) return undefined;
        parts.push(v);
      }
    }
    return quote.probe.hasher.digestParts(parts);
  };
  if (quote !== undefined) {
    probeSelected = new Set();
    for (const sel of quote.probe.selection) {
      for (const p of sel.pcrs) {
        const fromLog = quote.chainOfBank.has(sel.bank) && logPcrs.has(p);
        if (fromLog) probeSelected.add(p);
        else if (quote.probe.fixed(sel.bank, p) === undefined) missing.push({ bank: sel.bank, pcr: p });
      }
    }
  }
  const probing = quote !== undefined && missing.length === 0 && (probeSelected?.size ?? 0) > 0;
  if (quote !== undefined && missing.length === 0) {
    // With none of its PCRs extended by the log, the quote matches the whole log or nothing.
    const d = quoteDigest();
    const equal = d !== undefined && bytesEqual(d, quote.probe.expected);
    if (probing) quoteAtReset = equal;
    else if (equal) {
      quoteMatched = 0;
      attested = attestedNow();
    }
  }

  // Per chain, arrays indexed by PCR number (the log's PCRs are bytes): the running values,
  // set in place, and the targets not matched yet; the loop allocates nothing. Each block's
  // running values are either given (`ExtendValues.running`) or extended in one batch call
  // (`extendRangeInto`, on the hasher's own copy of the PCRs) before the entries are walked.
  const fast = state.map((s) => {
    const running: Array<Uint8Array | undefined> = new Array<Uint8Array | undefined>(256).fill(undefined);
    for (const [p, v] of s.pcrs) running[p] = v;
    const pending: Array<Uint8Array | undefined> = new Array<Uint8Array | undefined>(256).fill(undefined);
    for (const [p, v] of s.wanted) pending[p] = v;
    const { size, running: precomputed } = s.chain.extend;
    const own = precomputed === undefined;
    return {
      s,
      running,
      pending,
      hasher: s.hasher,
      extend: s.chain.extend,
      size,
      precomputed,
      states: own ? new Uint8Array(256 * size) : undefined,
      blockRunning: own ? new Uint8Array(Math.min(n, BLOCK_ENTRIES) * size) : undefined,
      /** This block's running values and the entry its first value belongs to. */
      source: precomputed ?? new Uint8Array(0),
      base: 0,
    };
  });
  for (let blockStart = 0; blockStart < n; blockStart += BLOCK_ENTRIES) {
    const blockEnd = Math.min(n, blockStart + BLOCK_ENTRIES);
    for (const f of fast) {
      if (f.states === undefined || f.blockRunning === undefined) continue;
      const values = f.extend.read(blockStart, blockEnd);
      f.hasher.extendRangeInto(pcrColumn.subarray(blockStart, blockEnd), 0, blockEnd - blockStart, f.states, values, f.blockRunning);
      f.source = f.blockRunning;
      f.base = blockStart;
    }
    for (let i = blockStart; i < blockEnd; i++) {
      const p = pcrColumn[i];
      for (let c = 0; c < fast.length; c++) {
        const f = fast[c];
        const current = f.running[p] as Uint8Array;
        const { source, size } = f;
        for (let k = 0, o = (i - f.base) * size; k < size; k++) current[k] = source[o + k];
        const want = f.pending[p];
        if (want !== undefined && bytesEqual(current, want)) {
          f.s.matchedAt.set(p, i + 1);
          f.pending[p] = undefined;
        }
      }
      if (probing && quoteMatched === undefined && probeSelected?.has(p) === true) {
        const d = quoteDigest();
        if (d !== undefined && bytesEqual(d, quote.probe.expected)) {
          quoteMatched = i + 1;
          attested = attestedNow();
        }
      }
    }
    if (pause !== undefined) await pause();
  }

  for (const s of state) {
    for (const [p, at] of s.matchedAt) s.matchedAt.set(p, nextExtending(pcrColumn, (q) => q === p, at));
  }
  if (quoteMatched !== undefined && probeSelected !== undefined) {
    const selected = probeSelected;
    quoteMatched = nextExtending(pcrColumn, (q) => selected.has(q), quoteMatched);
  }
  return {
    chains: state.map((s) => ({
      hypothesis: s.chain.hypothesis,
      bank: s.chain.extend.bank,
      final: s.pcrs,
      matchedAt: s.matchedAt,
    })),
    quote:
      quote === undefined
        ? undefined
        : {
            finalDigest: missing.length === 0 ? quoteDigest() : undefined,
            matchedEntries: quoteMatched,
            missing,
            ...(attested !== undefined ? { attested } : {}),
            ...(quoteAtReset ? { atReset: true } : {}),
          },
  };
}

/** Index of the first entry from `from` on whose PCR `extends` names, or the entry count. */
function nextExtending(pcrColumn: Uint8Array, extends_: (pcr: number) => boolean, from: number): number {
  for (let i = from; i < pcrColumn.length; i++) if (extends_(pcrColumn[i])) return i;
  return pcrColumn.length;
}
