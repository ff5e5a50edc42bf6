/**
 * compareLogs (hash table of entry indices, a list following the reference's order, one digest
 * comparison per path, pairs only for paths measured with several digests) against a
 * straightforward reading of its definition: Maps keyed by each name's bytes, written from the
 * builder's own template fields (not our parser's columns). Randomized pairs of built lists:
 * a shared base with edits, names that collide in the name hash, `__proto__` and
 * `constructor`, paths measured several times and in several boots, violations, sha1 `ima`
 * and ima-ngv2 entries among ima-ng ones. Also read through a file-like ByteSource in small
 * chunks, the same source for both sides included, and a reference whose names and digests
 * were copied while it was parsed.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createWasmHashProvider, type HashProvider } from '../hash/hash-provider';
import { ImaLogParser, parseImaLog } from '../ima/parse-ima-log';
import { ChunkedByteSource, memoryByteSource } from '../model/byte-source';
import { buildImaLog, type BuildEntry, type BuiltLog } from '../testing/build-ima-log';
import { platformBootEntry } from '../testing/ima-scenarios';
import { decodeText, encodeText, toHex } from '../util/bytes';
import { compareLogs, ENTRY_COMPARE_NAMES, EntryCompare, listBytes, type ComparedPath, type LogComparison } from './compare-logs';
import { hashBytes } from './name-table';
import { pathGroup } from './path-groups';

let provider: HashProvider;
beforeAll(async () => {
  provider = await createWasmHashProvider();
});

let colliding: [string, string] | undefined;

/** Two names whose hashBytes are equal (found by search, so the test holds for any hash). */
function collidingNames(): [string, string] {
  colliding ??= searchCollision();
  return colliding;
}

function searchCollision(): [string, string] {
  const seen = new Map<number, string>();
  for (let k = 0; k < 2_000_000; k++) {
    const name = `/c/${k.toString(36)}`;
    const bytes = encodeText(name);
    const h = hashBytes(bytes, 0, bytes.length);
    const earlier = seen.get(h);
    if (earlier !== undefined) return [earlier, name];
    seen.set(h, name);
  }
  throw new Error('no colliding names found');
}

/** Deterministic xorshift32. */
function random(seed: number): () => number {
  let s = seed | 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 0x1_0000_0000;
  };
}

interface Plain {
  readonly boot: boolean;
  readonly violation: boolean;
  /** The name's bytes as a latin1 string: one key per distinct byte string. */
  readonly key: string;
  readonly name: Uint8Array;
  /** Normalised "algorithm:hex". */
  readonly digest: string;
}

/** The listed entries of a built list, read from its template fields. */
function plainEntries(built: BuiltLog): Plain[] {
  return built.entries
    .filter((m) => m.listed)
    .map((m) => {
      const n = m.fields.find((f) => f.id === 'n-ng' || f.id === 'n');
      const d = m.fields.find((f) => f.id === 'd-ng' || f.id === 'd-ngv2' || f.id === 'd');
      if (n === undefined || d === undefined) throw new Error('entry without n or d');
      const nul = n.data.indexOf(0);
      const name = nul < 0 ? n.data : n.data.subarray(0, nul);
      let digest: string;
      if (d.id === 'd') digest = `sha1:${toHex(d.data)}`;
      else {
        const sep = d.data.indexOf(0);
        digest = `${decodeText(d.data.subarray(0, sep - 1)).replace(/^ima:/, '')}:${toHex(d.data.subarray(sep + 1))}`;
      }
      const key = String.fromCharCode(...name);
      return { boot: key === 'boot_aggregate', violation: m.violation, key, name, digest };
    });
}

interface PlainSide {
  readonly entries: Plain[];
  /** path key → digest → count, in first-measured order. */
  readonly digests: Map<string, Map<string, number>>;
  readonly first: Map<string, number>;
}

function plainSide(built: BuiltLog): PlainSide {
  const entries = plainEntries(built);
  const digests = new Map<string, Map<string, number>>();
  const first = new Map<string, number>();
  entries.forEach((e, i) => {
    if (e.boot || e.violation) return;
    let perPath = digests.get(e.key);
    if (perPath === undefined) {
      digests.set(e.key, (perPath = new Map()));
      first.set(e.key, i);
    }
    perPath.set(e.digest, (perPath.get(e.digest) ?? 0) + 1);
  });
  return { entries, digests, first };
}

const algorithmOf = (digest: string): string => digest.slice(0, digest.indexOf(':'));

/** The comparison by definition (compare-logs.ts's file comment), as compareLogs reports it. */
function plainCompare(reference: BuiltLog, failing: BuiltLog) {
  const sides = [plainSide(reference), plainSide(failing)];
  const shared = (key: string): Set<string> => {
    const a = new Set([...(sides[0].digests.get(key)?.keys() ?? [])].map(algorithmOf));
    return new Set([...(sides[1].digests.get(key)?.keys() ?? [])].map(algorithmOf).filter((x) => a.has(x)));
  };
  const entryClass = sides.map((side, s) => {
    const other = sides[1 - s];
    return side.entries.map((e) => {
      if (e.boot) return EntryCompare.None;
      if (e.violation) return EntryCompare.Violation;
      const known = other.digests.get(e.key);
      if (known === undefined) return s === 0 ? EntryCompare.Gone : EntryCompare.New;
      if (!shared(e.key).has(algorithmOf(e.digest))) return EntryCompare.Incomparable;
      return known.has(e.digest) ? EntryCompare.Same : EntryCompare.Changed;
    });
  });
  const pathClass = new Map<string, string>();
  for (const key of new Set([...sides[0].digests.keys(), ...sides[1].digests.keys()])) {
    if (!sides[0].digests.has(key)) pathClass.set(key, 'new');
    else if (!sides[1].digests.has(key)) pathClass.set(key, 'gone');
    else if (shared(key).size === 0) pathClass.set(key, 'incomparable');
    else pathClass.set(key, sides[1].entries.some((e, i) => e.key === key && entryClass[1][i] === EntryCompare.Changed) ? 'changed' : 'same');
  }
  const counts = { changed: 0, new: 0, gone: 0, same: 0, incomparable: 0, excluded: 0 };
  for (const c of pathClass.values()) counts[c as keyof typeof counts]++;
  const nameOf = new Map<string, Uint8Array>();
  for (const side of sides) for (const e of side.entries) nameOf.set(e.key, e.name);
  const paths: Array<ComparedPath & { key: string }> = [];
  for (const [key, cls] of pathClass) {
    if (cls !== 'changed' && cls !== 'new' && cls !== 'gone') continue;
    const list = (s: number) =>
      [...(sides[s].digests.get(key) ?? [])].map(([d, count]) => ({ algorithm: algorithmOf(d), hex: d.slice(d.indexOf(':') + 1), count }));
    const r = sides[0].first.get(key);
    const f = sides[1].first.get(key);
    paths.push({
      key,
      path: decodeText(nameOf.get(key) ?? new Uint8Array()),
      class: cls,
      reference: list(0),
      failing: list(1),
      ...(r !== undefined ? { referenceEntry: r } : {}),
      ...(f !== undefined ? { failingEntry: f } : {}),
    });
  }
  let divergence: number | undefined;
  const [ra, fa] = [sides[0].entries, sides[1].entries];
  for (let i = 0; i < Math.max(ra.length, fa.length) && divergence === undefined; i++) {
    const a = ra[i];
    const b = fa[i];
    if (a === undefined || b === undefined) divergence = i;
    else if (a.key !== b.key || a.digest !== b.digest || a.violation !== b.violation) divergence = i;
  }
  return { counts, entryClass, paths, divergence };
}

/** What compareLogs lists per differing path, keyed as plainCompare keys them. */
function listedPaths(result: LogComparison): Map<string, ComparedPath> {
  const out = new Map<string, ComparedPath>();
  for (const g of result.groups) {
    expect(g.changed + g.new + g.gone).toBe(g.paths.length);
    for (const p of g.paths) {
      expect(pathGroup(p.path)).toEqual({ key: g.key, kind: g.kind });
      // Names here are valid UTF-8, so the decoded path identifies it.
      expect(out.has(p.path), `${p.path} listed twice`).toBe(false);
      out.set(p.path, p);
    }
  }
  return out;
}

function expectSameAsDefinition(result: LogComparison, reference: BuiltLog, failing: BuiltLog): void {
  const plain = plainCompare(reference, failing);
  expect(result.counts).toEqual(plain.counts);
  expect([...result.entryClass.reference].map((c) => ENTRY_COMPARE_NAMES[c])).toEqual(plain.entryClass[0].map((c) => ENTRY_COMPARE_NAMES[c]));
  expect([...result.entryClass.failing].map((c) => ENTRY_COMPARE_NAMES[c])).toEqual(plain.entryClass[1].map((c) => ENTRY_COMPARE_NAMES[c]));
  const listed = listedPaths(result);
  expect(listed.size).toBe(plain.paths.length);
  for (const { key: _key, ...expected } of plain.paths) expect(listed.get(expected.path)).toEqual(expected);
  expect(result.divergence?.index).toBe(plain.divergence);
  // Boots: each segment's classes are the tally of its entries'.
  for (const [facts, classes] of [[result.reference, plain.entryClass[0]], [result.failing, plain.entryClass[1]]] as const) {
    for (const boot of facts.boots) {
      const from = Math.max(boot.index, 0);
      const slice = classes.slice(from, from + boot.entries);
      expect(boot.classes.changed).toBe(slice.filter((c) => c === EntryCompare.Changed).length);
      expect(boot.classes.same).toBe(slice.filter((c) => c === EntryCompare.Same).length);
    }
  }
}

type Spec = { path: string; content: string; kind: 'ng' | 'ima' | 'ngv2' | 'violation' | 'boot' };

function entryOf(spec: Spec, boot: BuildEntry): BuildEntry {
  switch (spec.kind) {
    case 'boot':
      return boot;
    case 'violation':
      return { path: spec.path, violation: true };
    case 'ima':
      return { path: spec.path, template: 'ima', fileDigest: { content: spec.content } };
    case 'ngv2':
      return { path: spec.path, template: 'ima-ngv2', fileDigest: { algorithm: 'ima:sha256', content: spec.content } };
    default:
      return { path: spec.path, fileDigest: { algorithm: 'sha256', content: spec.content } };
  }
}

/** A reference list and an edited copy: changed digests, moved, dropped, repeated and new entries. */
function randomPair(seed: number, names: readonly string[]): [Spec[], Spec[]] {
  const rand = random(seed);
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const kinds: Spec['kind'][] = ['ng', 'ng', 'ng', 'ng', 'ng', 'ng', 'ima', 'ngv2', 'violation', 'boot'];
  const spec = (): Spec => ({ path: pick(names), content: `v${Math.floor(rand() * 3)}`, kind: pick(kinds) });
  const base: Spec[] = [{ path: 'boot_aggregate', content: '', kind: 'boot' }, ...Array.from({ length: 20 + Math.floor(rand() * 60) }, spec)];
  const edited: Spec[] = [];
  for (const s of base) {
    const r = rand();
    if (r < 0.08) continue; // dropped
    if (r < 0.16) edited.push({ ...s, content: `${s.content}x` }); // changed
    else if (r < 0.22) edited.push(spec()); // replaced by another
    else if (r < 0.27) edited.push(s, s); // repeated
    else edited.push(s);
    if (rand() < 0.05) edited.push(spec()); // inserted
  }
  // A block moved to the end (files measured in another order, or after a second boot).
  if (edited.length > 10 && rand() < 0.5) {
    const at = 1 + Math.floor(rand() * (edited.length - 5));
    edited.push(...edited.splice(at, 4));
  }
  return [base, edited];
}

/** `count` random pairs over `names` (seeds k · `seedStep`), each compared as by definition. */
function expectRandomPairsAsDefinition(names: readonly string[], count: number, seedStep: number): void {
  const boot = platformBootEntry(provider);
  for (let seed = 1; seed <= count; seed++) {
    const [a, b] = randomPair(seed * seedStep, names);
    const reference = buildImaLog(a.map((s) => entryOf(s, boot)), { provider, listBank: 'sha256' });
    const failing = buildImaLog(b.map((s) => entryOf(s, boot)), { provider, listBank: 'sha256' });
    const result = compareLogs(parseImaLog(reference.binary), parseImaLog(failing.binary));
    expectSameAsDefinition(result, reference, failing);
  }
}

describe('compareLogs against a plain reading of its definition', () => {
  it('randomized built pairs give the same classes, groups, counts and divergence', () => {
    const [c1, c2] = collidingNames();
    const names = [
      c1,
      c2,
      '__proto__',
      'constructor',
      'hasOwnProperty',
      '/usr/bin/__proto__',
      '/usr/lib/modules/6.8.0-49-generic/kernel/a.ko',
      '/usr/lib/modules/6.8.0-49-generic/kernel/b.ko',
      '/usr/lib/x86_64-linux-gnu/libc.so.6',
      '/etc/é/ünïcode',
      'kernel_version',
      ...Array.from({ length: 30 }, (_, k) => `/usr/bin/tool${k}`),
    ];
    expectRandomPairsAsDefinition(names, 60, 7919);
  });

  it('paths measured many times with several digests (the set of pairs) give the same comparison', () => {
    // Three names among ~80 entries: each path has dozens of entries a side, more pairs
    // than are compared one by one.
    expectRandomPairsAsDefinition(['/usr/bin/a', '/usr/bin/b', collidingNames()[0]], 8, 15485863);
  });

  it('the colliding names are told apart, and each keeps its own digests', () => {
    const [c1, c2] = collidingNames();
    const reference = buildImaLog([{ path: c1, fileDigest: { content: 'a' } }, { path: c2, fileDigest: { content: 'b' } }], { provider, listBank: 'sha256' });
    const failing = buildImaLog([{ path: c2, fileDigest: { content: 'b' } }, { path: c1, fileDigest: { content: 'changed' } }], { provider, listBank: 'sha256' });
    const result = compareLogs(parseImaLog(reference.binary), parseImaLog(failing.binary));
    expect(result.counts).toMatchObject({ same: 1, changed: 1, new: 0, gone: 0 });
    expect(result.groups.flatMap((g) => g.paths.map((p) => p.path))).toEqual([c1]);
    expectSameAsDefinition(result, reference, failing);
  });

  it('reading through a chunked file source gives the same comparison, one source for both sides too', () => {
    const boot = platformBootEntry(provider);
    const names = ['__proto__', ...Array.from({ length: 12 }, (_, k) => `/usr/lib/x86_64-linux-gnu/lib${k}.so`)];
    for (let seed = 1; seed <= 10; seed++) {
      const [a, b] = randomPair(seed * 104729, names);
      const reference = parseImaLog(buildImaLog(a.map((s) => entryOf(s, boot)), { provider, listBank: 'sha256' }).binary);
      const failing = parseImaLog(buildImaLog(b.map((s) => entryOf(s, boot)), { provider, listBank: 'sha256' }).binary);
      const chunked = (data: Uint8Array) => new ChunkedByteSource(data.length, (start, end) => data.slice(start, end), { chunkSize: 37, maxChunks: 2 });
      const inMemory = compareLogs(reference, failing);
      expect(compareLogs(reference, failing, { reference: listBytes(reference, chunked(reference.data)), failing: listBytes(failing, chunked(failing.data)) })).toEqual(inMemory);
      // A list against itself through one source: every range read twice from the same chunks.
      const self = listBytes(failing, chunked(failing.data));
      expect(compareLogs(failing, failing, { reference: self, failing: self })).toEqual(compareLogs(failing, failing, { reference: listBytes(failing, memoryByteSource(failing.data)) }));
    }
  });

  it('a reference whose names and digests were copied as it was parsed (its bytes read back) gives the same comparison', () => {
    const boot = platformBootEntry(provider);
    const names = ['__proto__', 'boot_aggregate', 'kernel_version', ...Array.from({ length: 12 }, (_, k) => `/usr/lib/x86_64-linux-gnu/lib${k}.so`)];
    for (let seed = 1; seed <= 10; seed++) {
      const [a, b] = randomPair(seed * 7919, names);
      const built = buildImaLog(a.map((s) => entryOf(s, boot)), { provider, listBank: 'sha256' });
      const failing = parseImaLog(buildImaLog(b.map((s) => entryOf(s, boot)), { provider, listBank: 'sha256' }).binary);
      const inMemory = compareLogs(parseImaLog(built.binary), failing);
      // Binary, its bytes read back from the "file" (the parser keeps none), with and without a
      // size hint (the copies grow), and ASCII (whose lines are taken back when found cut off:
      // the copies are taken back with them).
      const file = built.binary;
      const readBack = new ChunkedByteSource(file.length, (start, end) => file.slice(start, end), { chunkSize: 64, maxChunks: 2 });
      for (const [bytes, options] of [
        [file, { readBack, sizeHint: file.length }],
        [file, { readBack }],
        [encodeText(built.ascii), { sizeHint: built.ascii.length }],
      ] as const) {
        const parser = new ImaLogParser({ keepNamesAndDigests: true, ...options });
        // Small pushes: entries end across them, and a streaming parser's window moves.
        for (let o = 0; o < bytes.length; o += 53) parser.push(bytes.subarray(o, o + 53));
        const reference = parser.finish();
        const copied = parser.namesAndDigests?.columns(reference.entries);
        expect(copied?.nameOffset.length).toBe(reference.entries.length);
        expect(compareLogs(reference, failing, copied !== undefined ? { reference: copied } : {})).toEqual(inMemory);
      }
    }
  });
});
