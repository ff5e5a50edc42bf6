/**
 * What an EV_EFI_VARIABLE_* event says, in words: the variable's name and vendor GUID and
 * a reading of its value for the variables a boot log carries (UEFI spec §3.3 globals,
 * §32.4 signature databases; shim's MOK variables and SBAT level):
 *
 * - SecureBoot, SetupMode, AuditMode, DeployedMode, MokSBState, MokListTrusted: one byte;
 * - BootOrder: u16 list; Boot####/Driver####: EFI_LOAD_OPTION
 *   `u32 Attributes | u16 FilePathListLength | CHAR16 Description[] (NUL) | FilePathList | …`;
 * - PK, KEK, db, dbx, dbt, dbr, MokList, MokListX: EFI_SIGNATURE_LIST sequence
 *   `GUID SignatureType | u32 ListSize | u32 HeaderSize | u32 SignatureSize | header | sigs`;
 * - SbatLevel: CSV text;
 * - in EV_EFI_VARIABLE_AUTHORITY events, the db entry (EFI_SIGNATURE_DATA) or shim's
 *   certificate that verified the next image.
 */
import { formatDevicePath } from './device-path';
import { decodeCString, decodeUtf16, looksLikeText } from './event-text';
import type { UefiVariable } from './uefi-variable';
import { describeGuid, formatGuid, guidName } from './efi-guid';
import { toHex } from '../util/bytes';

export interface VariableReading {
  /** Short text for the summary line. */
  value: string;
  details: Record<string, string>;
}

const FLAGS = new Set(['SetupMode', 'AuditMode', 'DeployedMode', 'MokSBState', 'MokListTrusted']);
const SIGNATURE_DATABASES = new Set(['PK', 'KEK', 'db', 'dbx', 'dbt', 'dbr', 'MokList', 'MokListX', 'MokListRT']);
const SIGNATURE_TYPES: ReadonlyMap<string, string> = new Map([
  ['EFI_CERT_X509_GUID', 'X.509 certificate'],
  ['EFI_CERT_SHA256_GUID', 'SHA-256 hash'],
  ['EFI_CERT_SHA1_GUID', 'SHA-1 hash'],
  ['EFI_CERT_RSA2048_GUID', 'RSA-2048 key'],
]);

/** `authority`: from an EV_EFI_VARIABLE_AUTHORITY event, whose value is the one entry used. */
export function readVariable(variable: UefiVariable, authority: boolean): VariableReading {
  const { name, value } = variable;
  if (authority) {
    const certificate = readAuthority(value);
    if (certificate !== undefined) return certificate;
  }
  if (name === 'SecureBoot' && value.length <= 1) {
    // An empty SecureBoot variable (seen from systemd-boot setups) means not enabled.
    const state = value.length === 0 ? 'disabled (empty)' : value[0] === 1 ? 'enabled' : 'disabled';
    return { value: state, details: { value: `0x${toHex(value)}` } };
  }
  if (FLAGS.has(name) && value.length === 1) return { value: `${value[0]}`, details: { value: `0x${toHex(value)}` } };
  if (name === 'BootOrder' && value.length % 2 === 0) {
    const order = [];
    for (let i = 0; i < value.length; i += 2) order.push(bootName(value[i] | (value[i + 1] << 8)));
    return { value: order.join(', '), details: { bootOrder: order.join(', ') } };
  }
  if (/^(Boot|Driver|SysPrep)[0-9A-Fa-f]{4}$/.test(name)) return readLoadOption(value);
  if (SIGNATURE_DATABASES.has(name)) return readSignatureLists(value);
  if (value.length === 0) return { value: 'empty', details: {} };
  if (looksLikeText(value)) {
    const text = decodeCString(value).trim();
    return { value: text.length > 80 ? `${text.slice(0, 80)}…` : text, details: { text } };
  }
  return { value: `${value.length} bytes`, details: {} };
}

/**
 * The authority that verified an image: an EFI_SIGNATURE_DATA from db (`GUID owner | DER
 * certificate`) or, from shim, a bare DER certificate.
 */
function readAuthority(value: Uint8Array): VariableReading | undefined {
  const isDer = (at: number): boolean => value[at] === 0x30 && value[at + 1] === 0x82;
  if (isDer(0)) return { value: `X.509 certificate (${value.length} bytes)`, details: {} };
  if (value.length < 20 || !isDer(16)) return undefined;
  const owner = describeGuid(formatGuid(value));
  return {
    value: `X.509 certificate (${value.length - 16} bytes), owner ${owner}`,
    details: { owner },
  };
}

function bootName(n: number): string {
  return `Boot${n.toString(16).toUpperCase().padStart(4, '0')}`;
}

function readLoadOption(value: Uint8Array): VariableReading {
  if (value.length < 6) return { value: `${value.length} bytes`, details: {} };
  const view = new DataView(value.buffer, value.byteOffset, value.byteLength);
  const attributes = view.getUint32(0, true);
  const pathLength = view.getUint16(4, true);
  let end = 6;
  while (end + 1 < value.length && (value[end] !== 0 || value[end + 1] !== 0)) end += 2;
  const description = decodeUtf16(value.subarray(6, end));
  const path = formatDevicePath(value.subarray(end + 2, end + 2 + pathLength));
  const active = (attributes & 1) === 1;
  return {
    value: `"${description}"${path === '' ? '' : ` ${path}`}${active ? '' : ' (inactive)'}`,
    details: { description, devicePath: path, attributes: `0x${attributes.toString(16).padStart(8, '0')}` },
  };
}

function readSignatureLists(value: Uint8Array): VariableReading {
  const view = new DataView(value.buffer, value.byteOffset, value.byteLength);
  const counts = new Map<string, number>();
  let at = 0;
  let malformed = false;
  while (at + 28 <= value.length) {
    const type = formatGuid(value, at);
    const listSize = view.getUint32(at + 16, true);
    const headerSize = view.getUint32(at + 20, true);
    const signatureSize = view.getUint32(at + 24, true);
    if (listSize < 28 + headerSize || at + listSize > value.length || signatureSize < 16) {
      malformed = true;
      break;
    }
    const kind = SIGNATURE_TYPES.get(guidName(type) ?? '') ?? `signature of type ${type}`;
    const n = Math.floor((listSize - 28 - headerSize) / signatureSize);
    counts.set(kind, (counts.get(kind) ?? 0) + n);
    at += listSize;
  }
  const parts = [...counts].map(([kind, n]) => `${n} × ${kind}`);
  if (malformed || at < value.length) parts.push(`${value.length - at} unreadable bytes`);
  const text = parts.length === 0 ? 'empty' : parts.join(', ');
  return { value: text, details: { signatures: text } };
}
