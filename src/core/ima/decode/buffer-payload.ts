/**
 * What the `buf` field of an ima-buf entry holds, told by the entry's event name (its `n-ng`
 * field, spaces already turned into `_` by the kernel). ima-format.md §7.3 and §8:
 *
 *   event name                        buf                                    kind
 *   kexec_load, kexec_execute         kexec record text (6.16+)              'kexec'
 *   .ima, .builtin_trusted_keys, …    DER X.509 certificate for that keyring 'certificate'
 *   dm_table_load, dm_device_resume,  device-mapper key/value records        'device-mapper'
 *     … (early dm-ima patches wrote
 *     table_load, device_resume, …)
 *   selinux-state                     `initialized=1;enforcing=0;…`          'selinux-state'
 *   selinux-policy-hash, init_module  digest of the data (buf_hash events)   'digest'
 *   kernel_version, kexec-cmdline     plain text, no NUL                     'text'
 *
 * Any other event whose bytes are printable ASCII is shown as text; a keyring name is any
 * event starting with `.` (kernel keyrings) or any buffer that parses as a certificate.
 * The payload is untrusted: every string returned is plain data for display, never markup.
 * An event that should have a known shape but does not yields 'malformed' with the reason.
 */
import { decodeText, toHex } from '../../util/bytes';
import { parseKexecRecord, type KexecSizeKey } from './kexec-record';
import { parseKeyValueRecords, type KeyValueRecord } from './key-value-records';
import { summarizeX509, type X509Summary } from './x509-summary';

export type BufferPayload =
  | {
      readonly kind: 'kexec';
      readonly event: 'kexec_load' | 'kexec_execute';
      readonly segmentSize?: number;
      readonly binarySize?: number;
      readonly count?: number;
      readonly keyName?: KexecSizeKey;
      readonly text: string;
    }
  | ({ readonly kind: 'certificate'; readonly keyring: string } & X509Summary)
  | {
      readonly kind: 'device-mapper';
      readonly event: string;
      readonly text: string;
      readonly records: readonly KeyValueRecord[];
    }
  | {
      readonly kind: 'selinux-state';
      readonly text: string;
      readonly settings: Readonly<Record<string, string>>;
    }
  | { readonly kind: 'text'; readonly event: string; readonly text: string }
  | { readonly kind: 'digest'; readonly event: string; readonly hex: string }
  | {
      readonly kind: 'malformed';
      readonly event: string;
      readonly expected: 'kexec' | 'certificate' | 'device-mapper' | 'selinux-state';
      readonly problem: string;
    };

const DEVICE_MAPPER_EVENTS = new Set([
  'dm_table_load',
  'dm_device_resume',
  'dm_device_remove',
  'dm_table_clear',
  'dm_device_rename',
  'dm_target_update',
  'table_load',
  'device_resume',
  'device_remove',
  'table_clear',
  'device_rename',
]);
const DIGEST_EVENTS = new Set(['selinux-policy-hash', 'init_module']);
const TEXT_EVENTS = new Set(['kernel_version', 'kexec-cmdline']);

/** Classifies and decodes a `buf` field; undefined when nothing is known about it. */
export function decodeBufferPayload(eventName: string, buf: Uint8Array): BufferPayload | undefined {
  if (eventName === 'kexec_load' || eventName === 'kexec_execute') {
    const text = decodeText(buf);
    const record = parseKexecRecord(text);
    if (record === undefined) {
      return malformed(eventName, 'kexec', 'no kexec_segment_size / size / count values');
    }
    return { kind: 'kexec', event: eventName, ...record, text };
  }
  if (DEVICE_MAPPER_EVENTS.has(eventName)) {
    // Real dm_table_clear records carry a run of NULs inside the text (a kernel buffer quirk).
    const text = printableText(buf, { allowNul: true });
    if (text === undefined) return malformed(eventName, 'device-mapper', 'not printable text');
    return { kind: 'device-mapper', event: eventName, text, records: parseKeyValueRecords(text) };
  }
  if (eventName === 'selinux-state') {
    const text = printableText(buf);
    if (text === undefined) return malformed(eventName, 'selinux-state', 'not printable text');
    const settings = Object.fromEntries(
      parseKeyValueRecords(text).flatMap((record) => Object.entries(record.fields)),
    );
    return { kind: 'selinux-state', text, settings };
  }
  if (DIGEST_EVENTS.has(eventName)) return { kind: 'digest', event: eventName, hex: toHex(buf) };
  if (TEXT_EVENTS.has(eventName)) return { kind: 'text', event: eventName, text: decodeText(buf) };

  const isKeyring = eventName.startsWith('.');
  if (isKeyring || buf[0] === 0x30) {
    const cert = summarizeX509(buf);
    if (cert.ok) return { kind: 'certificate', keyring: eventName, ...cert.certificate };
    if (isKeyring) {
      return malformed(eventName, 'certificate', `${cert.problem} (at byte ${cert.offset})`);
    }
  }
  const text = printableText(buf);
  return text === undefined || text === '' ? undefined : { kind: 'text', event: eventName, text };
}

function malformed(
  event: string,
  expected: 'kexec' | 'certificate' | 'device-mapper' | 'selinux-state',
  problem: string,
): BufferPayload {
  return { kind: 'malformed', event, expected, problem };
}

/** The bytes as text if they are all printable ASCII (tab, CR, LF allowed); else undefined. */
export function printableText(
  bytes: Uint8Array,
  options: { readonly allowNul?: boolean } = {},
): string | undefined {
  let s = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    const control = b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d;
    if ((control && !(b === 0 && options.allowNul === true)) || b > 0x7e) return undefined;
    s += String.fromCharCode(b);
  }
  return s;
}
