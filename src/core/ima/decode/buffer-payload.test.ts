/**
 * Oracles: the kexec record of ima-format.md §A.5, the kernel's dm-ima documentation examples,
 * and the 15 real device-mapper records captured by keylime (expected values read off the
 * decoded text by hand).
 */
import { describe, expect, it } from 'vitest';
import { readSharedText } from '../../testing/shared-data';
import { encodeText, fromHex } from '../../util/bytes';
import { decodeBufferPayload } from './buffer-payload';
import { parseKexecRecord } from './kexec-record';
import { parseKeyValueRecords } from './key-value-records';

const A5 =
  'kexec_segment_size=12288;ima_binary_runtime_size=9876;ima_runtime_measurements_count=42;';

describe('parseKexecRecord', () => {
  it('reads the 6.16 spelling (ima-format.md §A.5)', () => {
    expect(A5.length).toBe(88);
    expect(parseKexecRecord(A5)).toEqual({
      segmentSize: 12288,
      binarySize: 9876,
      count: 42,
      keyName: 'ima_binary_runtime_size',
    });
  });

  it('reads the earlier series spelling and partial records', () => {
    expect(
      parseKexecRecord(
        'kexec_segment_size=4096;ima_binary_runtime_measurements_size=2000;' +
          'ima_runtime_measurements_count=7;',
      ),
    ).toEqual({
      segmentSize: 4096,
      binarySize: 2000,
      count: 7,
      keyName: 'ima_binary_runtime_measurements_size',
    });
    expect(parseKexecRecord('ima_runtime_measurements_count=3;')).toEqual({ count: 3 });
  });

  it('ignores non-decimal values and returns undefined when nothing is known', () => {
    expect(parseKexecRecord('kexec_segment_size=0x10;ima_runtime_measurements_count=5;')).toEqual({ count: 5 });
    expect(parseKexecRecord('kexec reboot')).toBeUndefined();
    expect(parseKexecRecord('')).toBeUndefined();
    expect(parseKexecRecord('ima_binary_runtime_size=-1;')).toBeUndefined();
  });
});

describe('parseKeyValueRecords', () => {
  it('honours backslash escapes of \\ ; = , (dm-ima fix_separator_chars)', () => {
    // Kernel Documentation/admin-guide/device-mapper/dm-ima.rst, device_rename example 2.
    const records = parseKeyValueRecords(
      'name=linear1,uuid=1234-5678,major=253,minor=0,minor_count=1,num_targets=1;' +
        'new_name=linear\\=2,new_uuid=1234-5678;current_device_capacity=2;',
    );
    expect(records).toHaveLength(3);
    expect(records[1].fields).toEqual({ new_name: 'linear=2', new_uuid: '1234-5678' });
    expect(parseKeyValueRecords('name=a\\;b\\,c\\\\d,uuid=;')).toEqual([
      { fields: { name: 'a;b,c\\d', uuid: '' } },
    ]);
  });

  it('keeps keys such as __proto__ as plain data', () => {
    const [record] = parseKeyValueRecords('__proto__=x,constructor=y;');
    expect(Object.keys(record.fields)).toEqual(['__proto__', 'constructor']);
    expect(Object.getPrototypeOf(record.fields)).toBe(Object.prototype);
  });
});

describe('decodeBufferPayload', () => {
  it('kexec_load / kexec_execute', () => {
    expect(decodeBufferPayload('kexec_execute', encodeText(A5))).toEqual({
      kind: 'kexec',
      event: 'kexec_execute',
      segmentSize: 12288,
      binarySize: 9876,
      count: 42,
      keyName: 'ima_binary_runtime_size',
      text: A5,
    });
    expect(decodeBufferPayload('kexec_load', encodeText('garbage'))).toMatchObject({
      kind: 'malformed',
      expected: 'kexec',
    });
  });

  it('real keylime device-mapper records', () => {
    const lines = readSharedText('realdata', 'keylime-tests', 'test_ima_dm-entries.ascii').trim().split('\n');
    expect(lines).toHaveLength(15);
    const decoded = lines.map((line) => {
      const [, , , , event, bufHex] = line.split(' ');
      const payload = decodeBufferPayload(event, fromHex(bufHex) ?? new Uint8Array());
      if (payload?.kind !== 'device-mapper') throw new Error(`${event}: ${JSON.stringify(payload)}`);
      return payload;
    });
    const verity = decoded[0];
    expect(verity.event).toBe('dm_table_load');
    expect(verity.records.map((r) => r.fields)).toEqual([
      { dm_version: '4.45.0' },
      {
        name: 'test',
        uuid: 'CRYPT-VERITY-c76d07343d3a49b5ab01025d3b354df5-test',
        major: '253',
        minor: '0',
        minor_count: '1',
        num_targets: '1',
      },
      expect.objectContaining({
        target_name: 'verity',
        target_version: '1.8.0',
        hash_failed: 'V',
        root_digest: '6eaffe6b8b01990a1e39712657468e9b722cb64ba9942c6d586948da1bd40967',
        check_at_most_once: 'n',
      }),
    ]);
    // mirror: a key with an empty value at the end of the record.
    expect(decoded[6].records[2].fields.log_type_status).toBe('');
    // dm_device_remove: the device record is labelled device_active_metadata.
    const remove = decoded[8];
    expect(remove.event).toBe('dm_device_remove');
    expect(remove.records[1]).toEqual({
      label: 'device_active_metadata',
      fields: {
        name: 'test',
        uuid: 'CRYPT-VERITY-c76d07343d3a49b5ab01025d3b354df5-test',
        major: '253',
        minor: '0',
        minor_count: '1',
        num_targets: '1',
      },
    });
    expect(remove.records[2].fields).toEqual({
      active_table_hash: 'sha256:09e8a13203b10ce8d352aaafcdaf74986a6e2940e42c44c1a6603624135e1117',
      remove_all: 'n',
    });
    // dm_table_clear: a run of NULs (a kernel quirk) before current_device_capacity.
    expect(decoded[10].text).toContain('no_data;\0\0');
    expect(decoded[10].records.map((r) => r.fields)).toEqual([
      { dm_version: '4.45.0' },
      { name: 'test', uuid: 'CRYPT-VERITY-c76d07343d3a49b5ab01025d3b354df5-test' },
      { table_clear: 'no_data' },
      { current_device_capacity: '204808' },
    ]);
    expect(decoded[14].records[2].fields).toEqual({ new_name: 'test2', new_uuid: 'test_uuid' });
  });

  it('selinux-state, digests and text events', () => {
    const state = 'initialized=1;enforcing=0;checkreqprot=0;network_peer_controls=1;open_perms=1;';
    expect(decodeBufferPayload('selinux-state', encodeText(state))).toEqual({
      kind: 'selinux-state',
      text: state,
      settings: {
        initialized: '1',
        enforcing: '0',
        checkreqprot: '0',
        network_peer_controls: '1',
        open_perms: '1',
      },
    });
    expect(decodeBufferPayload('selinux-policy-hash', new Uint8Array([0xde, 0xad]))).toEqual({
      kind: 'digest',
      event: 'selinux-policy-hash',
      hex: 'dead',
    });
    expect(decodeBufferPayload('kernel_version', encodeText('6.17.0-rc3'))).toEqual({
      kind: 'text',
      event: 'kernel_version',
      text: '6.17.0-rc3',
    });
    expect(decodeBufferPayload('some_event', encodeText('hello'))).toMatchObject({ kind: 'text' });
    expect(decodeBufferPayload('some_event', new Uint8Array([0x00, 0xff]))).toBeUndefined();
    expect(decodeBufferPayload('some_event', new Uint8Array())).toBeUndefined();
  });

  it('keyring events: certificate or malformed with the DER reason', () => {
    const line = readSharedText('realdata', 'keylime-tests', 'test_ima_verification-KEYRINGS.ascii').trim();
    const der = fromHex(line.split(' ')[5]) ?? new Uint8Array();
    expect(decodeBufferPayload('.ima', der)).toMatchObject({
      kind: 'certificate',
      keyring: '.ima',
      subject: 'CN=ecdsa-ca-signed-ec-key',
      subjectKeyId: 'b6fb3c083d19695be441c5f59afb95742cb6058c',
    });
    // Any event whose buffer parses as a certificate is taken as a keyring measurement.
    expect(decodeBufferPayload('_ima', der)).toMatchObject({ kind: 'certificate', keyring: '_ima' });
    expect(decodeBufferPayload('.ima', der.subarray(0, 100))).toMatchObject({
      kind: 'malformed',
      expected: 'certificate',
      problem: expect.stringMatching(/exceeds .* \(at byte 0\)/),
    });
  });
});
