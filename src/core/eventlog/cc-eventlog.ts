/**
 * Confidential-computing event logs (the ACPI CCEL table's log, Intel TDX) share the TCG
 * crypto-agile layout, but their index field is a CC measurement register (UEFI 2.10
 * §38.4.1): 0 = MRTD, 1–4 = RTMR[0]–RTMR[3]. Its replay gives RTMR values, which a TD quote
 * carries; they are no TPM PCRs, so no PCR value, TPM quote or boot_aggregate is checked
 * against them.
 *
 * Recognised by what every such log in go-eventlog's fixtures shows and no TPM log does: a
 * Spec ID listing SHA-384 alone (TDX measures with SHA-384 only), with its header on index 1
 * (a TPM log's is on PCR 0, PFP §10.4.5.1) or every event on indices 1–4 (a TPM's firmware
 * always measures into PCR 0). Both are asked for: a TPM log whose first byte was changed to
 * 1 must not escape its checks by reading as a TDX log.
 */
import type { FirmwareLog } from './event-log';

export function isCcEventLog(log: FirmwareLog): boolean {
  if (log.format !== 'crypto-agile' || log.events.length === 0) return false;
  const banks = log.specId?.algorithms.map((a) => a.bank) ?? [];
  if (banks.length !== 1 || banks[0] !== 'sha384') return false;
  return log.events[0].pcr === 1 || log.events.slice(1).every((e) => e.pcr >= 1 && e.pcr <= 4);
}

/** MRTD, RTMR[0]…RTMR[3]; other indices as themselves. */
export function ccRegisterName(index: number): string {
  return index === 0 ? 'MRTD' : index <= 4 ? `RTMR[${index - 1}]` : `index ${index}`;
}
