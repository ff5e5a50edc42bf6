/**
 * Which events carry the measured bytes themselves, so that their logged digests can be
 * checked against their data (quote-format.md §3.2: most cannot, e.g. a firmware blob's
 * digest is of memory, an application's is its Authenticode hash). The rules follow
 * tpm2-tools `lib/tpm2_eventlog.c` `verify_digests`, widened where real logs showed a
 * second well-known form:
 *
 * - EV_SEPARATOR, EV_ACTION, EV_EFI_ACTION, EV_S_CRTM_VERSION, EV_EFI_GPT_EVENT: the digest
 *   is of the whole event data.
 * - EV_EFI_VARIABLE_DRIVER_CONFIG and EV_EFI_VARIABLE_BOOT(2): the PFP hashes the whole
 *   UEFI_VARIABLE_DATA, EDK2 only VariableData for Boot#### variables, and older firmware
 *   for every variable (go-attestation `linux_tpm12`); either is accepted.
 *   EV_EFI_VARIABLE_AUTHORITY is not checked: shim's authority events hash other bytes.
 * - EV_IPL on PCR 8 (GRUB): data is "grub_cmd: <cmd>\0" or "kernel_cmdline: <line>\0" and the
 *   digest is of the text after the first space, with or without its NUL; other bootloaders
 *   hash the whole string. On PCR 12 (systemd-boot ≥ 251) the whole data.
 *   EV_IPL elsewhere (PCR 9 files, PCR 14 MOK variables) measures something not in the log.
 */
import {
  EV_ACTION,
  EV_EFI_ACTION,
  EV_EFI_GPT_EVENT,
  EV_EFI_VARIABLE_BOOT,
  EV_EFI_VARIABLE_BOOT2,
  EV_EFI_VARIABLE_DRIVER_CONFIG,
  EV_IPL,
  EV_S_CRTM_VERSION,
  EV_SEPARATOR,
} from './event-types';
import { parseUefiVariable } from './uefi-variable';

/** The byte strings the event's digests may be a hash of; undefined when not checkable. */
export function digestPreimages(pcr: number, type: number, data: Uint8Array): Uint8Array[] | undefined {
  switch (type) {
    case EV_SEPARATOR:
    case EV_ACTION:
    case EV_EFI_ACTION:
    case EV_S_CRTM_VERSION:
    case EV_EFI_GPT_EVENT:
      return [data];
    case EV_EFI_VARIABLE_DRIVER_CONFIG:
    case EV_EFI_VARIABLE_BOOT:
    case EV_EFI_VARIABLE_BOOT2: {
      const variable = parseUefiVariable(data);
      return variable === undefined ? [data] : [data, variable.value];
    }
    case EV_IPL:
      if (pcr === 12) return [data];
      if (pcr === 8) return iplStringForms(data);
      return undefined;
    default:
      return undefined;
  }
}

function iplStringForms(data: Uint8Array): Uint8Array[] {
  const forms = [data];
  const withoutNul = data.length > 0 && data[data.length - 1] === 0 ? data.subarray(0, -1) : data;
  if (withoutNul !== data) forms.push(withoutNul);
  const space = data.indexOf(0x20);
  if (space >= 0) {
    forms.push(data.subarray(space + 1));
    if (withoutNul !== data) forms.push(withoutNul.subarray(space + 1));
  }
  return forms;
}
