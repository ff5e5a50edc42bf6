/**
 * The `kexec_load` / `kexec_execute` critical-data records (label `ima_kexec`, Linux 6.16+,
 * ima-format.md §7.3). Both events carry the same text, built by `ima_measure_kexec_event()`:
 *
 *   kexec_segment_size=<lu>;ima_binary_runtime_size=<lu>;ima_runtime_measurements_count=<ld>;
 *
 * The patch series before the merged one spelled the middle key
 * `ima_binary_runtime_measurements_size`; logs from kernels carrying that series exist, so both
 * spellings are read and the one found is reported. `ima_binary_runtime_size` counts the
 * 24-byte kexec header, and `count` the entries in the list when the record was made.
 */
import { parseKeyValueRecords } from './key-value-records';

export type KexecSizeKey = 'ima_binary_runtime_size' | 'ima_binary_runtime_measurements_size';

export interface KexecRecord {
  /** `kexec_segment_size`: bytes reserved for the list in the kexec image. */
  readonly segmentSize?: number;
  /** Serialized list size (kexec header included) when the record was made. */
  readonly binarySize?: number;
  /** `ima_runtime_measurements_count`. */
  readonly count?: number;
  /** Which spelling carried `binarySize`. */
  readonly keyName?: KexecSizeKey;
}

const SIZE_KEYS: readonly KexecSizeKey[] = [
  'ima_binary_runtime_size',
  'ima_binary_runtime_measurements_size',
];

/** Reads the record; undefined when none of its keys has a decimal value. Never throws. */
export function parseKexecRecord(text: string): KexecRecord | undefined {
  const fields = new Map<string, string>();
  for (const record of parseKeyValueRecords(text)) {
    for (const [key, value] of Object.entries(record.fields)) {
      if (!fields.has(key)) fields.set(key, value);
    }
  }
  const number = (key: string): number | undefined => {
    const value = fields.get(key);
    if (value === undefined || !/^\d{1,15}$/.test(value)) return undefined;
    return Number(value);
  };
  const segmentSize = number('kexec_segment_size');
  const keyName = SIZE_KEYS.find((key) => number(key) !== undefined);
  const binarySize = keyName === undefined ? undefined : number(keyName);
  const count = number('ima_runtime_measurements_count');
  if (segmentSize === undefined && binarySize === undefined && count === undefined) {
    return undefined;
  }
  return {
    ...(segmentSize !== undefined && { segmentSize }),
    ...(binarySize !== undefined && { binarySize, keyName }),
    ...(count !== undefined && { count }),
  };
}
