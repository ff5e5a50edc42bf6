// Template hashes against independent truth: Appendix A (verified with python hashlib), the
// swtpm per-bank values actually extended into a TPM, the ibmtss per-bank lists of one boot,
// node:crypto. Also the byte-order rules and the verification flags.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createNobleHashProvider, createWasmHashProvider } from '../hash/hash-provider';
import type { Hasher, HashProvider } from '../hash/hash-provider';
import type { HashAlgorithm } from '../hash/hash-algorithm';
import { EntryFlag, templateDataOffset, templateDataSize } from '../model/ima-log';
import type { ImaLog } from '../model/ima-log';
import { hasSharedData, readSharedData, sharedDataPath } from '../testing/shared-data';
import { concatBytes, encodeText, fromHex, toHex } from '../util/bytes';
import { parseImaLog } from './parse-ima-log';
import {
  computeTemplateDigest,
  computeTemplateDigests,
  readRecordedDigest,
  verifyTemplateHashes,
} from './template-digests';

let provider: HashProvider;
beforeAll(async () => {
  provider = await createWasmHashProvider();
});
const hasher = (alg: HashAlgorithm): Hasher => {
  const h = provider.get(alg);
  if (h === undefined) throw new Error(`no ${alg}`);
  return h;
};
const hex = (h: string): Uint8Array => fromHex(h) ?? new Uint8Array(0);
const u32 = (v: number, little = true): Uint8Array => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v, little);
  return b;
};

/** An ima-ng entry (LE) whose column holds `column` (default: sha1 of the template data). */
function imaNgEntry(alg: string, fileDigest: Uint8Array, name: string, column?: Uint8Array): Uint8Array {
  const d = concatBytes([encodeText(`${alg}:`), new Uint8Array(1), fileDigest]);
  const n = concatBytes([encodeText(name), new Uint8Array(1)]);
  const td = concatBytes([u32(d.length), d, u32(n.length), n]);
  const digest = column ?? new Uint8Array(createHash('sha1').update(td).digest());
  return concatBytes([u32(10), digest, u32(6), encodeText('ima-ng'), u32(td.length), td]);
}

describe('Appendix A', () => {
  it('A.1: sha1 and sha256 template hashes', () => {
    const log = parseImaLog(imaNgEntry('sha256', hex('a948904f2f0f479b8f8197694b30184b0d2ed1c1cd2a1ec0fb85d299a192a447'), '/usr/bin/hello'));
    expect(toHex(computeTemplateDigest(log, 0, hasher('sha1')))).toBe('5cb4d0d3e46b1d58253a04f4a734a4e9226e3910');
    expect(toHex(computeTemplateDigest(log, 0, hasher('sha256')))).toBe('307f540853298f44042608ad8f674a064f09936535402c032efa8f056ef82d96');
  });

  it('A.2: the `ima` rule is d ‖ name padded to 256, with no length words', () => {
    const log = parseImaLog(
      hex('0a000000 6366806542a9103c2ebc99e7b62a8c8e994c3839 03000000 696d61 22596363b3de40b06f981fb85d82312e8c0ed511 0e000000 2f7573722f62696e2f68656c6c6f'),
    );
    const digest = toHex(computeTemplateDigest(log, 0, hasher('sha1')));
    expect(digest).toBe('6366806542a9103c2ebc99e7b62a8c8e994c3839');
    expect(digest.startsWith('dca29b8e')).toBe(false);
    // Same in either byte order: there is no length word.
    expect(toHex(computeTemplateDigest(log, 0, hasher('sha1'), 'big'))).toBe(digest);
  });

  it('A.4: TPM-less boot_aggregate vectors', () => {
    const zeros256 = parseImaLog(imaNgEntry('sha256', new Uint8Array(32), 'boot_aggregate'));
    expect(toHex(computeTemplateDigest(zeros256, 0, hasher('sha1')))).toBe('0adefe762c149c7cec19da62f0da1297fcfbffff');
    expect(toHex(computeTemplateDigest(zeros256, 0, hasher('sha256')))).toBe('36f1cd67a730bc4137870c4d00dbc7430b51b1ebdaa130744297cf65339078a0');
    const zeros1 = parseImaLog(imaNgEntry('sha1', new Uint8Array(20), 'boot_aggregate'));
    expect(toHex(computeTemplateDigest(zeros1, 0, hasher('sha1')))).toBe('1d8d532d463c9f8c205d0df7787669a85f93e260');
  });
});

describe.skipIf(!hasSharedData())('real lists', () => {
  it('swtpm: per-bank template hashes equal the values extended into the TPM', () => {
    const extended = JSON.parse(readFileSync(sharedDataPath('swtpm', 'ima_extends.json'), 'utf8')) as [number, Record<string, string>][];
    const log = parseImaLog(readSharedData('swtpm', 'binary_runtime_measurements'));
    for (const alg of ['sha1', 'sha256', 'sha384', 'sha512'] as const) {
      const size = hasher(alg).digest(new Uint8Array(0)).length;
      const all = computeTemplateDigests(log, hasher(alg), 0, log.entries.length);
      extended.forEach(([, banks], i) => {
        if (/^f+$/.test(banks[alg])) return; // the violation: nothing was hashed
        expect(toHex(all.subarray(i * size, (i + 1) * size)), `${alg} ${i}`).toBe(banks[alg]);
      });
    }
  });

  it('ibmtss: the sha1 list recomputes the sha256/384/512 lists of the same boot', () => {
    const sha1 = parseImaLog(readSharedData('realdata', 'ibmtss', 'sha1.log'));
    for (const [alg, file] of [['sha256', 'sha256.log'], ['sha384', 'sha384.log'], ['sha512', 'sha512.log']] as const) {
      const other = parseImaLog(readSharedData('realdata', 'ibmtss', file));
      const size = other.digestSize;
      const mine = computeTemplateDigests(sha1, hasher(alg), 0, sha1.entries.length);
      for (let i = 0; i < other.entries.length; i++) {
        expect(toHex(mine.subarray(i * size, (i + 1) * size))).toBe(toHex(readRecordedDigest(other, i)));
      }
      // A slice gives the same digests.
      expect(toHex(computeTemplateDigests(sha1, hasher(alg), 100, 103))).toBe(toHex(mine.subarray(100 * size, 103 * size)));
    }
  });

  it('a tampered byte is a mismatch of that entry only', () => {
    const bytes = readSharedData('realdata', 'ibmtss', 'sha1.log').slice();
    const clean = parseImaLog(bytes);
    const at = clean.entries.nameOffset[5] + 1;
    bytes[at] ^= 0x20;
    const log = parseImaLog(bytes);
    const s = verifyTemplateHashes(log, provider);
    expect(s.mismatches).toEqual([5]);
    expect(s.checked).toBe(362);
    expect(log.entries.flags[5] & (EntryFlag.HashMismatch | EntryFlag.HashVerified)).toBe(EntryFlag.HashMismatch);
    expect(log.entries.flags[4] & EntryFlag.HashVerified).toBe(EntryFlag.HashVerified);
  });
});

describe('verifyTemplateHashes', () => {
  it('an all-zero digest is a violation, never a mismatch; flags are recomputed on each run', () => {
    const log = parseImaLog(concatBytes([
      imaNgEntry('sha256', new Uint8Array(32).fill(1), '/ok'),
      imaNgEntry('sha256', new Uint8Array(32).fill(2), '/violated', new Uint8Array(20)),
      imaNgEntry('sha256', new Uint8Array(32).fill(3), '/bad', new Uint8Array(20).fill(9)),
    ]));
    for (let run = 0; run < 2; run++) {
      const s = verifyTemplateHashes(log, provider);
      expect(s).toEqual({ digestBank: 'sha1', checked: 2, mismatches: [2], oppositeByteOrder: [], violations: [1], unchecked: [] });
      expect(Array.from(log.entries.flags)).toEqual([EntryFlag.HashVerified, EntryFlag.Violation, EntryFlag.HashMismatch]);
    }
  });

  it('tells an sm3 column from a sha256 one by hashing; without SM3 the bank is unknown', () => {
    const sm3 = (data: Uint8Array): Uint8Array => new Uint8Array(createHash('sm3').update(data).digest());
    const entries = ['/a', '/b'].map((name) => {
      const e = imaNgEntry('sm3', new Uint8Array(32).fill(5), name, new Uint8Array(32));
      const td = e.subarray(4 + 32 + 4 + 6 + 4);
      e.set(sm3(td), 4);
      return e;
    });
    const log = parseImaLog(concatBytes(entries));
    expect(log.digestSize).toBe(32);
    expect(log.digestBank).toBe('sha256');
    const s = verifyTemplateHashes(log, provider);
    expect(s.digestBank).toBe('sm3');
    expect(log.digestBank).toBe('sm3');
    expect(s.checked).toBe(2);
    expect(s.mismatches).toEqual([]);
    const noble = verifyTemplateHashes(parseImaLog(concatBytes(entries)), createNobleHashProvider());
    expect(noble.digestBank).toBeUndefined();
    expect(noble.unchecked).toEqual([0, 1]);
  });
});

// ---- byte order ------------------------------------------------------------------------

const FIELDS: Record<string, string[]> = {
  'ima-ng': ['d-ng', 'n-ng'], 'ima-ngv2': ['d-ngv2', 'n-ng'], 'ima-sig': ['d-ng', 'n-ng', 'sig'],
  'ima-sigv2': ['d-ngv2', 'n-ng', 'sig'], 'ima-buf': ['d-ng', 'n-ng', 'buf'],
  'ima-modsig': ['d-ng', 'n-ng', 'sig', 'd-modsig', 'modsig'],
  'evm-sig': ['d-ng', 'n-ng', 'evmsig', 'xattrnames', 'xattrlengths', 'xattrvalues', 'iuid', 'igid', 'imode'],
};
const swap = (b: Uint8Array, p: number, n: number): void => {
  b.subarray(p, p + n).reverse();
};

/**
 * Rewrites a little-endian list as a big-endian kernel without `ima_canonical_fmt` writes
 * it: every framing word and every numeric field in big-endian. The recorded digests stay
 * (they were computed over little-endian words), unless `rehash` recomputes them over the
 * big-endian template data, as the big-endian kernel itself would have.
 */
function toBigEndian(le: Uint8Array, D: number, rehash?: (td: Uint8Array) => Uint8Array): Uint8Array {
  const out = le.slice();
  const dv = new DataView(le.buffer, le.byteOffset, le.byteLength);
  let p = 0;
  while (p + 8 + D <= le.length) {
    const nameLen = dv.getUint32(p + 4 + D, true);
    const name = new TextDecoder().decode(le.subarray(p + 8 + D, p + 8 + D + nameLen));
    swap(out, p, 4);
    swap(out, p + 4 + D, 4);
    const q = p + 8 + D + nameLen;
    if (name === 'ima') {
      swap(out, q + 20, 4);
      p = q + 24 + dv.getUint32(q + 20, true);
      continue;
    }
    const L = dv.getUint32(q, true);
    swap(out, q, 4);
    const td = q + 4;
    const ids = FIELDS[name] ?? name.split('|');
    let f = td;
    for (let k = 0; f < td + L; k++) {
      const len = dv.getUint32(f, true);
      swap(out, f, 4);
      const id = ids[k];
      if (id === 'iuid' || id === 'igid' || id === 'imode') swap(out, f + 4, len);
      if (id === 'xattrlengths') for (let w = 0; w < len; w += 4) swap(out, f + 4 + w, 4);
      f += 4 + len;
    }
    if (rehash && !le.subarray(p + 4, p + 4 + D).every((b) => b === 0)) out.set(rehash(out.subarray(td, td + L)), p + 4);
    p = td + L;
  }
  return out;
}

describe.skipIf(!hasSharedData())('big-endian lists', () => {
  const sha1 = (data: Uint8Array): Uint8Array => new Uint8Array(createHash('sha1').update(data).digest());
  /**
   * Entries whose hash input reads the same in both orders: the legacy `ima` template (no
   * length words) and template data whose words are byte palindromes (imatest.log entry 5,
   * template `sig` with an empty field: just `u32 0`).
   */
  const orderInvariant = (log: ImaLog, le: ImaLog): number[] =>
    Array.from(log.entries.template, (t, i) => {
      const off = templateDataOffset(log, i);
      const region = (l: ImaLog): string => toHex(l.data.subarray(off, off + templateDataSize(l, i)));
      return log.templates[t].name === 'ima' || region(log) === region(le) ? i : -1;
    }).filter((i) => i >= 0);

  it('framing converted from a little-endian kernel: parsed as big, verifies only in the opposite order', () => {
    const le = readSharedData('realdata', 'ibmtss', 'imatest.log');
    const log = parseImaLog(toBigEndian(le, 20));
    const invariant = orderInvariant(log, parseImaLog(le));
    expect(invariant.length).toBe(2);
    expect(log.byteOrder).toBe('big');
    expect(log.errors).toEqual([]);
    expect(log.entries.length).toBe(17);
    const s = verifyTemplateHashes(log, provider);
    expect(s.mismatches).toEqual([]);
    expect(s.violations.length).toBe(1);
    const expectedOpposite = Array.from({ length: 17 }, (_, i) => i).filter((i) => !s.violations.includes(i) && !invariant.includes(i));
    expect(s.oppositeByteOrder).toEqual(expectedOpposite);
    for (const i of expectedOpposite) {
      expect(log.entries.flags[i] & (EntryFlag.HashVerified | EntryFlag.OppositeByteOrder)).toBe(EntryFlag.HashVerified | EntryFlag.OppositeByteOrder);
      expect(toHex(computeTemplateDigest(log, i, hasher('sha1'), 'little'))).toBe(toHex(readRecordedDigest(log, i)));
      expect(toHex(computeTemplateDigest(log, i, hasher('sha1'), 'big'))).not.toBe(toHex(readRecordedDigest(log, i)));
    }
    // computeTemplateDigests with a per-entry order reproduces the recorded column.
    const all = computeTemplateDigests(log, hasher('sha1'), 0, 17, () => 'little');
    for (const i of expectedOpposite) expect(toHex(all.subarray(i * 20, i * 20 + 20))).toBe(toHex(readRecordedDigest(log, i)));
  });

  it('written by a big-endian kernel (hashes over big-endian words): verifies only with byte order big', () => {
    for (const file of ['imatest.log', 'sha1.log']) {
      const le = readSharedData('realdata', 'ibmtss', file);
      const log = parseImaLog(toBigEndian(le, 20, sha1));
      expect(log.byteOrder).toBe('big');
      const s = verifyTemplateHashes(log, provider);
      expect(s.mismatches).toEqual([]);
      expect(s.oppositeByteOrder).toEqual([]);
      expect(s.checked).toBe(log.entries.length - s.violations.length);
      const invariant = orderInvariant(log, parseImaLog(le));
      for (let i = 0; i < log.entries.length; i++) {
        if (s.violations.includes(i) || invariant.includes(i)) continue;
        const recorded = toHex(readRecordedDigest(log, i));
        expect(toHex(computeTemplateDigest(log, i, hasher('sha1')))).toBe(recorded);
        expect(toHex(computeTemplateDigest(log, i, hasher('sha1'), 'big'))).toBe(recorded);
        expect(toHex(computeTemplateDigest(log, i, hasher('sha1'), 'little'))).not.toBe(recorded);
      }
    }
  });
});

describe('a generated list of many entries', () => {
  // Speed is measured by `npm run bench` (core.parse / core.verify), never asserted here: a
  // timed test fails on a loaded machine and passes a slow build on a fast one.
  it('parses and verifies a generated 20k-entry ima-ng list', () => {
    const parts: Uint8Array[] = [];
    for (let i = 0; i < 20_000; i++) {
      const digest = new Uint8Array(createHash('sha256').update(String(i)).digest());
      parts.push(imaNgEntry('sha256', digest, `/usr/lib/x86_64-linux-gnu/libexample-${i}.so.1.2.3`));
    }
    const log = parseImaLog(concatBytes(parts));
    const s = verifyTemplateHashes(log, provider);
    expect(log.entries.length).toBe(20_000);
    expect(s.checked).toBe(20_000);
    expect(s.mismatches).toEqual([]);
  });
});
