import { describe, expect, it } from 'vitest';
import { readSharedData } from '../testing/shared-data';
import { decodeFirmwareEvent, type DecodedFirmwareEvent } from './decode-event';
import { parseFirmwareLog, type FirmwareEvent } from './event-log';

function decodedLog(...path: string[]): DecodedFirmwareEvent[] {
  return parseFirmwareLog(readSharedData(...path)).events.map(decodeFirmwareEvent);
}

function event(type: number, data: number[] | Uint8Array, pcr = 0): FirmwareEvent {
  return { index: 1, offset: 0, size: 0, pcr, type, typeName: '', digests: [], data: Uint8Array.from(data) };
}

const utf16 = (s: string): number[] => [...s].flatMap((c) => [c.charCodeAt(0), 0]);

describe('decodeFirmwareEvent', () => {
  it('reads the Spec ID header and StartupLocality (keylime log)', () => {
    const [spec, locality] = decodedLog('realdata', 'keylime', 'binary_bios_measurements');
    expect(spec.summary).toBe('Spec ID Event03: sha1 (20), sha256 (32)');
    expect(spec.details).toMatchObject({ specVersion: '2.0.0', uintnSize: '2 (64-bit UINTN)' });
    expect(locality).toEqual({ summary: 'StartupLocality: 3', details: { locality: '3' } });
  });

  it('reads SecureBoot as keylime’s tests assert it (enabled in -secureboot, disabled in the other)', () => {
    const state = (file: string): string | undefined =>
      decodedLog('realdata', 'keylime', file).find((d) => d.details.variable === 'SecureBoot')?.summary;
    expect(state('binary_bios_measurements-secureboot')).toBe('SecureBoot = enabled');
    expect(state('binary_bios_measurements')).toBe('SecureBoot = disabled');
  });

  it('reads boot options and BootOrder (tpm2-tools event-bootorder.bin, bytes from its golden YAML)', () => {
    const decoded = decodedLog('realdata', 'tpm2-tools', 'event-bootorder.bin');
    // VariableData 010000000200 → Boot0001, Boot0000, Boot0002.
    expect(decoded[12].summary).toBe('BootOrder = Boot0001, Boot0000, Boot0002');
    // 01000000 | 1600 | "UEFI Misc Device" | 02010c00 d041030a 00000000 (ACPI PNP0A03 uid 0) | 01010600 0006 (PCI dev 6) | 7fff0400
    expect(decoded[13].summary).toBe('Boot0001 = "UEFI Misc Device" PciRoot(0x0)/Pci(0x6,0x0)');
    expect(decoded[13].details.guid).toBe('8be4df61-93ca-11d2-aa0d-00e098032b8c (EFI_GLOBAL_VARIABLE)');
    // The GPT event names the ESP's unique GUID that the loaded image's HD() node refers to.
    expect(decoded[24].summary).toContain('3 partitions');
    expect(decoded[24].summary).toContain('c359e798-596a-42b6-b6f6-eca290429d99');
    expect(decoded[25].details.devicePath).toBe(
      'PciRoot(0x0)/Pci(0x6,0x0)/HD(15,GPT,c359e798-596a-42b6-b6f6-eca290429d99,0x2800,0x35000)/\\EFI\\BOOT\\BOOTX64.EFI',
    );
  });

  it('reads image device paths (arch-linux, as tpm2-tools prints them, in UEFI text form)', () => {
    const decoded = decodedLog('realdata', 'tpm2-tools', 'event-arch-linux.bin');
    expect(decoded[22].summary).toBe(
      'PciRoot(0x0)/Pci(0x17,0x0)/Sata(0x1,0xffff,0x0)/HD(1,GPT,1a504613-19b5-4b44-a83d-d926d40daa1c,0x800,0x80000)/\\EFI\\SYSTEMD\\SYSTEMD-BOOTX64.EFI',
    );
    expect(decoded[24].details.kind).toBe('UTF-16 string');
    expect(decoded[24].details.text).toMatch(/^initrd=\\intel-ucode\.img initrd=\\initramfs-linux-lts\.img /);
  });

  it('reads shim and GRUB events (moklisttrusted log)', () => {
    const decoded = decodedLog('realdata', 'tpm2-tools', 'event-moklisttrusted.bin');
    const summaries = decoded.map((d) => d.summary);
    expect(summaries).toContain('SbatLevel (authority) = sbat,1,2021030218');
    expect(summaries).toContain('MokListTrusted (authority) = 1');
    expect(decoded.find((d) => d.details.variable === 'SbatLevel')?.details.guid).toBe(
      '605dab50-e046-4300-abb6-3dd810dd8b23 (SHIM_LOCK_GUID)',
    );
    expect(summaries).toContain('MokListX');
    const cmdline = decoded.find((d) => d.details.kind === 'kernel command line');
    expect(cmdline?.summary).toMatch(/^kernel_cmdline: \(hd0,gpt2\)\/vmlinuz-5\.14\.0-130\.el9\.x86_64 root=UUID=/);
    const menu = decoded.find((d) => d.details.text?.startsWith('grub_cmd: menuentry UEFI Firmware Settings'));
    expect(menu?.summary).toBe('grub_cmd: menuentry UEFI Firmware Settings --id uefi-firmware { fwsetup }');
    expect(menu?.details.text).toContain('\n\t\tfwsetup\n');
  });

  it('reads db authority entries with their owner, and signature lists', () => {
    const decoded = decodedLog('realdata', 'keylime', 'binary_bios_measurements-secureboot');
    expect(decoded[27].summary).toBe(
      'db (authority) = X.509 certificate (1556 bytes), owner 77fa9abd-0359-4d32-bd60-28f4e78f784b (Microsoft signature owner)',
    );
    expect(decoded[8].summary).toBe('dbx = 371 × SHA-256 hash');
  });

  it('reads CRTM versions, firmware blobs, handoff tables and separators (H-CRTM log)', () => {
    const decoded = decodedLog('realdata', 'tpm2-tss', 'binary_measurements_hcrtm.bin');
    expect(decoded.slice(1, 4).map((d) => d.summary)).toEqual([
      'HCRTM',
      'Dhyana2.05.43.29.0003',
      'base 0x31e00000, length 0x1c0000',
    ]);
    expect(decoded[11].summary).toBe('f2fd1544-9794-4a2c-992e-e5bbcf20e394 (SMBIOS3_TABLE_GUID)');
    expect(decoded[10].summary).toBe('separator');
  });

  it('reads systemd-stub tagged events', () => {
    const decoded = decodedLog('realdata', 'tpm2-tools', 'event-sd-boot-fedora37.bin');
    expect(decoded[25].summary).toBe('tagged event 0x8f3b22ec: Linux initrd');
  });

  it('handles synthetic edge cases without throwing', () => {
    expect(decodeFirmwareEvent(event(4, [0xff, 0xff, 0xff, 0xff])).summary).toBe('separator (error: 0xFFFFFFFF)');
    expect(decodeFirmwareEvent(event(8, utf16('1.0\0'))).summary).toBe('1.0');
    expect(decodeFirmwareEvent(event(0x80000007, [])).summary).toBe('no data');
    expect(decodeFirmwareEvent(event(0xd, [0x67, 0x72, 0xc3, 0xbc, 0x6e, 0], 8)).summary).toBe('grün');
    expect(decodeFirmwareEvent(event(0x12345678, [1, 2, 3])).summary).toBe('3 bytes: 010203');
    // UEFI_VARIABLE_DATA whose lengths overrun the data, and a device path with a zero length.
    const overrun = new Uint8Array(40);
    overrun[16] = 200;
    expect(decodeFirmwareEvent(event(0x80000001, overrun)).summary).toMatch(/^40 bytes: /);
    const image = new Uint8Array(40);
    image[24] = 8;
    image.set([4, 4, 0, 0], 32);
    expect(decodeFirmwareEvent(event(0x80000003, image)).summary).toBe('…');
  });
});
