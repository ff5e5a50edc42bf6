/**
 * decodeEntry over real lists read by the project's parser. Oracle: the kernel's own ASCII
 * rendering. For ASCII lists each line must be re-rendered exactly from the decoded fields;
 * for binary lists with an ASCII twin captured from the same boot, decoding binary entry i
 * must render ASCII line i.
 */
import { describe, expect, it } from 'vitest';
import type { ImaLog } from '../../model/ima-log';
import { readSharedData } from '../../testing/shared-data';
import { decodeText } from '../../util/bytes';
import { parseImaLog } from '../parse-ima-log';
import { decodeEntry, type DecodedEntry, type DecodedField } from './decode-entry';

/** One field as `ima_show_template_data_ascii` prints it. */
function asciiColumn(f: DecodedField): string {
  switch (f.kind) {
    case 'digest':
      if (f.id === 'd') return f.digest;
      if (f.algorithm === '') return '';
      return `${f.digestType === undefined ? '' : `${f.digestType}:`}${f.algorithm}:${f.digest}`;
    case 'name':
      return f.text;
    case 'signature':
    case 'buffer':
    case 'raw':
    case 'xattrvalues':
      return f.hex;
    default:
      throw new Error(`no ASCII rendering for ${f.id} in these lists`);
  }
}

function asciiLine(e: DecodedEntry): string {
  return [String(e.pcr), e.templateDigest, e.template, ...e.fields.map(asciiColumn)].join(' ');
}

function decodeAll(log: ImaLog): DecodedEntry[] {
  return Array.from({ length: log.entries.length }, (_, i) => decodeEntry(log, i));
}

function lines(...path: string[]): string[] {
  return decodeText(readSharedData(...path)).split('\n').filter((l) => l !== '');
}

describe('ASCII lists: every line re-renders from its decoded fields', () => {
  it.each([
    ['keylime-archive', 'ascii_runtime_measurements'],
    ['keylime-archive', 'ascii_runtime_measurements_ima'],
    ['keylime-tests', 'test_ima_verification-KEYRINGS.ascii'],
    ['keylime-tests', 'test_ima_verification-SIGNATURES.ascii'],
    ['keylime-tests', 'test_ima_verification-MEASUREMENTS.ascii'],
    ['keylime-tests', 'test_ima_ast-VALID_ENTRIES.ascii'],
    ['keylime-tests', 'test_ima_dm-entries.ascii'],
    ['rust-keylime', 'entry_rs-test-entries.ascii'],
    ['ima-evm-utils', 'test_ascii_runtime_measurements'],
  ])('%s/%s', (folder, file) => {
    const log = parseImaLog(readSharedData('realdata', folder, file));
    expect(log.errors).toEqual([]);
    const expected = lines('realdata', folder, file);
    const decoded = decodeAll(log);
    expect(decoded.map(asciiLine)).toEqual(expected);
    expect(decoded.flatMap((e) => e.problems)).toEqual([]);
  });

  it('the keyring, signature and device-mapper payloads are recognised', () => {
    const keyrings = decodeAll(
      parseImaLog(readSharedData('realdata', 'keylime-tests', 'test_ima_verification-KEYRINGS.ascii')),
    );
    expect(keyrings[0].fields[2]).toMatchObject({
      payload: { kind: 'certificate', keyring: '.ima', subject: 'CN=ecdsa-ca-signed-ec-key' },
    });
    const dm = decodeAll(parseImaLog(readSharedData('realdata', 'keylime-tests', 'test_ima_dm-entries.ascii')));
    expect(dm.map((e) => e.fields[2].kind === 'buffer' && e.fields[2].payload?.kind)).toEqual(
      Array(15).fill('device-mapper'),
    );
  });
});

describe('binary lists against their ASCII twin from the same boot', () => {
  it.each([
    ['embrave-2023-06-26/binary_runtime_measurements', 'embrave-2023-06-26/ascii_runtime_measurements'],
    [
      'ima-verify/2025-03-01/binary_runtime_measurements_sha256',
      'ima-verify/2025-03-01/ascii_runtime_measurements_sha256',
    ],
  ])('%s', (binary, ascii) => {
    const log = parseImaLog(readSharedData('realdata', ...binary.split('/')));
    expect(log.format).toBe('binary');
    const decoded = decodeAll(log);
    expect(decoded.map(asciiLine)).toEqual(lines('realdata', ...ascii.split('/')));
    expect(decoded.flatMap((e) => e.problems)).toEqual([]);
  });

  it('ibmtss composite list (every template) decodes without problems', () => {
    const log = parseImaLog(readSharedData('realdata', 'ibmtss', 'imatest.log'));
    const decoded = decodeAll(log);
    expect(decoded).toHaveLength(17);
    expect(decoded.flatMap((e) => e.problems)).toEqual([]);
    expect(decoded[14].fields.map((f) => f.kind)).toEqual([
      'digest',
      'name',
      'signature',
      'xattrnames',
      'xattrlengths',
      'xattrvalues',
      'integer',
      'integer',
      'integer',
    ]);
  });

  it('never throws on any IMA list in the shared data, including damaged ones', () => {
    const files = [
      'embrave-2023-06-07/binary_runtime_measurements',
      'embrave-2023-06-07/ascii_runtime_measurements',
      'tpm2-tss/sml-ima-ng-sha1.bin',
      'tpm2-tss/sml-ima-sha1.bin',
      'tpm2-tss/sml-ima-sig-sha256.bin',
      'tpm2-tss/sml-ima-sig-sha256-invalidated.bin',
      'ibmtss/sha512.log',
      'global-trust-authority/ima.bin',
    ];
    for (const file of files) {
      const log = parseImaLog(readSharedData('realdata', ...file.split('/')));
      for (const e of decodeAll(log)) expect(typeof e.templateDigest).toBe('string');
    }
  });
});
