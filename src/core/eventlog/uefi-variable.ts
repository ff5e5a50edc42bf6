/**
 * UEFI_VARIABLE_DATA, the data of EV_EFI_VARIABLE_* events (PFP §10.2.6):
 *
 *   0  EFI_GUID VariableName (the vendor GUID)
 *   16 u64 UnicodeNameLength   (in CHAR16 units, no terminator)
 *   24 u64 VariableDataLength
 *   32 CHAR16 UnicodeName[UnicodeNameLength] | u8 VariableData[VariableDataLength]
 */
import { formatGuid } from './efi-guid';
import { decodeUtf16 } from './event-text';

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
