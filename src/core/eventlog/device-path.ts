/**
 * EFI_DEVICE_PATH_PROTOCOL to text, best-effort (UEFI spec §10.3 node layouts, §10.6 text
 * forms). Each node is `u8 Type, u8 SubType, u16 Length (incl. this header), data`; the
 * path ends with Type 0x7F SubType 0xFF. Used for EV_EFI_BOOT_SERVICES_* image paths and
 * Boot#### load options. Nodes this tool does not name print as `Path(type,subtype,hex)`;
 * a malformed length ends the rendering with `…` rather than guessing.
 */
import { toHex } from '../util/bytes';
import { formatGuid } from './efi-guid';
import { decodeCString, decodeUtf16 } from './event-text';

const HARDWARE = 0x01;
const ACPI = 0x02;
const MESSAGING = 0x03;
const MEDIA = 0x04;
const BBS = 0x05;
const END = 0x7f;

export function formatDevicePath(bytes: Uint8Array): string {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parts: string[] = [];
  let at = 0;
  while (at + 4 <= bytes.length) {
    const type = bytes[at];
    const subType = bytes[at + 1];
    const length = view.getUint16(at + 2, true);
    if (length < 4 || at + length > bytes.length) {
      parts.push('…');
      break;
    }
    if (type === END) {
      if (subType === 0xff) break;
      parts.push(','); // end of one instance, another follows
    } else {
      parts.push(formatNode(type, subType, bytes.subarray(at + 4, at + length)));
    }
    at += length;
  }
  return parts.join('/').replace(/\/,\//g, ',');
}

function formatNode(type: number, subType: number, d: Uint8Array): string {
  const view = new DataView(d.buffer, d.byteOffset, d.byteLength);
  const u8 = (at: number): number => d[at];
  const u16 = (at: number): number => view.getUint16(at, true);
  const u32 = (at: number): number => view.getUint32(at, true);
  const u64 = (at: number): string => hex(view.getBigUint64(at, true));
  const has = (n: number): boolean => d.length >= n;
  switch (type) {
    case HARDWARE:
      if (subType === 0x01 && has(2)) return `Pci(${hex(u8(1))},${hex(u8(0))})`;
      if (subType === 0x03 && has(20)) return `MemoryMapped(${u32(0)},${u64(4)},${u64(12)})`;
      if (subType === 0x04 && has(16)) return `VenHw(${formatGuid(d)}${vendorData(d)})`;
      if (subType === 0x05 && has(4)) return `Ctrl(${hex(u32(0))})`;
      break;
    case ACPI:
      if (subType === 0x01 && has(8)) return acpiNode(u32(0), u32(4));
      break;
    case MESSAGING:
      if (subType === 0x01 && has(4)) return `Ata(${u8(0)},${u8(1)},${u16(2)})`;
      if (subType === 0x02 && has(4)) return `Scsi(${hex(u16(0))},${hex(u16(2))})`;
      if (subType === 0x05 && has(2)) return `USB(${hex(u8(0))},${hex(u8(1))})`;
      if (subType === 0x0a && has(16)) return `VenMsg(${formatGuid(d)}${vendorData(d)})`;
      if (subType === 0x0b && has(6)) return `MAC(${toHex(d.subarray(0, 6))})`;
      if (subType === 0x0c) return 'IPv4(…)';
      if (subType === 0x0d) return 'IPv6(…)';
      if (subType === 0x12 && has(6)) return `Sata(${hex(u16(0))},${hex(u16(2))},${hex(u16(4))})`;
      if (subType === 0x17 && has(12)) return `NVMe(${hex(u32(0))},${toHex(d.subarray(4, 12))})`;
      if (subType === 0x18) return `Uri(${decodeCString(d)})`;
      if (subType === 0x1a && has(1)) return `SD(${u8(0)})`;
      if (subType === 0x1d && has(1)) return `eMMC(${u8(0)})`;
      break;
    case MEDIA:
      if (subType === 0x01 && has(38)) return hardDrive(d, view);
      if (subType === 0x02 && has(4)) return `CDROM(${hex(u32(0))})`;
      if (subType === 0x03 && has(16)) return `VenMedia(${formatGuid(d)}${vendorData(d)})`;
      if (subType === 0x04) return decodeUtf16(d);
      if (subType === 0x05 && has(16)) return `Media(${formatGuid(d)})`;
      if (subType === 0x06 && has(16)) return `FvFile(${formatGuid(d)})`;
      if (subType === 0x07 && has(16)) return `Fv(${formatGuid(d)})`;
      if (subType === 0x08 && has(20)) return `Offset(${u64(4)},${u64(12)})`;
      break;
    case BBS:
      if (subType === 0x01 && has(4)) return `BBS(${hex(u16(0))},${decodeCString(d.subarray(4))})`;
      break;
  }
  return `Path(${type},${subType},${toHex(d)})`;
}

function acpiNode(hid: number, uid: number): string {
  // EISA IDs: the low 16 bits are the compressed vendor "PNP" (0x41d0), the high 16 the product.
  if ((hid & 0xffff) === 0x41d0) {
    const product = hid >>> 16;
    if (product === 0x0a03 || product === 0x0a08) return `PciRoot(${hex(uid)})`;
    return `Acpi(PNP${product.toString(16).toUpperCase().padStart(4, '0')},${hex(uid)})`;
  }
  return `Acpi(${hex(hid)},${hex(uid)})`;
}

function hardDrive(d: Uint8Array, view: DataView): string {
  const partition = view.getUint32(0, true);
  const start = hex(view.getBigUint64(4, true));
  const size = hex(view.getBigUint64(12, true));
  const signatureType = d[37];
  const signature =
    signatureType === 0x02
      ? `GPT,${formatGuid(d, 20)}`
      : signatureType === 0x01
        ? `MBR,${hex(view.getUint32(20, true))}`
        : `${signatureType},0`;
  return `HD(${partition},${signature},${start},${size})`;
}

function vendorData(d: Uint8Array): string {
  return d.length > 16 ? `,${toHex(d.subarray(16))}` : '';
}

function hex(n: number | bigint): string {
  return `0x${n.toString(16)}`;
}
