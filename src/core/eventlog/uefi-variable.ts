/**
 * UEFI_VARIABLE_DATA, the data of EV_EFI_VARIABLE_* events (PFP §10.2.6):
 *
 *   0  EFI_GUID VariableName (the vendor GUID)
 *   16 u64 UnicodeNameLength   (in CHAR16 units, no terminator)
 *   24 u64 VariableDataLength
 *   32 CHAR16 UnicodeName[UnicodeNameLength] | u8 VariableData[VariableDataLength]
 *
 * Also the text helpers the event decoders share: UTF-16LE and NUL-terminated strings.
 */
import { formatGuid } from './efi-guid';

export interface UefiVariable {
  guid: string;
  name: string;
  /** VariableData (a view of the event data). */
  value: Uint8Array;
}

const HEADER_SIZE = 32;

/** Undefined when the lengths do not fit the event data. */
export function parseUefiVariable(data: Uint8Array): UefiVariable | undefined {
  if (data.length < HEADER_SIZE) return undefined;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  // u64 fields read as two halves: a high half makes the length impossible anyway.
  if (view.getUint32(20, true) !== 0 || view.getUint32(28, true) !== 0) return undefined;
  const nameChars = view.getUint32(16, true);
  const valueLength = view.getUint32(24, true);
  const valueAt = HEADER_SIZE + nameChars * 2;
  if (valueAt + valueLength > data.length) return undefined;
  return {
    guid: formatGuid(data),
    name: decodeUtf16(data.subarray(HEADER_SIZE, valueAt)),
    value: data.subarray(valueAt, valueAt + valueLength),
  };
}

/** UTF-16LE to text, stopping at the first NUL; an odd last byte is ignored. */
export function decodeUtf16(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    const c = bytes[i] | (bytes[i + 1] << 8);
    if (c === 0) break;
    s += String.fromCharCode(c);
  }
  return s;
}

/** Bytes to text, one char per byte (Latin-1), stopping at the first NUL. */
export function decodeAscii(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length && bytes[i] !== 0; i++) s += String.fromCharCode(bytes[i]);
  return s;
}

/**
 * Whether `bytes` read as UTF-16LE text: even length (or a stray final NUL) with every
 * high byte zero and printable low bytes, as EDK2 and systemd-boot write it.
 */
export function looksLikeUtf16(bytes: Uint8Array): boolean {
  if (bytes.length < 2) return false;
  let chars = 0;
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    const lo = bytes[i];
    const hi = bytes[i + 1];
    if (lo === 0 && hi === 0) return chars > 0 && bytes.subarray(i).every((b) => b === 0);
    if (hi !== 0 || !isPrintable(lo)) return false;
    chars++;
  }
  return bytes.length % 2 === 0 || bytes[bytes.length - 1] === 0;
}

/** Whether `bytes` are printable ASCII/UTF-8 text, optionally NUL-terminated. */
export function looksLikeText(bytes: Uint8Array): boolean {
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0) end--;
  if (end === 0) return false;
  for (let i = 0; i < end; i++) {
    if (!isPrintable(bytes[i]) && bytes[i] < 0x80) return false;
  }
  return true;
}

function isPrintable(b: number): boolean {
  return (b >= 0x20 && b < 0x7f) || b === 0x09 || b === 0x0a || b === 0x0d;
}
