/**
 * EFI_GUID as it appears in event data: u32, u16, u16 little-endian, then 8 bytes in order
 * (UEFI spec Appendix A), printed in the usual lower-case 8-4-4-4-12 form. Names for the
 * GUIDs a reader of a boot log meets (UEFI spec; shim `include/guid.h`; EDK2 MdePkg).
 */

const NAMES: ReadonlyMap<string, string> = new Map([
  ['8be4df61-93ca-11d2-aa0d-00e098032b8c', 'EFI_GLOBAL_VARIABLE'],
  ['d719b2cb-3d3a-4596-a3bc-dad00e67656f', 'EFI_IMAGE_SECURITY_DATABASE_GUID'],
  ['605dab50-e046-4300-abb6-3dd810dd8b23', 'SHIM_LOCK_GUID'],
  ['a5c059a1-94e4-4aa7-87b5-ab155c2bf072', 'EFI_CERT_X509_GUID'],
  ['c1c41626-504c-4092-aca9-41f936934328', 'EFI_CERT_SHA256_GUID'],
  ['3c5766e8-269c-4e34-aa14-ed776e85b3b6', 'EFI_CERT_RSA2048_GUID'],
  ['826ca512-cf10-4ac9-b187-be01496631bd', 'EFI_CERT_SHA1_GUID'],
  ['4aafd29d-68df-49ee-8aa9-347d375665a7', 'EFI_CERT_TYPE_PKCS7_GUID'],
  ['77fa9abd-0359-4d32-bd60-28f4e78f784b', 'Microsoft signature owner'],
  ['eb9d2d30-2d88-11d3-9a16-0090273fc14d', 'ACPI_TABLE_GUID'],
  ['8868e871-e4f1-11d3-bc22-0080c73c8881', 'EFI_ACPI_20_TABLE_GUID'],
  ['eb9d2d31-2d88-11d3-9a16-0090273fc14d', 'SMBIOS_TABLE_GUID'],
  ['f2fd1544-9794-4a2c-992e-e5bbcf20e394', 'SMBIOS3_TABLE_GUID'],
  ['4a67b082-0a4c-41cf-b6c7-440b29bb8c4f', 'LOADER_GUID (systemd-boot)'],
]);

/** The 16 bytes formatGuid prints as `text`; undefined for text that is no GUID. */
export function parseGuid(text: string): Uint8Array | undefined {
  const m = /^([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})$/i.exec(text);
  if (m === null) return undefined;
  const bytes = (hex: string): number[] => hex.match(/../g)?.map((b) => parseInt(b, 16)) ?? [];
  // The first three fields are little-endian integers, the last two byte strings.
  return new Uint8Array([...bytes(m[1]).reverse(), ...bytes(m[2]).reverse(), ...bytes(m[3]).reverse(), ...bytes(m[4]), ...bytes(m[5])]);
}

/** Formats 16 bytes at `at`; the caller guarantees they exist. */
export function formatGuid(bytes: Uint8Array, at = 0): string {
  const hex = (from: number, to: number, reverse: boolean): string => {
    let s = '';
    for (let i = 0; i < to - from; i++) {
      const b = bytes[at + (reverse ? to - 1 - i : from + i)];
      s += b.toString(16).padStart(2, '0');
    }
    return s;
  };
  return `${hex(0, 4, true)}-${hex(4, 6, true)}-${hex(6, 8, true)}-${hex(8, 10, false)}-${hex(10, 16, false)}`;
}

export function guidName(guid: string): string | undefined {
  return NAMES.get(guid);
}

/** "8be4df61-… (EFI_GLOBAL_VARIABLE)" or the bare GUID. */
export function describeGuid(guid: string): string {
  const name = guidName(guid);
  return name === undefined ? guid : `${guid} (${name})`;
}
