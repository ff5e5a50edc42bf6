// Content sniffing over every kind of file in shared/data: IMA lists are recognised with
// their byte order and digest size; firmware logs, quotes and PCR dumps are not.
import { describe, expect, it } from 'vitest';
import { hasSharedData, readSharedData } from '../testing/shared-data';
import { encodeText } from '../util/bytes';
import { sniffImaLog } from './sniff-ima';

const head = (...path: string[]): Uint8Array => readSharedData(...path).subarray(0, 64 * 1024);

describe.skipIf(!hasSharedData())('sniffImaLog on shared/data', () => {
  it('recognises binary lists with their framing', () => {
    expect(sniffImaLog(head('realdata', 'embrave-2023-06-26', 'binary_runtime_measurements'))).toEqual({ kind: 'ima-binary', byteOrder: 'little', digestSize: 20 });
    expect(sniffImaLog(head('realdata', 'ima-verify', '2025-03-01', 'binary_runtime_measurements_sha256'))).toEqual({ kind: 'ima-binary', byteOrder: 'little', digestSize: 32 });
    expect(sniffImaLog(head('realdata', 'ibmtss', 'sha384.log'))).toEqual({ kind: 'ima-binary', byteOrder: 'little', digestSize: 48 });
    expect(sniffImaLog(head('realdata', 'ibmtss', 'sha512.log'))).toEqual({ kind: 'ima-binary', byteOrder: 'little', digestSize: 64 });
    expect(sniffImaLog(head('realdata', 'tpm2-tss', 'sml-ima-sha1.bin'))).toEqual({ kind: 'ima-binary', byteOrder: 'little', digestSize: 20 });
    // Only a head: the first entry is cut by the head's end.
    expect(sniffImaLog(head('swtpm', 'binary_runtime_measurements').subarray(0, 60))).toEqual({ kind: 'ima-binary', byteOrder: 'little', digestSize: 20 });
    // The patched-kernel list is sniffed as a list, so that the parser can say why it refuses it.
    expect(sniffImaLog(head('realdata', 'embrave-2023-06-07', 'binary_runtime_measurements'))).toEqual({ kind: 'ima-binary', byteOrder: 'little', digestSize: 32 });
  });

  it('recognises ASCII lists with their digest size', () => {
    expect(sniffImaLog(head('realdata', 'keylime-archive', 'ascii_runtime_measurements_ima'))).toEqual({ kind: 'ima-ascii', digestSize: 20 });
    expect(sniffImaLog(head('realdata', 'ima-verify', '2025-03-01', 'ascii_runtime_measurements_sha256'))).toEqual({ kind: 'ima-ascii', digestSize: 32 });
    expect(sniffImaLog(head('realdata', 'embrave-2023-06-07', 'ascii_runtime_measurements'))).toEqual({ kind: 'ima-ascii', digestSize: 32 });
  });

  it('does not claim other files', () => {
    const others = [
      ['swtpm', 'binary_bios_measurements'],
      ['realdata', 'keylime', 'binary_bios_measurements'],
      ['realdata', 'go-attestation', 'linux_tpm12.Log.Raw.bin'],
      ['realdata', 'cmc', 'binary_bios_measurements'],
      ['swtpm', 'q1_rsassa_sha256_10.msg'],
      ['swtpm', 'q1_rsassa_sha256_10.sig'],
      ['swtpm', 'ak_rsa.pub'],
      ['swtpm', 'ak_rsa.pem'],
      ['swtpm', 'pcrread_all.yaml'],
      ['swtpm', 'evmctl_pcrs_sha1.txt'],
      ['swtpm', 'pcr0-9.values.bin'],
      ['swtpm', 'keylime_quote_string.txt'],
      ['realdata', 'keylime', 'mb_log.b64'],
      ['realdata', 'ibmtss', 'imakvtpcr10.txt'],
    ];
    for (const path of others) expect(sniffImaLog(head(...path)), path.join('/')).toBeUndefined();
  });
});

describe('sniffImaLog on small inputs', () => {
  it('is undefined for nothing, text, and random bytes', () => {
    expect(sniffImaLog(new Uint8Array(0))).toBeUndefined();
    expect(sniffImaLog(encodeText('hello world\n'))).toBeUndefined();
    expect(sniffImaLog(new Uint8Array(4096).map((_, i) => (i * 2654435761) >>> 24))).toBeUndefined();
  });
});
