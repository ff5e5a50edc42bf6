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
 * Pure and copy-free: names and digests are read where they lie, through a ByteSource per
 * side (the model's data, the file behind it, or the copy of them a reference read back from
 * its file keeps: ImaParseOptions.keepNamesAndDigests). Names get path ids in a hash table of entry
 * indices (`NameTable`); a list that follows the reference's order takes the reference's ids
 * by comparing each name with the reference's next one, without hashing. A path with one
 * digest per side (most) is judged by comparing two digests; a path measured with several
 * digests by comparing its entries with the other side's, and only a path measured many times
 * goes through a set of (path, digest) pairs (`DigestPairs`). Per-entry results are
 * typed arrays, and only the paths that differ are decoded into strings for the groups.
 */
import { templateFieldRange } from '../ima/template-field-range';
import { memoryByteSource, type ByteSource } from '../model/byte-source';
import { NO_DIGEST_ALGORITHM, type ImaLog, type IndexIntoEntryTable } from '../model/ima-log';
import { decodeText, encodeText, isZeroAt, toHex } from '../util/bytes';
import type { CompiledExcludes } from '../policy/excludes';
import type { PolicyFormat } from '../policy/runtime-policy';
import { DigestPairs, MAX_PAIR_DIGEST, MAX_PAIR_TAGS } from './digest-pairs';
import { equalRanges, NameTable, Scratch, WARM_BATCH, type SideBytes } from './name-table';
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
const NONE = -1;

/**
 * What one pass over a side learns per entry: its path id, algorithm tag and kind. For a
 * policy reference (compare-policy.ts) an "entry" is one (path, accepted digest) pair and
 * there is no log.
 */
export interface SideScan {
  readonly log?: ImaLog;
  readonly bytes: SideBytes;
  /** Path id; -1 when not aligned. */
  readonly path: Int32Array;
  /** Algorithm id (AlgorithmNames) of the entry's file digest; meaningful where `path` ≥ 0. */
  readonly tag: Uint8Array;
  readonly entryClass: Uint8Array;
  readonly bootStarts: number[];
  readonly kernelVersions: Array<{ index: number; version: string }>;
  readonly algorithmEntries: Uint32Array;
  violations: number;
  unaligned: number;
  /** Entries the reference policy's excludes match (EntryCompare.Excluded). */
  excluded: number;
}

/** The tables both sides are interned into: side REF is the reference. */
export interface CompareTables {
  readonly sides: readonly [SideBytes, SideBytes];
  readonly paths: NameTable;
  readonly algorithms: AlgorithmNames;
}

export function compareTables(reference: SideBytes, failing: SideBytes): CompareTables {
  const sides = [reference, failing] as const;
  return { sides, paths: new NameTable(sides, reference.nameOffset.length), algorithms: new AlgorithmNames() };
}

/** A list's names and file digests, read through `source` (its data, or the file behind it). */
export function listBytes(log: ImaLog, source: ByteSource = log.bytes): SideBytes {
  const e = log.entries;
  return { source, nameOffset: e.nameOffset, nameLength: e.nameLength, digestOffset: e.fileDigestOffset, digestLength: e.fileDigestLength };
}

/**
 * `sides`: where each list's names and file digests are read (default: the models' columns and
 * `bytes`): the list's file in chunks, or the copy a reference read back from its file kept of
 * them (ImaParseOptions.keepNamesAndDigests).
 */
export function compareLogs(
  reference: ImaLog,
  failing: ImaLog,
  sides: { readonly reference?: SideBytes; readonly failing?: SideBytes } = {},
): LogComparison {
  return compareWithReference(scanReference(reference, sides.reference), failing, sides.failing);
}

/** A reference list scanned on its own (its names interned), waiting for the failing list (one). */
export interface ScannedReference {
  readonly tables: CompareTables;
  readonly scan: SideScan;
}

/** No failing side yet: nothing of it is read while the reference is scanned. */
const NO_SIDE: SideBytes = {
  source: memoryByteSource(new Uint8Array(0)),
  nameOffset: new Uint32Array(0),
  nameLength: new Uint32Array(0),
  digestOffset: new Uint32Array(0),
  digestLength: new Uint16Array(0),
};

/**
 * The first half of compareLogs, for a caller that has the reference before the failing list
 * (the CLI scans it while a thread parses the failing list): compareWithReference finishes.
 */
export function scanReference(reference: ImaLog, bytes: SideBytes = listBytes(reference)): ScannedReference {
  const tables = compareTables(bytes, NO_SIDE);
  return { tables, scan: scanSide(reference, REF, tables) };
}

/** compareLogs of a scanned reference and the failing list; `failingBytes` as compareLogs' `sides.failing`. */
export function compareWithReference({ tables: refTables, scan: ref }: ScannedReference, failing: ImaLog, failingBytes: SideBytes = listBytes(failing)): LogComparison {
  refTables.paths.setSide(FAIL, failingBytes);
  const tables: CompareTables = { ...refTables, sides: [refTables.sides[REF], failingBytes] };
  const fail = scanSide(failing, FAIL, tables, { follow: ref });
  return compareScans(ref, fail, tables, { reference: (paths) => listFacts(ref, paths, tables.algorithms), notes: [] });
}

/**
 * The comparison of two scanned sides. `extra`: the reference's facts (a list's or a
 * policy's, given its count of paths) and what the caller has to say about it; a policy has
 * no order, so no divergence.
 */
export function compareScans(
  ref: SideScan,
  fail: SideScan,
  tables: CompareTables,
  extra: { readonly reference: (paths: number) => SideFacts; readonly notes: readonly string[] },
): LogComparison {
  const { paths, algorithms } = tables;
  const digests = new PathDigests(tables, ref, fail);
  const pathClass = digests.classify();
  const tally = new Uint32Array(ENTRY_COMPARE_NAMES.length);
  for (let p = 0; p < pathClass.length; p++) tally[pathClass[p]]++;
  const counts: ClassCounts = {
    changed: tally[EntryCompare.Changed],
    new: tally[EntryCompare.New],
    gone: tally[EntryCompare.Gone],
    same: tally[EntryCompare.Same],
    incomparable: tally[EntryCompare.Incomparable],
    excluded: fail.excluded,
  };
  const divergence = ref.log === undefined ? undefined : findDivergence(ref, fail, tables);
  return {
    counts,
    reference: extra.reference(presentPaths(paths.first[REF], pathClass.length)),
    failing: listFacts(fail, presentPaths(paths.first[FAIL], pathClass.length), algorithms),
    groups: buildGroups(ref, fail, pathClass, digests, tables),
    ...(divergence !== undefined ? { divergence } : {}),
    notes: [...extra.notes, ...comparabilityNotes(ref, fail, counts, algorithms)],
    entryClass: { reference: ref.entryClass, failing: fail.entryClass },
  };
}

function presentPaths(first: Int32Array, pathCount: number): number {
  let n = 0;
  for (let p = 0; p < pathCount; p++) if (first[p] !== NONE) n++;
  return n;
}

/**
 * The digests each side measured per path, and from them the class of every path and entry.
 * Most paths have one digest per side (however often measured), so their sides compare with
 * one byte comparison of their first entries; the paths a side measured with several digests
 * compare their entries with each other's (a few each), or, for a path measured many times,
 * through a set of (path, algorithm, digest) pairs.
 */
class PathDigests {
  private readonly scratch = new Scratch();
  /**
   * Per side: bit per algorithm the side measured the path with. Absent when the two lists
   * use one algorithm between them: every path both measured then shares it.
   */
  private readonly masks?: [Uint16Array, Uint16Array];
  /** Bit 1 << side: that side measured the path with more than one (algorithm, digest). */
  readonly several: Uint8Array;
  /**
   * Per side, its entries that repeat a path (not the path's first entry), in order: with
   * `first`, every entry of a path measured more than once, without a pass over all entries.
   */
  readonly repeats: [EntryList, EntryList] = [new EntryList(), new EntryList()];

  constructor(
    private readonly tables: CompareTables,
    private readonly ref: SideScan,
    private readonly fail: SideScan,
  ) {
    const n = tables.paths.size;
    if (tables.algorithms.names.length > 1) this.masks = [new Uint16Array(n), new Uint16Array(n)];
    this.several = new Uint8Array(n);
    this.tally(ref, REF);
    this.tally(fail, FAIL);
  }

  /** The algorithms both sides measured path `p` with, a bit each. */
  private shared(p: number): number {
    const masks = this.masks;
    return masks === undefined ? 1 : masks[REF][p] & masks[FAIL][p];
  }

  /** Per path its EntryCompare class; sets every aligned entry's class. */
  classify(): Uint8Array {
    const { ref, fail, several } = this;
    const first = this.tables.paths.first;
    const n = several.length;
    const pathClass = new Uint8Array(n);
    let mixed = 0;
    for (let p = 0; p < n; p++) {
      const r = first[REF][p];
      const f = first[FAIL][p];
      if (r === NONE) pathClass[p] = EntryCompare.New;
      else if (f === NONE) pathClass[p] = EntryCompare.Gone;
      else if (this.shared(p) === 0) pathClass[p] = EntryCompare.Incomparable;
      else if (several[p] !== 0) {
        pathClass[p] = EntryCompare.Same; // until a failing entry is found changed
        mixed++;
      } else pathClass[p] = this.sameDigest(REF, r, FAIL, f) ? EntryCompare.Same : EntryCompare.Changed;
    }
    // A path with one digest per side: each entry's class is its path's.
    for (const side of [ref, fail]) {
      for (let i = 0; i < side.path.length; i++) {
        const p = side.path[i];
        if (p !== NONE) side.entryClass[i] = pathClass[p];
      }
    }
    if (mixed > 0) this.classifySeveral(pathClass, mixed);
    return pathClass;
  }

  private tally(side: SideScan, s: 0 | 1): void {
    const first = this.tables.paths.first[s];
    const mask = this.masks?.[s];
    const bit = 1 << s;
    for (let i = 0; i < side.path.length; i++) {
      const p = side.path[i];
      if (p === NONE) continue;
      if (mask !== undefined) mask[p] |= 1 << side.tag[i];
      const j = first[p];
      if (j === i) continue;
      this.repeats[s].push(i);
      if ((this.several[p] & bit) === 0 && !this.sameDigest(s, j, s, i)) this.several[p] |= bit;
    }
  }

  /**
   * Entries of the `mixed` paths measured with several digests (still classed Same): each is
   * Same when the other side measured its (algorithm, digest) for the path, else Changed, or
   * Incomparable when the other side never used its algorithm for the path. Each path's
   * entries are gathered per side and compared with each other's, every pair once; a path
   * with more than MAX_PAIRS_COMPARED pairs goes through DigestPairs instead.
   */
  private classifySeveral(pathClass: Uint8Array, mixed: number): void {
    const sides = [this.ref, this.fail] as const;
    const first = this.tables.paths.first;
    // Each mixed path's number (in order of first appearance among the repeats: every mixed
    // path has a repeat on some side) and its entries per side, its first then its repeats,
    // grouped by number: `entries[s]` from `start[s][m]` to `start[s][m + 1]`.
    const numbers = new SmallIntMap(mixed);
    const isMixed = (p: number): boolean => this.several[p] !== 0 && pathClass[p] === EntryCompare.Same;
    for (const s of [REF, FAIL] as const) {
      const { list, length } = this.repeats[s];
      for (let k = 0; k < length; k++) {
        const p = sides[s].path[list[k]];
        if (isMixed(p)) numbers.idOf(p);
      }
    }
    const paths = numbers.keys();
    const start = [REF, FAIL].map((s) => {
      const { list, length } = this.repeats[s];
      const count = new Int32Array(mixed + 1);
      for (let k = 0; k < length; k++) {
        const p = sides[s].path[list[k]];
        if (isMixed(p)) count[numbers.idOf(p) + 1]++;
      }
      for (let m = 0; m < mixed; m++) count[m + 1] += count[m] + 1; // + its first entry
      return count;
    });
    const entries = [REF, FAIL].map((s) => {
      const out = new Int32Array(start[s][mixed]);
      const next = start[s].slice(0, mixed);
      for (let m = 0; m < mixed; m++) out[next[m]++] = first[s][paths[m]];
      const { list, length } = this.repeats[s];
      for (let k = 0; k < length; k++) {
        const p = sides[s].path[list[k]];
        if (isMixed(p)) out[next[numbers.idOf(p)]++] = list[k];
      }
      return out;
    });
    let pairs: DigestPairs | undefined;
    for (let m = 0; m < mixed; m++) {
      const p = paths[m];
      const [r0, r1, f0, f1] = [start[REF][m], start[REF][m + 1], start[FAIL][m], start[FAIL][m + 1]];
      if ((r1 - r0) * (f1 - f0) > MAX_PAIRS_COMPARED) {
        pairs ??= new DigestPairs(this.tables.sides, entriesOfLargePaths(start, mixed));
        this.classifyByPairs(pairs, p, entries[REF].subarray(r0, r1), entries[FAIL].subarray(f0, f1), pathClass);
        continue;
      }
      const shared = this.shared(p);
      for (let a = r0; a < r1; a++) {
        const i = entries[REF][a];
        this.ref.entryClass[i] = (shared & (1 << this.ref.tag[i])) === 0 ? EntryCompare.Incomparable : EntryCompare.Changed;
      }
      for (let b = f0; b < f1; b++) {
        const j = entries[FAIL][b];
        if ((shared & (1 << this.fail.tag[j])) === 0) {
          this.fail.entryClass[j] = EntryCompare.Incomparable;
          continue;
        }
        let same = false;
        for (let a = r0; a < r1; a++) {
          const i = entries[REF][a];
          if (this.sameDigest(REF, i, FAIL, j)) {
            this.ref.entryClass[i] = EntryCompare.Same;
            same = true;
          }
        }
        this.fail.entryClass[j] = same ? EntryCompare.Same : EntryCompare.Changed;
        // A path is changed if any failing entry is: what a policy made from the reference rejects.
        if (!same) pathClass[p] = EntryCompare.Changed;
      }
    }
  }

  /** classifySeveral for one path measured many times: by the set of pairs each side measured. */
  private classifyByPairs(pairs: DigestPairs, p: number, refEntries: Int32Array, failEntries: Int32Array, pathClass: Uint8Array): void {
    const sides = [this.ref, this.fail] as const;
    const lists = [refEntries, failEntries] as const;
    for (const s of [REF, FAIL] as const) for (const i of lists[s]) pairs.add(p, s, i, sides[s].tag[i]);
    const shared = this.shared(p);
    for (const s of [REF, FAIL] as const) {
      const side = sides[s];
      const otherBit = 1 << (1 - s);
      for (const i of lists[s]) {
        if ((shared & (1 << side.tag[i])) === 0) side.entryClass[i] = EntryCompare.Incomparable;
        else if ((pairs.add(p, s, i, side.tag[i]) & otherBit) !== 0) side.entryClass[i] = EntryCompare.Same;
        else {
          side.entryClass[i] = EntryCompare.Changed;
          if (s === FAIL) pathClass[p] = EntryCompare.Changed;
        }
      }
    }
  }

  private sameDigest(a: 0 | 1, i: number, b: 0 | 1, j: number): boolean {
    const x = this.tables.sides[a];
    const y = this.tables.sides[b];
    const length = x.digestLength[i];
    return (
      (a === REF ? this.ref : this.fail).tag[i] === (b === REF ? this.ref : this.fail).tag[j] &&
      y.digestLength[j] === length &&
      equalRanges(x.source, x.digestOffset[i], y.source, y.digestOffset[j], length, this.scratch)
    );
  }
}

/** Most (reference entry, failing entry) pairs of one path compared one by one. */
const MAX_PAIRS_COMPARED = 64;

/** Entries of both sides of the mixed paths with more than MAX_PAIRS_COMPARED pairs. */
function entriesOfLargePaths(start: readonly Int32Array[], mixed: number): number {
  let n = 0;
  for (let m = 0; m < mixed; m++) {
    const r = start[REF][m + 1] - start[REF][m];
    const f = start[FAIL][m + 1] - start[FAIL][m];
    if (r * f > MAX_PAIRS_COMPARED) n += r + f;
  }
  return n;
}

/** A growing list of entry indices (or path ids). */
class EntryList {
  list = new Int32Array(1024);
  length = 0;

  push(i: number): void {
    if (this.length === this.list.length) {
      const grown = new Int32Array(2 * this.length);
      grown.set(this.list);
      this.list = grown;
    }
    this.list[this.length++] = i;
  }
}

/**
 * Small consecutive ids for up to `capacity` non-negative integers, in order of first
 * appearance: a table of a few cache lines' worth per key, where an array indexed by the
 * integer would touch pages across all of them.
 */
class SmallIntMap {
  private readonly slots: Int32Array;
  private readonly ids: Int32Array;
  private readonly order: Int32Array;
  private readonly mask: number;
  /** 32 − log2(slots): the hash's high bits pick the slot. */
  private readonly shift: number;
  private count = 0;

  constructor(capacity: number) {
    let bits = 4;
    while (1 << bits < capacity * 2) bits++;
    this.slots = new Int32Array(1 << bits).fill(NONE);
    this.ids = new Int32Array(1 << bits);
    this.order = new Int32Array(capacity);
    this.mask = (1 << bits) - 1;
    this.shift = 32 - bits;
  }

  /** The id of `key`, the next one if new. */
  idOf(key: number): number {
    const { slots, mask } = this;
    for (let k = Math.imul(key, 0x9e3779b1) >>> this.shift; ; k = (k + 1) & mask) {
      if (slots[k] === key) return this.ids[k];
      if (slots[k] === NONE) {
        slots[k] = key;
        this.order[this.count] = key;
        return (this.ids[k] = this.count++);
      }
    }
  }

  /** The keys by id. */
  keys(): Int32Array {
    return this.order.subarray(0, this.count);
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

/** An empty scan of `n` entries. */
export function newSideScan(n: number, bytes: SideBytes, log?: ImaLog): SideScan {
  return {
    ...(log !== undefined ? { log } : {}),
    bytes,
    path: new Int32Array(n).fill(NONE),
    tag: new Uint8Array(n),
    entryClass: new Uint8Array(n),
    bootStarts: [],
    kernelVersions: [],
    algorithmEntries: new Uint32Array(MAX_ALGORITHMS),
    violations: 0,
    unaligned: 0,
    excluded: 0,
  };
}

/**
 * `options` for a failing list judged against a policy: boot_aggregate is then a path like any
 * other (Keylime looks it up in `digests`), and names `excluded` matches are not aligned.
 * `follow`: the reference already scanned, whose order this list most likely shares: an entry
 * naming the same path as the reference's next entry takes its id without a hash lookup.
 */
export function scanSide(
  log: ImaLog,
  side: 0 | 1,
  { sides, paths, algorithms }: CompareTables,
  options: { readonly alignBootAggregate?: boolean; readonly excluded?: (name: Uint8Array) => boolean; readonly follow?: SideScan } = {},
): SideScan {
  const e = log.entries;
  const n = e.length;
  const bytes = sides[side];
  const source = bytes.source;
  const scan = newSideScan(n, bytes, log);
  const algorithmOf = log.digestAlgorithms.map((name) => algorithms.id(name));
  const follow = options.follow?.path;
  const other = (1 - side) as 0 | 1;
  const first = paths.first;
  let next = 0;
  for (let i = 0; i < n; i++) {
    // A list that does not follow another interns most of its names: a batch at a time.
    if (follow === undefined && i % WARM_BATCH === 0) paths.warm(side, i, Math.min(n, i + WARM_BATCH));
    const nameOffset = bytes.nameOffset[i];
    const nameLength = bytes.nameLength[i];
    if (nameLength === MARKER_LENGTH) {
      const at = source.at(nameOffset, nameLength);
      if (bytesAt(source.bytes, at, BOOT_AGGREGATE)) {
        scan.bootStarts.push(i);
        if (options.alignBootAggregate !== true) continue;
      } else if (bytesAt(source.bytes, at, KERNEL_VERSION)) scan.kernelVersions.push({ index: i, version: kernelVersionOf(log, i) });
    }
    if (bytes.violation !== undefined ? bytes.violation[i] === 1 : isViolation(log, i)) {
      scan.entryClass[i] = EntryCompare.Violation;
      scan.violations++;
      continue;
    }
    const algorithm = e.fileDigestAlgorithm[i];
    const digestLength = bytes.digestLength[i];
    if (nameLength === 0 || algorithm === NO_DIGEST_ALGORITHM || digestLength === 0 || digestLength > MAX_PAIR_DIGEST) {
      scan.unaligned++;
      continue;
    }
    if (options.excluded !== undefined) {
      const at = source.at(nameOffset, nameLength);
      if (options.excluded(source.bytes.subarray(at, at + nameLength))) {
        scan.entryClass[i] = EntryCompare.Excluded;
        scan.excluded++;
        continue;
      }
    }
    let p: number;
    if (follow !== undefined && next < follow.length && follow[next] !== NONE && paths.sameName(side, i, other, next)) {
      p = follow[next++];
      if (first[side][p] === NONE) first[side][p] = i;
    } else {
      p = paths.intern(side, i);
      // Where the reference first named it: its next entry is the likeliest to follow.
      if (follow !== undefined && first[other][p] !== NONE) next = first[other][p] + 1;
    }
    const a = algorithmOf[algorithm];
    scan.path[i] = p;
    scan.tag[i] = a;
    scan.algorithmEntries[a]++;
  }
  return scan;
}

function bytesAt(data: Uint8Array, offset: number, expected: Uint8Array): boolean {
  for (let k = 0; k < expected.length; k++) if (data[offset + k] !== expected[k]) return false;
  return true;
}

/** An all-zero template digest: the kernel's mark of a measurement violation. */
function isViolation(log: ImaLog, i: IndexIntoEntryTable): boolean {
  const source = log.bytes;
  const start = source.at(log.entries.entryOffset[i] + 4, log.digestSize);
  return isZeroAt(source.bytes, start, log.digestSize);
}

/** The `buf` text of a kernel_version record; its digest when the template has no buf. */
function kernelVersionOf(log: ImaLog, i: IndexIntoEntryTable): string {
  const t = log.templates[log.entries.template[i]];
  const range = t.name === 'ima' ? undefined : templateFieldRange(log, i, t.fields.indexOf('buf'));
  if (range !== undefined) {
    const at = log.bytes.at(range.offset, range.length);
    return decodeText(log.bytes.bytes.subarray(at, at + range.length));
  }
  const length = log.entries.fileDigestLength[i];
  const at = log.bytes.at(log.entries.fileDigestOffset[i], length);
  return `(no buf field; digest ${toHex(log.bytes.bytes.subarray(at, at + length))})`;
}

function listFacts(side: SideScan, paths: number, algorithms: AlgorithmNames): SideFacts {
  const log = side.log;
  if (log === undefined) throw new Error('listFacts: a side without a log');
  const templateCounts = new Uint32Array(log.templates.length);
  for (let i = 0; i < log.entries.length; i++) templateCounts[log.entries.template[i]]++;
  return {
    kind: 'list',
    entries: log.entries.length,
    paths,
    templates: log.templates
      .map((t, i) => ({ name: t.name, entries: templateCounts[i] }))
      .filter((t) => t.entries > 0),
    digestAlgorithms: usedAlgorithms(side, algorithms),
    templateDigestSize: log.digestSize,
    boots: bootSegments(side, log),
    kernelVersions: side.kernelVersions,
    violations: side.violations,
    unaligned: side.unaligned,
    parseErrors: log.errors.length,
  };
}

/** Entries per normalised file-digest algorithm a side measured with. */
export function usedAlgorithms(side: SideScan, algorithms: AlgorithmNames): SideFacts['digestAlgorithms'] {
  return algorithms.names.map((algorithm, a) => ({ algorithm, entries: side.algorithmEntries[a] })).filter((a) => a.entries > 0);
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
    return start < 0 ? segment : { ...segment, digest: entryDigest(side, start) };
  });
}

/** "algorithm:hex" of entry i's file digest, as the list names the algorithm. */
function entryDigest(side: SideScan, i: IndexIntoEntryTable): string {
  const log = side.log;
  const algorithm = log === undefined ? undefined : log.digestAlgorithms[log.entries.fileDigestAlgorithm[i]];
  return `${algorithm ?? 'unknown'}:${toHex(digestBytes(side.bytes, i))}`;
}

/** Entry i's file digest (valid until its source's next read). */
function digestBytes(bytes: SideBytes, i: number): Uint8Array {
  const length = bytes.digestLength[i];
  const at = bytes.source.at(bytes.digestOffset[i], length);
  return bytes.source.bytes.subarray(at, at + length);
}

function nameText(bytes: SideBytes, i: number): string {
  const length = bytes.nameLength[i];
  const at = bytes.source.at(bytes.nameOffset[i], length);
  return decodeText(bytes.source.bytes.subarray(at, at + length));
}

/**
 * Gathers, for the paths that differ only, their digests per side (distinct, in the order the
 * side first measured them, with counts), then files them in groups. From PathDigests: the
 * bits of the sides that measured a path with more than one digest (the others have one), and
 * each side's repeated entries (a path's others are its first).
 */
function buildGroups(ref: SideScan, fail: SideScan, pathClass: Uint8Array, digests: PathDigests, { paths, algorithms }: CompareTables): CompareGroup[] {
  const { several, repeats } = digests;
  // Each differing path's index among them, by path.
  const differs = (p: number): boolean => {
    const c = pathClass[p];
    return c === EntryCompare.Changed || c === EntryCompare.New || c === EntryCompare.Gone;
  };
  const list = new EntryList();
  for (let p = 0; p < pathClass.length; p++) if (differs(p)) list.push(p);
  const differing = list.length;
  const index = new SmallIntMap(differing);
  for (let k = 0; k < differing; k++) index.idOf(list.list[k]);
  // A path's entries on a side are its first and its repeats: per differing path and side, how
  // many repeats, and the repeats themselves (in order) where the side measured several digests.
  const sides = [ref, fail] as const;
  const repeated = [new Uint32Array(differing), new Uint32Array(differing)];
  const later = [new Map<number, number[]>(), new Map<number, number[]>()];
  for (const s of [REF, FAIL] as const) {
    const { list, length } = repeats[s];
    for (let k = 0; k < length; k++) {
      const i = list[k];
      const p = sides[s].path[i];
      if (!differs(p)) continue;
      repeated[s][index.idOf(p)]++;
      if ((several[p] & (1 << s)) === 0) continue;
      const known = later[s].get(p);
      if (known === undefined) later[s].set(p, [i]);
      else known.push(i);
    }
  }
  const first = paths.first;
  const digestsOf = (s: 0 | 1, p: number): DigestCount[] => {
    const i = first[s][p];
    if (i === NONE) return [];
    const side = sides[s];
    const more = later[s].get(p);
    if (more === undefined) return [{ algorithm: algorithms.names[side.tag[i]], hex: toHex(digestBytes(side.bytes, i)), count: repeated[s][index.idOf(p)] + 1 }];
    // "tag:hex" → DigestCount, in the order the side first measured each.
    const tally = new Map<string, DigestCount>();
    for (const e of [i, ...more]) {
      const hex = toHex(digestBytes(side.bytes, e));
      const key = `${side.tag[e]}:${hex}`;
      tally.set(key, { algorithm: algorithms.names[side.tag[e]], hex, count: (tally.get(key)?.count ?? 0) + 1 });
    }
    return [...tally.values()];
  };
  interface Building {
    kind: PathGroupKind;
    changed: number;
    new: number;
    gone: number;
    paths: ComparedPath[];
  }
  const groups = new Map<string, Building>();
  for (const p of index.keys()) {
    const path = decodeText(paths.bytes(p));
    const { key, kind } = pathGroup(path);
    let group = groups.get(key);
    if (group === undefined) groups.set(key, (group = { kind, changed: 0, new: 0, gone: 0, paths: [] }));
    const cls = ENTRY_COMPARE_NAMES[pathClass[p]] as 'changed' | 'new' | 'gone';
    group[cls]++;
    group.paths.push({
      path,
      class: cls,
      reference: digestsOf(REF, p),
      failing: digestsOf(FAIL, p),
      ...(first[REF][p] !== NONE ? { referenceEntry: first[REF][p] } : {}),
      ...(first[FAIL][p] !== NONE ? { failingEntry: first[FAIL][p] } : {}),
    });
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

function findDivergence(ref: SideScan, fail: SideScan, tables: CompareTables): Divergence | undefined {
  const nr = ref.path.length;
  const nf = fail.path.length;
  const scratch = new Scratch();
  // Entries agree when they name the same path with the same digest; unaligned entries
  // (boot_aggregates, violations) agree when their names and digests do.
  for (let i = 0; i < Math.min(nr, nf); i++) {
    const p = ref.path[i];
    const sameEntry =
      p !== NONE || fail.path[i] !== NONE
        ? p === fail.path[i] &&
          ref.tag[i] === fail.tag[i] &&
          ref.bytes.digestLength[i] === fail.bytes.digestLength[i] &&
          equalRanges(ref.bytes.source, ref.bytes.digestOffset[i], fail.bytes.source, fail.bytes.digestOffset[i], ref.bytes.digestLength[i], scratch)
        : describeEntry(ref, i, tables) === describeEntry(fail, i, tables);
    if (!sameEntry) return divergedAt(i);
  }
  return nr === nf ? undefined : divergedAt(Math.min(nr, nf));

  function divergedAt(i: number): Divergence {
    const entry = (side: SideScan): DivergedEntry | undefined => {
      if (i >= side.path.length) return undefined;
      const full = describeEntry(side, i, tables);
      const tab = full.indexOf('\t');
      return { path: full.slice(0, tab), digest: full.slice(tab + 1) };
    };
    const r = entry(ref);
    const f = entry(fail);
    return { index: i, ...(r ? { reference: r } : {}), ...(f ? { failing: f } : {}) };
  }
}

/** "path\tdigest" of one entry of a list. */
function describeEntry(side: SideScan, i: number, { paths, algorithms }: CompareTables): string {
  const p = side.path[i];
  if (p !== NONE) return `${decodeText(paths.bytes(p))}\t${algorithms.names[side.tag[i]]}:${toHex(digestBytes(side.bytes, i))}`;
  const name = nameText(side.bytes, i);
  if (side.entryClass[i] === EntryCompare.Violation) return `${name}\tviolation`;
  return `${name}\t${side.bytes.digestLength[i] > 0 ? entryDigest(side, i) : '(no file digest)'}`;
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
