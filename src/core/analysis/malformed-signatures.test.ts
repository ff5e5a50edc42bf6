/**
 * Malformed IMA signatures in a log given with no key and no policy. The values are written
 * here byte by byte against the kernel's rules (ima-format.md §4.2: a `sig` field holds type
 * 0x03 or 0x06, version, hash_algo, be32 keyid, be16 sig_size, and `length − 9 == sig_size`,
 * else asymmetric_verify returns -EBADMSG), and Keylime's own BAD_SIGNATURES vector.
 */
import { describe, expect, it } from 'vitest';
import { createNobleHashProvider } from '../hash/hash-provider';
import { buildImaLog, type BuildEntry } from '../testing/build-ima-log';
import { readSharedData, readSharedText } from '../testing/shared-data';
import { scanMalformedSignatures } from '../ima-signature/entry-signatures';
import { parseImaLog } from '../ima/parse-ima-log';
import { analyzeRaw } from './analyze';
import { exitStatusOf } from './verdict';
import { decodePermalink, encodePermalink } from '../share/permalink';

const provider = createNobleHashProvider();
const KEYID = [0xf3, 0x45, 0x2d, 0x23];
const BODY = [1, 2, 3, 4];
const sig = (...bytes: number[]) => new Uint8Array(bytes);

const ENTRIES: BuildEntry[] = [
  { template: 'ima-sig', path: 'boot_aggregate' },
  // Well formed (sig_size 4, 4 bytes follow): no key here to check it, so it stays unjudged.
  { template: 'ima-sig', path: '/usr/bin/well-formed', sig: sig(0x03, 0x02, 0x04, ...KEYID, 0x00, 0x04, ...BODY) },
  // xattr type 7 is no signature type (3 EVM_IMA_XATTR_DIGSIG, 6 IMA_VERITY_DIGSIG).
  { template: 'ima-sig', path: '/usr/bin/wrong-type', sig: sig(0x07, 0x02, 0x04, ...KEYID, 0x00, 0x04, ...BODY) },
  { template: 'ima-sig', path: '/usr/bin/unsigned' },
  // Cut inside the 9-byte header.
  { template: 'ima-sig', path: '/usr/bin/truncated', sig: sig(0x03, 0x02, 0x04, 0xf3, 0x45) },
  // sig_size says 256 bytes, 4 follow.
  { template: 'ima-sig', path: '/usr/bin/bad-length', sig: sig(0x03, 0x02, 0x04, ...KEYID, 0x01, 0x00, ...BODY) },
  // hash_algo 99 is past the kernel's enum hash_algo (23 names).
  { template: 'ima-sig', path: '/usr/bin/unknown-hash', sig: sig(0x03, 0x02, 99, ...KEYID, 0x00, 0x04, ...BODY) },
];
const MALFORMED = [2, 4, 5, 6];

const built = buildImaLog(ENTRIES, { provider });
const list = { name: 'signed.bin', bytes: built.binary };

describe('malformed IMA signatures without keys or policy', () => {
  it('are counted in report.signatures, listed as malformed failures, and named in a warning (exit 0)', async () => {
    const { report } = await analyzeRaw([list], {}, provider);
    expect(report.log?.templateHash.mismatches).toEqual([]);
    expect(report.signatures).toMatchObject({ valid: 0, invalid: 0, unknownKey: 0, unsupported: 0, malformed: 4, unsigned: 2, unchecked: 1, keys: [] });
    expect(report.signatures?.failures.map((f) => [f.index, f.status])).toEqual(MALFORMED.map((i) => [i, 'malformed']));
    expect(report.signatures?.failures.map((f) => f.reason)).toEqual([
      'xattr type 7 is not a signature',
      '5 bytes, shorter than the 9-byte header',
      'sig_size says 256 bytes but 4 follow',
      'unknown hash_algo 99',
    ]);
    const found = report.findings.filter((f) => f.code === 'signature-malformed');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ severity: 'warning', entries: MALFORMED });
    expect(found[0].message).toContain('"/usr/bin/bad-length" (entry 5): sig_size says 256 bytes but 4 follow');
    expect(found[0].message).toContain('1 other signature was not checked');
    expect(exitStatusOf(report)).toBe(0);
    // The permalink carries the block, `unchecked` included.
    const decoded = await decodePermalink((await encodePermalink({ v: 1, report })).fragment);
    expect(decoded.ok && decoded.payload.report.signatures).toStrictEqual(JSON.parse(JSON.stringify(report.signatures)));
  });

  it('the same from the ASCII list the builder writes', async () => {
    const { report } = await analyzeRaw([{ name: 'signed.ascii', bytes: new TextEncoder().encode(built.ascii) }], {}, provider);
    expect(report.signatures?.failures.map((f) => f.index)).toEqual(MALFORMED);
  });

  it("Keylime's BAD_SIGNATURES vector (sig_size 0x4800): malformed, with the sizes it holds", async () => {
    const text = readSharedText('policy', 'keylime/logs/bad-signatures.ascii');
    const sigHex = text.trim().split(' ')[5];
    // The header's sig_size (bytes 7–8) against what follows the 9-byte header, read here.
    const sigSize = parseInt(sigHex.slice(14, 18), 16);
    expect(sigSize).toBe(0x4800);
    const { report } = await analyzeRaw([{ name: 'bad-signatures.ascii', bytes: readSharedData('policy', 'keylime/logs/bad-signatures.ascii') }], {}, provider);
    expect(report.signatures?.failures).toEqual([
      { index: 0, status: 'malformed', reason: `sig_size says ${sigSize} bytes but ${sigHex.length / 2 - 9} follow` },
    ]);
    expect(report.findings.map((f) => f.code)).toContain('signature-malformed');
  });

  it('nothing is said of signatures when none is malformed, and a list with no signing template is not scanned', async () => {
    const wellFormed = buildImaLog(ENTRIES.filter((_, i) => !MALFORMED.includes(i)), { provider });
    const { report } = await analyzeRaw([{ name: 'ok.bin', bytes: wellFormed.binary }], {}, provider);
    expect(report.signatures).toBeUndefined();
    expect(report.findings.map((f) => f.code)).not.toContain('signature-malformed');
    const plain = buildImaLog([{ path: '/usr/bin/a' }, { path: '/usr/bin/b' }], { provider });
    expect(scanMalformedSignatures(parseImaLog(plain.binary, { format: 'binary' }))).toBeUndefined();
  });

  it('with a key given the dry run judges them as before (signature-invalid), not twice', async () => {
    const key = { name: 'rsa2048pub.pem', bytes: readSharedData('policy', 'keylime/keys/rsa2048pub.pem') };
    const { report } = await analyzeRaw([list, key], {}, provider);
    const codes = report.findings.map((f) => f.code);
    expect(codes).not.toContain('signature-malformed');
    const invalid = report.findings.filter((f) => f.code === 'signature-invalid').flatMap((f) => f.entries ?? []);
    expect(invalid).toEqual(expect.arrayContaining(MALFORMED));
    expect(report.signatures?.malformed).toBe(4);
    expect(report.signatures?.unchecked).toBeUndefined();
  });
});

describe('well-formed signatures with nothing to check them', () => {
  it("Keylime's signatures.ascii with no key: both signed entries are said to be unchecked (info), and nothing else changes", async () => {
    const ascii = { name: 'signatures.ascii', bytes: readSharedData('policy', 'keylime', 'logs', 'signatures.ascii') };
    const { report } = await analyzeRaw([ascii], {}, provider);
    const said = report.findings.filter((f) => f.code === 'signatures-unchecked');
    expect(said).toHaveLength(1);
    expect(said[0]).toMatchObject({ severity: 'info' });
    expect(said[0].message).toMatch(/^2 entries carry IMA signatures that nothing here checked/);
    expect(report.signatures).toBeUndefined();
    expect(exitStatusOf(report)).toBe(0);
  });

  it('a list with a malformed signature says it once, in the malformed finding (which counts the unchecked ones)', async () => {
    const { report } = await analyzeRaw([list], {}, provider);
    expect(report.findings.map((f) => f.code)).not.toContain('signatures-unchecked');
  });

  it('an unsigned list says nothing of signatures', async () => {
    const unsigned = buildImaLog([{ template: 'ima-sig', path: 'boot_aggregate' }, { template: 'ima-sig', path: '/usr/bin/unsigned' }], { provider });
    const { report } = await analyzeRaw([{ name: 'unsigned.bin', bytes: unsigned.binary }], {}, provider);
    expect(report.findings.map((f) => f.code)).not.toContain('signatures-unchecked');
  });
});
