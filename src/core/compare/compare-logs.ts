/**
 * "What changed since the machine last passed": two measurement lists aligned by path, not by
 * position. For every path, the file digests each list measured (a path may be measured
 * several times, in several boots); the path is
 *
 *   new      only the failing list measured it,
 *   gone     only the reference measured it,
 *   changed  the failing list measured a digest the reference never measured for it (what a
 *            policy made from the reference would reject),
 *   same     every digest the failing list measured for it is one the reference measured,
 *   incomparable  both measured it, but with no hash algorithm in common (a sha1 `ima` list
 *            against a sha256 `ima-ng` list): the paths align, the digests cannot be compared.
 *
 * Digests of `ima:sha256` (ima-ngv2) count as plain `sha256`; `verity:` digests stay apart.
 * boot_aggregate entries are not paths: they mark boots (reported per side, with each boot's
 * share of the classes). Violations (all-zero template digest, no real file digest) and
 * entries without a name or file digest are counted per side, never aligned.
 *
 * Pure and copy-free: names are interned straight from the logs' buffers (`ByteInterner`),
 * (path, digest) pairs are kept as slots pointing into them (`DigestPairs`), per-entry results are typed arrays, and only the paths that differ are
 * decoded into strings for the groups.
 */
import { readEntryName } from '../ima/template-digests';
import { templateFieldRange } from '../ima/template-field-range';
import { NO_DIGEST_ALGORITHM, type ImaLog, type IndexIntoEntryTable } from '../model/ima-log';
import { decodeText, encodeText, toHex } from '../util/bytes';
import type { CompiledExcludes } from '../policy/excludes';
import type { PolicyFormat } from '../policy/runtime-policy';
import { ByteInterner } from './byte-interner';
import { DigestPairs, MAX_PAIR_DIGEST, MAX_PAIR_TAGS } from './digest-pairs';
import { pathGroup, type PathGroupKind } from './path-groups';

/** What the comparison says about one entry (`LogComparison.entryClass`). */
export const EntryCompare = {
  /** boot_aggregate, or an entry without a name or file digest: not aligned. */
  None: 0,
  Same: 1,
  Changed: 2,
  New: 3,
  Gone: 4,
  Incomparable: 5,
  Violation: 6,
  /** Matched by the reference policy's excludes: Keylime never looks at its digest. */
  Excluded: 7,
} as const;
export type EntryCompareCode = (typeof EntryCompare)[keyof typeof EntryCompare];

/** The word for each EntryCompare code (the app's `data-compare`, the JSON's classes). */
export const ENTRY_COMPARE_NAMES = ['none', 'same', 'changed', 'new', 'gone', 'incomparable', 'violation', 'excluded'] as const;
export type EntryCompareName = (typeof ENTRY_COMPARE_NAMES)[number];

export type PathClass = 'changed' | 'new' | 'gone' | 'same' | 'incomparable';

export interface ClassCounts {
  changed: number;
  new: number;
  gone: number;
  same: number;
  incomparable: number;
  /** Entries (not paths) of the failing list the reference policy's excludes match; 0 against a list. */
  excluded: number;
}

export interface DigestCount {
  /** Normalised: "sha256" for both `sha256` and `ima:sha256`. */
  readonly algorithm: string;
  readonly hex: string;
  /** Times this list measured this digest for the path. */
  readonly count: number;
}

export interface ComparedPath {
  readonly path: string;
  readonly class: PathClass;
  readonly reference: readonly DigestCount[];
  readonly failing: readonly DigestCount[];
  /** First entry of the path in each list (absent where the list never measured it). */
  readonly referenceEntry?: IndexIntoEntryTable;
  readonly failingEntry?: IndexIntoEntryTable;
}

/**
 * The differing paths under one prefix. A policy update for a reviewed group is its
 * `paths` with class changed or new and their `failing` digests (accept-changes.ts).
 */
export interface CompareGroup {
  readonly key: string;
  readonly kind: PathGroupKind;
  readonly changed: number;
  readonly new: number;
  readonly gone: number;
  /** Changed, then new, then gone; by path within each. */
  readonly paths: readonly ComparedPath[];
}

export interface BootSegment {
  /** Entry of the boot_aggregate; -1 for entries before the first one. */
  readonly index: number;
  /** "sha256:hex" of the boot_aggregate, absent for the segment before the first. */
  readonly digest?: string;
  readonly entries: number;
  /** Entries of this boot per EntryCompare class. */
  readonly classes: Readonly<Record<'same' | 'changed' | 'new' | 'gone' | 'incomparable' | 'violation', number>>;
}

export interface SideFacts {
  /** A measurement list, or a Keylime runtime policy (reference only; see compare-policy). */
  readonly kind: 'list' | 'policy';
  /** Entries of a list; (path, digest) pairs of a policy. */
  readonly entries: number;
  /** Distinct aligned paths. */
  readonly paths: number;
  readonly templates: ReadonlyArray<{ readonly name: string; readonly entries: number }>;
  /** Entries per normalised file-digest algorithm. */
  readonly digestAlgorithms: ReadonlyArray<{ readonly algorithm: string; readonly entries: number }>;
  /** Template-digest column size of the list (20: sha1 / legacy list, 32: sha256 …). */
  readonly templateDigestSize: number;
  readonly boots: readonly BootSegment[];
  /** `kernel_version` ima-buf records: the running kernel's release, as measured. */
  readonly kernelVersions: ReadonlyArray<{ readonly index: number; readonly version: string }>;
  readonly violations: number;
  /** Entries with no name or no file digest; policy digests that are not lower-case hex. */
  readonly unaligned: number;
  readonly parseErrors: number;
  /** For a policy reference: its form and excludes. */
  readonly policy?: PolicyFacts;
}

export interface PolicyFacts {
  readonly format: PolicyFormat;
  readonly excludes: number;
  /** How the excludes could be applied (excludes.ts): `inexact` / `ignored` apply none. */
  readonly excludesStatus: CompiledExcludes['status'];
  /** Policy paths its own excludes match (their digests never count). */
  readonly excludedPaths: number;
}

export interface DivergedEntry {
  readonly path: string;
  /** "algorithm:hex", or "violation". */
  readonly digest: string;
}

/** The first position where the two lists stop measuring the same thing in the same order. */
export interface Divergence {
  readonly index: IndexIntoEntryTable;
  /** Absent when that list ends there. */
  readonly reference?: DivergedEntry;
  readonly failing?: DivergedEntry;
}

export interface LogComparison {
  /** Counts of paths (CONTRACT §5.2: changed, new, gone, same at the JSON's top level). */
  readonly counts: ClassCounts;
  readonly reference: SideFacts;
  readonly failing: SideFacts;
  /** Most changed + new first, then most gone, then by key. */
  readonly groups: readonly CompareGroup[];
  /** Absent when the lists are the same entries in the same order. */
  readonly divergence?: Divergence;
  /** What could not be compared, in words. */
  readonly notes: readonly string[];
  /** EntryCompare code of every entry of each list (for the app's column; not in the JSON). */
  readonly entryClass: { readonly reference: Uint8Array; readonly failing: Uint8Array };
}

const BOOT_AGGREGATE = encodeText('boot_aggregate');
const KERNEL_VERSION = encodeText('kernel_version');
/** Both marker names are 14 bytes: names of any other length are never compared. */
const MARKER_LENGTH = 14;
const REF = 0;
const FAIL = 1;
const MAX_ALGORITHMS = MAX_PAIR_TAGS;

/**
 * What one pass over a side learns per entry: interned path and digest, and its kind. For a
 * policy reference (compare-policy.ts) an "entry" is one (path, accepted digest) pair and
 * there is no log.
 */
export interface SideScan {
  readonly log?: ImaLog;
  readonly path: Int32Array;
  /** The entry's (path, digest) slot in DigestPairs; -1 when not aligned. */
  readonly pair: Int32Array;
  /** Bit of the digest's algorithm (1 << algorithm id); 0 when not aligned. */
  readonly algorithmBit: Uint16Array;
  readonly entryClass: Uint8Array;
  readonly bootStarts: number[];
  readonly kernelVersions: Array<{ index: number; version: string }>;
  readonly algorithmEntries: Uint32Array;
  violations: number;
  unaligned: number;
  /** Entries the reference policy's excludes match (EntryCompare.Excluded). */
  excluded: number;
}

/** The tables both sides are interned into: source REF is the reference's buffer. */
export interface CompareTables {
  readonly paths: ByteInterner;
  readonly pairs: DigestPairs;
  readonly algorithms: AlgorithmNames;
}

export function compareTables(reference: Uint8Array, failing: Uint8Array, entries: number): CompareTables {
  return {
    paths: new ByteInterner([reference, failing], entries / 2),
    pairs: new DigestPairs([reference, failing], entries),
    algorithms: new AlgorithmNames(),
  };
}

export function compareLogs(reference: ImaLog, failing: ImaLog): LogComparison {
  const tables = compareTables(reference.data, failing.data, reference.entries.length + failing.entries.length);
  const ref = scanSide(reference, REF, tables);
  const fail = scanSide(failing, FAIL, tables);
  return compareScans(ref, fail, tables, { reference: sideFacts(ref, tables.algorithms), notes: [] });
}

/**
 * The comparison of two scanned sides. `extra`: the reference's facts (a list's or a
 * policy's) and what the caller has to say about it; a policy has no order, so no divergence.
 */
export function compareScans(
  ref: SideScan,
  fail: SideScan,
  tables: CompareTables,
  extra: { readonly reference: (pathCount: Uint32Array) => SideFacts; readonly notes: readonly string[] },
): LogComparison {
  const { paths, pairs, algorithms } = tables;
  const pathCount = paths.size;
  const count = [new Uint32Array(pathCount), new Uint32Array(pathCount)];
  const masks = [new Uint16Array(pathCount), new Uint16Array(pathCount)];
  const first = [new Int32Array(pathCount).fill(-1), new Int32Array(pathCount).fill(-1)];
  tallyPaths(ref, count[REF], masks[REF], first[REF]);
  tallyPaths(fail, count[FAIL], masks[FAIL], first[FAIL]);

  classifyEntries(ref, FAIL, count, masks, pairs, EntryCompare.Gone);
  classifyEntries(fail, REF, count, masks, pairs, EntryCompare.New);

  // A path's class follows from its entries': changed if any failing entry is.
  const pathClass = new Uint8Array(pathCount);
  for (let p = 0; p < pathCount; p++) {
    if (count[REF][p] === 0) pathClass[p] = EntryCompare.New;
    else if (count[FAIL][p] === 0) pathClass[p] = EntryCompare.Gone;
    else if ((masks[REF][p] & masks[FAIL][p]) === 0) pathClass[p] = EntryCompare.Incomparable;
    else pathClass[p] = EntryCompare.Same;
  }
  for (let i = 0; i < fail.path.length; i++) {
    if (fail.entryClass[i] === EntryCompare.Changed) pathClass[fail.path[i]] = EntryCompare.Changed;
  }
  const counts: ClassCounts = { changed: 0, new: 0, gone: 0, same: 0, incomparable: 0, excluded: fail.excluded };
  for (let p = 0; p < pathCount; p++) counts[ENTRY_COMPARE_NAMES[pathClass[p]] as PathClass]++;

  const divergence = ref.log === undefined ? undefined : findDivergence(ref, fail, paths, pairs, algorithms);
  return {
    counts,
    reference: extra.reference(count[REF]),
    failing: sideFacts(fail, algorithms)(count[FAIL]),
    groups: buildGroups(ref, fail, pathClass, first, paths, pairs, algorithms),
    ...(divergence !== undefined ? { divergence } : {}),
    notes: [...extra.notes, ...comparabilityNotes(ref, fail, counts, algorithms)],
    entryClass: { reference: ref.entryClass, failing: fail.entryClass },
  };
}

/** Per path of one list: entries, algorithms measured (bits), first entry. */
function tallyPaths(side: SideScan, count: Uint32Array, mask: Uint16Array, first: Int32Array): void {
  const path = side.path;
  const bits = side.algorithmBit;
  for (let i = 0; i < path.length; i++) {
    const p = path[i];
    if (p < 0) continue;
    if (count[p]++ === 0) first[p] = i;
    mask[p] |= bits[i];
  }
}

/** Small ids for normalised algorithm names (at most 16; more share the last bit). */
export class AlgorithmNames {
  readonly names: string[] = [];
  private readonly ids = new Map<string, number>();

  id(raw: string): number {
    const name = raw.startsWith('ima:') ? raw.slice(4) : raw;
    let id = this.ids.get(name);
    if (id === undefined) {
      id = Math.min(this.names.length, MAX_ALGORITHMS - 1);
      if (this.names.length < MAX_ALGORITHMS) this.names.push(name);
      this.ids.set(name, id);
    }
    return id;
  }
}

/**
 * `options` for a failing list judged against a policy: boot_aggregate is then a path like any
 * other (Keylime looks it up in `digests`), and names `excluded` matches are not aligned.
 */
export function scanSide(
  log: ImaLog,
  source: number,
  { paths, pairs, algorithms }: CompareTables,
  options: { readonly alignBootAggregate?: boolean; readonly excluded?: (name: Uint8Array) => boolean } = {},
): SideScan {
  const e = log.entries;
  const n = e.length;
  const data = log.data;
  const side: SideScan = {
    log,
    path: new Int32Array(n).fill(-1),
    pair: new Int32Array(n).fill(-1),
    algorithmBit: new Uint16Array(n),
    entryClass: new Uint8Array(n),
    bootStarts: [],
    kernelVersions: [],
    algorithmEntries: new Uint32Array(MAX_ALGORITHMS),
    violations: 0,
    unaligned: 0,
    excluded: 0,
  };
  const algorithmOf = log.digestAlgorithms.map((name) => algorithms.id(name));
  for (let i = 0; i < n; i++) {
    const nameOffset = e.nameOffset[i];
    const nameLength = e.nameLength[i];
    if (nameLength === MARKER_LENGTH) {
      if (bytesAt(data, nameOffset, BOOT_AGGREGATE)) {
        side.bootStarts.push(i);
        if (options.alignBootAggregate !== true) continue;
      }
      if (bytesAt(data, nameOffset, KERNEL_VERSION)) side.kernelVersions.push({ index: i, version: kernelVersionOf(log, i) });
    }
    if (isViolation(log, i)) {
      side.entryClass[i] = EntryCompare.Violation;
      side.violations++;
      continue;
    }
    const algorithm = e.fileDigestAlgorithm[i];
    const digestLength = e.fileDigestLength[i];
    if (nameLength === 0 || algorithm === NO_DIGEST_ALGORITHM || digestLength === 0 || digestLength > MAX_PAIR_DIGEST) {
      side.unaligned++;
      continue;
    }
    if (options.excluded?.(data.subarray(nameOffset, nameOffset + nameLength)) === true) {
      side.entryClass[i] = EntryCompare.Excluded;
      side.excluded++;
      continue;
    }
    const a = algorithmOf[algorithm];
    const p = paths.intern(source, nameOffset, nameLength);
    side.path[i] = p;
    side.pair[i] = pairs.add(p, source, e.fileDigestOffset[i], digestLength, a, 1 << source);
    side.algorithmBit[i] = 1 << a;
    side.algorithmEntries[a]++;
  }
  return side;
}

function bytesAt(data: Uint8Array, offset: number, expected: Uint8Array): boolean {
  for (let k = 0; k < expected.length; k++) if (data[offset + k] !== expected[k]) return false;
  return true;
}

/** An all-zero template digest: the kernel's mark of a measurement violation. */
function isViolation(log: ImaLog, i: IndexIntoEntryTable): boolean {
  const start = log.entries.entryOffset[i] + 4;
  for (let o = start, end = start + log.digestSize; o < end; o++) if (log.data[o] !== 0) return false;
  return true;
}

/** The `buf` text of a kernel_version record; its digest when the template has no buf. */
function kernelVersionOf(log: ImaLog, i: IndexIntoEntryTable): string {
  const t = log.templates[log.entries.template[i]];
  const range = t.name === 'ima' ? undefined : templateFieldRange(log, i, t.fields.indexOf('buf'));
  if (range !== undefined) return decodeText(log.data.subarray(range.offset, range.offset + range.length));
  const o = log.entries.fileDigestOffset[i];
  return `(no buf field; digest ${toHex(log.data.subarray(o, o + log.entries.fileDigestLength[i]))})`;
}

/** Sets the EntryCompare code of every aligned entry of `side` against the `other` list. */
function classifyEntries(
  side: SideScan,
  other: number,
  count: readonly Uint32Array[],
  masks: readonly Uint16Array[],
  pairs: DigestPairs,
  onlyHere: EntryCompareCode,
): void {
  const otherCount = count[other];
  const shared = (p: number): number => masks[REF][p] & masks[FAIL][p];
  const otherBit = 1 << other;
  for (let i = 0; i < side.path.length; i++) {
    const p = side.path[i];
    if (p < 0) continue;
    if (otherCount[p] === 0) side.entryClass[i] = onlyHere;
    else if ((shared(p) & side.algorithmBit[i]) === 0) side.entryClass[i] = EntryCompare.Incomparable;
    else if ((pairs.bits(side.pair[i]) & otherBit) !== 0) side.entryClass[i] = EntryCompare.Same;
    else side.entryClass[i] = EntryCompare.Changed;
  }
}

/** The facts of a list's side, once its paths are tallied. */
function sideFacts(side: SideScan, algorithms: AlgorithmNames): (pathCount: Uint32Array) => SideFacts {
  return (pathCount) => listFacts(side, pathCount, algorithms);
}

function listFacts(side: SideScan, pathCount: Uint32Array, algorithms: AlgorithmNames): SideFacts {
  const log = side.log;
  if (log === undefined) throw new Error('listFacts: a side without a log');
  const templateCounts = new Uint32Array(log.templates.length);
  for (let i = 0; i < log.entries.length; i++) templateCounts[log.entries.template[i]]++;
  let paths = 0;
  for (let p = 0; p < pathCount.length; p++) if (pathCount[p] > 0) paths++;
  return {
    kind: 'list',
    entries: log.entries.length,
    paths,
    templates: log.templates
      .map((t, i) => ({ name: t.name, entries: templateCounts[i] }))
      .filter((t) => t.entries > 0),
    digestAlgorithms: algorithms.names
      .map((algorithm, a) => ({ algorithm, entries: side.algorithmEntries[a] }))
      .filter((a) => a.entries > 0),
    templateDigestSize: log.digestSize,
    boots: bootSegments(side, log),
    kernelVersions: side.kernelVersions,
    violations: side.violations,
    unaligned: side.unaligned,
    parseErrors: log.errors.length,
  };
}

function bootSegments(side: SideScan, log: ImaLog): BootSegment[] {
  const n = log.entries.length;
  const starts = side.bootStarts[0] === 0 ? side.bootStarts : [-1, ...side.bootStarts];
  return starts.map((start, b) => {
    const end = b + 1 < starts.length ? starts[b + 1] : n;
    const tally = new Uint32Array(ENTRY_COMPARE_NAMES.length);
    for (let i = Math.max(start, 0); i < end; i++) tally[side.entryClass[i]]++;
    const segment: BootSegment = {
      index: start,
      entries: end - Math.max(start, 0),
      classes: {
        same: tally[EntryCompare.Same],
        changed: tally[EntryCompare.Changed],
        new: tally[EntryCompare.New],
        gone: tally[EntryCompare.Gone],
        incomparable: tally[EntryCompare.Incomparable],
        violation: tally[EntryCompare.Violation],
      },
    };
    return start < 0 ? segment : { ...segment, digest: bootDigest(log, start) };
  });
}

function bootDigest(log: ImaLog, i: IndexIntoEntryTable): string {
  const e = log.entries;
  const o = e.fileDigestOffset[i];
  const algorithm = log.digestAlgorithms[e.fileDigestAlgorithm[i]] ?? 'unknown';
  return `${algorithm}:${toHex(log.data.subarray(o, o + e.fileDigestLength[i]))}`;
}

/** Gathers, for the paths that differ only, their digests per side, then files them in groups. */
function buildGroups(
  ref: SideScan,
  fail: SideScan,
  pathClass: Uint8Array,
  first: readonly Int32Array[],
  paths: ByteInterner,
  pairs: DigestPairs,
  algorithms: AlgorithmNames,
): CompareGroup[] {
  const differs = (p: number): boolean => {
    const c = pathClass[p];
    return c === EntryCompare.Changed || c === EntryCompare.New || c === EntryCompare.Gone;
  };
  // path id → pair slot → count, per side; only for differing paths.
  const tallies = [new Map<number, Map<number, number>>(), new Map<number, Map<number, number>>()];
  [ref, fail].forEach((side, s) => {
    for (let i = 0; i < side.path.length; i++) {
      const p = side.path[i];
      if (p < 0 || !differs(p)) continue;
      let perPath = tallies[s].get(p);
      if (perPath === undefined) tallies[s].set(p, (perPath = new Map()));
      perPath.set(side.pair[i], (perPath.get(side.pair[i]) ?? 0) + 1);
    }
  });
  const digestList = (perPath: Map<number, number> | undefined): DigestCount[] =>
    [...(perPath ?? [])].map(([d, c]) => ({
      algorithm: algorithms.names[pairs.tag(d)],
      hex: toHex(pairs.digest(d)),
      count: c,
    }));
  interface Building {
    kind: PathGroupKind;
    changed: number;
    new: number;
    gone: number;
    paths: ComparedPath[];
  }
  const groups = new Map<string, Building>();
  for (let p = 0; p < pathClass.length; p++) {
    if (!differs(p)) continue;
    const path = decodeText(paths.bytes(p));
    const { key, kind } = pathGroup(path);
    let group = groups.get(key);
    if (group === undefined) groups.set(key, (group = { kind, changed: 0, new: 0, gone: 0, paths: [] }));
    const cls = ENTRY_COMPARE_NAMES[pathClass[p]] as 'changed' | 'new' | 'gone';
    group[cls]++;
    const compared: ComparedPath = {
      path,
      class: cls,
      reference: digestList(tallies[REF].get(p)),
      failing: digestList(tallies[FAIL].get(p)),
      ...(first[REF][p] >= 0 ? { referenceEntry: first[REF][p] } : {}),
      ...(first[FAIL][p] >= 0 ? { failingEntry: first[FAIL][p] } : {}),
    };
    group.paths.push(compared);
  }
  // What can fail attestation (changed, new) ranks before what only went unmeasured (gone).
  return [...groups]
    .map(([key, g]) => ({ key, ...g, paths: g.paths.sort(byClassThenPath) }))
    .sort((a, b) => b.changed + b.new - (a.changed + a.new) || b.gone - a.gone || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

const CLASS_RANK: ReadonlyMap<PathClass, number> = new Map<PathClass, number>([
  ['changed', 0],
  ['new', 1],
  ['gone', 2],
]);

function byClassThenPath(a: ComparedPath, b: ComparedPath): number {
  return (CLASS_RANK.get(a.class) ?? 3) - (CLASS_RANK.get(b.class) ?? 3) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
}

function findDivergence(
  ref: SideScan,
  fail: SideScan,
  paths: ByteInterner,
  pairs: DigestPairs,
  algorithms: AlgorithmNames,
): Divergence | undefined {
  const nr = ref.path.length;
  const nf = fail.path.length;
  // Entries agree when they name the same path with the same digest; boot_aggregates (path -1)
  // agree when their digests do, violations when their names do.
  const key = (side: SideScan, i: number): string => describeEntry(side, i, paths, pairs, algorithms);
  for (let i = 0; i < Math.min(nr, nf); i++) {
    const sameEntry =
      ref.path[i] >= 0 || fail.path[i] >= 0
        ? ref.pair[i] === fail.pair[i]
        : key(ref, i) === key(fail, i);
    if (!sameEntry) return divergedAt(i);
  }
  return nr === nf ? undefined : divergedAt(Math.min(nr, nf));

  function divergedAt(i: number): Divergence {
    const entry = (side: SideScan): DivergedEntry | undefined => {
      if (i >= side.path.length) return undefined;
      const full = describeEntry(side, i, paths, pairs, algorithms);
      const tab = full.indexOf('\t');
      return { path: full.slice(0, tab), digest: full.slice(tab + 1) };
    };
    const r = entry(ref);
    const f = entry(fail);
    return { index: i, ...(r ? { reference: r } : {}), ...(f ? { failing: f } : {}) };
  }
}

/** "path\tdigest" of one entry, for entries the interned ids do not cover. */
function describeEntry(
  side: SideScan,
  i: number,
  paths: ByteInterner,
  pairs: DigestPairs,
  algorithms: AlgorithmNames,
): string {
  const p = side.path[i];
  if (p >= 0) {
    const d = side.pair[i];
    return `${decodeText(paths.bytes(p))}\t${algorithms.names[pairs.tag(d)]}:${toHex(pairs.digest(d))}`;
  }
  const log = side.log;
  if (log === undefined) return '(policy)\t';
  const e = log.entries;
  const name = readEntryName(log, i);
  if (side.entryClass[i] === EntryCompare.Violation) return `${name}\tviolation`;
  return `${name}\t${e.fileDigestLength[i] > 0 ? bootDigest(log, i) : '(no file digest)'}`;
}

function comparabilityNotes(ref: SideScan, fail: SideScan, counts: ClassCounts, algorithms: AlgorithmNames): string[] {
  const notes: string[] = [];
  const used = (side: SideScan): string[] => algorithms.names.filter((_, a) => side.algorithmEntries[a] > 0);
  const r = used(ref);
  const f = used(fail);
  const shared = r.filter((a) => f.includes(a));
  if (counts.incomparable > 0) {
    notes.push(
      `${counts.incomparable} paths measured in both lists cannot be compared: the reference's file digests are ${r.join(', ') || 'none'}, the failing list's ${f.join(', ') || 'none'}` +
        (shared.length > 0 ? ` (only ${shared.join(', ')} is in both)` : ' (no algorithm in common)'),
    );
  }
  for (const [label, side] of [['reference', ref], ['failing list', fail]] as const) {
    if (side.violations > 0) notes.push(`the ${label} has ${side.violations} violations (no file digest to compare)`);
    // A policy's unreadable digests are its own note (compare-policy).
    if (side.unaligned > 0 && side.log !== undefined) notes.push(`the ${label} has ${side.unaligned} entries without a name or file digest (not compared)`);
    const errors = side.log?.errors.length ?? 0;
    if (errors > 0) notes.push(`the ${label} has ${errors} parse errors: only the entries read are compared`);
  }
  return notes;
}
