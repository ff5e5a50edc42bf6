/**
 * Replayed PCR values in the files the standard tools read, so anyone can re-check a
 * diagnosis without imascope:
 *
 * - evmctl `--pcrs BANK,FILE` (ima-evm-utils `ima_measurement`): one bank per file, one
 *   `PCR-NN: <lowercase hex>` line per PCR, the index zero-padded to two digits (the form
 *   of the TPM 1.2 sysfs `pcrs` file that evmctl's reader follows). evmctl reads the lines
 *   in order and only takes one whose number is the next it expects (PCR-00, PCR-01 …): a
 *   file holding only PCR-10 leaves its PCR 10 at zero (tried with evmctl 1.4). So the file
 *   runs from PCR-00 to the highest PCR given, and PCRs not given are written as zeros;
 *   evmctl compares only the PCRs the list extends.
 * - tpm2_pcrread's YAML (tpm2-tools 5.x): per bank `  <bank>:` then one
 *   `    <index padded right to 2>: 0x<UPPER-CASE HEX>` line per PCR, as in
 *   `    0 : 0x5BB1…` and `    10: 0x70E4…`. tpm2-tools calls SM3 `sm3_256`.
 */
import { HASH_ALGORITHMS, type HashAlgorithm } from '../hash/hash-algorithm';
import type { PcrBankValues } from '../report/report';

/** PCR index (decimal string) → hex, in ascending PCR order. */
function sortedPcrs(values: Readonly<Record<string, string>>): [number, string][] {
  return Object.entries(values)
    .map(([pcr, hex]): [number, string] => [Number(pcr), hex])
    .sort((a, b) => a[0] - b[0]);
}

/** One bank's values as an evmctl `PCR-NN: hex` file (gaps zero-filled, see above). */
export function exportEvmctlPcrs(values: Readonly<Record<string, string>>): string {
  const pcrs = sortedPcrs(values);
  if (pcrs.length === 0) return '';
  const given = new Map(pcrs);
  const zeros = '0'.repeat(pcrs[0][1].length);
  let out = '';
  for (let pcr = 0; pcr <= pcrs[pcrs.length - 1][0]; pcr++) {
    out += `PCR-${String(pcr).padStart(2, '0')}: ${(given.get(pcr) ?? zeros).toLowerCase()}\n`;
  }
  return out;
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
