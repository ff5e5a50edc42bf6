/**
 * Replays a firmware event log into per-bank PCR values (quote-format.md §3.2–3.3):
 * `PCR[bank][i] = H_bank(PCR ‖ digest_bank)` for every event except EV_NO_ACTION, from
 * all-zero values (PCR 17–22, the DRTM PCRs, from all-0xFF), where PCR 0 starts at
 * `00…0L` after a StartupLocality event of locality L and at `00…04` when an
 * EV_EFI_HCRTM_EVENT is logged for PCR 0 (the H-CRTM event itself is then extended: the
 * tpm2-tss `binary_measurements_hcrtm` log reaches its asserted PCR 0 only that way).
 * tpm2-tools ≤ 5.5 extended EV_NO_ACTION digests and so printed a wrong PCR 0 for logs with
 * a StartupLocality event (quote-format.md §3.6); this replay does not.
 *
 * Every bank the log carries is replayed when the HashProvider has it (sm3 needs the
 * WebAssembly provider). Also reported: events whose checkable digest does not match
 * their data (digest-check.ts), and PCR 5 values under go-attestation's "ExitBootServices
 * not logged" hypothesis, a firmware bug that makes a correct log replay to a wrong PCR 5.
 */
import { digestSize, type HashAlgorithm } from '../hash/hash-algorithm';
import type { Hasher, HashProvider } from '../hash/hash-provider';
import { bytesEqual, encodeText } from '../util/bytes';
import { digestPreimages } from './digest-check';
import type { FirmwareEvent, FirmwareLog } from './event-log';
import { EV_EFI_ACTION, EV_EFI_HCRTM_EVENT, EV_NO_ACTION, EV_SEPARATOR } from './event-types';
import { algIdHex } from './spec-id';
import { decodeCString } from './event-text';

export interface FirmwareAlternative {
  /** Stable id, e.g. "ebs-invocation-success". */
  id: string;
  description: string;
  /** What a value matching only this way means, e.g. "A firmware quirk, not tampering." */
  meaning: string;
  /**
   * 'warning' when such a value still says what the TPM holds (a firmware quirk); 'error' when
   * it shows the supplied values were not read from the TPM, so they check nothing.
   */
  severity: 'warning' | 'error';
  pcr: number;
  values: Map<HashAlgorithm, Uint8Array>;
}

export interface FirmwareReplay {
  /** bank → PCR index → final value, for the PCRs 0–23 that the log extends. */
  banks: Map<HashAlgorithm, Map<number, Uint8Array>>;
  /** From a StartupLocality EV_NO_ACTION event. */
  locality?: number;
  /** An EV_EFI_HCRTM_EVENT was logged for PCR 0. */
  hcrtm: boolean;
  notes: string[];
  /** Indices of events whose logged digest does not match their data. */
  digestMismatches: number[];
  /** Final PCR values under hypotheses about firmware that extends without logging. */
  alternatives: FirmwareAlternative[];
  /** Parsing stopped at bytes it could not read: events after them, if any, are not replayed. */
  cutShort: boolean;
}

const MAX_PCR = 23;
const STARTUP_LOCALITY = encodeText('StartupLocality\0');
const EBS_INVOCATION = 'Exit Boot Services Invocation';
const EBS_SUCCESS = 'Exit Boot Services Returned with Success';
const EBS_FAILURE = 'Exit Boot Services Returned with Failure';

export function replayFirmwareLog(log: FirmwareLog, provider: HashProvider): FirmwareReplay {
  const notes: string[] = [];
  const hashers = replayableBanks(log, provider, notes);
  const locality = startupLocality(log.events);
  const hcrtm = log.events.some((e) => e.type === EV_EFI_HCRTM_EVENT && e.pcr === 0);
  if (hcrtm) {
    notes.push(
      `H-CRTM event: PCR 0 starts at 00…04${locality === undefined ? '' : ' (the StartupLocality event is ignored)'}`,
    );
  } else if (locality !== undefined) {
    notes.push(`StartupLocality event: locality ${locality}, so PCR 0 starts at 00…0${locality}`);
  }
  const pcr0Start = hcrtm ? 4 : (locality ?? 0);

  const lanes = [...hashers].map(([bank, hasher]) => ({ bank, hasher, pcrs: new Map<number, Uint8Array>() }));
  const missing = new Map<HashAlgorithm, { events: number; pcrs: Set<number> }>();
  const foreignPcrs = new Set<number>();
  for (const event of log.events) {
    if (event.type === EV_NO_ACTION) continue;
    if (event.pcr > MAX_PCR) {
      if (event.pcr !== 0xffffffff) foreignPcrs.add(event.pcr);
      continue;
    }
    for (const { bank, hasher, pcrs } of lanes) {
      let extended = false;
      for (const d of event.digests) {
        if (d.bank !== bank) continue;
        const current = pcrs.get(event.pcr) ?? initialValue(bank, event.pcr, pcr0Start);
        pcrs.set(event.pcr, hasher.digest2(current, d.digest));
        extended = true;
      }
      if (!extended) {
        const gap = missing.get(bank) ?? { events: 0, pcrs: new Set<number>() };
        gap.events++;
        gap.pcrs.add(event.pcr);
        missing.set(bank, gap);
      }
    }
  }
  const banks = new Map(lanes.map((lane) => [lane.bank, lane.pcrs] as const));
  for (const [bank, gap] of missing) {
    // TPM2_PCR_Extend extends only the banks it is given, so skipping is the faithful
    // replay; but the PFP wants every active bank in every event.
    notes.push(
      `${gap.events} events on PCR ${[...gap.pcrs].join(', ')} carry no ${bank} digest and were not ` +
        `extended into ${bank}: if that bank was active, the TPM's ${bank} values differ`,
    );
  }
  for (const pcr of foreignPcrs) notes.push(`events on PCR index ${pcr} (not a TPM PCR) are not replayed`);

  const digestMismatches = checkDigests(log.events, hashers, notes);
  const alternatives = unloggedExitBootServices(log.events, banks, hashers, notes);
  const oldTools = oldTpm2EventlogReplay(log.events, hashers);
  alternatives.push(...oldTools);
  notes.push(...toolPcrNotes(log, banks, oldTools));
  const replay: FirmwareReplay = { banks, hcrtm, notes, digestMismatches, alternatives, cutShort: log.errors.length > 0 };
  if (locality !== undefined) replay.locality = locality;
  return replay;
}

/** The banks to replay, each with its hasher; notes the ones that cannot be. */
function replayableBanks(log: FirmwareLog, provider: HashProvider, notes: string[]): Map<HashAlgorithm, Hasher> {
  const hashers = new Map<HashAlgorithm, Hasher>();
  const considered = new Set<HashAlgorithm>();
  const consider = (bank: HashAlgorithm): void => {
    if (considered.has(bank)) return;
    considered.add(bank);
    const hasher = provider.get(bank);
    if (hasher === undefined) notes.push(`no ${bank} implementation here: the ${bank} bank is not replayed`);
    else hashers.set(bank, hasher);
  };
  if (log.format === 'tpm12') {
    consider('sha1');
    return hashers;
  }
  for (const alg of log.specId?.algorithms ?? []) {
    if (alg.bank === undefined) {
      notes.push(`algorithm ${algIdHex(alg.algId)} is not a hash this tool knows: that bank is not replayed`);
    } else if (alg.digestSize !== digestSize(alg.bank)) {
      notes.push(`the Spec ID event's ${alg.bank} digest size is wrong: that bank is not replayed`);
    } else {
      consider(alg.bank);
    }
  }
  // Digests of known algorithms that the Spec ID event failed to list.
  for (const event of log.events.slice(1)) {
    for (const d of event.digests) {
      if (d.bank !== undefined && !(log.specId?.algorithms.some((a) => a.algId === d.algId) ?? false)) {
        consider(d.bank);
      }
    }
  }
  return hashers;
}

function startupLocality(events: readonly FirmwareEvent[]): number | undefined {
  for (const e of events) {
    if (e.type !== EV_NO_ACTION || e.pcr !== 0 || e.data.length <= STARTUP_LOCALITY.length) continue;
    if (bytesEqual(e.data.subarray(0, STARTUP_LOCALITY.length), STARTUP_LOCALITY)) {
      return e.data[STARTUP_LOCALITY.length];
    }
  }
  return undefined;
}

/** PCRs 0–7 are measured by the firmware (the SRTM): the firmware log speaks for all of them. */
const LAST_SRTM_PCR = 7;

/**
 * The value the firmware log says `pcr` of `bank` holds: its replay where events extend it;
 * for an SRTM PCR (0–7) no event extends, its reset value (PCR 0 after the startup locality),
 * since only the firmware measures into those. Undefined for a bank the replay lacks and for
 * a PCR above 7 no event extends: the log does not speak for those (the OS may extend them).
 * Nor for an SRTM PCR when the log was cut short or extends nothing in the bank: the events
 * that extended it may be the ones lost, and a reset value would then be invented.
 * Every check that takes a PCR value from the firmware log (supplied values, quotes,
 * boot_aggregate) reads it here, so they agree.
 */
export function firmwarePcrValue(replay: FirmwareReplay, bank: HashAlgorithm, pcr: number): Uint8Array | undefined {
  const lane = replay.banks.get(bank);
  if (lane === undefined) return undefined;
  const extended = lane.get(pcr);
  if (extended !== undefined || pcr > LAST_SRTM_PCR || replay.cutShort || lane.size === 0) return extended;
  return initialValue(bank, pcr, replay.hcrtm ? 4 : (replay.locality ?? 0));
}

function initialValue(bank: HashAlgorithm, pcr: number, pcr0Start: number): Uint8Array {
  const value = new Uint8Array(digestSize(bank));
  if (pcr >= 17 && pcr <= 22) value.fill(0xff);
  if (pcr === 0) value[value.length - 1] = pcr0Start;
  return value;
}

function checkDigests(events: readonly FirmwareEvent[], hashers: Map<HashAlgorithm, Hasher>, notes: string[]): number[] {
  const mismatches: number[] = [];
  let unchecked = 0;
  for (const event of events) {
    if (event.printed !== undefined) {
      if (digestPreimages(event.pcr, event.type, new Uint8Array(0)) !== undefined) unchecked++;
      continue;
    }
    const preimages = digestPreimages(event.pcr, event.type, event.data);
    if (preimages === undefined) continue;
    const wrong: string[] = [];
    for (const d of event.digests) {
      const hasher = d.bank === undefined ? undefined : hashers.get(d.bank);
      if (hasher === undefined || d.bank === undefined) continue;
      if (!preimages.some((p) => bytesEqual(hasher.digest(p), d.digest))) wrong.push(d.bank);
    }
    if (wrong.length === 0) continue;
    mismatches.push(event.index);
    notes.push(
      `Event ${event.index}'s digest does not match its payload (${event.typeName} on PCR ${event.pcr}, ${wrong.join(', ')})`,
    );
  }
  if (unchecked > 0) {
    notes.push(
      `${unchecked} events' digests are not checked against their data: the input printed that data decoded (tpm2_eventlog), not as bytes; the binary log (binary_bios_measurements) lets them be checked`,
    );
  }
  return mismatches;
}

/**
 * Some firmware extends PCR 5 with the two ExitBootServices EV_EFI_ACTION events without
 * logging them (go-attestation `eventlogWorkarounds`; its `ebs_event_missing_eventlog`
 * fixture). Offered only when a UEFI log has a PCR 5 separator and no such event.
 */
function unloggedExitBootServices(
  events: readonly FirmwareEvent[],
  banks: Map<HashAlgorithm, Map<number, Uint8Array>>,
  hashers: Map<HashAlgorithm, Hasher>,
  notes: string[],
): FirmwareAlternative[] {
  const pcr5 = events.filter((e) => e.pcr === 5);
  const hasSeparator = pcr5.some((e) => e.type === EV_SEPARATOR);
  const logged = pcr5.some((e) => e.type === EV_EFI_ACTION && decodeCString(e.data) === EBS_INVOCATION);
  if (!hasSeparator || logged || !events.some((e) => e.type === EV_EFI_ACTION)) return [];
  const variants: Array<[string, string[]]> = [
    ['ebs-invocation-success', [EBS_INVOCATION, EBS_SUCCESS]],
    ['ebs-invocation-failure', [EBS_INVOCATION, EBS_FAILURE]],
    ['ebs-invocation-failure-success', [EBS_INVOCATION, EBS_FAILURE, EBS_SUCCESS]],
  ];
  const alternatives: FirmwareAlternative[] = [];
  for (const [id, actions] of variants) {
    const values = new Map<HashAlgorithm, Uint8Array>();
    for (const [bank, hasher] of hashers) {
      let value = banks.get(bank)?.get(5);
      if (value === undefined) continue;
      for (const action of actions) value = hasher.digest2(value, hasher.digest(encodeText(action)));
      values.set(bank, value);
    }
    alternatives.push({
      id,
      description: `PCR 5 if the firmware also extended, without logging them: ${actions.map((a) => `"${a}"`).join(', ')}`,
      meaning: 'A firmware quirk, not tampering.',
      severity: 'warning',
      pcr: 5,
      values,
    });
  }
  notes.push(
    'no ExitBootServices events on PCR 5: firmware that extends them without logging them leaves a different PCR 5 (a supplied PCR 5 is also compared with those values)',
  );
  return alternatives;
}

const OLD_TPM2_EVENTLOG = 'tpm2-eventlog-no-action-extended';

/**
 * What tpm2-tools' tpm2_eventlog before 5.6 printed as the log's PCRs: it also extended
 * EV_NO_ACTION events (fixed by commit 9735dc33) and knew no StartupLocality (576a31bc), so
 * PCR 0 of a log with a StartupLocality event came out wrong (quote-format.md §3.6). A PCR
 * value equal to this was read from that tool's `pcrs:` section, not from the TPM. Offered
 * for the PCRs that an EV_NO_ACTION event after the Spec ID header is logged on.
 */
function oldTpm2EventlogReplay(events: readonly FirmwareEvent[], hashers: Map<HashAlgorithm, Hasher>): FirmwareAlternative[] {
  const affected = new Set(events.slice(1).filter((e) => e.type === EV_NO_ACTION && e.pcr <= MAX_PCR).map((e) => e.pcr));
  const alternatives: FirmwareAlternative[] = [];
  for (const pcr of affected) {
    const values = new Map<HashAlgorithm, Uint8Array>();
    for (const [bank, hasher] of hashers) {
      let value = initialValue(bank, pcr, 0);
      for (const event of events.slice(1)) {
        if (event.pcr !== pcr) continue;
        for (const d of event.digests) if (d.bank === bank) value = hasher.digest2(value, d.digest);
      }
      values.set(bank, value);
    }
    alternatives.push({
      id: OLD_TPM2_EVENTLOG,
      description: `PCR ${pcr} as tpm2-tools' tpm2_eventlog before 5.6 printed it, extending EV_NO_ACTION events and ignoring StartupLocality`,
      meaning:
        "The supplied values are that tool's replay of this very log, not values read from the TPM, so they check nothing (where they agree with the log, it is because they were computed from it): compare with tpm2_pcrread output or a quote instead.",
      severity: 'error',
      pcr,
      values,
    });
  }
  return alternatives;
}

/** How the PCRs the producing tool printed beside the log (tpm2_eventlog's `pcrs:`) compare. */
function toolPcrNotes(
  log: FirmwareLog,
  banks: Map<HashAlgorithm, Map<number, Uint8Array>>,
  oldTools: readonly FirmwareAlternative[],
): string[] {
  const differing: string[] = [];
  let oldToolsExplain = true;
  for (const [bank, printed] of log.toolPcrs ?? []) {
    for (const [pcr, value] of printed) {
      const replayed = banks.get(bank)?.get(pcr);
      if (replayed !== undefined && bytesEqual(replayed, value)) continue;
      differing.push(`${bank} PCR ${pcr}`);
      const old = oldTools.find((a) => a.pcr === pcr)?.values.get(bank);
      if (old === undefined || !bytesEqual(old, value)) oldToolsExplain = false;
    }
  }
  if (log.toolPcrs === undefined) return [];
  if (differing.length === 0) return ['the PCR values tpm2_eventlog printed beside the events (pcrs:) equal this replay'];
  return [
    `tpm2_eventlog printed other values than this replay for ${differing.join(', ')}: ` +
      (oldToolsExplain
        ? 'they are what tpm2-tools before 5.6 computes (it also extended EV_NO_ACTION events and ignored StartupLocality); the TPM holds the replayed values'
        : 'this replay follows the TCG rules from the events themselves, so the printed values are not used'),
  ];
}
