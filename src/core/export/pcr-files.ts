/**
 * Replayed PCR values in the files the standard tools read, so anyone can re-check a
 * diagnosis without imascope:
 *
 * - evmctl `--pcrs BANK,FILE` (ima-evm-utils `ima_measurement`): one bank per file, one
 *   `PCR-NN: <lowercase hex>` line per PCR, the index zero-padded to two digits (the form
 *   of the TPM 1.2 sysfs `pcrs` file that evmctl's reader follows). Only PCRs whose value is
 *   known are written: a zero for a PCR nobody read would be a false value. evmctl 1.4 reads
 *   the lines in order from PCR-00 and stops at the first that is not the next it expects
 *   (tried: blank and comment lines stop it too), so a file is readable by it only when it
 *   holds every PCR from 0 up: the values supplied or the firmware log's replay fill the
 *   PCRs the IMA log does not extend (evmctlPcrValues), and `evmctlGaps` says which are
 *   missing otherwise.
 * - tpm2_pcrread's YAML (tpm2-tools 5.x): per bank `  <bank>:` then one
 *   `    <index padded right to 2>: 0x<UPPER-CASE HEX>` line per PCR, as in
 *   `    0 : 0x5BB1…` and `    10: 0x70E4…`. tpm2-tools calls SM3 `sm3_256`.
 */
import { HASH_ALGORITHMS, type HashAlgorithm } from '../hash/hash-algorithm';
import type { PcrBankValues, Report } from '../report/report';

/** PCR index (decimal string) → hex, in ascending PCR order. */
function sortedPcrs(values: Readonly<Record<string, string>>): [number, string][] {
  return Object.entries(values)
    .map(([pcr, hex]): [number, string] => [Number(pcr), hex])
    .sort((a, b) => a[0] - b[0]);
}

/** One bank's values as an evmctl `PCR-NN: hex` file: the PCRs given, and no others. */
export function exportEvmctlPcrs(values: Readonly<Record<string, string>>): string {
  return sortedPcrs(values)
    .map(([pcr, hex]) => `PCR-${String(pcr).padStart(2, '0')}: ${hex.toLowerCase()}\n`)
    .join('');
}

/** Where an evmctl file's value of a PCR came from. */
export type EvmctlPcrSource = 'log' | 'supplied' | 'firmware';

export interface EvmctlPcrs {
  /** PCR index (decimal string) → hex. */
  readonly values: Record<string, string>;
  /** The PCRs each source gave, ascending (a source that gave none is absent). */
  readonly sources: Partial<Record<EvmctlPcrSource, number[]>>;
}

/**
 * The known values of `bank`: the log's replay for the PCRs it extends, and for the others the
 * value supplied (the TPM's own reading), else the firmware log's replay. Every PCR with a
 * value is written: evmctl needs 0–9 for the boot_aggregate and reads from PCR-00 up.
 */
export function evmctlPcrValues(
  report: Pick<Report, 'replay' | 'firmware'>,
  bank: HashAlgorithm,
  supplied?: PcrBankValues,
): EvmctlPcrs {
  const layers: [EvmctlPcrSource, Readonly<Record<string, string>> | undefined][] = [
    ['log', report.replay?.[bank]],
    ['supplied', supplied?.[bank]],
    ['firmware', report.firmware?.replay[bank]],
  ];
  const values: Record<string, string> = {};
  const sources: Partial<Record<EvmctlPcrSource, number[]>> = {};
  for (const [source, layer] of layers) {
    for (const [pcr, hex] of sortedPcrs(layer ?? {})) {
      if (Object.hasOwn(values, String(pcr))) continue;
      values[String(pcr)] = hex;
      (sources[source] ??= []).push(pcr);
    }
  }
  return { values, sources };
}

/** PCRs below the highest given that are missing: while there are any, evmctl 1.4 cannot read the file. */
export function evmctlGaps(values: Readonly<Record<string, string>>): number[] {
  const pcrs = sortedPcrs(values).map(([pcr]) => pcr);
  const highest = pcrs[pcrs.length - 1] ?? -1;
  const gaps: number[] = [];
  for (let pcr = 0; pcr < highest; pcr++) if (!pcrs.includes(pcr)) gaps.push(pcr);
  return gaps;
}

const TPM2_TOOLS_BANK_NAME: Readonly<Record<HashAlgorithm, string>> = {
  sha1: 'sha1',
  sha256: 'sha256',
  sha384: 'sha384',
  sha512: 'sha512',
  sm3: 'sm3_256',
};

/** Every bank of `replay` as tpm2_pcrread prints it (banks in TPM algorithm order). */
export function exportPcrreadYaml(replay: PcrBankValues): string {
  let out = '';
  for (const bank of HASH_ALGORITHMS) {
    const values = replay[bank];
    if (values === undefined) continue;
    out += `  ${TPM2_TOOLS_BANK_NAME[bank]}:\n`;
    for (const [pcr, hex] of sortedPcrs(values)) {
      out += `    ${String(pcr).padEnd(2, ' ')}: 0x${hex.toUpperCase()}\n`;
    }
  }
  return out;
}
