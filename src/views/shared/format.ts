/** Number and size formatting shared by the views (fixed locale: digits group the same everywhere). */

const INTEGER = new Intl.NumberFormat('en-US');

export function formatCount(n: number): string {
  return INTEGER.format(n);
}

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

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}
