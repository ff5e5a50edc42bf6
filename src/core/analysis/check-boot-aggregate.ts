/**
 * Compares each `boot_aggregate` entry with the value computed from PCRs 0–9. ima-format.md §6:
 * SHA-1 covers PCRs 0–7; other banks cover 0–9 since 5.8 (and 0–7 before the backport), so
 * both are candidates, and the kernel's current choice is the one a mismatch says it expected.
 *
 * Which PCRs 0–9: the ones at the time of the boot, where known. The firmware log is the cold
 * boot; supplied PCR values were read after the last boot. So the first boot_aggregate of a
 * list carried across kexec is compared with the firmware log first, the last one with the
 * supplied values first, each PCR falling back to the other source. PCRs 0–9 normally do not
 * change across kexec (no TPM reset, nothing measures into them), so a later boot_aggregate
 * that differs from the first is said to.
 *
 * A mismatch names the firmware events behind the expected candidate (the events extending
 * its PCRs in its bank) and, when supplied values and the firmware replay disagree, the PCRs
 * where they do: that is where to look for what changed.
 */
import { HASH_ALGORITHMS, parseHashAlgorithm, type HashAlgorithm } from '../hash/hash-algorithm';
import type { HashProvider } from '../hash/hash-provider';
import { computeBootAggregateCandidates, type BootAggregateCandidate } from '../eventlog/boot-aggregate';
import type { FirmwareLog } from '../eventlog/event-log';
import { EV_NO_ACTION } from '../eventlog/event-types';
import { bytesEqual, isAllZero, fromHex } from '../util/bytes';
import { formatPcrSet } from '../util/pcr-set';
import type { BootFact } from './log-facts';

export type PcrLookup = (bank: HashAlgorithm, index: number) => Uint8Array | undefined;

export interface BootAggregateSources {
  /** PCR values the user supplied (read after the last boot). */
  readonly supplied?: PcrLookup;
  /** The firmware log's replay (the cold boot), with the log to name its events. */
  readonly firmware?: { readonly pcr: PcrLookup; readonly log: FirmwareLog };
}

/** A firmware event, by its index in the log (the Spec ID header is event 0). */
export interface FirmwareEventRef {
  readonly index: number;
  readonly pcr: number;
  readonly typeName: string;
}

export interface BootAggregateResult {
  readonly boot: BootFact;
  /** Position among the list's boot_aggregate entries; 1 and later follow a kexec. */
  readonly ordinal: number;
  /** Candidates of the entry's algorithm. */
  readonly candidates: readonly BootAggregateCandidate[];
  readonly matched?: BootAggregateCandidate;
  /** The entry's digest is all zero: the kernel found no TPM bank to read. */
  readonly noTpm: boolean;
  /** The candidate a kernel ≥ 5.8 computes: SHA-1 over PCRs 0–7, other banks over 0–9. */
  readonly expected: BootAggregateCandidate;
  /** Where the PCRs of `matched` (else `expected`) came from, in words ("the firmware log replay"). */
  readonly source: string;
  /** The source tried first: the PCRs closest to the time of this boot. */
  readonly primary: 'supplied' | 'firmware';
  /** A candidate of the other source that matches when `matched` is undefined. */
  readonly matchedElsewhere?: { readonly candidate: BootAggregateCandidate; readonly source: string };
  /** PCRs of the expected range where the supplied values and the firmware replay differ. */
  readonly differingPcrs: readonly number[];
  /** Firmware events extending the expected candidate's PCRs in its bank. */
  readonly events: readonly FirmwareEventRef[];
  /** For a later boot: the first boot_aggregate, and whether this one equals it. */
  readonly first?: { readonly boot: BootFact; readonly same: boolean };
}

interface Source {
  readonly name: typeof SUPPLIED | typeof FIRMWARE;
  readonly pcr: PcrLookup;
}

const SUPPLIED = 'the supplied PCR values';
const FIRMWARE = 'the firmware log replay';

export function checkBootAggregates(
  boots: readonly BootFact[],
  sources: BootAggregateSources,
  provider: HashProvider,
): BootAggregateResult[] {
  if (boots.length === 0) return [];
  const { supplied, firmware } = sources;
  const results: BootAggregateResult[] = [];
  boots.forEach((boot, ordinal) => {
    const bank = parseHashAlgorithm(boot.algorithm);
    if (bank === undefined) return;
    // The last boot happened before the supplied values were read; earlier ones (before a
    // kexec) are closest to the cold boot the firmware log records.
    const suppliedFirst = ordinal === boots.length - 1 || firmware === undefined;
    const order: Source[] = [
      ...(suppliedFirst && supplied ? [{ name: SUPPLIED, pcr: supplied } as const] : []),
      ...(firmware ? [{ name: FIRMWARE, pcr: firmware.pcr } as const] : []),
      ...(!suppliedFirst && supplied ? [{ name: SUPPLIED, pcr: supplied } as const] : []),
    ];
    if (order.length === 0) return;
    const lookup: PcrLookup = (b, p) => {
      for (const s of order) {
        const v = s.pcr(b, p);
        if (v !== undefined) return v;
      }
      return undefined;
    };
    const candidates = computeBootAggregateCandidates(lookup, provider).filter((c) => c.bank === bank);
    const expected = candidates.find((c) => c.pcrs === (bank === 'sha1' ? '0-7' : '0-9'));
    if (expected === undefined) return; // no PCRs 0–7 of that bank were given
    const digest = fromHex(boot.hex) ?? new Uint8Array();
    const matched = candidates.find((c) => bytesEqual(c.digest, digest));
    const lastPcr = expected.pcrs === '0-9' ? 9 : 7;
    // Without a firmware log, a PCR the supplied values lack is unknown, not its reset value:
    // a mismatch with it counted as zero is a check not made (uncheckedBootAggregates), not
    // evidence of another boot (PCRs 0–7 as Keylime quotes them beside a 0–9 boot_aggregate).
    if (matched === undefined && firmware === undefined && pcrsLacking(supplied, bank, lastPcr).length > 0) return;
    const describedPcr = (matched ?? expected).pcrs === '0-9' ? 9 : 7;
    const differingPcrs: number[] = [];
    if (supplied !== undefined && firmware !== undefined) {
      for (let p = 0; p <= lastPcr; p++) {
        const a = supplied(bank, p);
        const b = firmware.pcr(bank, p);
        if (a !== undefined && b !== undefined && !bytesEqual(a, b)) differingPcrs.push(p);
      }
    }
    const firstBoot = boots.find((b) => b.algorithm === boot.algorithm);
    const result: BootAggregateResult = {
      boot,
      ordinal,
      candidates,
      matched,
      noTpm: isAllZero(digest),
      expected,
      source: describeSource(order, bank, describedPcr),
      primary: order[0].name === SUPPLIED ? 'supplied' : 'firmware',
      differingPcrs,
      events: firmware === undefined ? [] : eventsBehind(firmware.log, bank, lastPcr),
      ...(matched === undefined ? matchElsewhere(order, bank, digest, provider) : {}),
      ...(ordinal > 0 && firstBoot !== undefined && firstBoot !== boot
        ? { first: { boot: firstBoot, same: firstBoot.hex === boot.hex } }
        : {}),
    };
    results.push(result);
  });
  return results;
}

/**
 * "the supplied PCR values", or "the supplied PCR values of PCRs 0–7 and the firmware log
 * replay of PCRs 8–9"; PCRs no source knows count as zero (the TPM's reset value), said so.
 */
function describeSource(order: readonly Source[], bank: HashAlgorithm, lastPcr: number): string {
  const unknown: number[] = [];
  const given = new Map<Source, number[]>();
  for (let p = 0; p <= lastPcr; p++) {
    const source = order.find((s) => s.pcr(bank, p) !== undefined);
    if (source === undefined) unknown.push(p);
    else given.set(source, [...(given.get(source) ?? []), p]);
  }
  const parts = [...given].map(([source, pcrs]) => (given.size === 1 ? source.name : `${source.name} of PCRs ${formatPcrSet(pcrs)}`));
  const zero = unknown.length === 0 ? '' : ` (PCRs ${formatPcrSet(unknown)} unknown, counted as zero)`;
  return `${parts.join(' and ')}${zero}`;
}

export interface UncheckedBootAggregate {
  readonly boot: BootFact;
  /** Why it could not be checked and what to supply, in words. */
  readonly reason: string;
  /**
   * A check the user supplied: a firmware log, or supplied values of PCRs 0–7 in the entry's
   * own bank. Supplied values of other banks only (a sha1 PCR file for evmctl's PCR 10 check,
   * beside a sha256 boot_aggregate) were not given for it: it is said, not failed.
   */
  readonly supplied: boolean;
}

/**
 * boot_aggregate entries that a supplied firmware log or supplied PCRs 0–7 could not check: no
 * source has PCRs 0–7 in the entry's bank (a sha1 list beside a firmware log that records
 * sha256 only), or no hasher serves it. Only those sources can check a boot_aggregate, so
 * leaving it unsaid would pass a check the user supplied (fail closed); `supplied` says whether
 * the user gave one for it. Supplied values of PCRs 8 and up alone (a PCR 10 listing) were not
 * given for this check.
 */
export function uncheckedBootAggregates(
  boots: readonly BootFact[],
  checked: readonly BootAggregateResult[],
  sources: BootAggregateSources,
): UncheckedBootAggregate[] {
  const banksOf = (lookup: PcrLookup | undefined): HashAlgorithm[] =>
    lookup === undefined ? [] : HASH_ALGORITHMS.filter((b) => [0, 1, 2, 3, 4, 5, 6, 7].some((p) => lookup(b, p) !== undefined));
  const firmwareBanks = banksOf(sources.firmware?.pcr);
  const suppliedBanks = banksOf(sources.supplied);
  if (sources.firmware === undefined && suppliedBanks.length === 0) return [];
  const done = new Set(checked.map((r) => r.boot));
  const lacking = (bank: HashAlgorithm, last: number): string | undefined => {
    const pcrs = sources.firmware === undefined && suppliedBanks.includes(bank) ? pcrsLacking(sources.supplied, bank, last) : [];
    return pcrs.length === 0
      ? undefined
      : `it is a ${bank} digest over ${bank} PCRs 0–${last}, but the supplied PCR values lack PCRs ${formatPcrSet(pcrs)} of that bank, and with them counted as zero it does not match. Supply the ${bank} PCRs ${formatPcrSet(pcrs)} (tpm2_pcrread ${bank}:${pcrs.join(',')}) or the firmware log (binary_bios_measurements).`;
  };
  const given = [
    ...(sources.firmware !== undefined ? [`the firmware log has ${firmwareBanks.length === 0 ? 'no PCRs 0–7' : `PCRs 0–7 in ${firmwareBanks.join(', ')} only`}`] : []),
    ...(suppliedBanks.length > 0 ? [`the supplied PCR values have PCRs 0–7 in ${suppliedBanks.join(', ')} only`] : []),
  ].join(', and ');
  return boots
    .filter((boot) => !done.has(boot))
    .map((boot) => {
      const bank = parseHashAlgorithm(boot.algorithm);
      const last = bank === 'sha1' ? 7 : 9;
      // Values of other banks only were given for other checks (evmctl's sha1 PCR 10).
      const supplied = sources.firmware !== undefined || bank === undefined || boot.digest === undefined || suppliedBanks.includes(bank);
      const reason =
        boot.digest === undefined
          ? 'its template records no file digest (no d, d-ng or d-ngv2 field), so it carries no aggregate to compare.'
          : bank === undefined
          ? `its algorithm '${boot.algorithm}' is not a TPM bank imascope can compute.`
          : lacking(bank, last) ?? `it is a ${bank} digest over ${bank} PCRs 0–${last}, but ${given}. Supply the ${bank} PCRs 0–${last} (tpm2_pcrread ${bank}:0,1,2,3,4,5,6,7${last === 9 ? ',8,9' : ''}) or a firmware log that records the ${bank} bank.`;
      return { boot, reason, supplied };
    });
}

/** PCRs 0–`last` of `bank` the supplied values do not have. */
function pcrsLacking(supplied: PcrLookup | undefined, bank: HashAlgorithm, last: number): number[] {
  const out: number[] = [];
  for (let p = 0; p <= last; p++) if (supplied?.(bank, p) === undefined) out.push(p);
  return out;
}

/** With two sources, whether the other one alone reproduces the entry. */
function matchElsewhere(
  order: readonly Source[],
  bank: HashAlgorithm,
  digest: Uint8Array,
  provider: HashProvider,
): Pick<BootAggregateResult, 'matchedElsewhere'> {
  for (const s of order.slice(1)) {
    const candidate = computeBootAggregateCandidates(s.pcr, provider).find((c) => c.bank === bank && bytesEqual(c.digest, digest));
    if (candidate !== undefined) return { matchedElsewhere: { candidate, source: s.name } };
  }
  return {};
}

function eventsBehind(log: FirmwareLog, bank: HashAlgorithm, lastPcr: number): FirmwareEventRef[] {
  return log.events
    .filter((e) => e.pcr <= lastPcr && e.type !== EV_NO_ACTION && e.digests.some((d) => d.bank === bank))
    .map((e) => ({ index: e.index, pcr: e.pcr, typeName: e.typeName }));
}

