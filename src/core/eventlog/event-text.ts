/**
 * Text in event data: UTF-16LE (EDK2's CHAR16 strings, systemd-boot's command lines) and
 * NUL-terminated UTF-8/ASCII (GRUB, EV_EFI_ACTION), and the tests that tell them apart.
 */
import { decodeText } from '../util/bytes';

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

/** Bytes to text up to the first NUL, as UTF-8 (invalid sequences become U+FFFD). */
export function decodeCString(bytes: Uint8Array): string {
  const nul = bytes.indexOf(0);
  return decodeText(nul < 0 ? bytes : bytes.subarray(0, nul));
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

/**
 * Whether `bytes` are printable text, optionally NUL-terminated: ASCII, plus well-formed
 * UTF-8 sequences (GRUB menu entries may carry any language).
 */
export function looksLikeText(bytes: Uint8Array): boolean {
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0) end--;
  if (end === 0) return false;
  for (let i = 0; i < end; i++) {
    const b = bytes[i];
    if (b < 0x80) {
      if (!isPrintable(b)) return false;
      continue;
    }
    const continuation = b >= 0xf0 && b < 0xf5 ? 3 : b >= 0xe0 ? 2 : b >= 0xc2 && b < 0xe0 ? 1 : -1;
    if (continuation < 0 || b >= 0xf5 || i + continuation >= end) return false;
    for (let k = 1; k <= continuation; k++) if ((bytes[i + k] & 0xc0) !== 0x80) return false;
    i += continuation;
  }
  return true;
}

function isPrintable(b: number): boolean {
  return (b >= 0x20 && b < 0x7f) || b === 0x09 || b === 0x0a || b === 0x0d;
}
