/**
 * TCG event types (PC Client Platform Firmware Profile §10.4.1; list as in tpm2-tools
 * `lib/efi_event.h`, plus the SPDM types of newer PFP revisions). quote-format.md §3.4.
 * The type never changes how an event is replayed, except EV_NO_ACTION (never extended).
 */

export const EV_PREBOOT_CERT = 0x0;
export const EV_POST_CODE = 0x1;
export const EV_NO_ACTION = 0x3;
export const EV_SEPARATOR = 0x4;
export const EV_ACTION = 0x5;
export const EV_EVENT_TAG = 0x6;
export const EV_S_CRTM_CONTENTS = 0x7;
export const EV_S_CRTM_VERSION = 0x8;
export const EV_IPL = 0xd;

const EFI = 0x80000000;
export const EV_EFI_VARIABLE_DRIVER_CONFIG = EFI + 0x1;
export const EV_EFI_VARIABLE_BOOT = EFI + 0x2;
export const EV_EFI_BOOT_SERVICES_APPLICATION = EFI + 0x3;
export const EV_EFI_BOOT_SERVICES_DRIVER = EFI + 0x4;
export const EV_EFI_RUNTIME_SERVICES_DRIVER = EFI + 0x5;
export const EV_EFI_GPT_EVENT = EFI + 0x6;
export const EV_EFI_ACTION = EFI + 0x7;
export const EV_EFI_PLATFORM_FIRMWARE_BLOB = EFI + 0x8;
export const EV_EFI_HANDOFF_TABLES = EFI + 0x9;
export const EV_EFI_PLATFORM_FIRMWARE_BLOB2 = EFI + 0xa;
export const EV_EFI_HANDOFF_TABLES2 = EFI + 0xb;
export const EV_EFI_VARIABLE_BOOT2 = EFI + 0xc;
export const EV_EFI_GPT_EVENT2 = EFI + 0xd;
export const EV_EFI_HCRTM_EVENT = EFI + 0x10;
export const EV_EFI_VARIABLE_AUTHORITY = EFI + 0xe0;

const NAMES: ReadonlyMap<number, string> = new Map([
  [EV_PREBOOT_CERT, 'EV_PREBOOT_CERT'],
  [EV_POST_CODE, 'EV_POST_CODE'],
  [0x2, 'EV_UNUSED'],
  [EV_NO_ACTION, 'EV_NO_ACTION'],
  [EV_SEPARATOR, 'EV_SEPARATOR'],
  [EV_ACTION, 'EV_ACTION'],
  [EV_EVENT_TAG, 'EV_EVENT_TAG'],
  [EV_S_CRTM_CONTENTS, 'EV_S_CRTM_CONTENTS'],
  [EV_S_CRTM_VERSION, 'EV_S_CRTM_VERSION'],
  [0x9, 'EV_CPU_MICROCODE'],
  [0xa, 'EV_PLATFORM_CONFIG_FLAGS'],
  [0xb, 'EV_TABLE_OF_DEVICES'],
  [0xc, 'EV_COMPACT_HASH'],
  [EV_IPL, 'EV_IPL'],
  [0xe, 'EV_IPL_PARTITION_DATA'],
  [0xf, 'EV_NONHOST_CODE'],
  [0x10, 'EV_NONHOST_CONFIG'],
  [0x11, 'EV_NONHOST_INFO'],
  [0x12, 'EV_OMIT_BOOT_DEVICE_EVENTS'],
  [EV_EFI_VARIABLE_DRIVER_CONFIG, 'EV_EFI_VARIABLE_DRIVER_CONFIG'],
  [EV_EFI_VARIABLE_BOOT, 'EV_EFI_VARIABLE_BOOT'],
  [EV_EFI_BOOT_SERVICES_APPLICATION, 'EV_EFI_BOOT_SERVICES_APPLICATION'],
  [EV_EFI_BOOT_SERVICES_DRIVER, 'EV_EFI_BOOT_SERVICES_DRIVER'],
  [EV_EFI_RUNTIME_SERVICES_DRIVER, 'EV_EFI_RUNTIME_SERVICES_DRIVER'],
  [EV_EFI_GPT_EVENT, 'EV_EFI_GPT_EVENT'],
  [EV_EFI_ACTION, 'EV_EFI_ACTION'],
  [EV_EFI_PLATFORM_FIRMWARE_BLOB, 'EV_EFI_PLATFORM_FIRMWARE_BLOB'],
  [EV_EFI_HANDOFF_TABLES, 'EV_EFI_HANDOFF_TABLES'],
  [EV_EFI_PLATFORM_FIRMWARE_BLOB2, 'EV_EFI_PLATFORM_FIRMWARE_BLOB2'],
  [EV_EFI_HANDOFF_TABLES2, 'EV_EFI_HANDOFF_TABLES2'],
  [EV_EFI_VARIABLE_BOOT2, 'EV_EFI_VARIABLE_BOOT2'],
  [EV_EFI_GPT_EVENT2, 'EV_EFI_GPT_EVENT2'],
  [EV_EFI_HCRTM_EVENT, 'EV_EFI_HCRTM_EVENT'],
  [EV_EFI_VARIABLE_AUTHORITY, 'EV_EFI_VARIABLE_AUTHORITY'],
  [EFI + 0xe1, 'EV_EFI_SPDM_FIRMWARE_BLOB'],
  [EFI + 0xe2, 'EV_EFI_SPDM_FIRMWARE_CONFIG'],
  [EFI + 0xe3, 'EV_EFI_SPDM_DEVICE_POLICY'],
  [EFI + 0xe4, 'EV_EFI_SPDM_DEVICE_AUTHORITY'],
]);

/** The PFP name of an event type; unknown types as `0x` + 8 hex digits (e.g. `0x00008401`). */
export function eventTypeName(type: number): string {
  return NAMES.get(type) ?? `0x${(type >>> 0).toString(16).padStart(8, '0')}`;
}

const TYPES_BY_NAME: ReadonlyMap<string, number> = new Map([...NAMES].map(([type, name]) => [name, type]));

/** The type a PFP name (as tpm2_eventlog prints it) stands for; undefined for other text. */
export function eventTypeFromName(name: string): number | undefined {
  return TYPES_BY_NAME.get(name);
}

/** Whether `type` is one of the types above (sniffing uses this to reject other formats). */
export function isKnownEventType(type: number): boolean {
  return NAMES.has(type);
}
