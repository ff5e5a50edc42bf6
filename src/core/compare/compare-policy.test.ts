/**
 * comparePolicy against Keylime's own vectors (../shared/data/policy/keylime): the classes are
 * checked (a) by a plain reading of the ASCII list and the policy JSON here, by the definition
 * in compare-policy.ts, and (b) against what Keylime's evaluator reported on the same pair
 * (expected-keylime-eval.json): a `not_in_allowlist` is a new path, a `runtime_policy_hash`
 * a changed one, and a passing case has neither.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createWasmHashProvider, type HashProvider } from '../hash/hash-provider';
import { parseImaLog } from '../ima/parse-ima-log';
import { parseRuntimePolicy } from '../policy/runtime-policy';
import { buildImaLog, type BuildEntry } from '../testing/build-ima-log';
import { platformBootEntry } from '../testing/ima-scenarios';
import { readKeylimeCases } from '../testing/keylime-vectors';
import { hasSharedData, readSharedData, readSharedText } from '../testing/shared-data';
import { encodeText, toHex } from '../util/bytes';
import { ENTRY_COMPARE_NAMES, type LogComparison } from './compare-logs';
import { comparePolicy } from './compare-policy';

const KEYLIME = ['policy', 'keylime'] as const;

function compareFiles(policyFile: readonly string[], logFile: readonly string[]): LogComparison {
  const loaded = parseRuntimePolicy(readSharedData(...policyFile));
  return comparePolicy(loaded, parseImaLog(readSharedData(...logFile), { format: 'ascii' }));
}

function classesOf(result: LogComparison): Map<string, string> {
  return new Map(result.groups.flatMap((g) => g.paths.map((p) => [p.path, p.class] as const)));
}

/**
 * The definition, over the list's text and the policy's JSON (no imascope reader involved):
 * an `ima-buf` line is looked up in `keyrings` and `ima-buf`, any other line in `digests`, so
 * a name is a different path in each of the two (keys "file\0name", "buffer\0name").
 */
function expectedFromText(policyJson: string, listText: string): { classes: Map<string, string>; excluded: number } {
  const policy = JSON.parse(policyJson) as { digests: Record<string, string[]>; keyrings?: Record<string, string[]>; 'ima-buf'?: Record<string, string[]>; excludes?: string[] };
  const known = new Map<string, string[]>();
  const lists = [['file', policy.digests], ['buffer', policy.keyrings ?? {}], ['buffer', policy['ima-buf'] ?? {}]] as const;
  for (const [kind, map] of lists) for (const [k, v] of Object.entries(map)) known.set(`${kind}\0${k}`, [...(known.get(`${kind}\0${k}`) ?? []), ...v]);
  const excludes = (policy.excludes ?? []).map((e) => new RegExp(`^(?:${e})`));
  const excluded = (key: string): boolean => excludes.some((r) => r.test(key.slice(key.indexOf('\0') + 1)));
  const measured = new Map<string, string[]>();
  let excludedEntries = 0;
  for (const line of listText.split('\n').filter((l) => l.trim() !== '')) {
    const [, , template, digest, path] = line.trim().split(/\s+/);
    const key = `${template === 'ima-buf' ? 'buffer' : 'file'}\0${path}`;
    if (excluded(key)) {
      excludedEntries++;
      continue;
    }
    measured.set(key, [...(measured.get(key) ?? []), digest.split(':')[1]]);
  }
  const classes = new Map<string, string>();
  for (const [key, digests] of measured) {
    const accepted = known.get(key);
    if (accepted === undefined) classes.set(key, 'new');
    else if (!digests.every((d) => accepted.includes(d))) classes.set(key, 'changed');
    else classes.set(key, 'same');
  }
  for (const key of known.keys()) if (!measured.has(key) && !excluded(key)) classes.set(key, 'gone');
  return { classes, excluded: excludedEntries };
}

/** The expectation as (path, class) pairs: a name both a file and a buffer record is there twice. */
function byKeyPath(classes: ReadonlyMap<string, string>): Array<readonly [string, string]> {
  return [...classes].map(([key, cls]) => [key.slice(key.indexOf('\0') + 1), cls] as const);
}

/** The same as a map, where no name is both. */
function byPath(classes: ReadonlyMap<string, string>): Map<string, string> {
  return new Map(byKeyPath(classes));
}

describe.skipIf(!hasSharedData())('comparePolicy on Keylime vectors', () => {
  const cases = readKeylimeCases().filter(
    // Policy alone decides (no keyring), and the evaluator got past the template hashes.
    (c) => c.policy !== null && c.keys === null && c.events.every((e) => e[0].startsWith('ima.validation.ima-ng.')),
  );

  it('has the cases this test relies on', () => {
    expect(cases.length).toBeGreaterThanOrEqual(4);
  });

  for (const c of cases) {
    it(`${c.log} against ${c.policy}: classes by definition and as Keylime judged`, () => {
      const policyFile = [...KEYLIME, 'policies', c.policy ?? ''];
      const logFile = [...KEYLIME, 'logs', c.log];
      const result = compareFiles(policyFile, logFile);
      const expected = expectedFromText(readSharedText(...policyFile), readSharedText(...logFile));
      const listed = classesOf(result);
      const differing = [...byPath(expected.classes)].filter(([, cls]) => cls !== 'same');
      expect(listed).toEqual(new Map(differing));
      for (const cls of ['changed', 'new', 'gone', 'same'] as const) {
        expect(result.counts[cls], cls).toBe([...expected.classes.values()].filter((v) => v === cls).length);
      }
      expect(result.counts.excluded).toBe(expected.excluded);
      // Keylime's verdict, read the other way round.
      const newPaths = [...listed].filter(([, cls]) => cls === 'new').map(([p]) => `File not found in allowlist: ${p}`);
      expect(newPaths.sort()).toEqual(c.events.filter((e) => e[0].endsWith('not_in_allowlist')).map((e) => e[1].message).sort());
      const changedDigests = result.groups.flatMap((g) => g.paths.filter((p) => p.class === 'changed').flatMap((p) => p.failing.map((d) => d.hex)));
      expect(changedDigests.sort()).toEqual(c.events.filter((e) => e[0].endsWith('runtime_policy_hash')).map((e) => String(e[1].got)).sort());
      expect(result.counts.changed + result.counts.new === 0).toBe(c.keylime_pass);
      expect(result.reference).toMatchObject({ kind: 'policy', boots: [], templates: [] });
      expect(result.divergence).toBeUndefined();
    });
  }

  it('a flat allowlist: its paths are the known set, boot_aggregate included', () => {
    const result = compareFiles([...KEYLIME, 'create-runtime-policy', 'allowlist-sha256'], [...KEYLIME, 'create-runtime-policy', 'ima-log-sha256']);
    expect(result.reference.policy?.format).toBe('allowlist');
    // The allowlist names `data` (no slash) with the digest the list measured for `/data`:
    // paths align by name, exactly as Keylime looks them up, so /data is new and data gone.
    expect(result.counts).toMatchObject({ same: 0, new: 2, changed: 0, gone: 1 });
    expect(classesOf(result)).toEqual(new Map([['boot_aggregate', 'new'], ['/data', 'new'], ['data', 'gone']]));
    const paths = result.groups.flatMap((g) => g.paths);
    expect(paths.find((p) => p.path === 'data')?.reference.map((d) => d.hex)).toEqual(paths.find((p) => p.path === '/data')?.failing.map((d) => d.hex));
    expect(result.reference.digestAlgorithms).toEqual([{ algorithm: 'sha256', entries: 1 }]);
  });

  it('an allowlist digest Keylime never matches (an algorithm prefix) is counted and said, not compared', () => {
    const loaded = parseRuntimePolicy(readSharedData(...KEYLIME, 'convert', 'ima-allowlist-short.txt'));
    const prefixed = [...loaded.policy.digests.values()].flat().filter((d) => !/^[0-9a-f]+$/.test(d)).length;
    expect(prefixed).toBeGreaterThan(0);
    const result = comparePolicy(loaded, parseImaLog(readSharedData(...KEYLIME, 'logs', 'measurements.ascii'), { format: 'ascii' }));
    expect(result.reference.unaligned).toBe(prefixed);
    expect(result.notes.join('\n')).toMatch(/not lower-case hex/);
  });

  it('a signed policy is compared by its payload, and says its signature was not checked', () => {
    const signed = compareFiles([...KEYLIME, 'policies', 'runtime-policy-test-signed.json'], [...KEYLIME, 'logs', 'measurements.ascii']);
    const plain = compareFiles([...KEYLIME, 'policies', 'runtime-policy-test.json'], [...KEYLIME, 'logs', 'measurements.ascii']);
    expect(signed.counts).toEqual(plain.counts);
    expect(signed.notes.join('\n')).toMatch(/signature is not checked/);
  });
});

describe('comparePolicy on built lists', () => {
  let provider: HashProvider;
  beforeAll(async () => {
    provider = await createWasmHashProvider();
  });
  const sha = (alg: 'sha1' | 'sha256', text: string): string => {
    const h = provider.get(alg);
    if (h === undefined) throw new Error(alg);
    return toHex(h.digest(encodeText(text)));
  };
  const file = (path: string, content = path): BuildEntry => ({ path, fileDigest: { content } });
  const policyOf = (digests: Record<string, string[]>, excludes: string[] = []): Uint8Array =>
    encodeText(JSON.stringify({ meta: { version: 1 }, digests, excludes }));

  it('a single changed binary, a new one, one gone, the boot_aggregate judged like a path', () => {
    const built = buildImaLog([platformBootEntry(provider), file('/usr/bin/a'), file('/usr/bin/b', 'b-v2'), file('/usr/bin/new')], { provider });
    const log = parseImaLog(built.binary);
    const bootHex = toHex(log.data.subarray(log.entries.fileDigestOffset[0], log.entries.fileDigestOffset[0] + log.entries.fileDigestLength[0]));
    const policy = policyOf({ boot_aggregate: [bootHex], '/usr/bin/a': [sha('sha256', '/usr/bin/a')], '/usr/bin/b': [sha('sha256', '/usr/bin/b')], '/usr/bin/old': [sha('sha256', 'x')] });
    const result = comparePolicy(parseRuntimePolicy(policy), log);
    expect(result.counts).toMatchObject({ same: 2, changed: 1, new: 1, gone: 1, incomparable: 0, excluded: 0 });
    expect(classesOf(result)).toEqual(new Map([['/usr/bin/b', 'changed'], ['/usr/bin/new', 'new'], ['/usr/bin/old', 'gone']]));
    const b = result.groups.flatMap((g) => g.paths).find((p) => p.path === '/usr/bin/b');
    expect(b?.reference).toEqual([{ algorithm: 'sha256', hex: sha('sha256', '/usr/bin/b'), count: 1 }]);
    expect(b?.failing).toEqual([{ algorithm: 'sha256', hex: sha('sha256', 'b-v2'), count: 1 }]);
    // The boot still marks the failing list's segment.
    expect(result.failing.boots.map((s) => s.index)).toEqual([0]);
  });

  it('file paths align only with `digests`, ima-buf names only with `keyrings` and `ima-buf`', () => {
    const buffer = (path: string, buf: string): BuildEntry => ({ template: 'ima-buf', path, buf });
    const built = buildImaLog(
      [
        platformBootEntry(provider),
        file('/usr/bin/a'),
        file('/usr/bin/b', 'b-v2'),
        buffer('.ima', 'key-A'), // in keyrings: same
        buffer('.builtin_trusted_keys', 'key-B2'), // keyrings lists key-B: changed
        buffer('kernel_version', '6.9.0'), // listed in digests only: new, and the digests' name gone
        buffer('dm_table', 'table'), // in ima-buf: same
        file('.ima'), // a file named like the keyring: new, whatever the keyring lists
        file('/usr/bin/dm_table', 'table'), // the ima-buf digest under a file path: new
      ],
      { provider },
    );
    const log = parseImaLog(built.binary);
    const bootHex = toHex(log.data.subarray(log.entries.fileDigestOffset[0], log.entries.fileDigestOffset[0] + log.entries.fileDigestLength[0]));
    const json = JSON.stringify({
      meta: { version: 1 },
      digests: { boot_aggregate: [bootHex], '/usr/bin/a': [sha('sha256', '/usr/bin/a')], '/usr/bin/b': [sha('sha256', '/usr/bin/b')], kernel_version: [sha('sha256', '6.9.0')] },
      keyrings: { '.ima': [sha('sha256', 'key-A')], '.builtin_trusted_keys': [sha('sha256', 'key-B')] },
      'ima-buf': { dm_table: [sha('sha256', 'table')], '.platform': [sha('sha256', 'key-C')] },
    });
    const result = comparePolicy(parseRuntimePolicy(encodeText(json)), log);
    const expected = expectedFromText(json, built.ascii);
    const count = (cls: string): number => [...expected.classes.values()].filter((v) => v === cls).length;
    expect(result.counts).toMatchObject({ same: count('same'), changed: count('changed'), new: count('new'), gone: count('gone'), incomparable: 0 });
    // The expectation as written above, lest both sides agree on something else.
    expect(result.counts).toMatchObject({ same: 4, changed: 2, new: 3, gone: 2 });
    const differing = (pairs: Iterable<readonly [string, string]>): string[] => [...pairs].filter(([, c]) => c !== 'same').map(([p, c]) => `${p} ${c}`).sort();
    expect(differing(result.groups.flatMap((g) => g.paths.map((p) => [p.path, p.class] as const)))).toEqual(differing(byKeyPath(expected.classes)));
    // Each failing entry has its own key's class (one entry per key here).
    const lines = built.ascii.split('\n').filter((l) => l.trim() !== '');
    const entryClasses = lines.map((l) => {
      const [, , template, , path] = l.trim().split(/\s+/);
      return expected.classes.get(`${template === 'ima-buf' ? 'buffer' : 'file'}\0${path}`);
    });
    expect([...result.entryClass.failing].map((c) => ENTRY_COMPARE_NAMES[c])).toEqual(entryClasses);
  });

  it('a sha1 policy against a sha256 list cannot be compared, and says why', () => {
    const log = parseImaLog(buildImaLog([file('/usr/bin/a'), file('/usr/bin/b')], { provider }).binary);
    const result = comparePolicy(parseRuntimePolicy(policyOf({ '/usr/bin/a': [sha('sha1', '/usr/bin/a')], '/usr/bin/b': [sha('sha256', '/usr/bin/b')] })), log);
    expect(result.counts).toMatchObject({ incomparable: 1, same: 1 });
    expect(result.notes.join('\n')).toMatch(/cannot be compared.*sha1.*sha256/);
  });

  it('excluded names are not compared, in the list or in the policy', () => {
    const log = parseImaLog(buildImaLog([file('/tmp/x'), file('/tmp/y'), file('/usr/bin/a')], { provider }).binary);
    const result = comparePolicy(parseRuntimePolicy(policyOf({ '/tmp/z': ['00'.repeat(32)], '/usr/bin/a': [sha('sha256', '/usr/bin/a')] }, ['/tmp/.*'])), log);
    expect(result.counts).toMatchObject({ same: 1, changed: 0, new: 0, gone: 0, excluded: 2 });
    expect(result.reference.policy).toMatchObject({ excludes: 1, excludesStatus: 'ok', excludedPaths: 1 });
    expect([...result.entryClass.failing]).toEqual([7, 7, 1]);
  });

  it('names beyond ASCII (two-, three-, four-byte UTF-8 and a lone surrogate) are laid out exactly', () => {
    const names = ['/usr/bin/é', '/opt/日本/bin', '/srv/😀/x', '/bad\ud800name'];
    const log = parseImaLog(buildImaLog(names.slice(0, 3).map((n) => file(n)), { provider }).binary);
    const digests = Object.fromEntries(names.map((n) => [n, [sha('sha256', n)]]));
    const result = comparePolicy(parseRuntimePolicy(policyOf(digests)), log);
    expect(result.counts).toMatchObject({ same: 3, gone: 1, changed: 0, new: 0 });
    // The lone surrogate is written as U+FFFD, as TextEncoder writes it.
    expect(classesOf(result)).toEqual(new Map([['/bad\ufffdname', 'gone']]));
  });
});
