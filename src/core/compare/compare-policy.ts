/**
 * A Keylime runtime policy as the known-good reference: its accepted digests stand for the
 * reference list's measurements, and the failing list is aligned with them by path, as
 * Keylime's evaluator looks paths up (keylime-eval.ts `validateNg`):
 *
 *   changed  the policy lists the path but not a digest the failing list measured for it,
 *   new      the policy does not list the path,
 *   gone     the policy lists a path the failing list never measured,
 *   same     every digest the failing list measured for the path is accepted,
 *   incomparable  the policy's digests for the path are of other lengths (sha1 against sha256).
 *
 * Keylime compares hex strings whatever the algorithm, so a policy digest takes the failing
 * list's algorithm of its length. Keylime looks an entry up by its kind: a file (templates
 * `ima`, `ima-ng`, `ima-sig`) in `digests`, a buffer record (`ima-buf`) in `keyrings` when it
 * holds a key and in `ima-buf` otherwise. So each name has a kind on both sides (NameKind): a
 * file path aligns only with `digests`, an `ima-buf` name only with `keyrings` and `ima-buf`
 * together (which of the two depends on the buffer's content, which a diff does not parse; a
 * name in both lists is one path with the digests of both). boot_aggregate is a path here:
 * Keylime looks it up in `digests` like any file. Names the policy's excludes match are
 * not compared (EntryCompare.Excluded), on either side. A policy has no order: no divergence.
 * What Keylime never matches (upper-case or odd hex) is counted, never aligned.
 */
import { digestSize, hashAlgorithmsOfSize, parseHashAlgorithm } from '../hash/hash-algorithm';
import { memoryByteSource, type ByteSource } from '../model/byte-source';
import type { ImaLog } from '../model/ima-log';
import { compileExcludes } from '../policy/excludes';
import type { LoadedPolicy } from '../policy/runtime-policy';
import { decodeText } from '../util/bytes';
import { plural } from '../util/count-text';
import { MAX_PAIR_DIGEST } from './digest-pairs';
import { compareScans, compareTables, listBytes, newSideScan, scanSide, usedAlgorithms, type AlgorithmNames, type CompareTables, type LogComparison, type SideScan } from './compare-logs';
import { NameKind, type SideBytes } from './name-table';

const REF = 0;
const FAIL = 1;

/** The policy's names and digests laid out in one buffer, so the interner can point into it. */
interface PolicyBuffer {
  readonly data: Uint8Array;
  /** Per accepted (name, digest): offsets into `data`. */
  readonly nameOffset: Uint32Array;
  readonly nameLength: Uint32Array;
  readonly digestOffset: Uint32Array;
  readonly digestLength: Uint16Array;
  /** NameKind of each pair: File from `digests`, Buffer from `keyrings` and `ima-buf`. */
  readonly kind: Uint8Array;
  readonly pairs: number;
  /** Digests Keylime never matches (not lower-case hex of whole bytes). */
  readonly unreadable: number;
  /** Names the policy's own excludes match. */
  readonly excludedPaths: number;
}

/** `failingSource`: where the failing list's bytes are read (default: its data). */
export function comparePolicy(loaded: LoadedPolicy, failing: ImaLog, failingSource: ByteSource = failing.bytes): LogComparison {
  const policy = loaded.policy;
  const excludes = compileExcludes(policy.excludes);
  const isExcluded = (name: string): boolean => excludes.match(name);
  const known = layOutPolicy(
    [
      { map: policy.digests, kind: NameKind.File },
      { map: policy.keyrings, kind: NameKind.Buffer },
      { map: policy.imaBuf, kind: NameKind.Buffer },
    ],
    isExcluded,
  );
  const tables = compareTables(policyBytes(known), { ...listBytes(failing, failingSource), kind: entryKinds(failing) });
  // The failing list's algorithms take the first ids, as it names them (the facts list them in id order).
  for (const name of failing.digestAlgorithms) tables.algorithms.id(name);
  const ref = scanPolicy(known, tables, failing);
  const fail = scanSide(failing, FAIL, tables, {
    alignBootAggregate: true,
    follow: ref,
    ...(excludes.status === 'ok' ? { excluded: (name: Uint8Array) => isExcluded(decodeText(name)) } : {}),
  });
  const notes: string[] = [];
  if (known.unreadable > 0) notes.push(`the policy has ${plural(known.unreadable, 'digest', 'digests')} that are not lower-case hex: Keylime never matches them, so they are not compared`);
  if (excludes.status === 'ignored' || excludes.status === 'inexact') {
    notes.push(`the policy's excludes are not applied (${excludes.reason ?? excludes.status}): every path is compared`);
  }
  if (loaded.format === 'keylime-dsse') notes.push('the policy is read from its DSSE envelope; the signature is not checked here');
  return compareScans(ref, fail, tables, {
    reference: (paths) => ({
      kind: 'policy',
      entries: known.pairs,
      paths,
      templates: [],
      digestAlgorithms: usedAlgorithms(ref, tables.algorithms),
      templateDigestSize: 0,
      boots: [],
      kernelVersions: [],
      violations: 0,
      unaligned: known.unreadable,
      parseErrors: 0,
      policy: { format: loaded.format, excludes: policy.excludes.length, excludesStatus: excludes.status, excludedPaths: known.excludedPaths },
    }),
    notes,
  });
}

/** Each entry's NameKind as Keylime looks it up: `ima-buf` entries are buffers, the rest files. */
function entryKinds(log: ImaLog): Uint8Array {
  const byTemplate = log.templates.map((t) => (t.name === 'ima-buf' ? NameKind.Buffer : NameKind.File));
  const template = log.entries.template;
  const kinds = new Uint8Array(log.entries.length);
  for (let i = 0; i < kinds.length; i++) kinds[i] = byTemplate[template[i]];
  return kinds;
}

function layOutPolicy(lists: ReadonlyArray<{ readonly map: ReadonlyMap<string, readonly string[]>; readonly kind: number }>, isExcluded: (name: string) => boolean): PolicyBuffer {
  // Two passes without a string, array or view per path or digest (a fleet policy holds
  // millions; hence forEach, not an entry pair per path): sizes and the paths kept first, then
  // names encoded and digests decoded straight into one buffer.
  const kept = new Uint8Array(lists.reduce((n, list) => n + list.map.size, 0));
  let bytes = 0;
  let pairs = 0;
  let unreadable = 0;
  let excludedPaths = 0;
  let n = 0;
  for (const { map } of lists) {
    map.forEach((digests, name) => {
      const path = n++;
      if (isExcluded(name)) {
        excludedPaths++;
        return;
      }
      let readable = 0;
      for (const d of digests) {
        if (!isLowerHex(d)) unreadable++;
        else {
          readable++;
          bytes += d.length / 2;
        }
      }
      if (readable === 0) return;
      kept[path] = 1;
      bytes += utf8Length(name);
      pairs += readable;
    });
  }
  const data = new Uint8Array(bytes);
  const out = {
    data,
    nameOffset: new Uint32Array(pairs),
    nameLength: new Uint32Array(pairs),
    digestOffset: new Uint32Array(pairs),
    digestLength: new Uint16Array(pairs),
    kind: new Uint8Array(pairs),
    pairs,
    unreadable,
    excludedPaths,
  };
  let at = 0;
  let k = 0;
  n = 0;
  for (const { map, kind } of lists) {
    map.forEach((digests, name) => {
      if (kept[n++] === 0) return;
      const nameAt = at;
      at = writeUtf8(name, data, at);
      for (const hex of digests) {
        if (!isLowerHex(hex)) continue;
        out.nameOffset[k] = nameAt;
        out.nameLength[k] = at - nameAt;
        out.digestOffset[k] = at;
        out.digestLength[k] = hex.length / 2;
        out.kind[k] = kind;
        for (let c = 0; c < hex.length; c += 2) data[at++] = (hexValue(hex.charCodeAt(c)) << 4) | hexValue(hex.charCodeAt(c + 1));
        k++;
      }
    });
  }
  return out;
}

const encoder = new TextEncoder();

/** Writes `s` as UTF-8 at `data[at]` and returns the end: ASCII by hand, the rest by TextEncoder. */
function writeUtf8(s: string, data: Uint8Array, at: number): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) return at + encoder.encodeInto(s, data.subarray(at)).written;
    data[at + i] = c;
  }
  return at + s.length;
}

/** Lower-case hex of whole bytes, as Keylime can match it, and short enough to align. */
function isLowerHex(d: string): boolean {
  if (d.length === 0 || d.length % 2 !== 0 || d.length / 2 > MAX_PAIR_DIGEST) return false;
  for (let c = 0; c < d.length; c++) if (hexValue(d.charCodeAt(c)) < 0) return false;
  return true;
}

/** 0–15 for 0-9 a-f; -1 otherwise (upper case included: Keylime never matches it). */
function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 102) return code - 87;
  return -1;
}

/** Bytes of `s` in UTF-8 (lone surrogates count as the 3 bytes of U+FFFD, as TextEncoder writes them). */
function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

function policyBytes(known: PolicyBuffer): SideBytes {
  return {
    source: memoryByteSource(known.data),
    nameOffset: known.nameOffset,
    nameLength: known.nameLength,
    digestOffset: known.digestOffset,
    digestLength: known.digestLength,
    kind: known.kind,
  };
}

/** One "entry" per accepted (name, digest), tagged with the failing list's algorithm of its size. */
function scanPolicy(known: PolicyBuffer, tables: CompareTables, failing: ImaLog): SideScan {
  const n = known.pairs;
  const side = newSideScan(n, tables.sides[REF]);
  side.unaligned = known.unreadable;
  const algorithmOfSize = algorithmsBySize(failing, tables.algorithms);
  for (let k = 0; k < n; k++) {
    const a = algorithmOfSize(known.digestLength[k]);
    // A path's digests are consecutive: the second and later take the first's id.
    side.path[k] = k > 0 && known.nameOffset[k] === known.nameOffset[k - 1] ? side.path[k - 1] : tables.paths.intern(REF, k);
    side.tag[k] = a;
    side.algorithmEntries[a]++;
  }
  return side;
}

/** Digest size → algorithm id: the failing list's algorithm of that size, else the usual one. */
function algorithmsBySize(failing: ImaLog, algorithms: AlgorithmNames): (size: number) => number {
  const bySize = new Map<number, number>();
  for (const name of failing.digestAlgorithms) {
    const alg = parseHashAlgorithm(name.replace(/^ima:/, ''));
    if (alg !== undefined && !bySize.has(digestSize(alg))) bySize.set(digestSize(alg), algorithms.id(name));
  }
  return (size) => {
    let id = bySize.get(size);
    if (id === undefined) bySize.set(size, (id = algorithms.id(hashAlgorithmsOfSize(size)[0] ?? `${size * 8}-bit`)));
    return id;
  };
}
