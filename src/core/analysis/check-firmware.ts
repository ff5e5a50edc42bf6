/**
 * The firmware event log beside the IMA list: its replay fills `report.firmware`, supplies
 * PCRs 0–9 for boot_aggregate and quote checks, and is compared with supplied PCR values of
 * the PCRs the IMA log does not extend. A disagreement that firmware quirks explain (events
 * extended but not logged) is said as such.
 */
import { describeDifference } from '../util/digest-diff';
import type { HashAlgorithm } from '../hash/hash-algorithm';
import type { HashProvider } from '../hash/hash-provider';
import type { FirmwareLog } from '../eventlog/event-log';
import { firmwarePcrValue, replayFirmwareLog, type FirmwareReplay } from '../eventlog/replay-firmware';
import { formatPcrSet } from '../util/pcr-set';
import { computeBootAggregateCandidates } from '../eventlog/boot-aggregate';
import type { Finding, FirmwarePcrCheck, ReportFirmware } from '../report/report';
import { bytesEqual, toHex } from '../util/bytes';
import { ccRegisterName, isCcEventLog } from '../eventlog/cc-eventlog';

export interface FirmwareCheck {
  readonly replay: FirmwareReplay;
  /** The value the log gives a PCR (firmwarePcrValue): what quotes and boot_aggregates use. */
  readonly pcr: (bank: HashAlgorithm, pcr: number) => Uint8Array | undefined;
  readonly report: ReportFirmware;
  readonly findings: Finding[];
}

export function checkFirmware(
  log: FirmwareLog,
  inputName: string,
  supplied: ReadonlyMap<HashAlgorithm, ReadonlyMap<number, Uint8Array>>,
  imaPcrs: ReadonlySet<number>,
  provider: HashProvider,
): FirmwareCheck {
  const replay = replayFirmwareLog(log, provider);
  const report: ReportFirmware = { events: log.events.length, replay: {}, bootAggregates: {} };
  if (isCcEventLog(log)) return checkCcEventLog(log, inputName, supplied, replay, report);
  for (const [bank, pcrs] of replay.banks) {
    const values: Record<string, string> = {};
    for (const p of [...pcrs.keys()].sort((a, b) => a - b)) values[String(p)] = toHex(pcrs.get(p) ?? new Uint8Array());
    report.replay[bank] = values;
  }
  const fromFirmware = (bank: HashAlgorithm, pcr: number): Uint8Array | undefined => firmwarePcrValue(replay, bank, pcr);
  for (const c of computeBootAggregateCandidates(fromFirmware, provider)) {
    // The kernel's own choice: SHA-1 over PCRs 0–7, other banks over 0–9.
    if (c.pcrs === (c.bank === 'sha1' ? '0-7' : '0-9')) report.bootAggregates[c.bank] = toHex(c.digest);
  }

  const findings = framingFindings(log, inputName);
  for (const note of replay.notes) findings.push({ code: 'firmware-note', severity: 'info', message: note });
  if (replay.digestMismatches.length > 0) {
    findings.push({
      code: 'firmware-event-digest',
      severity: 'warning',
      message: `${replay.digestMismatches.length === 1 ? 'Firmware event' : 'Firmware events'} ${replay.digestMismatches.join(', ')} ${replay.digestMismatches.length === 1 ? 'carries' : 'carry'} a digest that is not the hash of ${replay.digestMismatches.length === 1 ? 'its' : 'their'} data. The digest is what was extended, so the replay is unaffected, but the event data cannot be trusted to describe what was measured.`,
    });
  }

  const checks: FirmwarePcrCheck[] = [];
  // Every supplied value the firmware log governs is compared: PCRs 0–7 (the SRTM PCRs, at
  // their reset value when no event extends them) and any other PCR it extends. The others
  // are said, not dropped: a bank the log does not record, a PCR nothing given extends.
  const absentBanks = new Map<HashAlgorithm, number[]>();
  const ungoverned = new Map<HashAlgorithm, number[]>();
  for (const [bank, pcrs] of supplied) {
    const lane = replay.banks.get(bank);
    for (const [pcr, expected] of pcrs) {
      if (imaPcrs.has(pcr)) continue;
      const extended = lane?.get(pcr);
      const replayed = firmwarePcrValue(replay, bank, pcr);
      if (replayed === undefined) {
        const into = lane === undefined ? absentBanks : ungoverned;
        into.set(bank, [...(into.get(bank) ?? []), pcr]);
        continue;
      }
      const status = bytesEqual(replayed, expected) ? 'match' : 'mismatch';
      const check: FirmwarePcrCheck = { bank, pcr, expected: toHex(expected), replayed: toHex(replayed), status };
      if (status === 'mismatch') {
        const alt = replay.alternatives.find((a) => a.pcr === pcr && bytesEqual(a.values.get(bank) ?? new Uint8Array(), expected));
        if (alt !== undefined) check.explainedBy = alt.id;
        const never = extended === undefined ? ', which no event in the log extends (its reset value)' : '';
        findings.push({
          code: 'firmware-pcr-mismatch',
          severity: alt === undefined ? 'error' : alt.severity,
          message:
            alt === undefined
              ? `${bank} PCR ${pcr}: the firmware log does not replay to the supplied value${never} (supplied vs replayed: ${describeDifference(check.expected, check.replayed)}): the firmware log is incomplete or from another boot.`
              : `${bank} PCR ${pcr} matches only on this assumption: ${alt.description}. ${alt.meaning}`,
        });
      }
      checks.push(check);
    }
  }
  for (const [bank, pcrs] of absentBanks) {
    findings.push({
      code: 'firmware-note',
      severity: 'info',
      message: `The supplied ${bank} values of PCRs ${formatPcrSet(pcrs)} are not compared with ${inputName}: it records no ${bank} bank${replay.banks.size === 0 ? '' : ` (it has ${[...replay.banks.keys()].join(', ')})`}.`,
    });
  }
  const notExtended = [...ungoverned].map(([bank, pcrs]) => `${bank} PCRs ${formatPcrSet(pcrs)}`);
  if (notExtended.length > 0) {
    findings.push({
      code: 'firmware-note',
      severity: 'info',
      message: replay.cutShort
        ? `Not compared with ${inputName}: the supplied ${notExtended.join(', ')}; the log was cut short, and the events that extend them may be among those lost.`
        : `Not compared with ${inputName}: the supplied ${notExtended.join(', ')}; nothing given extends them (the firmware log governs PCRs 0–7 and the PCRs its events extend).`,
    });
  }
  const matched = checks.filter((c) => c.status === 'match');
  if (matched.length > 0) {
    findings.push({
      code: 'firmware-pcr-match',
      severity: 'info',
      message: `The firmware log replays to the supplied values of ${matched.map((c) => `${c.bank}:${c.pcr}`).join(', ')}.`,
    });
  }
  if (checks.length > 0) report.checks = checks;
  return { replay, pcr: fromFirmware, report, findings };
}

/** What the parse said about the log's bytes: errors (the parse stopped) and notes. */
function framingFindings(log: FirmwareLog, inputName: string): Finding[] {
  return [
    ...log.errors.map((err): Finding => ({ code: 'parse-error', severity: 'error', message: `${inputName}, at byte offset ${err.offset}: ${err.message}`, entries: [] })),
    ...log.notes.map((note): Finding => ({ code: 'firmware-note', severity: 'info', message: `${inputName}, at byte offset ${note.offset}: ${note.message}` })),
  ];
}

/** A TDX event log: its registers replayed and said, and nothing TPM-side compared with them. */
function checkCcEventLog(
  log: FirmwareLog,
  inputName: string,
  supplied: ReadonlyMap<HashAlgorithm, ReadonlyMap<number, Uint8Array>>,
  replay: FirmwareReplay,
  report: ReportFirmware,
): FirmwareCheck {
  const findings = framingFindings(log, inputName);
  const registers: Record<string, string> = {};
  const lane = replay.banks.get('sha384');
  for (const index of [...(lane?.keys() ?? [])].sort((a, b) => a - b)) registers[ccRegisterName(index)] = toHex(lane?.get(index) ?? new Uint8Array());
  report.ccRegisters = registers;
  const values = Object.entries(registers).map(([name, hex]) => `${name} = ${hex}`);
  findings.push({
    code: 'firmware-note',
    severity: 'info',
    message:
      `${inputName} is a confidential-computing event log (Intel TDX): its events extend the TD's measurement registers, not TPM PCRs. ` +
      `Replayed: ${values.length === 0 ? 'nothing' : values.join(', ')}${replay.cutShort ? ' (the log was cut short: events after the damage are not counted)' : ''}. ` +
      `A TD quote carries these registers; ${supplied.size > 0 ? 'the supplied TPM PCR values, ' : ''}TPM quotes and the boot_aggregate are not checked against this log.`,
  });
  return { replay, pcr: () => undefined, report, findings };
}
