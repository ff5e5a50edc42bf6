// Robustness of the binary list parser: chunk boundaries, every truncation point, garbage,
// impossible lengths, big-endian framing, odd templates. Entries are built here with
// node:crypto (an oracle independent of the parser's tables).
import { pseudoRandomBytes } from '../testing/xorshift';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ImaLog } from '../model/ima-log';
import { EntryFlag } from '../model/ima-log';
import { assertLogIntegrity } from '../testing/assert-log-integrity';
import { hasSharedData, readSharedData } from '../testing/shared-data';
import { summarizeLog } from '../testing/summarize-log';
import { concatBytes, encodeText, toHex } from '../util/bytes';
import { MAX_TEMPLATE_DATA } from './binary-list-parser';
import { ImaLogParser, parseImaLog } from './parse-ima-log';
import { readEntryName } from './template-digests';

type Order = 'little' | 'big';

function u32(v: number, order: Order = 'little'): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v >>> 0, order === 'little');
  return b;
}

/** `u32 len ‖ data` per field, then a full entry whose digest is sha1/sha256… of the data. */
function entry(
  template: string,
  fields: readonly Uint8Array[],
  opts: { pcr?: number; digestSize?: number; order?: Order; digest?: Uint8Array } = {},
): Uint8Array {
  const order = opts.order ?? 'little';
  const td = concatBytes(fields.flatMap((f) => [u32(f.length, order), f]));
  const alg = { 20: 'sha1', 32: 'sha256', 48: 'sha384', 64: 'sha512' }[opts.digestSize ?? 20] ?? 'sha1';
  const digest = opts.digest ?? new Uint8Array(createHash(alg).update(td).digest());
  const name = encodeText(template);
  return concatBytes([u32(opts.pcr ?? 10, order), digest, u32(name.length, order), name, u32(td.length, order), td]);
}

const cstr = (s: string): Uint8Array => concatBytes([encodeText(s), new Uint8Array(1)]);
const dng = (alg: string, digest: Uint8Array): Uint8Array => concatBytes([encodeText(`${alg}:`), new Uint8Array(1), digest]);
const sha256 = (s: string): Uint8Array => new Uint8Array(createHash('sha256').update(s).digest());

function imaNg(path: string, opts: { pcr?: number; digestSize?: number; order?: Order } = {}): Uint8Array {
  return entry('ima-ng', [dng('sha256', sha256(path)), cstr(path)], opts);
}

function parseInChunks(bytes: Uint8Array, size: number): ImaLog {
  const p = new ImaLogParser();
  for (let o = 0; o < bytes.length; o += size) p.push(bytes.subarray(o, o + size));
  return p.finish();
}

function expectSameLog(a: ImaLog, b: ImaLog): void {
  expect(summarizeLog(a)).toEqual(summarizeLog(b));
  expect(toHex(a.data)).toBe(toHex(b.data));
  for (const key of Object.keys(a.entries) as (keyof ImaLog['entries'])[]) {
    expect(a.entries[key], key).toEqual(b.entries[key]);
  }
}


const GARBAGE = encodeText('this is not an IMA entry at all, just text \x01\x02\x03');

describe('chunk boundaries', () => {
  const inputs: [string, () => Uint8Array][] = [
    ['garbage between entries', () => concatBytes([imaNg('/a'), imaNg('/b'), GARBAGE, imaNg('/c'), new Uint8Array(3)])],
    ['garbage before the first entry', () => concatBytes([GARBAGE, imaNg('/a'), imaNg('/b')])],
    ['big-endian sha256 list', () => concatBytes([imaNg('/a', { order: 'big', digestSize: 32 }), imaNg('/b', { order: 'big', digestSize: 32 })])],
  ];
  if (hasSharedData()) {
    inputs.push(
      ['ibmtss imatest.log', () => readSharedData('realdata', 'ibmtss', 'imatest.log')],
      ['tpm2-tss sml-ima-sha1.bin', () => readSharedData('realdata', 'tpm2-tss', 'sml-ima-sha1.bin')],
      ['tpm2-tss sml-ima-sig-sha256.bin', () => readSharedData('realdata', 'tpm2-tss', 'sml-ima-sig-sha256.bin')],
      ['embrave refused list (head)', () => readSharedData('realdata', 'embrave-2023-06-07', 'binary_runtime_measurements').subarray(0, 3000)],
      ['swtpm ASCII list', () => readSharedData('swtpm', 'ascii_runtime_measurements')],
      ['keylime legacy ima ASCII list', () => readSharedData('realdata', 'keylime-archive', 'ascii_runtime_measurements_ima').subarray(0, 20000)],
      ['ibmtss sha512.log', () => readSharedData('realdata', 'ibmtss', 'sha512.log').subarray(0, 30000)],
    );
  }
  for (const [name, bytes] of inputs) {
    it(`${name}: chunk sizes 1, 2, 3, 7, 64, 4096 give the same log`, () => {
      const b = bytes();
      const whole = parseImaLog(b);
      assertLogIntegrity(whole);
      for (const size of [1, 2, 3, 7, 64, 4096]) expectSameLog(parseInChunks(b, size), whole);
    });
  }
});

describe('truncation', () => {
  it('every truncation point: no throw, complete entries kept, one parse error', () => {
    const entries = [imaNg('boot_aggregate'), imaNg('/usr/bin/bash'), entry('ima', [])].slice(0, 2);
    const legacy = concatBytes([
      u32(10),
      new Uint8Array(createHash('sha1').update(concatBytes([new Uint8Array(20).fill(7), new Uint8Array(256)])).digest()),
      u32(3),
      encodeText('ima'),
      new Uint8Array(20).fill(7),
      u32(0),
    ]);
    const parts = [...entries, legacy, imaNg('/etc/ld.so.cache')];
    const list = concatBytes(parts);
    const ends: number[] = [];
    parts.reduce((end, p) => (ends.push(end + p.length), end + p.length), 0);
    for (let cut = 0; cut <= list.length; cut++) {
      const log = parseImaLog(list.subarray(0, cut));
      assertLogIntegrity(log);
      const complete = ends.filter((e) => e <= cut).length;
      expect(log.entries.length, `cut ${cut}`).toBe(complete);
      const atBoundary = cut === 0 || ends.includes(cut);
      expect(log.errors.length, `cut ${cut}`).toBe(atBoundary ? (cut === 0 ? 1 : 0) : 1);
      if (!atBoundary) {
        const start = complete === 0 ? 0 : ends[complete - 1];
        expect(log.errors[0].offset).toBe(start);
        expect(log.errors[0].message).toMatch(/truncated entry|expected an IMA entry/);
      }
    }
  });

  it.skipIf(!hasSharedData())('every truncation point of a real list (swtpm, 6 entries)', () => {
    const list = readSharedData('swtpm', 'binary_runtime_measurements');
    const full = parseImaLog(list);
    const ends = Array.from(full.entries.entryOffset, (o, i) => o + full.entries.entrySize[i]);
    for (let cut = 1; cut <= list.length; cut++) {
      const log = parseImaLog(list.subarray(0, cut));
      assertLogIntegrity(log);
      expect(log.entries.length).toBe(ends.filter((e) => e <= cut).length);
      expect(log.errors.length).toBe(ends.includes(cut) ? 0 : 1);
    }
  });
});

describe('bad input', () => {
  it('random bytes: never throws, stays consistent, finds (almost) nothing', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const bytes = pseudoRandomBytes(seed * 997, seed);
      const log = parseImaLog(bytes, { format: 'binary' });
      assertLogIntegrity(log);
      expect(log.entries.length).toBe(0);
      expect(log.errors.length).toBe(1);
      expect(log.errors[0].message).toMatch(/skipped to the end/);
    }
  });

  it('random bytes with real entries inside: the entries are found, the garbage reported', () => {
    const a = imaNg('/first');
    const b = imaNg('/second');
    const junk = pseudoRandomBytes(5000, 77);
    const list = concatBytes([a, junk, b, a]);
    const log = parseImaLog(list);
    assertLogIntegrity(log);
    expect(Array.from({ length: log.entries.length }, (_, i) => readEntryName(log, i))).toEqual(['/first', '/second', '/first']);
    expect(log.errors).toEqual([
      {
        offset: a.length,
        message: expect.stringContaining(`skipped bytes ${a.length}–${a.length + junk.length - 1} (${junk.length} bytes) to the next plausible entry at byte ${a.length + junk.length}`),
      },
    ]);
  });

  it('huge length fields are errors, never allocations; the parser resynchronises after them', () => {
    const good = imaNg('/after');
    const cases: [string, Uint8Array, RegExp][] = [
      ['L = 0xffffffff', concatBytes([u32(10), new Uint8Array(20).fill(1), u32(6), encodeText('ima-ng'), u32(0xffffffff), new Uint8Array(8)]), /template-data length 4294967295 .* over the 16 MiB limit/],
      ['L just over the limit', concatBytes([u32(10), new Uint8Array(20).fill(1), u32(6), encodeText('ima-ng'), u32(MAX_TEMPLATE_DATA + 1)]), /over the 16 MiB limit/],
      ['name length 0x7fffffff', concatBytes([u32(10), new Uint8Array(20).fill(1), u32(0x7fffffff), encodeText('ima-ng')]), /template-name length of 1–255 .* found 2147483647/],
      ['PCR 0x80000000', concatBytes([u32(0x80000000), new Uint8Array(20).fill(1), u32(6), encodeText('ima-ng')]), /PCR index below 64/],
      ['`ima` name length 1000', concatBytes([u32(10), new Uint8Array(20).fill(1), u32(3), encodeText('ima'), new Uint8Array(20), u32(1000)]), /file-name length ≤ 255/],
    ];
    for (const [what, bad, message] of cases) {
      const list = concatBytes([good, bad, good]);
      const log = parseImaLog(list);
      assertLogIntegrity(log);
      expect(log.data.length, what).toBe(list.length);
      expect(log.entries.length, what).toBe(2);
      expect(log.errors.length, what).toBe(1);
      expect(log.errors[0].offset, what).toBe(good.length);
      expect(log.errors[0].message, what).toMatch(message);
    }
    // A plausible but huge L at the very end: a truncation error, found without waiting for 16 MiB.
    const tail = concatBytes([good, u32(10), new Uint8Array(20).fill(1), u32(6), encodeText('ima-ng'), u32(MAX_TEMPLATE_DATA)]);
    const log = parseImaLog(tail);
    expect(log.entries.length).toBe(1);
    expect(log.errors[0].message).toMatch(
      new RegExp(`^truncated entry at byte ${good.length}: its template data needs ${38 + MAX_TEMPLATE_DATA} bytes`),
    );
  });

  it('reads 4 MiB of PCR-like words (the resync worst case) as one error', () => {
    // A quadratic resync would take hours here and trip the test timeout; no timed assertion
    // (a loaded machine would fail it): speed is `npm run bench`'s business.
    const words = new Uint8Array(4 * 1024 * 1024);
    for (let i = 0; i < words.length; i += 4) words[i] = 10;
    const log = parseImaLog(words, { format: 'binary' });
    expect(log.entries.length).toBe(0);
    expect(log.errors.length).toBe(1);
  });

  it('a known template whose fields do not tile is kept and flagged MalformedFields', () => {
    // ima-ng with 3 fields, and ima-ng whose second field overruns L.
    const three = entry('ima-ng', [dng('sha256', sha256('x')), cstr('/x'), new Uint8Array(4)]);
    const td = concatBytes([u32(3), encodeText('ab:'), u32(50), new Uint8Array(2)]);
    const overrun = concatBytes([u32(10), new Uint8Array(20).fill(9), u32(6), encodeText('ima-ng'), u32(td.length), td]);
    const log = parseImaLog(concatBytes([imaNg('/ok'), three, overrun, imaNg('/ok2')]));
    assertLogIntegrity(log);
    expect(log.errors).toEqual([]);
    expect(Array.from(log.entries.flags, (f) => f & EntryFlag.MalformedFields)).toEqual([0, EntryFlag.MalformedFields, EntryFlag.MalformedFields, 0]);
  });
});

describe('templates and fields', () => {
  it('an unknown template name is kept, flagged, and replayable', () => {
    const log = parseImaLog(concatBytes([imaNg('/a'), entry('ima-dep-cgn', [cstr('swapper/0'), cstr('/'), dng('sha256', sha256('a')), cstr('/lib/x')]), imaNg('/b')]));
    assertLogIntegrity(log);
    expect(log.errors).toEqual([]);
    expect(log.entries.length).toBe(3);
    expect(log.entries.flags[1] & EntryFlag.UnknownTemplate).toBe(EntryFlag.UnknownTemplate);
    expect(log.templates[log.entries.template[1]]).toEqual({ name: 'ima-dep-cgn', fields: [], known: false });
    expect(log.entries.nameLength[1]).toBe(0);
  });

  it('custom format strings are decoded by their field list, unknown ids flagged', () => {
    const uid = new Uint8Array([0xe8, 0x03, 0, 0]);
    const log = parseImaLog(concatBytes([
      entry('d-ng|n-ng|iuid', [dng('sha384', new Uint8Array(48).fill(3)), cstr('/etc/shadow'), uid]),
      entry('n-ng|foo', [cstr('/x'), new Uint8Array(2)]),
    ]));
    assertLogIntegrity(log);
    expect(log.entries.flags[0]).toBe(0);
    expect(readEntryName(log, 0)).toBe('/etc/shadow');
    expect(log.digestAlgorithms[log.entries.fileDigestAlgorithm[0]]).toBe('sha384');
    expect(log.entries.fileDigestLength[0]).toBe(48);
    expect(log.entries.flags[1]).toBe(EntryFlag.UnknownTemplate);
    expect(readEntryName(log, 1)).toBe('/x');
  });

  it('d-ngv2 prefixes keep their type; digest length comes from the field, not the algorithm', () => {
    const log = parseImaLog(concatBytes([
      entry('ima-ngv2', [dng('verity:sha256', new Uint8Array(32).fill(1)), cstr('/v')]),
      // v5.19 violation: `sha256:` with only 20 zero bytes.
      entry('ima-ng', [dng('sha256', new Uint8Array(20)), cstr('/violated')], { digest: new Uint8Array(20) }),
    ]));
    expect(log.digestAlgorithms[log.entries.fileDigestAlgorithm[0]]).toBe('verity:sha256');
    expect(log.entries.fileDigestLength[0]).toBe(32);
    expect(log.digestAlgorithms[log.entries.fileDigestAlgorithm[1]]).toBe('sha256');
    expect(log.entries.fileDigestLength[1]).toBe(20);
  });

  it('a legacy `ima` entry with a 16-byte MD5 `d` is read as such', () => {
    const d = new Uint8Array(16).fill(0xab);
    const name = encodeText('/usr/bin/md5thing');
    const digest = new Uint8Array(createHash('sha1').update(concatBytes([d, name, new Uint8Array(256 - name.length)])).digest());
    const md5 = concatBytes([u32(10), digest, u32(3), encodeText('ima'), d, u32(name.length), name]);
    const log = parseImaLog(concatBytes([md5, imaNg('/next')]));
    assertLogIntegrity(log);
    expect(log.errors).toEqual([]);
    expect(log.entries.fileDigestLength[0]).toBe(16);
    expect(log.digestAlgorithms[log.entries.fileDigestAlgorithm[0]]).toBe('md5');
    expect(readEntryName(log, 0)).toBe('/usr/bin/md5thing');
  });

  it('an HTML-looking name is plain text', () => {
    const html = '<img src=x onerror=alert(1)>';
    const log = parseImaLog(imaNg(html));
    expect(readEntryName(log, 0)).toBe(html);
    expect(summarizeLog(log).first?.name).toBe(html);
  });
});

describe('byte order and digest size from the content', () => {
  for (const digestSize of [20, 32, 48, 64]) {
    for (const order of ['little', 'big'] as const) {
      it(`${order}-endian, ${digestSize}-byte digests, PCR 0 first`, () => {
        const list = concatBytes([imaNg('/a', { order, digestSize, pcr: 0 }), imaNg('/b', { order, digestSize, pcr: 11 })]);
        const log = parseImaLog(list);
        assertLogIntegrity(log);
        expect(log.errors).toEqual([]);
        expect([log.byteOrder, log.digestSize, log.entries.length]).toEqual([order, digestSize, 2]);
        expect(Array.from(log.entries.pcr)).toEqual([0, 11]);
        expect(readEntryName(log, 1)).toBe('/b');
      });
    }
  }
});
