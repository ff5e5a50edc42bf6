/** Number and size formatting shared by the views (fixed locale: digits group the same everywhere). */

// Counts read the same in the CLI, the reports and the app: one definition, in the core.
export { formatCount, plural } from '../../core/util/count-text';

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

/** Decimal units, like file managers: 23354138 → "23.4 MB". */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(value < 10 ? 2 : 1)} ${UNITS[unit]}`;
}

export function formatRate(bytesPerSecond: number): string {
  return `${formatBytes(bytesPerSecond)}/s`;
}

export function formatMillis(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

export function formatOffset(offset: number): string {
  return `0x${offset.toString(16)}`;
}

/**
 * An entry number as the CLI, the findings and the table's # column write it: `#3545`. It
 * names an entry, it counts nothing, so its digits are not grouped.
 */
export function entryNumber(index: number): string {
  return `#${index}`;
}
