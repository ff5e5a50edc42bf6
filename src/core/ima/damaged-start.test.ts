// Damage in the first entry does not hide a list: it is recognised from the entries after
// it, the bad entry is reported at its offset, and every valid entry after it is kept.
import { beforeAll, describe, expect, it } from 'vitest';
import { createWasmHashProvider, type HashProvider } from '../hash/hash-provider';
import { classifyInput } from '../inputs/registry';
import { analyzeRaw } from '../analysis/analyze';
import type { ByteOrder } from '../model/ima-log';
import { buildImaLog } from '../testing/build-ima-log';
import { numberedFiles } from '../testing/ima-scenarios';
import { encodeText } from '../util/bytes';
import { parseImaLog } from './parse-ima-log';
import { readEntryName } from './template-digests';

let provider: HashProvider;
beforeAll(async () => {
  provider = await createWasmHashProvider();
});

function putU32(bytes: Uint8Array, at: number, value: number, order: ByteOrder): void {
  new DataView(bytes.buffer, bytes.byteOffset).setUint32(at, value, order === 'little');
}

const DAMAGE: ReadonlyArray<[string, (b: Uint8Array, D: number, order: ByteOrder) => void, RegExp]> = [
  ['PCR index 0xFFFFFFFF', (b, _D, o) => putU32(b, 0, 0xffffffff, o), /^entry at byte 0: expected a PCR index below 64 .*found 4294967295/],
  ['template-name length 0', (b, D, o) => putU32(b, 4 + D, 0, o), /^entry at byte 0: expected a template-name length of 1–255 .*found 0/],
  ['template-name length 0xFFFFFFFF', (b, D, o) => putU32(b, 4 + D, 0xffffffff, o), /found 4294967295/],
  ['a NUL in the template name', (b, D) => (b[8 + D] = 0), /^entry at byte 0: expected a printable template name, found byte 0x00/],
  ['template-data length over 16 MiB', (b, D, o) => putU32(b, 8 + D + 6, 0x7fffffff, o), /^entry at byte 0: template-data length 2147483647/],
];

describe('a binary list whose first entry is damaged', () => {
  for (const order of ['little', 'big'] as const) {
    for (const bank of ['sha1', 'sha256'] as const) {
      for (const [what, damage, message] of DAMAGE) {
        it(`${order}-endian ${bank} list, ${what}: recognised, reported at byte 0, the rest kept`, async () => {
          const built = buildImaLog(numberedFiles(5), { provider, byteOrder: order, listBank: bank });
          const bytes = built.binary.slice();
          const D = bank === 'sha1' ? 20 : 32;
          damage(bytes, D, order);
          expect(classifyInput(bytes)).toBe('ima-binary');
          const log = parseImaLog(bytes);
          expect(log.byteOrder).toBe(order);
          expect(log.digestSize).toBe(D);
          expect(Array.from({ length: log.entries.length }, (_, i) => readEntryName(log, i))).toEqual(['/usr/bin/tool1', '/usr/bin/tool2', '/usr/bin/tool3', '/usr/bin/tool4']);
          expect(log.errors.length).toBe(1);
          expect(log.errors[0].offset).toBe(0);
          expect(log.errors[0].message).toMatch(message);
          const report = (await analyzeRaw([{ name: 'list', bytes }], {}, provider)).report;
          expect(report.inputs[0].kind).toBe('ima-binary');
          expect(report.log?.entries).toBe(4);
        });
      }
    }
  }

  it('random bytes of the same size are still no list', () => {
    const noise = new Uint8Array(4096);
    let x = 2463534242;
    for (let i = 0; i < noise.length; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      noise[i] = x & 0xff;
    }
    expect(classifyInput(noise)).toBeUndefined();
  });
});

describe('an ASCII list whose first line is damaged', () => {
  it('is recognised from the lines after it; the bad line is reported at byte 0', () => {
    const built = buildImaLog(numberedFiles(4), { provider });
    const text = 'XX garbage line\n' + built.ascii.split('\n').slice(1).join('\n');
    const bytes = encodeText(text);
    expect(classifyInput(bytes)).toBe('ima-ascii');
    const log = parseImaLog(bytes);
    expect(log.entries.length).toBe(3);
    expect(log.errors).toEqual([{ offset: 0, message: expect.stringMatching(/^line 1 \(byte 0\): expected a decimal PCR index/) }]);
  });
});
