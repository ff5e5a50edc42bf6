/**
 * Replayed PCR values in the files the standard tools read, so anyone can re-check a
 * diagnosis without imascope:
 *
 * - evmctl `--pcrs BANK,FILE` (ima-evm-utils `ima_measurement`): one bank per file, one
 *   `PCR-NN: <lowercase hex>` line per PCR, the index zero-padded to two digits (the form
 *   of the TPM 1.2 sysfs `pcrs` file that evmctl's reader follows).
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

/** One bank's values as an evmctl `PCR-NN: hex` file. */
export function exportEvmctlPcrs(values: Readonly<Record<string, string>>): string {
  return sortedPcrs(values)
    .map(([pcr, hex]) => `PCR-${String(pcr).padStart(2, '0')}: ${hex.toLowerCase()}\n`)
    .join('');
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
