/**
 * Facts about the log that need no supplied PCRs: templates, byte order, violations,
 * template-hash results, boots (`boot_aggregate` entries) and kexec markers
 * (ima-format.md §6, §7.3–7.4). They fill `report.log` and feed the findings rules.
 */
import { EntryFlag, type ByteOrder, type ImaLog } from '../model/ima-log';
import { countEntries } from '../model/entry-counts';
import type { TemplateHashSummary } from '../ima/template-digests';
import { readEntryName } from '../ima/template-digests';
import { templateFieldRange } from '../ima/template-field-range';
import { parseKexecRecord } from '../ima/decode/kexec-record';
import type { KexecFact, ReportLog } from '../report/report';
import { decodeText, toHex } from '../util/bytes';
import { digestSize, parseHashAlgorithm } from '../hash/hash-algorithm';

export interface BootFact {
  readonly index: number;
  /**
   * "sha256:hex" as in the d-ng field (the `d` field reads "sha1:hex"); undefined when the
   * entry records no file digest (a custom template without d, d-ng or d-ngv2, e.g. `n-ng`).
   */
  readonly digest?: string;
  /** The digest's algorithm and lowercase hex; both '' when there is no digest. */
  readonly algorithm: string;
  readonly hex: string;
  /** What the kernel's list-size counter read when this boot began (see KexecMarker). */
  readonly runtimeSizeBefore?: number;
}

/** Where the serialized size of the carried list would be at each entry (kexec checks). */
export interface KexecMarker extends KexecFact {
  /** Entries before the marker (what `count` should equal). */
  readonly entriesBefore: number;
  /** Serialized size of those entries with 20-byte digests plus the 24-byte kexec header. */
  readonly bytesBefore: number;
  /**
   * What the kernel's own counter (`ima_binary_runtime_size`) should read here: like
   * `bytesBefore`, but counting `strlen(descriptor name)`, which is 0 for custom
   * `ima_template_fmt=` templates although their format string is written (§7.3 quirk).
   */
  readonly runtimeSizeBefore: number;
  /** Size of this record's own entry as the kernel counts it (it joins the list it reports on). */
  readonly runtimeSize: number;
}

/** A `kexec-cmdline` record (func=KEXEC_CMDLINE, ima-buf): the command line given to kexec. */
export interface KexecCmdline {
  readonly index: number;
  readonly text: string;
}

export interface LogFacts {
  readonly report: ReportLog;
  readonly boots: readonly BootFact[];
  readonly kexec: readonly KexecMarker[];
  readonly cmdlines: readonly KexecCmdline[];
  readonly unknownTemplate: readonly number[];
  /** Distinct template names of the first 100 of those entries (for the finding). */
  readonly unknownTemplateNames: readonly string[];
  readonly oppositeByteOrder: readonly number[];
  /**
   * The byte order of the length words the list's template hashes establish, as the kernel
   * hashed them: 'mixed' when entries verify in both, undefined when no entry whose hash
   * depends on the order (any template but `ima`) verified. An ASCII list is re-encoded
   * little-endian, so a big-endian kernel's verifies only in the opposite order: 'big'.
   */
  readonly hashOrder: ByteOrder | 'mixed' | undefined;
  /** Entries of templates from kernels since 3.13 (all but `ima`) whose name has a space. */
  readonly namesWithSpaces: readonly number[];
  /** Entries whose file digest's length is not its named algorithm's (`sha256:` with 20 bytes). */
  readonly digestSizeMismatches: readonly number[];
}

const KEXEC_HEADER_SIZE = 24;

function fileDigestOf(log: ImaLog, i: number): { algorithm: string; hex: string } {
  const e = log.entries;
  // d-ngv2 names the digest's type before its algorithm ("ima:sha256"): the algorithm is last.
  const named = log.digestAlgorithms[e.fileDigestAlgorithm[i]] ?? 'unknown';
  const algorithm = named.slice(named.lastIndexOf(':') + 1);
  const length = e.fileDigestLength[i];
  const at = log.bytes.at(e.fileDigestOffset[i], length);
  return { algorithm, hex: toHex(log.bytes.bytes.subarray(at, at + length)) };
}

/** The `buf` field of an ima-buf entry (kexec records carry their counters there). */
function bufferOf(log: ImaLog, i: number): Uint8Array | undefined {
  const t = log.templates[log.entries.template[i]];
  const range = t.name === 'ima' ? undefined : templateFieldRange(log, i, t.fields.indexOf('buf'));
  if (range === undefined) return undefined;
  const at = log.bytes.at(range.offset, range.length);
  return log.bytes.bytes.subarray(at, at + range.length);
}

export function computeLogFacts(log: ImaLog, hashes: TemplateHashSummary): LogFacts {
  const e = log.entries;
  const n = e.length;
  // Keyed by names from the log: no prototype, so `__proto__` or `constructor` is plain data.
  const templates: Record<string, number> = Object.create(null) as Record<string, number>;
  const boots: BootFact[] = [];
  const kexec: KexecMarker[] = [];
  const cmdlines: KexecCmdline[] = [];
  const unknownTemplate: number[] = [];
  const oppositeByteOrder: number[] = [];
  const namesWithSpaces: number[] = [];
  const digestSizeMismatches: number[] = [];
  // Per digest algorithm named in the log, its size when it is a known hash (d-ngv2 names
  // "ima:sha256"); entries without a digest field have length 0 and are not judged.
  const namedSizes = log.digestAlgorithms.map((name) => {
    const bank = parseHashAlgorithm(name.slice(name.lastIndexOf(':') + 1));
    return bank === undefined ? undefined : digestSize(bank);
  });
  // Kernels since 3.13 (ima-ng and every later or custom template) write `_` for spaces.
  const replacesSpaces = log.templates.map((t) => t.name !== 'ima');
  // Entries whose template hash verified in the list's own order and depends on it (not `ima`).
  let ownOrderVerified = 0;
  let bytesBefore = KEXEC_HEADER_SIZE;
  let runtimeSizeBefore = KEXEC_HEADER_SIZE;
  // Custom templates are named by their format string, which always holds a '|'… except a
  // one-field format; those are rare enough to be counted as built-in names.
  const countedName = log.templates.map((t) => !t.name.includes('|'));
  // Approximate for the legacy `ima` template (no length word in the list); kexec refuses it anyway.
  const kernelEntrySize = (i: number): number => {
    const t = e.template[i];
    return e.entrySize[i] - log.digestSize + 20 - (countedName[t] ? 0 : log.templates[t].name.length);
  };
  for (let i = 0; i < n; i++) {
    const flags = e.flags[i];
    if ((flags & EntryFlag.UnknownTemplate) !== 0) unknownTemplate.push(i);
    if ((flags & EntryFlag.OppositeByteOrder) !== 0) oppositeByteOrder.push(i);
    else if ((flags & EntryFlag.HashVerified) !== 0 && replacesSpaces[e.template[i]]) ownOrderVerified++;
    const nameLength = e.nameLength[i];
    if (replacesSpaces[e.template[i]]) {
      const at = log.bytes.at(e.nameOffset[i], nameLength);
      if (hasSpace(log.bytes.bytes, at, nameLength)) namesWithSpaces.push(i);
    }
    const digestLength = e.fileDigestLength[i];
    const named = namedSizes[e.fileDigestAlgorithm[i]];
    // Violations are exempt: kernels before 5.x left room for 20 bytes whatever the algorithm.
    const violation = (flags & EntryFlag.Violation) !== 0;
    if (!violation && digestLength > 0 && named !== undefined && digestLength !== named) digestSizeMismatches.push(i);
    // Names are only decoded where they can matter: short names of the few markers.
    if (nameLength === 14 || nameLength === 10 || nameLength === 13) {
      const name = readEntryName(log, i);
      if (name === 'boot_aggregate') {
        // No digest field, no aggregate: nothing to print as one (it was "unknown:").
        const d = e.fileDigestLength[i] > 0 ? fileDigestOf(log, i) : { algorithm: '', hex: '' };
        const digest = d.hex === '' ? {} : { digest: `${d.algorithm}:${d.hex}` };
        boots.push({ index: i, ...digest, algorithm: d.algorithm, hex: d.hex, runtimeSizeBefore });
      } else if (name === 'kexec_load' || name === 'kexec_execute') {
        const buf = bufferOf(log, i);
        const record = buf === undefined ? undefined : parseKexecRecord(decodeText(buf));
        kexec.push({
          index: i,
          event: name,
          segmentSize: record?.segmentSize,
          binarySize: record?.binarySize,
          count: record?.count,
          entriesBefore: i,
          bytesBefore,
          runtimeSizeBefore,
          runtimeSize: kernelEntrySize(i),
        });
      } else if (name === 'kexec-cmdline') {
        const buf = bufferOf(log, i);
        cmdlines.push({ index: i, text: buf === undefined ? '' : decodeText(buf) });
      }
    }
    // The kexec buffer always carries 20-byte (SHA-1) digests.
    bytesBefore += e.entrySize[i] - log.digestSize + 20;
    runtimeSizeBefore += kernelEntrySize(i);
  }
  const templateCounts = countEntries(log).perTemplate;
  log.templates.forEach((t, i) => {
    if (templateCounts[i] > 0) templates[t.name] = templateCounts[i];
  });
  const opposite = log.byteOrder === 'little' ? 'big' : 'little';
  const hashOrder = oppositeByteOrder.length === 0 ? (ownOrderVerified > 0 ? log.byteOrder : undefined) : ownOrderVerified > 0 ? 'mixed' : opposite;
  const report: ReportLog = {
    entries: n,
    templates,
    // A binary list's framing is in its own order whatever its template hashes say; an ASCII
    // list has no framing, so its order is the one its template hashes establish.
    byteOrder: log.format === 'ascii' ? (hashOrder ?? log.byteOrder) : oppositeByteOrder.length > 0 ? 'mixed' : log.byteOrder,
    violations: hashes.violations,
    templateHash: { checked: hashes.checked, mismatches: hashes.mismatches },
    boots: boots.map(reportBoot),
    kexec: kexec.map(({ index, event, segmentSize, binarySize, count }) => {
      const fact: KexecFact = { index, event };
      if (segmentSize !== undefined) fact.segmentSize = segmentSize;
      if (binarySize !== undefined) fact.binarySize = binarySize;
      if (count !== undefined) fact.count = count;
      return fact;
    }),
    errors: log.errors.map((err) => ({ offset: err.offset, message: err.message })),
  };
  const unknownTemplateNames = [...new Set(unknownTemplate.slice(0, 100).map((i) => log.templates[e.template[i]].name))];
  return { report, boots, kexec, cmdlines, unknownTemplate, unknownTemplateNames, oppositeByteOrder, hashOrder, namesWithSpaces, digestSizeMismatches };
}

/** A boot as the report lists it: `digest` only when the entry records one. */
export function reportBoot(b: BootFact): ReportLog['boots'][number] {
  return b.digest === undefined ? { index: b.index } : { index: b.index, digest: b.digest };
}

function hasSpace(data: Uint8Array, offset: number, length: number): boolean {
  for (let k = offset; k < offset + length; k++) if (data[k] === 0x20) return true;
  return false;
}
