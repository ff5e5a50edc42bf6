/**
 * Event data in words, for the event table and details pane (PFP §10.2–10.4 structures):
 *
 * - EV_NO_ACTION: Spec ID Event03 header, StartupLocality, other 16-byte signatures;
 * - EV_SEPARATOR (0x00000000 normal, 0xFFFFFFFF error), EV_ACTION / EV_EFI_ACTION text,
 *   EV_S_CRTM_VERSION (UTF-16, or a GUID), EV_POST_CODE (text or a blob address);
 * - EV_EFI_VARIABLE_*: UEFI_VARIABLE_DATA (decode-variable.ts);
 * - EV_EFI_BOOT_SERVICES_* / RUNTIME_SERVICES_DRIVER: UEFI_IMAGE_LOAD_EVENT
 *   `u64 location | u64 length | u64 linkTimeAddress | u64 devicePathLength | DevicePath`;
 * - EV_EFI_PLATFORM_FIRMWARE_BLOB `u64 base | u64 length`, BLOB2 with a u8-sized description;
 * - EV_EFI_HANDOFF_TABLES(2): `u64 count | count × { GUID, u64 pointer }`, TABLES2 with a
 *   u8-sized description first;
 * - EV_EFI_GPT_EVENT(2): 92-byte partition table header, u64 count, 128-byte entries;
 * - EV_IPL: GRUB commands and kernel command lines (UTF-8), systemd-boot's (UTF-16), shim's
 *   MOK variable names, file paths;
 * - EV_EVENT_TAG: `u32 taggedEventID | u32 size | data` (Windows' SIPA events).
 * Anything else, or data too short for its structure, is shown as text or a hex preview.
 */
import { toHex } from '../util/bytes';
import { formatDevicePath } from './device-path';
import { describeGuid, formatGuid } from './efi-guid';
import type { FirmwareEvent } from './event-log';
import {
  EV_ACTION,
  EV_EFI_ACTION,
  EV_EFI_BOOT_SERVICES_APPLICATION,
  EV_EFI_BOOT_SERVICES_DRIVER,
  EV_EFI_GPT_EVENT,
  EV_EFI_GPT_EVENT2,
  EV_EFI_HANDOFF_TABLES,
  EV_EFI_HANDOFF_TABLES2,
  EV_EFI_HCRTM_EVENT,
  EV_EFI_PLATFORM_FIRMWARE_BLOB,
  EV_EFI_PLATFORM_FIRMWARE_BLOB2,
  EV_EFI_RUNTIME_SERVICES_DRIVER,
  EV_EFI_VARIABLE_AUTHORITY,
  EV_EFI_VARIABLE_BOOT,
  EV_EFI_VARIABLE_BOOT2,
  EV_EFI_VARIABLE_DRIVER_CONFIG,
  EV_EVENT_TAG,
  EV_IPL,
  EV_NO_ACTION,
  EV_POST_CODE,
  EV_S_CRTM_CONTENTS,
  EV_S_CRTM_VERSION,
  EV_SEPARATOR,
} from './event-types';
import { readVariable } from './decode-variable';
import { describeAlgorithms, isSpecIdEventData, parseSpecIdEvent } from './spec-id';
import { decodeCString, decodeUtf16, looksLikeText, looksLikeUtf16 } from './event-text';
import { parseUefiVariable } from './uefi-variable';

export { eventTypeName } from './event-types';

export interface DecodedFirmwareEvent {
  summary: string;
  details: Record<string, string>;
}

type Decoder = (data: Uint8Array, event: FirmwareEvent) => DecodedFirmwareEvent | undefined;

const DECODERS: ReadonlyMap<number, Decoder> = new Map<number, Decoder>([
  [EV_NO_ACTION, decodeNoAction],
  [EV_SEPARATOR, decodeSeparator],
  [EV_ACTION, asText],
  [EV_EFI_ACTION, asText],
  [EV_EFI_HCRTM_EVENT, asText],
  [EV_S_CRTM_VERSION, decodeCrtmVersion],
  [EV_POST_CODE, decodePostCode],
  [EV_S_CRTM_CONTENTS, decodeBlob],
  [EV_EFI_PLATFORM_FIRMWARE_BLOB, decodeBlob],
  [EV_EFI_PLATFORM_FIRMWARE_BLOB2, decodeBlob2],
  [EV_EFI_VARIABLE_DRIVER_CONFIG, decodeVariable],
  [EV_EFI_VARIABLE_BOOT, decodeVariable],
  [EV_EFI_VARIABLE_BOOT2, decodeVariable],
  [EV_EFI_VARIABLE_AUTHORITY, decodeVariable],
  [EV_EFI_BOOT_SERVICES_APPLICATION, decodeImageLoad],
  [EV_EFI_BOOT_SERVICES_DRIVER, decodeImageLoad],
  [EV_EFI_RUNTIME_SERVICES_DRIVER, decodeImageLoad],
  [EV_EFI_HANDOFF_TABLES, (d) => decodeHandoffTables(d, false)],
  [EV_EFI_HANDOFF_TABLES2, (d) => decodeHandoffTables(d, true)],
  [EV_EFI_GPT_EVENT, decodeGpt],
  [EV_EFI_GPT_EVENT2, decodeGpt],
  [EV_IPL, decodeIpl],
  [EV_EVENT_TAG, decodeEventTag],
]);

const SUMMARY_LENGTH = 200;

/**
 * Never throws: data too short for its structure falls back to text or hex. The summary is
 * one line of at most 200 characters; details keep the full text.
 */
export function decodeFirmwareEvent(event: FirmwareEvent): DecodedFirmwareEvent {
  const decoded =
    event.printed !== undefined
      ? { summary: event.printed, details: { printed: event.printed, bytes: 'not in this input: tpm2_eventlog printed the data decoded' } }
      : (DECODERS.get(event.type)?.(event.data, event) ?? decodeOpaque(event.data));
  const line = decoded.summary.replace(/\s+/g, ' ').trim();
  const summary = line.length > SUMMARY_LENGTH ? `${line.slice(0, SUMMARY_LENGTH - 1)}…` : line;
  return { summary, details: decoded.details };
}

function decodeNoAction(data: Uint8Array): DecodedFirmwareEvent | undefined {
  if (isSpecIdEventData(data)) {
    const { specId } = parseSpecIdEvent(data);
    if (specId === undefined) return { summary: 'Spec ID Event03 (unreadable)', details: {} };
    const algorithms = describeAlgorithms(specId.algorithms);
    return {
      summary: `Spec ID Event03: ${algorithms}`,
      details: {
        platformClass: `${specId.platformClass}`,
        specVersion: specId.specVersion,
        uintnSize: `${specId.uintnSize} (${specId.uintnSize === 2 ? '64' : '32'}-bit UINTN)`,
        algorithms,
        vendorInfo: toHex(specId.vendorInfo),
      },
    };
  }
  if (data.length < 16 || data[15] !== 0) return undefined;
  const signature = decodeCString(data.subarray(0, 16));
  if (!looksLikeText(data.subarray(0, signature.length))) return undefined;
  if (signature === 'StartupLocality' && data.length >= 17) {
    return { summary: `StartupLocality: ${data[16]}`, details: { locality: `${data[16]}` } };
  }
  return { summary: signature, details: { signature, size: `${data.length}` } };
}

function decodeSeparator(data: Uint8Array): DecodedFirmwareEvent {
  const value = toHex(data);
  if (data.length === 4 && data.every((b) => b === 0xff)) {
    return { summary: 'separator (error: 0xFFFFFFFF)', details: { value } };
  }
  if (data.length === 4 && data.every((b) => b === 0)) return { summary: 'separator', details: { value } };
  return { summary: `separator ${value}`, details: { value } };
}

function asText(data: Uint8Array): DecodedFirmwareEvent | undefined {
  if (!looksLikeText(data)) return undefined;
  const text = decodeCString(data);
  return { summary: text, details: { text } };
}

function decodeCrtmVersion(data: Uint8Array): DecodedFirmwareEvent | undefined {
  if (data.length === 2 && data[0] === 0 && data[1] === 0) return { summary: '(empty version string)', details: { version: '' } };
  if (looksLikeUtf16(data)) {
    const version = decodeUtf16(data);
    return { summary: version, details: { version } };
  }
  if (data.length === 16) {
    const guid = formatGuid(data);
    return { summary: guid, details: { guid } };
  }
  return asText(data);
}

function decodePostCode(data: Uint8Array): DecodedFirmwareEvent | undefined {
  return asText(data) ?? decodeBlob(data);
}

function decodeBlob(data: Uint8Array): DecodedFirmwareEvent | undefined {
  if (data.length !== 16) return undefined;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const base = hex64(view, 0);
  const length = hex64(view, 8);
  return { summary: `base ${base}, length ${length}`, details: { base, length } };
}

function decodeBlob2(data: Uint8Array): DecodedFirmwareEvent | undefined {
  if (data.length < 1 || data.length !== 1 + data[0] + 16) return undefined;
  const description = decodeCString(data.subarray(1, 1 + data[0]));
  const blob = decodeBlob(data.subarray(1 + data[0]));
  if (blob === undefined) return undefined;
  return { summary: `${description}: ${blob.summary}`, details: { description, ...blob.details } };
}

function decodeVariable(data: Uint8Array, event: FirmwareEvent): DecodedFirmwareEvent | undefined {
  const variable = parseUefiVariable(data);
  if (variable === undefined) return undefined;
  const reading = readVariable(variable, event.type === EV_EFI_VARIABLE_AUTHORITY);
  const authority = event.type === EV_EFI_VARIABLE_AUTHORITY ? ' (authority)' : '';
  return {
    summary: `${variable.name}${authority} = ${reading.value}`,
    details: {
      variable: variable.name,
      guid: describeGuid(variable.guid),
      size: `${variable.value.length}`,
      ...reading.details,
    },
  };
}

function decodeImageLoad(data: Uint8Array): DecodedFirmwareEvent | undefined {
  if (data.length < 32) return undefined;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const pathLength = Number(view.getBigUint64(24, true));
  const devicePath = formatDevicePath(data.subarray(32, 32 + Math.min(pathLength, data.length - 32)));
  const location = hex64(view, 0);
  const length = hex64(view, 8);
  return {
    summary: devicePath === '' ? `image at ${location}` : devicePath,
    details: { devicePath, location, length, linkTimeAddress: hex64(view, 16) },
  };
}

function decodeHandoffTables(data: Uint8Array, described: boolean): DecodedFirmwareEvent | undefined {
  const start = described && data.length > 0 ? 1 + data[0] : 0;
  if (data.length < start + 8) return undefined;
  const description = described ? decodeCString(data.subarray(1, start)) : '';
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const count = view.getBigUint64(start, true);
  const tables: string[] = [];
  for (let i = 0n, at = start + 8; i < count && at + 24 <= data.length; i++, at += 24) {
    tables.push(describeGuid(formatGuid(data, at)));
  }
  const listed = tables.length === 0 ? 'no tables' : tables.join('; ');
  const details: Record<string, string> = { tables: listed };
  if (described) details.description = description;
  return { summary: `${described ? `${description}: ` : ''}${listed}`, details };
}

function decodeGpt(data: Uint8Array): DecodedFirmwareEvent | undefined {
  if (data.length < 100 || decodeCString(data.subarray(0, 8)) !== 'EFI PART') return undefined;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const disk = formatGuid(data, 56);
  const entrySize = view.getUint32(84, true);
  const count = view.getBigUint64(92, true);
  const names: string[] = [];
  if (entrySize >= 128) {
    for (let i = 0n, at = 100; i < count && at + entrySize <= data.length; i++, at += entrySize) {
      names.push(decodeUtf16(data.subarray(at + 56, at + 128)) || formatGuid(data, at + 16));
    }
  }
  return {
    summary: `disk ${disk}, ${count} partitions${names.length > 0 ? `: ${names.join(', ')}` : ''}`,
    details: { disk, partitions: `${count}`, names: names.join(', ') },
  };
}

function decodeIpl(data: Uint8Array): DecodedFirmwareEvent | undefined {
  const utf16 = looksLikeUtf16(data);
  if (!utf16 && !looksLikeText(data)) return undefined;
  const text = utf16 ? decodeUtf16(data) : decodeCString(data);
  const kind = /^grub_cmd: /.test(text)
    ? 'GRUB command'
    : /^kernel_cmdline: /.test(text)
      ? 'kernel command line'
      : utf16
        ? 'UTF-16 string'
        : 'string';
  return { summary: text, details: { text, kind } };
}

function decodeEventTag(data: Uint8Array): DecodedFirmwareEvent | undefined {
  if (data.length < 8) return undefined;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const id = `0x${view.getUint32(0, true).toString(16).padStart(8, '0')}`;
  const tagged = data.subarray(8, 8 + view.getUint32(4, true));
  // systemd-stub tags its PCR 9 measurements with a NUL-terminated description.
  const text = looksLikeText(tagged) ? decodeCString(tagged) : undefined;
  const details: Record<string, string> = { taggedEventID: id, size: `${tagged.length}` };
  if (text !== undefined) details.text = text;
  return { summary: `tagged event ${id}: ${text ?? `${tagged.length} bytes`}`, details };
}

function decodeOpaque(data: Uint8Array): DecodedFirmwareEvent {
  const text = asText(data);
  if (text !== undefined) return text;
  if (looksLikeUtf16(data)) {
    const s = decodeUtf16(data);
    return { summary: s, details: { text: s } };
  }
  const preview = toHex(data.subarray(0, 32)) + (data.length > 32 ? '…' : '');
  return { summary: data.length === 0 ? 'no data' : `${data.length} bytes: ${preview}`, details: { size: `${data.length}` } };
}

function hex64(view: DataView, at: number): string {
  return `0x${view.getBigUint64(at, true).toString(16)}`;
}
